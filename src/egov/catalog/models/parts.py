"""What belongs to one procedure version: required papers, fees, internal process steps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.permissions import Role


class RequiredPaper(models.Model):
    """One component of the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    case_note = models.CharField(_("applies when"), max_length=255, blank=True)
    template = models.FileField(_("blank template"), upload_to="catalog/templates/", blank=True)
    reusable_result_type = models.CharField(
        _("may be taken from issued results of type"),
        max_length=32,
        blank=True,
        help_text=_(
            "Result type code; a result of this type in the applicant's e-store can be used instead."
        ),
    )
    from_national_database = models.BooleanField(
        _("taken from national databases"),
        default=False,
        help_text=_(
            "The state already holds it; the applicant is not asked to upload it (Decree 118 Art. 17.1b)."
        ),
    )

    class Meta:
        verbose_name = _("required paper")
        verbose_name_plural = _("required papers")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name[:80]


class Fee(models.Model):
    class Kind(models.TextChoices):
        FEE = "fee", _("Fee (phí)")
        CHARGE = "charge", _("Charge (lệ phí)")

    version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CHARGE)
    name = models.CharField(_("name"), max_length=255)
    amount = models.PositiveIntegerField(
        _("amount (đồng)"), null=True, blank=True, help_text=_("Empty when it depends on the case.")
    )
    channel = models.CharField(_("applies to channel"), max_length=16, blank=True)
    description = models.TextField(_("description"), blank=True)
    exemption = models.TextField(_("exemptions"), blank=True)

    class Meta:
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return self.name


class StepTemplate(models.Model):
    """One step of the internal process the back office follows (quy trình nội bộ)."""

    version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the agency that received the dossier."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    quota_hours = models.DecimalField(
        _("time quota (working hours)"),
        max_digits=7,
        decimal_places=2,
        help_text=_("1 working day = 8 hours."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
