"""The Decision 766/QĐ-TTg indicator set for serving citizens and businesses (spec §4): five groups —
transparency, timeliness, online services, digitisation, satisfaction — 100 points, each indicator
with its formula, N/A when its denominator is 0, two decimals of a percentage, and the points it earns
(docs/reports.md has the method and what is assumed). The figures come from the summary tables
(:class:`~egov.reports.selectors.ReportRow`) and the procedure catalogue; indicators whose data the
platform does not record yet are N/A with the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Agency
from egov.catalog.models import Fee, ProcedureVersion, RequiredPaper, StepTemplate
from egov.dossiers.statistics import rate
from egov.reports.conf import report_setting
from egov.reports.periods import Period
from egov.reports.selectors import ReportRow, procedures_with

POINTS_QUANTUM = Decimal("0.01")

GROUPS: dict[str, Promise] = {
    "1": _("Transparency"),
    "2": _("Timeliness and results"),
    "3": _("Online services"),
    "4": _("Digitisation"),
    "5": _("Satisfaction"),
}
GROUP_POINTS = {"1": 18, "2": 20, "3": 22, "4": 22, "5": 18}

TITLES: dict[str, Promise] = {
    "1.1": _("Procedures announced on time"),
    "1.2": _("Procedures published on the national database on time"),
    "1.3": _("Procedures published with all their components"),
    "1.4": _("Dossiers synchronised with the National Public Service Portal"),
    "2.1": _("Dossiers resolved early or on time"),
    "2.2": _("Average processing time (working days)"),
    "3.1": _("Procedures offered as online public services"),
    "3.2": _("Online services that received dossiers"),
    "3.3": _("Dossiers submitted online"),
    "3.5": _("Fee-bearing procedures payable online on the national portal"),
    "3.6": _("Dossiers paid online"),
    "4.1": _("Dossiers with an electronic result"),
    "4.2": _("Dossiers digitised (papers and result)"),
    "4.3": _("Dossiers reusing digitised data"),
    "4.4": _("Dossiers linked with the personal e-store"),
    "4.5": _("Dossiers using population data (VNeID, national databases)"),
    "5.1": _("Feedback by category"),
    "5.2": _("Feedback handled on time"),
    "5.3": _("Satisfaction with the handling of feedback"),
    "5.4": _("Satisfaction with the handling of dossiers"),
}
FORMULAS: dict[str, Promise] = {
    "1.1": _(
        "Procedures whose announcing decision came at least 5 working days before the law's effect / "
        "procedures announced in the period."
    ),
    "1.2": _(
        "Procedures published on the national database within 5 working days of the decision / procedures "
        "to publish."
    ),
    "1.3": _(
        "Published procedures with name, steps, method, papers, time limit, applicants and agency / "
        "published procedures."
    ),
    "1.4": _(
        "Dossiers received in the period with a code on "
        "the national portal / dossiers received in the period."
    ),
    "2.1": _(
        "Dossiers resolved early or on time / dossiers resolved in the period (indicator 2.1 rule, "
        "docs/statistics.md)."
    ),
    "2.2": _(
        "Working time from reception to the end, without "
        "the applicant's time, averaged over the dossiers resolved."
    ),
    "3.1": _("Procedures offered fully or partly online / procedures."),
    "3.2": _(
        "Online procedures that received at least one dossier online in the period / online procedures."
    ),
    "3.3": _("Dossiers received online (with an electronic result when resolved) / dossiers received."),
    "3.5": _(
        "Fee-bearing procedures with a dossier received in the period and paid on the national payment "
        "platform / fee-bearing procedures."
    ),
    "3.6": _(
        "Dossiers received in the period and paid online (national platform or local gateway) / dossiers "
        "received of fee-bearing procedures."
    ),
    "4.1": _("Dossiers resolved with an electronic result / dossiers resolved."),
    "4.2": _("Dossiers resolved with papers as files and an electronic result / dossiers resolved."),
    "4.3": _(
        "Dossiers received with a paper reused from the e-store or national databases / dossiers received."
    ),
    "4.4": _(
        "Dossiers received with a paper from the personal e-store, "
        "or whose result was filed in it / dossiers "
        "received."
    ),
    "4.5": _(
        "Dossiers received from a VNeID-authenticated account or with population data / dossiers received."
    ),
    "5.1": _("Feedback about regulations or about officials' conduct / feedback."),
    "5.2": _(
        "Feedback refused within 2, supplemented within 5, answered "
        "within 15, published within 2 working days "
        "/ feedback."
    ),
    "5.3": _("(Feedback − disliked, overdue or raised again) / feedback."),
    "5.4": _("1 − (overdue rate + rate of dossiers with feedback or a dislike), not below 0."),
}
NOT_RECORDED: dict[str, Promise] = {
    "1.1": _(
        "Not available: the catalogue does not record the announcing decisions and the law's effective dates."
    ),
    "1.2": _(
        "Not available: the catalogue does not record when the national database published the procedure."
    ),
    "5.1": _("Not available: citizen feedback (PAKN) is not recorded yet."),
    "5.2": _("Not available: citizen feedback (PAKN) is not recorded yet."),
    "5.3": _("Not available: citizen feedback (PAKN) is not recorded yet."),
}


def _pairs(values: Iterable[str]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for item in values:
        key, _sep, value = item.partition(":")
        if key.strip() and value.strip():
            found[key.strip()] = Decimal(value.strip())
    return found


def points_table() -> dict[str, Decimal]:
    return _pairs(list(report_setting("points")))


def full_points_table() -> dict[str, Decimal]:
    return _pairs(list(report_setting("full_points_at")))


@dataclass(frozen=True)
class Indicator:
    id: str
    value: Decimal | None  # a fraction of 1, or working days for 2.2; None = N/A
    numerator: Any = None
    denominator: Any = None
    max_points: Decimal = Decimal(0)
    points: Decimal | None = None
    note: str = ""
    is_days: bool = False

    @property
    def group(self) -> str:
        return self.id.split(".")[0]

    @property
    def title(self) -> Promise:
        return TITLES[self.id]

    @property
    def formula(self) -> Promise:
        return FORMULAS[self.id]

    @property
    def is_available(self) -> bool:
        return self.value is not None

    @property
    def anchor(self) -> str:
        return "chi-so-" + self.id.replace(".", "-")


@dataclass
class GroupScore:
    id: str
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def title(self) -> Promise:
        return GROUPS[self.id]

    @property
    def points(self) -> Decimal:
        return sum((i.points or Decimal(0) for i in self.indicators), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        """The points of the indicators that could be computed."""
        return sum((i.max_points for i in self.indicators if i.points is not None), Decimal(0))

    @property
    def full_points(self) -> int:
        return GROUP_POINTS[self.id]


@dataclass
class Scorecard:
    groups: list[GroupScore]

    @property
    def indicators(self) -> list[Indicator]:
        return [indicator for group in self.groups for indicator in group.indicators]

    def get(self, indicator_id: str) -> Indicator:
        return next(indicator for indicator in self.indicators if indicator.id == indicator_id)

    @property
    def on_time(self) -> Indicator:
        return self.get("2.1")

    @property
    def online(self) -> Indicator:
        return self.get("3.3")

    @property
    def satisfaction(self) -> Indicator:
        return self.get("5.4")

    @property
    def points(self) -> Decimal:
        return sum((group.points for group in self.groups), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((group.max_points for group in self.groups), Decimal(0))


def earned(
    indicator_id: str, value: Decimal | None, *, points: dict[str, Decimal], full_at: dict[str, Decimal]
) -> Decimal | None:
    """Points earned: all of them from the indicator's threshold up, pro rata below (spec §4); an
    indicator without a threshold earns points × rate. None for N/A."""
    maximum = points.get(indicator_id, Decimal(0))
    if value is None:
        return None
    threshold = full_at.get(indicator_id)
    share = min(Decimal(1), value / threshold) if threshold else min(Decimal(1), value)
    return (maximum * share).quantize(POINTS_QUANTUM, ROUND_HALF_UP)


# -- the catalogue side -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFacts:
    """Published procedures of a scope and what the catalogue says of them."""

    procedures: frozenset[int]
    online: frozenset[int]
    complete: frozenset[int]
    fee_bearing: frozenset[int]


def catalogue_facts(agency_ids: Iterable[int] | None) -> CatalogueFacts:
    """The procedures published in the scope: all of them for the whole province (``None`` or a scope
    holding a root agency), otherwise those that an agency of the scope implements."""
    versions = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    scope = None if agency_ids is None else set(agency_ids)
    if scope is not None:
        roots = set(Agency.objects.filter(parent__isnull=True, pk__in=scope).values_list("pk", flat=True))
        if not roots:
            versions = versions.filter(implementing_agencies__in=scope)
    rows = list(
        versions.annotate(
            has_papers=Exists(RequiredPaper.objects.filter(version=OuterRef("pk"))),
            has_steps=Exists(StepTemplate.objects.filter(version=OuterRef("pk"))),
            has_agencies=Exists(
                ProcedureVersion.implementing_agencies.through.objects.filter(
                    procedureversion_id=OuterRef("pk")
                )
            ),
            has_fee=Exists(Fee.objects.filter(version=OuterRef("pk"), amount__gt=0)),
        )
        .values_list(
            "procedure_id",
            "name",
            "online_level",
            "processing_time_text",
            "processing_days",
            "applicant_type",
            "implementing_agency_text",
            "has_papers",
            "has_steps",
            "has_agencies",
            "has_fee",
        )
        .distinct()
    )
    procedures, online, complete, fees = set(), set(), set(), set()
    for (
        procedure_id,
        name,
        level,
        time_text,
        days,
        applicant,
        agency_text,
        papers,
        steps,
        agencies,
        fee,
    ) in rows:
        procedures.add(procedure_id)
        if level in {ProcedureVersion.OnlineLevel.FULL, ProcedureVersion.OnlineLevel.PARTIAL}:
            online.add(procedure_id)
        # Decree 63/2010 Art. 8.2 as indicator 1.3 checks it: name, steps, method, papers, time limit,
        # applicants, agency (the method is the online level, always recorded).
        if (
            name.strip()
            and steps
            and papers
            and (time_text.strip() or days is not None)
            and applicant
            and (agency_text.strip() or agencies)
        ):
            complete.add(procedure_id)
        if fee:
            fees.add(procedure_id)
    return CatalogueFacts(frozenset(procedures), frozenset(online), frozenset(complete), frozenset(fees))


# -- the scorecard -------------------------------------------------------------------------------------------


def _rate_indicator(indicator_id: str, numerator: int, denominator: int, **context: Any) -> Indicator:
    value = rate(numerator, denominator)
    points, full_at = context["points"], context["full_at"]
    return Indicator(
        id=indicator_id,
        value=value,
        numerator=numerator,
        denominator=denominator,
        max_points=points.get(indicator_id, Decimal(0)),
        points=earned(indicator_id, value, points=points, full_at=full_at),
        note=context.get("note", ""),
    )


def _not_recorded(indicator_id: str, points: dict[str, Decimal]) -> Indicator:
    return Indicator(
        id=indicator_id,
        value=None,
        max_points=points.get(indicator_id, Decimal(0)),
        note=str(NOT_RECORDED[indicator_id]),
    )


def scorecard(
    *,
    row: ReportRow,
    period: Period,
    agency_ids: Iterable[int] | None,
    catalogue: CatalogueFacts | None = None,
    online_used: set[int] | None = None,
    paid_national_used: set[int] | None = None,
) -> Scorecard:
    """Every indicator of the set for one scope and period (``row`` is its total)."""
    points, full_at = points_table(), full_points_table()
    context = {"points": points, "full_at": full_at}
    facts = catalogue or catalogue_facts(agency_ids)
    used = online_used
    if used is None:
        used = procedures_with(measure="received_online", period=period, agency_ids=agency_ids)
    paid = paid_national_used
    if paid is None:
        paid = procedures_with(measure="paid_national", period=period, agency_ids=agency_ids)
    found: list[Indicator] = [
        _not_recorded("1.1", points),
        _not_recorded("1.2", points),
        _rate_indicator("1.3", len(facts.complete), len(facts.procedures), **context),
        _rate_indicator(
            "1.4",
            row.synced,
            row.received,
            **context,
            note=str(_("Denominator: dossiers received here (the national counts are not available to us).")),
        ),
    ]
    if report_setting("on_time_includes_in_progress") and row.has_backlog:
        found.append(
            _rate_indicator(
                "2.1",
                row.resolved_early + row.resolved_on_time + row.in_progress_on_time,
                row.handled,
                **context,
            )
        )
    else:
        found.append(
            _rate_indicator("2.1", row.resolved_early + row.resolved_on_time, row.resolved, **context)
        )
    found.append(
        Indicator(
            id="2.2",
            value=row.average_processing_days,
            numerator=None,
            denominator=row.resolved,
            max_points=points.get("2.2", Decimal(0)),
            points=Decimal(0) if points.get("2.2") and row.resolved else None,
            is_days=True,
        )
    )
    found += [
        _rate_indicator("3.1", len(facts.online), len(facts.procedures), **context),
        _rate_indicator("3.2", len(facts.online & used), len(facts.online), **context),
        _rate_indicator("3.3", row.online_counted, row.received, **context),
        _rate_indicator("3.5", len(facts.fee_bearing & paid), len(facts.fee_bearing), **context),
        _rate_indicator("3.6", row.paid_online, row.fee_bearing, **context),
        _rate_indicator("4.1", row.e_result, row.resolved, **context),
        _rate_indicator("4.2", row.digitised, row.resolved, **context),
        _rate_indicator("4.3", row.reused, row.received, **context),
        _rate_indicator("4.4", row.from_estore, row.received, **context),
        _rate_indicator("4.5", row.population_data, row.received, **context),
        _not_recorded("5.1", points),
        _not_recorded("5.2", points),
        _not_recorded("5.3", points),
    ]
    satisfaction = row.satisfaction_index
    found.append(
        Indicator(
            id="5.4",
            value=satisfaction,
            numerator=None,
            denominator=row.handled,
            max_points=points.get("5.4", Decimal(0)),
            points=earned("5.4", satisfaction, points=points, full_at=full_at),
            note=str(
                _("Feedback (PAKN) about dossiers is not recorded yet: only dislikes are counted.")
                if row.has_backlog
                else _("The period does not end at a month's end: dossiers in progress are not counted.")
            ),
        )
    )
    groups = {key: GroupScore(id=key) for key in GROUPS}
    for indicator in found:
        groups[indicator.group].indicators.append(indicator)
    return Scorecard(groups=list(groups.values()))
