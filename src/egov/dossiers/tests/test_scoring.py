"""The 2/1/0 evaluation of TT 01/2018/TT-VPCP Art. 13 (spec §3): the scales, the configurable thresholds,
and a unit and officer evaluation hand-computed on four dossiers of March 2026."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from egov.core.permissions import Role
from egov.dossiers.models import DossierStep, Status, StepHolding, SupplementRequest
from egov.dossiers.scoring import (
    INDICATORS,
    OfficerGrade,
    ScoringThresholds,
    UnitGrade,
    agencies_contacted,
    average_score,
    evaluate_officers,
    evaluate_units,
    evaluate_units_for_user,
    grade_officer,
    grade_unit,
    score_agencies_contacted,
    score_contacts,
    score_online,
    score_time,
    score_unit_steps,
)
from egov.dossiers.tests.conftest import official
from egov.dossiers.tests.test_statistics import make_dossier, march, versions  # noqa: F401 - fixture

MARCH = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}
D = Decimal


# -- the scales ---------------------------------------------------------------------------------------------


def test_time_scores_shorter_equal_longer():
    assert [score_time(outcome) for outcome in ("early", "on_time", "late", "in_progress_overdue")] == [
        2,
        1,
        0,
        None,
    ]
    assert score_unit_steps(["early", "on_time"]) == 1  # the unit's slowest step decides
    assert score_unit_steps(["early", "late"]) == 0
    assert score_unit_steps(["", ""]) is None


def test_contacts_and_agencies():
    assert [score_contacts(n) for n in (0, 1, 2, 5)] == [2, 1, 0, 0]
    assert [score_agencies_contacted(n) for n in (0, 1, 2)] == [2, 1, 0]
    assert agencies_contacted("online", "online") == 0
    assert agencies_contacted("online", "post") == 0
    assert agencies_contacted("online", "counter") == 1
    assert agencies_contacted("direct", "post") == 1


@pytest.mark.parametrize(
    ("procedures", "dossiers", "late", "points"),
    [
        (D("0.20"), D("0.30"), False, 2),
        (D("0.19"), D("0.90"), False, 1),  # too few procedures online for 2
        (D("1"), D("0.15"), False, 1),
        (D("1"), D("0.1499"), False, 0),
        (D("1"), D("1"), True, 0),  # any late online dossier
        (None, None, False, None),  # no dossiers: skipped
    ],
)
def test_online_service_points(procedures, dossiers, late, points):
    assert (
        score_online(
            procedure_share=procedures,
            dossier_share=dossiers,
            has_late_online_dossier=late,
            thresholds=ScoringThresholds(),
        )
        == points
    )


def test_indicator_scores_are_averages_with_one_decimal_half_up():
    assert average_score([2, 1, 1]) == D("1.3")
    assert average_score([2, 1, 1, 1]) == D("1.3")  # 1.25
    assert average_score([1, 1, 2, 2, 2, 2]) == D("1.7")
    assert average_score([]) is None


def test_grades_and_their_boundaries():
    limits = ScoringThresholds()
    assert [grade_unit(D(value), limits) for value in ("15", "14.9", "12", "9", "6", "5.9")] == [
        UnitGrade.EXCELLENT,
        UnitGrade.GOOD,
        UnitGrade.GOOD,
        UnitGrade.FAIR,
        UnitGrade.AVERAGE,
        UnitGrade.WEAK,
    ]
    assert [grade_officer(D(value), limits) for value in ("5", "4.9", "3.5", "3.4")] == [
        OfficerGrade.FULL,
        OfficerGrade.PARTIAL,
        OfficerGrade.PARTIAL,
        OfficerGrade.LOW,
    ]


def test_thresholds_come_from_the_settings(settings):
    assert ScoringThresholds.from_settings() == ScoringThresholds()  # the defaults are spec §3's
    settings.EVALUATION_SCORING = {
        **settings.EVALUATION_SCORING,
        "online_dossiers_full": 0.5,
        "unit_good": 11,
    }
    limits = ScoringThresholds.from_settings()
    assert (limits.online_dossiers_full, limits.unit_good, limits.unit_fair) == (D("0.5"), D("11"), D("9"))
    assert grade_unit(D("11"), limits) == UnitGrade.GOOD


def test_the_indicators_we_cannot_compute_say_what_they_need():
    missing = {
        indicator.number: str(indicator.needs) for indicator in INDICATORS if not indicator.is_available
    }
    assert sorted(missing) == [5, 6, 7, 8]
    assert "PAKN" in missing[7]
    assert "PAKN" in missing[8]


# -- a unit and its officers ---------------------------------------------------------------------------------


def step(dossier, agency, outcome, officer=None, *, order=1, holder=None):
    done = DossierStep.objects.create(
        dossier=dossier,
        order=order,
        name="Thẩm định",
        agency=agency,
        role=Role.SPECIALIST,
        quota_hours=8,
        state=DossierStep.State.DONE,
        assignee=officer,
        started_at=dossier.received_at,
        due_at=dossier.received_at + timedelta(days=1),
        finished_at=dossier.received_at + timedelta(hours=5),
        outcome=outcome,
    )
    if holder is not None:
        StepHolding.objects.create(step=done, holder=holder, started_at=dossier.received_at)
    return done


@pytest.fixture
def month(province, versions):  # noqa: F811 - the fixture imported above
    """Four dossiers of a 3-working-day procedure received Mon 02/03 07:30 (appointment Wed 04/03 17:00):

    - d1 justice, online, result online, processed Tue 03/03 → early; justice step early (A).
    - d2 justice, at the counter, one request to supplement at reception, processed Thu 05/03 → late;
      justice step late (A), commune step on time (B).
    - d3 commune, online, result online, processed Wed 04/03 10:00 → on time; commune step on time, held
      by B (no assignee left on the step: the holding says who).
    - d4 commune, online, unfinished at the end of March → overdue: an online dossier late.
    """
    justice, commune = province["justice"], province["commune"]
    officer_a = official("chuyenvien.a", justice, Role.SPECIALIST)
    officer_b = official("chuyenvien.b", commune, Role.SPECIALIST)
    common = {"received_at": march(2, 7, 30), "due_at": march(4, 17)}
    version = versions[3]
    d1 = make_dossier(
        version,
        province["centre"],
        processing_agency=justice,
        channel="online",
        return_method="online",
        processed_at=march(3, 10),
        status=Status.PROCESSED,
        **common,
    )
    d2 = make_dossier(
        version,
        province["centre"],
        processing_agency=justice,
        channel="direct",
        return_method="counter",
        processed_at=march(5, 10),
        status=Status.PROCESSED,
        **common,
    )
    SupplementRequest.objects.create(
        dossier=d2, stage=SupplementRequest.Stage.INTAKE, requested_at=march(1, 9), due_on=date(2026, 3, 16)
    )
    d3 = make_dossier(
        version,
        province["centre"],
        processing_agency=commune,
        channel="online",
        return_method="online",
        processed_at=march(4, 10),
        status=Status.PROCESSED,
        **common,
    )
    d4 = make_dossier(version, province["centre"], processing_agency=commune, channel="online", **common)
    step(d1, justice, "early", officer_a)
    step(d2, justice, "late", officer_a)
    step(d2, commune, "on_time", officer_b, order=2)
    step(d3, commune, "on_time", holder=officer_b)
    step(d4, commune, "")  # still open: no outcome
    return {"justice": justice, "commune": commune, "a": officer_a, "b": officer_b}


def scores(evaluation):
    return {score.number: score.score for score in evaluation.scores}


def test_units_are_scored_on_what_the_data_shows(month):
    justice, commune = evaluate_units(**MARCH)
    assert (justice.label, commune.label) == ("Sở Tư pháp", "UBND phường Một")
    # Justice: 1 = (2 + 0) / 2; 2 = its steps (early, late); 3 = (2 + 1) / 2; 4 = (2 + 1) / 2;
    # 9: half its dossiers online, its one procedure online, none late online → 2.
    assert scores(justice) == {
        1: D("1.0"),
        2: D("1.0"),
        3: D("1.5"),
        4: D("1.5"),
        5: None,
        6: None,
        7: None,
        8: None,
        9: D("2.0"),
    }
    assert (justice.total, justice.max_points) == (D("7.0"), 10)
    # Commune: 1 = on time; 2 = its steps on d2 and d3, both on time; 3, 4 = 2; 9 = 0: d4 is overdue.
    assert scores(commune) == {
        1: D("1.0"),
        2: D("1.0"),
        3: D("2.0"),
        4: D("2.0"),
        5: None,
        6: None,
        7: None,
        8: None,
        9: D("0.0"),
    }
    assert commune.total == D("6.0")
    # Four of the nine cannot be computed yet: no grade unless the province allows grading what there is.
    assert [indicator.number for indicator in justice.missing] == [5, 6, 7, 8]
    assert justice.is_partial
    assert justice.grade is None
    graded = evaluate_units(**MARCH, thresholds=ScoringThresholds(grade_partial=True))
    assert [(evaluation.grade, evaluation.grade_label) for evaluation in graded] == [
        ("average", str(UnitGrade.AVERAGE.label)),
        ("average", str(UnitGrade.AVERAGE.label)),
    ]


def test_officers_are_scored_on_the_steps_they_held(month):
    officer_a, officer_b = evaluate_officers(**MARCH, thresholds=ScoringThresholds(grade_partial=True))
    assert (officer_a.code, officer_b.code) == ("chuyenvien.a", "chuyenvien.b")
    # A: steps early and late → 1.0; dossiers d1 (early, no contact, online) and d2 (late, 1, counter).
    assert scores(officer_a) == {1: D("1.0"), 2: D("1.0"), 3: D("1.5"), 4: D("1.5"), 7: None}
    assert (officer_a.total, officer_a.grade) == (D("5.0"), OfficerGrade.FULL)
    # B: steps on time on d2 and d3 (the last by holding) → 1.0; dossiers d2 (late) and d3 (on time).
    assert scores(officer_b) == {1: D("0.5"), 2: D("1.0"), 3: D("1.5"), 4: D("1.5"), 7: None}
    assert (officer_b.total, officer_b.grade) == (D("4.5"), OfficerGrade.PARTIAL)
    # Limited to an agency: only that agency's steps count.
    (only_b,) = evaluate_officers(**MARCH, agency_ids=[month["commune"].pk])
    assert only_b.code == "chuyenvien.b"
    assert only_b.grade is None


def test_a_user_sees_the_evaluation_of_the_agencies_they_may_see(month):
    head = official("giamdoc", month["justice"], Role.AGENCY_HEAD)
    assert [evaluation.code for evaluation in evaluate_units_for_user(head, **MARCH)] == ["H99.03"]
    assert evaluate_units_for_user(month["a"], **MARCH) == []  # a specialist has no dashboard permission
    assert evaluate_units_for_user(AnonymousUser(), **MARCH) == []
