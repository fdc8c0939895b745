from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class SigningCertificate(TimeStampedModel):
    """A certificate of the local test CA (``DOCUMENT_SIGNING_BACKEND=local_ca``): its root, or one agency's
    signing certificate. The private key is kept sealed with a key derived from ``SECRET_KEY``
    (``signing/keys.py``); it never leaves the database in clear and is never shown. A certificate is
    never deleted: a replaced one is retired, and old roots stay trust anchors for what they signed
    (docs/results-and-signing.md)."""

    class Kind(models.TextChoices):
        ROOT = "root", _("Root of the local test CA")
        AGENCY = "agency", _("Agency signing certificate")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer = models.ForeignKey(
        "self",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued",
    )
    subject = models.CharField(_("subject"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=64)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    sealed_private_key = models.TextField(_("sealed private key"), editable=False)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["kind", "agency", "-not_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="root", retired_at__isnull=True),
                name="signing_one_active_root",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(kind="agency", retired_at__isnull=True),
                name="signing_one_active_certificate_per_agency",
            ),
            models.CheckConstraint(
                condition=(Q(kind="root", agency__isnull=True) | Q(kind="agency", agency__isnull=False)),
                name="signing_agency_only_on_agency_certificates",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
