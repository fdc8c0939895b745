"""The Decision 766 indicators (spec §4): points earned from a threshold or pro rata, N/A on a zero
denominator, the settings that hold what the spec leaves unconfirmed, and the catalogue's indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from egov.catalog.tests.factories import FeeFactory, ProcedureVersionFactory, RequiredPaperFactory
from egov.reports.indicators import catalogue_facts, earned, points_table, scorecard
from egov.reports.periods import month_period
from egov.reports.selectors import ReportRow

POINTS = {"2.1": Decimal(20), "3.3": Decimal(4), "5.4": Decimal(6)}
FULL_AT = {"3.3": Decimal("0.50"), "5.4": Decimal("0.90")}


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("2.1", "0.9871", "19.74"),  # no threshold: points × rate
        ("3.3", "0.2500", "2.00"),  # half of the 50% threshold: half the points
        ("3.3", "0.6000", "4.00"),  # above the threshold: all of them
        ("5.4", "0.9000", "6.00"),
        ("5.4", "0.4500", "3.00"),
    ],
)
def test_points_are_earned_from_the_threshold_or_pro_rata(indicator, value, expected):
    assert earned(indicator, Decimal(value), points=POINTS, full_at=FULL_AT) == Decimal(expected)


def test_not_applicable_earns_no_points_and_is_left_out_of_the_maximum(db):
    row = ReportRow(key=None, code="", label="")
    card = scorecard(
        row=row,
        period=month_period(date(2026, 3, 1)),
        agency_ids=None,
        online_used=set(),
        paid_national_used=set(),
    )
    for key in ("1.4", "2.1", "2.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5", "5.4"):
        assert (card.get(key).value, card.get(key).points) == (None, None), key
    assert card.points == Decimal(0)
    assert card.max_points == Decimal(0)  # no procedure either: 1.3, 3.1, 3.2 are N/A too


def test_the_points_come_from_the_settings(db):
    assert sum(points_table().values()) == Decimal(100)
    custom = {**settings.REPORTS, "points": ["2.1:25", "3.3:10"], "full_points_at": ["3.3:0.40"]}
    with override_settings(REPORTS=custom):
        assert points_table() == {"2.1": Decimal(25), "3.3": Decimal(10)}
        row = ReportRow(key=None, code="", label="", received=10, received_online=2, online_counted=2)
        card = scorecard(
            row=row, period=month_period(date(2026, 3, 1)), agency_ids=[], online_used=set(), catalogue=None
        )
        assert card.get("3.3").points == Decimal("5.00")  # 20% of a 40% threshold: half of 10


def test_on_time_may_count_the_dossiers_in_progress_as_the_national_text_reads(db):
    row = ReportRow(
        key=None,
        code="",
        label="",
        resolved_early=2,
        resolved_late=2,
        in_progress_on_time=4,
        in_progress_overdue=2,
    )
    period = month_period(date(2026, 3, 1))
    assert scorecard(row=row, period=period, agency_ids=None, online_used=set()).on_time.value == Decimal(
        "0.5000"
    )
    with override_settings(REPORTS={**settings.REPORTS, "on_time_includes_in_progress": True}):
        card = scorecard(row=row, period=period, agency_ids=None, online_used=set())
    assert card.on_time.value == Decimal("0.6000")  # (2 + 4) / 10


def test_the_catalogue_indicators_count_complete_and_online_procedures(db):
    complete = ProcedureVersionFactory(
        published=True, online_level="full", implementing_agency_text="Sở Tư pháp"
    )
    RequiredPaperFactory(version=complete)
    complete.steps.create(order=1, name="Thẩm định", role="specialist", quota_hours=8)
    FeeFactory(version=complete, amount=200_000)
    no_papers = ProcedureVersionFactory(
        published=True, online_level="none", implementing_agency_text="UBND xã"
    )
    ProcedureVersionFactory(status="draft")
    facts = catalogue_facts(None)
    assert facts.procedures == {complete.procedure_id, no_papers.procedure_id}
    assert facts.complete == {complete.procedure_id}
    assert facts.online == {complete.procedure_id}
    assert facts.fee_bearing == {complete.procedure_id}
    row = ReportRow(key=None, code="", label="")
    card = scorecard(
        row=row,
        period=month_period(date(2026, 3, 1)),
        agency_ids=None,
        catalogue=facts,
        online_used={complete.procedure_id},
    )
    assert (card.get("1.3").value, card.get("3.1").value, card.get("3.2").value) == (
        Decimal("0.5000"),
        Decimal("0.5000"),
        Decimal("1.0000"),
    )
    assert card.get("3.1").points == Decimal("2.50")  # 50% of an 80% threshold × 4 points


def test_online_payments_give_indicators_3_5_and_3_6_and_are_caught_up(province):
    from datetime import datetime

    import time_machine

    from egov.dossiers.models import Status
    from egov.dossiers.tests.test_statistics import VN, make_dossier
    from egov.payments.models import Payment
    from egov.reports.rollup import catch_up
    from egov.reports.selectors import figures
    from egov.reports.services import reports_rebuild

    version = ProcedureVersionFactory(published=True)
    FeeFactory(version=version, amount=50_000)
    received = datetime(2026, 3, 2, 9, tzinfo=VN)
    paid, at_counter = (
        make_dossier(version, province["centre"], received_at=received, status=Status.PROCESSING)
        for _ in range(2)
    )
    period = month_period(date(2026, 3, 1))
    with time_machine.travel(datetime(2026, 4, 10, 9, tzinfo=VN), tick=False):
        reports_rebuild()
        for dossier, channel in ((paid, "national_portal"), (at_counter, "counter")):
            Payment.objects.create(
                dossier=dossier, state="paid", amount=50_000, channel=channel, reference=channel
            )
        (before,) = figures(period=period, group_by="province")
        assert (before.fee_bearing, before.paid_online) == (2, 0)
        catch_up()  # payments come without a status change
        (row,) = figures(period=period, group_by="province")
        card = scorecard(row=row, period=period, agency_ids=None)
    assert (row.fee_bearing, row.paid_online, row.paid_national) == (2, 1, 1)
    assert card.get("3.6").value == Decimal("0.5000")
    assert card.get("3.5").value == Decimal("1.0000")
