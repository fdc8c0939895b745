"""The one-stop desk pages: the officer sees and decides only their section's dossiers."""

from __future__ import annotations

import pytest
from django.test import Client

from egov.core.audit.models import AuditEvent
from egov.dossiers.models import Slip, Status
from egov.dossiers.tests.conftest import new_dossier, official, publish


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commune_dossier(province, applicant):
    from egov.dossiers.models import Dossier
    from egov.dossiers.services import dossier_create

    procedure = publish(province, code="1.001193", days=1)
    return dossier_create(
        actor=applicant,
        version=procedure,
        receiving_agency=province["commune_centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=applicant,
        applicant_name="Lê Văn Xã",
    )


def test_the_queue_shows_the_sections_dossiers_with_the_8_hour_clock(officer, dossier, commune_dossier):
    page = _client(officer).get("/mot-cua/").content.decode()

    assert dossier.code in page
    assert commune_dossier.code not in page
    assert 'class="badge' in page


def test_search_by_personal_id_finds_only_within_the_officers_sections(officer, dossier, commune_dossier):
    page = _client(officer).get("/mot-cua/", {"q": "037090001234"}).content.decode()

    assert page.count(dossier.code) >= 2
    assert commune_dossier.code not in page


def test_receiving_from_the_dossier_page(officer, dossier):
    client = _client(officer)

    response = client.post(f"/mot-cua/ho-so/{dossier.code}/receive/", {"sets": "2"})

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == Status.RECEIVED
    assert dossier.sets == 2
    assert Slip.objects.filter(dossier=dossier, kind=Slip.Kind.RECEIPT).count() == 1
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "/phieu/" in page


def test_a_supplement_request_without_items_shows_an_error_and_changes_nothing(officer, dossier):
    client = _client(officer)

    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/supplement/", {"items": "  \n ", "reason": "x"}, follow=True
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    assert 'class="message error"' in response.content.decode()


@pytest.mark.parametrize("decision", ["receive", "supplement", "refuse", "stop", "transfer"])
def test_an_officer_of_another_section_gets_404_and_changes_nothing(decision, other_officer, dossier):
    audits = AuditEvent.objects.count()

    page = _client(other_officer).get(f"/mot-cua/ho-so/{dossier.code}/")
    post = _client(other_officer).post(
        f"/mot-cua/ho-so/{dossier.code}/{decision}/", {"items": "x", "reasons": "x", "sets": "1"}
    )

    dossier.refresh_from_db()
    assert (page.status_code, post.status_code) == (404, 404)
    assert dossier.status == Status.NEW
    assert AuditEvent.objects.count() == audits


def test_citizens_and_officials_without_a_desk_role_are_refused(applicant, specialist, dossier):
    assert _client(applicant).get("/mot-cua/").status_code == 403
    assert _client(specialist).get("/mot-cua/").status_code == 403
    assert Client().get("/mot-cua/").status_code == 302


def test_the_processing_agencys_desk_can_read_but_not_decide(province, officer, applicant):
    waiting = new_dossier(publish(province, code="9.1"), province, applicant)
    received = new_dossier(waiting.procedure_version, province, applicant)
    _client(officer).post(f"/mot-cua/ho-so/{received.code}/receive/", {"sets": "1"})
    department_desk = official("motcua.stp", province["justice"], "one_stop_officer")
    client = _client(department_desk)

    page = client.get(f"/mot-cua/ho-so/{received.code}/")
    post = client.post(f"/mot-cua/ho-so/{waiting.code}/receive/", {"sets": "1"})

    assert page.status_code == 200
    assert "/transfer/" not in page.content.decode()
    assert post.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Status.NEW


def test_a_long_list_shows_its_most_urgent_rows_and_the_exact_number(officer, procedure, province, applicant):
    from egov.dossiers.views_desk import DESK_LIST_ROWS

    dossiers = [new_dossier(procedure, province, applicant) for _ in range(DESK_LIST_ROWS + 5)]
    client = _client(officer)

    page = client.get("/mot-cua/").content.decode()
    refresh = client.get("/mot-cua/", headers={"HX-Request": "true"}).content.decode()

    for html in (page, refresh):
        assert f'<span class="count">({DESK_LIST_ROWS + 5})</span>' in html
        assert sum(d.code in html for d in dossiers) == DESK_LIST_ROWS
        # the oldest first: the 8-working-hour clock of the first ones ends first
        assert all(d.code in html for d in dossiers[:DESK_LIST_ROWS])
        assert f"{DESK_LIST_ROWS} hồ sơ cần xử lý gấp nhất trong số {DESK_LIST_ROWS + 5}" in html
