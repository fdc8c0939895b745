from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class ResultDocument(TimeStampedModel):
    """A signed result of a dossier (decision, licence, certificate…) or a signed rejection notice
    (Decree 118/2025 Art. 19.3, 22). The signed PDF is kept with its SHA-256 and never changed. A
    correction (Art. 23) is a new document that ``supersedes`` this one; this one stays stored and gets
    ``superseded_at`` (docs/results-and-signing.md)."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Result")
        REJECTION_NOTICE = "rejection_notice", _("Rejection notice")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="result_documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.PositiveIntegerField(
        _("number within the dossier"), help_text=_("The n of the e-result code <dossier code>-KQ<n>.")
    )
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(
        _("number and symbol"), max_length=64, help_text=_("Số và ký hiệu, e.g. 15/QĐ-STP.")
    )
    e_result_code = models.CharField(
        _("e-result code"),
        max_length=64,
        db_index=True,
        help_text=_(
            "Holder's identification number + result type code (Decree 118/2025 Art. 22.4); "
            "<dossier code>-KQ<n> when the holder has no personal identification number."
        ),
    )
    legacy_code = models.CharField(
        _("e-result code by dossier"),
        max_length=80,
        unique=True,
        help_text=_("<dossier code>-KQ<n> (Decree 45/2020 Art. 14.3), unique to this document."),
    )
    holder_personal_id = models.CharField(
        _("holder's personal identification number"), max_length=12, blank=True
    )
    result_type_code = models.CharField(_("result type code"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=500)
    content = models.JSONField(_("content"), default=dict, help_text=_("What the document says, as issued."))
    file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("signed PDF"), on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    issued_at = models.DateTimeField(_("issued at"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects and replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    correction_reason = models.TextField(_("error corrected"), blank=True)
    reported_at = models.DateTimeField(
        _("error reported at"),
        null=True,
        blank=True,
        help_text=_(
            "When the one-stop section passed the error on to the agency (Decree 118/2025 Art. 23.1)."
        ),
    )
    is_corrected_in_time = models.BooleanField(_("corrected within 3 working days"), null=True, blank=True)
    estore_item = models.ForeignKey(
        "estore.EStoreItem",
        verbose_name=_("filed in the e-store as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signed result")
        verbose_name_plural = _("signed results")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="result_number_in_dossier_unique"),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | models.Q(reported_at__isnull=False),
                name="result_correction_has_report_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} – {self.title}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
