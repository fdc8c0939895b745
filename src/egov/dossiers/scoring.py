"""The evaluation of how dossiers are handled: the nine indicators of TT 01/2018/TT-VPCP Art. 13, each
scored 2, 1 or 0 (spec §3; Decree 118/2025 Art. 29–34 keeps the structure), per unit and per officer.

Indicators 1, 2, 3, 4 and 7 are scored per dossier and averaged over the dossiers (one decimal); 5, 6, 8
and 9 are scored per unit. What our data cannot show yet (5, 6, 7, 8) is reported as not available,
with what it needs — never guessed. Thresholds come from ``settings.EVALUATION_SCORING`` because newer
guidance (TT 03/2025, Decision 766) may change them. The method in full: docs/statistics.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.accounts.models import Agency, User
from egov.dossiers.models import DossierStep, StepHolding, SupplementRequest
from egov.dossiers.statistics import (
    RESOLVED,
    ClassifiedDossier,
    Outcome,
    classified_dossiers,
    period_bounds,
    period_dossiers,
    rate,
    visible_agency_ids,
)

SCORE_QUANTUM = Decimal("0.1")


# -- configuration -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringThresholds:
    """Defaults from TT 01/2018 Art. 13–15 (spec §3)."""

    online_procedures_full: Decimal = Decimal("0.20")
    online_dossiers_full: Decimal = Decimal("0.30")
    online_dossiers_partial: Decimal = Decimal("0.15")
    officer_full: Decimal = Decimal("5")
    officer_partial: Decimal = Decimal("3.5")
    unit_excellent: Decimal = Decimal("15")
    unit_good: Decimal = Decimal("12")
    unit_fair: Decimal = Decimal("9")
    unit_average: Decimal = Decimal("6")
    grade_partial: bool = False

    @classmethod
    def from_settings(cls) -> ScoringThresholds:
        configured: dict[str, Any] = dict(getattr(settings, "EVALUATION_SCORING", {}))
        values: dict[str, Any] = {}
        for name, default in cls().__dict__.items():
            if name not in configured:
                continue
            raw = configured[name]
            values[name] = bool(raw) if isinstance(default, bool) else Decimal(str(raw))
        return cls(**values)


# -- the indicators ---------------------------------------------------------------------------------------


class Scope(models.TextChoices):
    DOSSIER = "dossier", _("Per dossier")
    UNIT = "unit", _("Per unit")


@dataclass(frozen=True)
class Indicator:
    number: int
    title: str | Promise
    scope: Scope
    needs: str | Promise = ""  # what the data lacks; empty when we compute it

    @property
    def is_available(self) -> bool:
        return not self.needs


INDICATORS: tuple[Indicator, ...] = (
    Indicator(1, _("Total processing time against the time limit"), Scope.DOSSIER),
    Indicator(2, _("Each unit's time against its quota"), Scope.DOSSIER),
    Indicator(3, _("Contacts the applicant needed to complete the dossier"), Scope.DOSSIER),
    Indicator(4, _("Agencies the applicant had to go to"), Scope.DOSSIER),
    Indicator(
        5,
        _("The one-stop section appraises and approves"),
        Scope.UNIT,
        _("a record, per procedure, of the appraisal and approval delegated to the one-stop section"),
    ),
    Indicator(
        6,
        _("Publication of the procedures"),
        Scope.UNIT,
        _("a record of where each procedure is posted: at the one-stop section and electronically"),
    ),
    Indicator(
        7,
        _("Officers' attitude"),
        Scope.DOSSIER,
        _("citizen feedback (PAKN) linked to dossiers, with the complaints found justified"),
    ),
    Indicator(
        8,
        _("Feedback answered on time"),
        Scope.UNIT,
        _("the citizen feedback (PAKN) module with its answer deadlines"),
    ),
    Indicator(9, _("Online public services"), Scope.UNIT),
)
INDICATOR_BY_NUMBER = {indicator.number: indicator for indicator in INDICATORS}
UNIT_INDICATORS = tuple(indicator.number for indicator in INDICATORS)
# An officer answers for the dossiers and steps they held: the per-dossier indicators.
OFFICER_INDICATORS = tuple(indicator.number for indicator in INDICATORS if indicator.scope == Scope.DOSSIER)


class UnitGrade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("evaluation grade", "Excellent")
    GOOD = "good", pgettext_lazy("evaluation grade", "Good")
    FAIR = "fair", pgettext_lazy("evaluation grade", "Fair")
    AVERAGE = "average", pgettext_lazy("evaluation grade", "Average")
    WEAK = "weak", pgettext_lazy("evaluation grade", "Weak")


class OfficerGrade(models.TextChoices):
    FULL = "full", _("Tasks completed: 100%")
    PARTIAL = "partial", _("Tasks completed: 70% to under 100%")
    LOW = "low", _("Tasks completed: under 70%")


# -- the 2/1/0 scales (pure) --------------------------------------------------------------------------------

# The dossier's outcome (statistics.Outcome) and a step's (DossierStep.Outcome) share these values.
TIME_POINTS: dict[str, int] = {Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0}


def score_time(outcome: str) -> int | None:
    """Indicators 1 and 2: shorter than the limit 2, equal (the same day) 1, longer 0."""
    return TIME_POINTS.get(outcome)


def score_unit_steps(outcomes: Iterable[str]) -> int | None:
    """Indicator 2 for one unit on one dossier: its slowest step decides."""
    points = [score_time(outcome) for outcome in outcomes if outcome]
    scored = [point for point in points if point is not None]
    return min(scored) if scored else None


def score_contacts(contacts: int) -> int:
    """Indicator 3: requests to supplement (each a contact the applicant needed): 0 → 2, 1 → 1, more → 0."""
    return 2 if contacts == 0 else 1 if contacts == 1 else 0


def score_agencies_contacted(agencies: int) -> int:
    """Indicator 4: none (all online) → 2, the one-stop section only → 1, more → 0."""
    return 2 if agencies == 0 else 1 if agencies == 1 else 0


def agencies_contacted(channel: str, return_method: str) -> int:
    """What our data shows: filed online and the result received online or by post means no office was
    visited; otherwise the one-stop section. Visits to other agencies are not recorded (never 2+)."""
    return 0 if channel == "online" and return_method in {"online", "post"} else 1


def score_online(
    *,
    procedure_share: Decimal | None,
    dossier_share: Decimal | None,
    has_late_online_dossier: bool,
    thresholds: ScoringThresholds,
) -> int | None:
    """Indicator 9: ≥20% of procedures online and ≥30% of dossiers online → 2; ≥15% of dossiers → 1;
    less → 0; any online dossier late → 0. None without dossiers."""
    if dossier_share is None:
        return None
    if has_late_online_dossier:
        return 0
    if (
        procedure_share is not None
        and procedure_share >= thresholds.online_procedures_full
        and dossier_share >= thresholds.online_dossiers_full
    ):
        return 2
    return 1 if dossier_share >= thresholds.online_dossiers_partial else 0


def average_score(points: Sequence[int]) -> Decimal | None:
    """Score_i = Σ points / number of dossiers, one decimal (half up); None without dossiers."""
    if not points:
        return None
    return (Decimal(sum(points)) / Decimal(len(points))).quantize(SCORE_QUANTUM, ROUND_HALF_UP)


def grade_unit(total: Decimal, thresholds: ScoringThresholds) -> UnitGrade:
    if total >= thresholds.unit_excellent:
        return UnitGrade.EXCELLENT
    if total >= thresholds.unit_good:
        return UnitGrade.GOOD
    if total >= thresholds.unit_fair:
        return UnitGrade.FAIR
    if total >= thresholds.unit_average:
        return UnitGrade.AVERAGE
    return UnitGrade.WEAK


def grade_officer(total: Decimal, thresholds: ScoringThresholds) -> OfficerGrade:
    if total >= thresholds.officer_full:
        return OfficerGrade.FULL
    if total >= thresholds.officer_partial:
        return OfficerGrade.PARTIAL
    return OfficerGrade.LOW


# -- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorScore:
    number: int
    score: Decimal | None  # None: not available, or no data in the period (skipped)
    count: int = 0  # dossiers (or steps, for an officer's indicator 2) scored

    @property
    def indicator(self) -> Indicator:
        return INDICATOR_BY_NUMBER[self.number]

    @property
    def is_available(self) -> bool:
        return self.indicator.is_available


@dataclass(frozen=True)
class Evaluation:
    """A unit's or an officer's scores. ``total`` sums the indicators computed; indicators without data
    are skipped (spec §3). ``grade`` is None while some indicator cannot be computed from our data, unless
    EVALUATION_GRADE_PARTIAL allows grading what there is."""

    key: int
    code: str
    label: str
    scores: tuple[IndicatorScore, ...]
    total: Decimal
    max_points: int
    grade: str | None
    grade_label: str

    @property
    def missing(self) -> tuple[Indicator, ...]:
        return tuple(score.indicator for score in self.scores if not score.is_available)

    @property
    def is_partial(self) -> bool:
        return bool(self.missing)

    def score(self, number: int) -> IndicatorScore:
        return next(score for score in self.scores if score.number == number)


def _evaluation(
    *,
    key: int,
    code: str,
    label: str,
    scores: list[IndicatorScore],
    grader: Any,
    thresholds: ScoringThresholds,
) -> Evaluation:
    computed = [score.score for score in scores if score.score is not None]
    total = sum(computed, Decimal(0))
    is_partial = any(not score.is_available for score in scores)
    grade = None if is_partial and not thresholds.grade_partial else grader(total, thresholds)
    return Evaluation(
        key=key,
        code=code,
        label=label,
        scores=tuple(scores),
        total=total,
        max_points=2 * len(computed),
        grade=str(grade) if grade is not None else None,
        grade_label=str(grade.label) if grade is not None else "",
    )


# -- loading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    dossiers: list[ClassifiedDossier]
    resolved: dict[int, ClassifiedDossier]
    contacts: dict[int, int]
    # (dossier id, agency id, outcome, officer id or None)
    steps: list[tuple[int, int, str, int | None]]


def _load(period_start: date | datetime, period_end: date | datetime) -> _Period:
    start, end = period_bounds(period_start, period_end)
    dossiers = classified_dossiers(period_start=start, period_end=end)
    resolved = {
        dossier.id: dossier
        for dossier in dossiers
        if dossier.classification.outcome in RESOLVED
        and dossier.classification.end is not None
        and dossier.classification.end >= start
    }
    ids = period_dossiers(period_start=start, period_end=end).values("id")
    contacts = dict(
        SupplementRequest.objects.filter(dossier_id__in=ids, requested_at__lt=end)
        .values("dossier_id")
        .annotate(count=Count("id"))
        .values_list("dossier_id", "count")
    )
    step_rows = list(
        DossierStep.objects.filter(dossier_id__in=ids, finished_at__lt=end)
        .exclude(outcome="")
        .values_list("id", "dossier_id", "agency_id", "outcome", "assignee_id")
    )
    # A step is the officer's who held it last: its assignee, else the last holding recorded.
    last_holder: dict[int, int] = {}
    for step_id, holder_id in (
        StepHolding.objects.filter(step__dossier_id__in=ids, step__assignee__isnull=True)
        .order_by("step_id", "started_at", "id")
        .values_list("step_id", "holder_id")
    ):
        last_holder[step_id] = holder_id
    steps = [
        (dossier_id, agency_id, outcome, assignee_id or last_holder.get(step_id))
        for step_id, dossier_id, agency_id, outcome, assignee_id in step_rows
        if dossier_id in resolved
    ]
    return _Period(dossiers=dossiers, resolved=resolved, contacts=contacts, steps=steps)


def _dossier_points(period: _Period, dossiers: Iterable[ClassifiedDossier]) -> dict[int, list[int]]:
    """Indicators 1, 3 and 4 over ``dossiers``."""
    points: dict[int, list[int]] = {1: [], 3: [], 4: []}
    for dossier in dossiers:
        time_points = score_time(dossier.classification.outcome)
        if time_points is not None:
            points[1].append(time_points)
        points[3].append(score_contacts(period.contacts.get(dossier.id, 0)))
        points[4].append(score_agencies_contacted(agencies_contacted(dossier.channel, dossier.return_method)))
    return points


def _score_row(number: int, points: Sequence[int] | None) -> IndicatorScore:
    if not INDICATOR_BY_NUMBER[number].is_available or points is None:
        return IndicatorScore(number=number, score=None)
    return IndicatorScore(number=number, score=average_score(points), count=len(points))


# -- units ------------------------------------------------------------------------------------------------


def evaluate_units(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    agency_ids: Iterable[int] | None = None,
    thresholds: ScoringThresholds | None = None,
) -> list[Evaluation]:
    """One evaluation per unit (the processing agency; the receiving section when none) with dossiers or
    steps in the period. Indicators 1, 3, 4 over the unit's dossiers resolved in the period; 2 over the
    steps the unit worked on those dossiers, whoever's dossier it was; 9 over the dossiers it received."""
    limits = thresholds or ScoringThresholds.from_settings()
    start, _end = period_bounds(period_start, period_end)
    period = _load(period_start, period_end)
    wanted = set(agency_ids) if agency_ids is not None else None

    resolved_by_unit: dict[int, list[ClassifiedDossier]] = defaultdict(list)
    for dossier in period.resolved.values():
        resolved_by_unit[dossier.unit_id].append(dossier)
    step_outcomes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for dossier_id, agency_id, outcome, _officer in period.steps:
        step_outcomes[(agency_id, dossier_id)].append(outcome)
    unit_step_points: dict[int, list[int]] = defaultdict(list)
    for (agency_id, _dossier_id), outcomes in step_outcomes.items():
        points = score_unit_steps(outcomes)
        if points is not None:
            unit_step_points[agency_id].append(points)
    received_by_unit: dict[int, list[ClassifiedDossier]] = defaultdict(list)
    late_online: set[int] = set()
    for dossier in period.dossiers:
        if dossier.received_at is not None and dossier.received_at >= start:
            received_by_unit[dossier.unit_id].append(dossier)
        outcome = dossier.classification.outcome
        is_late = outcome == Outcome.IN_PROGRESS_OVERDUE or (
            outcome == Outcome.LATE and dossier.id in period.resolved
        )
        if dossier.is_online and is_late:
            late_online.add(dossier.unit_id)

    units = set(resolved_by_unit) | set(unit_step_points) | set(received_by_unit)
    if wanted is not None:
        units &= wanted
    agencies = {agency.pk: agency for agency in Agency.objects.filter(pk__in=units)}
    evaluations: list[Evaluation] = []
    for unit_id in units:
        dossier_points = _dossier_points(period, resolved_by_unit.get(unit_id, []))
        received = received_by_unit.get(unit_id, [])
        procedures = {dossier.procedure_id: dossier.online_level for dossier in received}
        online_points = score_online(
            procedure_share=rate(sum(level != "none" for level in procedures.values()), len(procedures)),
            dossier_share=rate(sum(dossier.is_online for dossier in received), len(received)),
            has_late_online_dossier=unit_id in late_online,
            thresholds=limits,
        )
        scores = [
            _score_row(1, dossier_points[1]),
            _score_row(2, unit_step_points.get(unit_id, [])),
            _score_row(3, dossier_points[3]),
            _score_row(4, dossier_points[4]),
            _score_row(5, None),
            _score_row(6, None),
            _score_row(7, None),
            _score_row(8, None),
            IndicatorScore(
                number=9,
                score=None if online_points is None else Decimal(online_points).quantize(SCORE_QUANTUM),
                count=len(received),
            ),
        ]
        agency = agencies[unit_id]
        evaluations.append(
            _evaluation(
                key=unit_id,
                code=agency.code,
                label=agency.name,
                scores=scores,
                grader=grade_unit,
                thresholds=limits,
            )
        )
    return sorted(evaluations, key=lambda evaluation: evaluation.code)


# -- officers ---------------------------------------------------------------------------------------------


def evaluate_officers(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    agency_ids: Iterable[int] | None = None,
    thresholds: ScoringThresholds | None = None,
) -> list[Evaluation]:
    """One evaluation per officer who held (last) a finished step of a dossier resolved in the period,
    in the given agencies: indicator 2 over their own steps; 1, 3 and 4 over those dossiers."""
    limits = thresholds or ScoringThresholds.from_settings()
    period = _load(period_start, period_end)
    wanted = set(agency_ids) if agency_ids is not None else None
    step_points: dict[int, list[int]] = defaultdict(list)
    dossiers_of: dict[int, set[int]] = defaultdict(set)
    for dossier_id, agency_id, outcome, officer_id in period.steps:
        if officer_id is None or (wanted is not None and agency_id not in wanted):
            continue
        points = score_time(outcome)
        if points is not None:
            step_points[officer_id].append(points)
        dossiers_of[officer_id].add(dossier_id)
    people = {user.pk: user for user in User.objects.filter(pk__in=dossiers_of)}
    evaluations: list[Evaluation] = []
    for officer_id, dossier_ids in dossiers_of.items():
        dossier_points = _dossier_points(period, (period.resolved[pk] for pk in sorted(dossier_ids)))
        scores = [
            _score_row(1, dossier_points[1]),
            _score_row(2, step_points.get(officer_id, [])),
            _score_row(3, dossier_points[3]),
            _score_row(4, dossier_points[4]),
            _score_row(7, None),
        ]
        person = people[officer_id]
        evaluations.append(
            _evaluation(
                key=officer_id,
                code=person.get_username(),
                label=getattr(person, "full_name", "") or person.get_username(),
                scores=scores,
                grader=grade_officer,
                thresholds=limits,
            )
        )
    return sorted(evaluations, key=lambda evaluation: (evaluation.label, evaluation.code))


def evaluate_units_for_user(
    user: Any, *, period_start: date | datetime, period_end: date | datetime
) -> list[Evaluation]:
    agency_ids = visible_agency_ids(user)
    if not agency_ids:
        return []
    return evaluate_units(period_start=period_start, period_end=period_end, agency_ids=agency_ids)


def evaluate_officers_for_user(
    user: Any, *, period_start: date | datetime, period_end: date | datetime
) -> list[Evaluation]:
    agency_ids = visible_agency_ids(user)
    if not agency_ids:
        return []
    return evaluate_officers(period_start=period_start, period_end=period_end, agency_ids=agency_ids)


__all__ = [
    "INDICATORS",
    "OFFICER_INDICATORS",
    "UNIT_INDICATORS",
    "Evaluation",
    "Indicator",
    "IndicatorScore",
    "OfficerGrade",
    "ScoringThresholds",
    "UnitGrade",
    "agencies_contacted",
    "average_score",
    "evaluate_officers",
    "evaluate_officers_for_user",
    "evaluate_units",
    "evaluate_units_for_user",
    "grade_officer",
    "grade_unit",
    "score_agencies_contacted",
    "score_contacts",
    "score_online",
    "score_time",
    "score_unit_steps",
]
