"""The nightly comparison with the portal (Decision 766 indicator 1.4): the sync rate, what is missing
there, and a second run in step after the missing dossiers were queued again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from egov.dossiers.intake import dossier_receive
from egov.dossiers.models import Dossier
from egov.dossiers.services import dossier_create
from egov.exchange.contrib.national_portal.models import ReconciliationReport
from egov.exchange.contrib.national_portal.reconciliation import reconcile, sync_rate
from egov.exchange.contrib.national_portal.tests.conftest import routed_dossier
from egov.exchange.models import SharingLogEntry


@pytest.mark.parametrize(
    ("synced", "local", "portal", "rate"),
    [(0, 0, 0, None), (1, 2, 1, Decimal("50.00")), (2, 2, 3, Decimal("66.67")), (5, 5, 5, Decimal("100.00"))],
)
def test_the_sync_rate_is_synced_over_the_larger_count(synced, local, portal, rate):
    assert sync_rate(synced=synced, local=local, portal=portal) == rate


@pytest.mark.django_db(transaction=True)
def test_a_dossier_the_portal_never_got_lowers_the_rate_and_is_sent_again(
    simulator, people, procedure, province, settings, client
):
    configured = settings.EXCHANGE_PEERS
    settings.EXCHANGE_PEERS = {"national_portal": {**configured["national_portal"], "url": ""}}
    walk_in = dossier_create(
        actor=people["desk"],
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.DIRECT,
        applicant=None,
        applicant_name="Trần Thị Bình",
        applicant_personal_id="036195004567",
    )
    dossier_receive(actor=people["desk"], dossier=walk_in)  # the connection was not configured yet
    settings.EXCHANGE_PEERS = configured
    assert simulator.push(routed_dossier(MaHoSo="G-REC-1"))["status"] == 200
    today = timezone.localdate()

    first = reconcile(date_from=today, date_to=today)

    assert (first.local_count, first.portal_count, first.synced_count, first.rate) == (
        2,
        1,
        1,
        Decimal("50.00"),
    )
    assert (first.missing_on_portal, first.unknown_here, first.status_differs) == ([walk_in.code], [], [])
    assert first.resent == 1
    assert simulator.state()["dossiers"][walk_in.code]["statuses"] == [2]

    second = reconcile(date_from=today, date_to=today)

    assert (second.synced_count, second.rate, second.resent) == (2, Decimal("100.00"), 0)
    assert SharingLogEntry.objects.filter(service="DoiSoatHoSo", is_success=True).count() == 2
    client.force_login(people["admin"])
    assert "tỷ lệ đồng bộ 100,00 % (2/2 hồ sơ khớp)" in client.get("/lien-thong/giam-sat/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_portal_that_does_not_answer_is_reported(simulator, people):
    simulator.stop()
    report = reconcile(date_from=timezone.localdate(), date_to=timezone.localdate())
    assert report.error.startswith("connection failed")
    assert ReconciliationReport.objects.get().rate is None
