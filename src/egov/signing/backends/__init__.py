"""Signing backends: ``local_ca`` (development and tests) and the documented extension points for a
USB token (``pkcs11``) and a remote signing service (``remote``)."""
