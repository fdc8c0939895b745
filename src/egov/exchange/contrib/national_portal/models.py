from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class ProcedureMapping(TimeStampedModel):
    """Which local procedure a national procedure code stands for, where they differ. A code without a
    mapping is looked up as it is in the catalogue (which is synced from the national database, so most
    codes need no mapping); a code found neither way parks the dossier."""

    national_code = models.CharField(
        _("procedure code on the national portal"),
        max_length=32,
        unique=True,
        help_text=_("MaTTHC, e.g. 1.001193."),
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("local procedure"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("procedure mapping (national portal)")
        verbose_name_plural = _("procedure mappings (national portal)")
        ordering = ["national_code"]

    def __str__(self) -> str:
        return f"{self.national_code} → {self.procedure.national_code}"


class AgencyMapping(TimeStampedModel):
    """Which one-stop section receives the dossiers the portal routes to an agency identifier (MaDonVi),
    where the portal's identifier is not the agency's own electronic identifier code."""

    national_code = models.CharField(
        _("agency identifier on the national portal"), max_length=64, unique=True, help_text=_("MaDonVi.")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("receiving one-stop section"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("agency mapping (national portal)")
        verbose_name_plural = _("agency mappings (national portal)")
        ordering = ["national_code"]

    def __str__(self) -> str:
        return f"{self.national_code} → {self.agency.code}"


class NationalDossier(TimeStampedModel):
    """What the national portal told us about a dossier it routed here, beside our own record: its code
    there, the applicant's account, fees and payment (the flags of Decision 766 indicators 3.6, 4.4,
    4.5)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="national_portal",
    )
    national_code = models.CharField(_("code on the national portal"), max_length=64, unique=True)
    procedure_code = models.CharField(_("procedure code as received"), max_length=32)
    agency_code = models.CharField(_("agency identifier as received"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted on the national portal at"))
    applicant_type = models.CharField(_("applicant type"), max_length=2)
    identity_type = models.CharField(_("identity paper type"), max_length=2)
    is_vneid_authenticated = models.BooleanField(_("account authenticated with VNeID"), default=False)
    fees = models.JSONField(_("fees"), default=list, blank=True)
    paid_online = models.CharField(_("paid online"), max_length=2, default="0")
    summary = models.TextField(_("summary as received"), blank=True)
    paper_references = models.JSONField(
        _("papers held elsewhere"),
        default=list,
        blank=True,
        help_text=_("Papers taken from the national e-store or left at an address on the portal."),
    )
    inbox_message = models.ForeignKey(
        "exchange.InboxMessage", verbose_name=_("received as"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier from the national portal")
        verbose_name_plural = _("dossiers from the national portal")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.national_code


class ReconciliationReport(models.Model):
    """A comparison of what both sides hold for a period, and the sync rate (Decision 766 indicator 1.4:
    synced dossiers / the larger of the two counts)."""

    ran_at = models.DateTimeField(_("run at"), db_index=True)
    date_from = models.DateField(_("submitted from"))
    date_to = models.DateField(_("submitted to"))
    local_count = models.PositiveIntegerField(_("dossiers here"), default=0)
    portal_count = models.PositiveIntegerField(_("dossiers on the national portal"), default=0)
    synced_count = models.PositiveIntegerField(_("in step on both sides"), default=0)
    rate = models.DecimalField(_("sync rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    missing_on_portal = models.JSONField(_("missing on the national portal"), default=list, blank=True)
    unknown_here = models.JSONField(_("unknown here"), default=list, blank=True)
    status_differs = models.JSONField(_("status differs"), default=list, blank=True)
    resent = models.PositiveIntegerField(_("queued again"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation with the national portal")
        verbose_name_plural = _("reconciliations with the national portal")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.date_from}–{self.date_to}: {self.rate if self.rate is not None else '–'} %"
