"""The summary tables the dashboards read (docs/reports.md): figures per day and per month × agency ×
procedure × field, and the dossiers in progress at the end of each month (and now)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# Counted on the day of reception (of the dossiers received that day).
RECEIVED_MEASURES = (
    "received",
    "received_online",
    "received_postal",
    "online_counted",
    "synced",
    "reused",
    "from_estore",
    "population_data",
    "fee_bearing",
    "paid_online",
    "paid_national",
)
# Counted on the day the dossier finished (resolved, refused, withdrawn or stopped).
FINISHED_MEASURES = (
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_working_us",
    "e_result",
    "digitised",
    "refused",
    "withdrawn",
    "rated",
    "satisfied",
)
MEASURES = RECEIVED_MEASURES + FINISHED_MEASURES
BACKLOG_MEASURES = ("in_progress_on_time", "in_progress_overdue", "waiting_for_supplement")


def _count(label: Any) -> models.IntegerField:
    return models.IntegerField(label, default=0)


class Figures(models.Model):
    """Counts of dossiers of one agency (the processing agency, else the receiving one-stop section — the
    rule of docs/statistics.md), one procedure and one field. Maintained incrementally
    (egov.reports.rollup) and rebuilt by ``manage.py reports_rebuild``."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        "catalog.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+"
    )

    received = _count(_("received"))
    received_online = _count(_("received online"))
    received_postal = _count(_("received by post"))
    online_counted = _count(_("online dossiers counted by indicator 3.3"))
    synced = _count(_("synchronised with the National Public Service Portal"))
    reused = _count(_("reusing digitised data"))
    from_estore = _count(_("linked with the personal e-store"))
    population_data = _count(_("using population data (VNeID or national databases)"))
    fee_bearing = _count(_("of procedures with fees"))
    paid_online = _count(_("paid online"))
    paid_national = _count(_("paid on the national payment platform"))
    resolved_early = _count(_("resolved early"))
    resolved_on_time = _count(_("resolved on time"))
    resolved_late = _count(_("resolved late"))
    resolved_working_us = models.BigIntegerField(
        _("working time of the resolved dossiers (microseconds)"), default=0
    )
    e_result = _count(_("resolved with an electronic result"))
    digitised = _count(_("resolved and digitised"))
    refused = _count(_("refused"))
    withdrawn = _count(_("withdrawn or stopped"))
    rated = _count(_("rated"))
    satisfied = _count(_("rated satisfied"))

    class Meta:
        abstract = True


class DayFigures(Figures):
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure", "field"], name="reports_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}"


class MonthFigures(Figures):
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "field"], name="reports_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id}/{self.procedure_id}"


class Backlog(models.Model):
    """Dossiers in progress at the end of ``month`` — or, for the current month, at ``as_of`` — judged
    by indicator 2.1 as they stood then (docs/statistics.md): within the time limit or overdue."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    as_of = models.DateTimeField(_("as of"))
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        "catalog.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+"
    )
    in_progress_on_time = _count(_("in progress within the time limit"))
    in_progress_overdue = _count(_("in progress, overdue"))
    waiting_for_supplement = _count(_("waiting for a supplement"))

    class Meta:
        verbose_name = _("dossiers in progress at the end of a month")
        verbose_name_plural = _("dossiers in progress at the end of a month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "field"], name="reports_backlog_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id}/{self.procedure_id}"


class BacklogRun(models.Model):
    """When a month's dossiers in progress were last counted (also for a month without any)."""

    month = models.DateField(_("month"), primary_key=True)
    as_of = models.DateTimeField(_("as of"))

    class Meta:
        verbose_name = _("count of dossiers in progress")
        verbose_name_plural = _("counts of dossiers in progress")

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.as_of:%d/%m/%Y %H:%M}"
