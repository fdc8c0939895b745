from egov.signing.models.certificate import SigningCertificate

__all__ = ["SigningCertificate"]
