"""What the one-stop section issues and records: slips (forms 01–06), supplement requests, and the
rows of the process control slip (form 06)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Slip(models.Model):
    """An issued slip. Its content is frozen in ``data`` when issued; the PDF is rendered from it once,
    on first request, and kept (``file``)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt and appointment (form 01)")
        SUPPLEMENT_REQUEST = "supplement_request", _("Request to supplement (form 02)")
        REFUSAL = "refusal", _("Refusal (form 03)")
        APOLOGY = "apology", _("Apology and extension (form 04)")
        STOP_NOTICE = "stop_notice", _("Stop notice (form 05)")
        TRANSFER = "transfer", _("Transfer slip (Phiếu chuyển xử lý)")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="slips")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("content"), default=dict)
    file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("slip")
        verbose_name_plural = _("slips")
        ordering = ["dossier", "issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.dossier_id}"


class SupplementRequest(models.Model):
    """A request to supplement: the time it is open is the applicant's, never counted against the agency
    (spec §2), and one not fulfilled within 15 days closes the dossier (Decree 118/2025 Art. 19.5)."""

    class Stage(models.TextChoices):
        INTAKE = "intake", _("At reception")
        PROCESSING = "processing", _("During processing")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="supplement_requests"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    items = models.JSONField(_("what is missing"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    due_on = models.DateField(_("to be supplemented by"))
    fulfilled_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("closed unsupplemented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to supplement")
        verbose_name_plural = _("requests to supplement")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.requested_at:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None and self.expired_at is None


class ControlRow(models.Model):
    """One hand-over on the process control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ, form 06)."""

    class Outcome(models.TextChoices):
        EARLY = "early", _("Before the deadline")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="control_rows")
    step = models.CharField(_("step"), max_length=255)
    giver = models.CharField(_("handed over by"), max_length=255)
    receiver = models.CharField(_("received by"), max_length=255)
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed over at"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("control slip row")
        verbose_name_plural = _("control slip rows")
        ordering = ["dossier", "handed_at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.giver} → {self.receiver}"
