"""What each dossier currently adds to the summary tables, so that a change is applied as a difference
(old contribution out, new one in), whatever happened in between; and the queue of dossiers to apply."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DossierState(models.Model):
    """One dossier's contribution (egov.reports.contribution.Contribution), as last applied."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    field = models.ForeignKey(
        "catalog.Field", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    received_on = models.DateField(_("received on"), null=True)
    finished_on = models.DateField(_("finished on"), null=True)
    finish_kind = models.CharField(_("finished as"), max_length=16, blank=True)
    working_us = models.BigIntegerField(_("working time (microseconds)"), default=0)
    flags = models.IntegerField(_("flags"), default=0)
    rating = models.SmallIntegerField(_("rating"), null=True, help_text=_("1 satisfied, 0 not satisfied."))
    awaits_agency = models.BooleanField(_("the agencies must act"), default=False)
    current_due_at = models.DateTimeField(_("current appointment"), null=True)

    class Meta:
        verbose_name = _("dossier's contribution to the reports")
        verbose_name_plural = _("dossiers' contributions to the reports")
        indexes = [
            models.Index(fields=["finished_on", "agency"], name="reports_state_finished_idx"),
            models.Index(fields=["received_on", "agency"], name="reports_state_received_idx"),
            models.Index(
                fields=["current_due_at"], condition=Q(awaits_agency=True), name="reports_state_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class PendingDossier(models.Model):
    """A dossier whose contribution must be applied again: written in the transaction that changed it,
    removed once applied (a lost after-commit step is caught by the scheduler)."""

    dossier_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier waiting to be counted")
        verbose_name_plural = _("dossiers waiting to be counted")

    def __str__(self) -> str:
        return str(self.dossier_id)


class Watermark(models.Model):
    """The last row id of a table (ratings, results, extensions) whose dossiers have been queued."""

    name = models.CharField(max_length=64, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("watermark")
        verbose_name_plural = _("watermarks")

    def __str__(self) -> str:
        return f"{self.name} {self.last_id}"
