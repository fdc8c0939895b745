from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class ProcedureVersion(TimeStampedModel):
    """Everything the national procedure database publishes about a procedure, at one point in time
    (the seven components of indicator 1.3: name, papers, time, fees, agencies, result, legal basis)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial level")
        COMMUNE = "commune", _("Commune level")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Fully online (toàn trình)")
        PARTIAL = "partial", _("Partly online (một phần)")
        NONE = "none", _("Not online")

    class Applicant(models.TextChoices):
        CITIZEN = "citizen", _("Citizens")
        BUSINESS = "business", _("Businesses and organisations")
        BOTH = "both", _("Citizens and businesses")

    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    plain_summary = models.TextField(
        _("plain explanation"), blank=True, help_text=_("What the procedure is for, in plain words.")
    )
    field = models.ForeignKey("catalog.Field", verbose_name=_("field"), on_delete=models.PROTECT)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    applicant_type = models.CharField(
        _("who may apply"), max_length=16, choices=Applicant.choices, default=Applicant.CITIZEN
    )
    online_level = models.CharField(
        _("online service level"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    implementing_agency_text = models.CharField(_("implementing agency"), max_length=500, blank=True)
    deciding_agency_text = models.CharField(_("deciding agency"), max_length=500, blank=True)
    implementing_agencies = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("agencies that process it in this province"),
        blank=True,
        related_name="procedure_versions",
    )
    processing_days = models.PositiveIntegerField(
        _("processing time (working days)"), help_text=_("0 means the result is given immediately.")
    )
    processing_days_online = models.PositiveIntegerField(
        _("processing time online (working days)"), null=True, blank=True, help_text=_("When it differs.")
    )
    processing_time_text = models.CharField(_("processing time as published"), max_length=500, blank=True)
    fee_text = models.TextField(_("fees as published"), blank=True)
    result_type = models.CharField(_("result"), max_length=500)
    result_type_code = models.CharField(
        _("result type code"),
        max_length=32,
        blank=True,
        help_text=_(
            "Code of the kind of paper issued, for e-result codes and reuse (e.g. KS: birth certificate)."
        ),
    )
    conditions = models.TextField(_("conditions"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    allows_any_location = models.BooleanField(
        _("received regardless of administrative boundary"),
        default=True,
        help_text=_("Any one-stop centre in the province may receive it (Decree 118/2025 Art. 14.2)."),
    )
    form_schema = models.JSONField(
        _("application form (JSON Schema)"), default=dict, blank=True, help_text=_("The e-form (tờ khai).")
    )
    form_ui = models.JSONField(_("form display hints"), default=dict, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="published"),
                name="one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_immediate(self) -> bool:
        return self.processing_days == 0

    def processing_days_for(self, *, is_online: bool) -> int:
        if is_online and self.processing_days_online is not None:
            return self.processing_days_online
        return self.processing_days
