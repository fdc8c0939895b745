from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel
from egov.dossiers.models.status import Status


class Dossier(TimeStampedModel):
    """An application for an administrative procedure (hồ sơ TTHC), from arrival to the returned result."""

    class Channel(models.TextChoices):
        DIRECT = "direct", _("At the counter")
        ONLINE = "online", _("Online")
        POSTAL = "postal", _("By post")

    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("receiving one-stop section"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.NEW, db_index=True
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_personal_id = models.CharField(_("personal identification number"), max_length=14, blank=True)
    applicant_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    acceptance_due_at = models.DateTimeField(
        _("to be accepted or returned for changes by"),
        null=True,
        blank=True,
        help_text=_("8 working hours after an online submission (Decree 118/2025 Art. 17.2)."),
    )
    processing_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("processing agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transfer_due_at = models.DateTimeField(_("to be transferred by"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("result returned"),
        max_length=16,
        choices=[("counter", _("At the counter")), ("online", _("Online")), ("post", _("By post"))],
        blank=True,
    )
    post_dispatched_at = models.DateTimeField(_("sent by post at"), null=True, blank=True)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    authorised_person = models.CharField(_("authorised person"), max_length=255, blank=True)
    is_receipt_requested = models.BooleanField(
        _("receipt requested"), default=False, help_text=_("For procedures with an immediate result.")
    )
    national_code = models.CharField(
        _("code on the National Public Service Portal"), max_length=64, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["receiving_agency", "status", "submitted_at"], name="dossier_queue_idx"),
            # A citizen's own dossiers. Partial: most dossiers have no account behind them (the counter,
            # the national portal), and over all rows the planner took the applicant for unselective.
            models.Index(
                fields=["applicant", "submitted_at"],
                condition=models.Q(applicant__isnull=False),
                name="dossier_own_idx",
            ),
            # The register numbers receipts per section and year (form 07), and statistics read by period.
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_received_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierPaper(models.Model):
    """One paper of the dossier: an uploaded or scanned file, an item reused from the e-store, or data
    the state already holds (nothing uploaded)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    required_paper = models.ForeignKey(
        "catalog.RequiredPaper",
        verbose_name=_("required paper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    name = models.TextField(_("name"))
    file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT, null=True, blank=True
    )
    estore_item = models.ForeignKey(
        "estore.EStoreItem",
        verbose_name=_("taken from the e-store"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    from_national_database = models.BooleanField(_("taken from national databases"), default=False)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scanned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    supplement = models.ForeignKey(
        "dossiers.SupplementRequest",
        verbose_name=_("supplied for the request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
    )

    class Meta:
        verbose_name = _("dossier paper")
        verbose_name_plural = _("dossier papers")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name[:80]


class DossierEvent(models.Model):
    """The append-only history of a dossier's status; the current status is cached on the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=32, choices=Status.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dossier status change")
        verbose_name_plural = _("dossier status changes")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class DossierCodeCounter(models.Model):
    """The last sequence number given per agency and day; locked while a code is taken, so codes are
    unique and gapless even when two officers receive at the same instant."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.day:%y%m%d} #{self.last_number}"
