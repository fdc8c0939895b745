"""The desk over JSON: bearer tokens for systems, sessions with CSRF for pages; the same rules."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.accounts.models import ApiToken
from egov.core.audit.models import AuditEvent
from egov.dossiers.models import Status


@pytest.fixture
def token(officer):
    _record, token = ApiToken.issue(user=officer, name="kiosk")
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_system_receives_a_dossier_with_its_token(token, dossier):
    response = Client().post(
        f"/api/v1/desk/dossiers/{dossier.code}/receive",
        {"sets": 2},
        content_type="application/json",
        headers=_bearer(token),
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["national_status"]) == ("received", 2)
    assert body["due_at"] is not None
    assert ApiToken.objects.get().last_used_at is not None


def test_the_queue_lists_the_dossier_to_receive(token, dossier):
    body = Client().get("/api/v1/desk/queue", headers=_bearer(token)).json()

    assert [d["code"] for d in body["to_receive"]] == [dossier.code]
    assert body["to_receive"][0]["acceptance_due_at"] is not None


def test_no_token_or_a_wrong_one_is_refused(dossier):
    assert Client().get("/api/v1/desk/queue").status_code == 401
    assert Client().get("/api/v1/desk/queue", headers=_bearer("wrong")).status_code == 401


def test_a_session_must_send_the_csrf_token(officer, dossier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(
        f"/api/v1/desk/dossiers/{dossier.code}/receive", {}, content_type="application/json"
    )

    dossier.refresh_from_db()
    assert response.status_code in {401, 403}
    assert dossier.status == Status.NEW


def test_another_sections_officer_gets_404_and_nothing_changes(other_officer, dossier):
    _record, token = ApiToken.issue(user=other_officer, name="other")
    audits = AuditEvent.objects.count()

    response = Client().post(
        f"/api/v1/desk/dossiers/{dossier.code}/refusal",
        {"reasons": ["x"]},
        content_type="application/json",
        headers=_bearer(token),
    )

    dossier.refresh_from_db()
    assert response.status_code == 404
    assert dossier.status == Status.NEW
    assert AuditEvent.objects.count() == audits


def test_an_illegal_step_is_409_and_bad_input_422(token, dossier):
    transfer = Client().post(f"/api/v1/desk/dossiers/{dossier.code}/transfer", headers=_bearer(token))
    empty = Client().post(
        f"/api/v1/desk/dossiers/{dossier.code}/supplement-request",
        {"items": []},
        content_type="application/json",
        headers=_bearer(token),
    )
    blank = Client().post(
        f"/api/v1/desk/dossiers/{dossier.code}/supplement-request",
        {"items": [" "]},
        content_type="application/json",
        headers=_bearer(token),
    )

    dossier.refresh_from_db()
    assert (transfer.status_code, empty.status_code, blank.status_code) == (409, 422, 422)
    assert dossier.status == Status.NEW


def test_the_desk_api_is_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/desk/dossiers/{code}/receive" in paths
    assert "/api/v1/desk/queue" in paths


def test_last_used_is_kept_to_the_minute_without_a_write_per_call(token, dossier):
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False):
        Client().get("/api/v1/desk/queue", headers=_bearer(token))
        first = ApiToken.objects.get().last_used_at
        with CaptureQueriesContext(connection) as captured:
            Client().get("/api/v1/desk/queue", headers=_bearer(token))
        assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel("2026-03-02 09:01 +0700", tick=False):
        Client().get("/api/v1/desk/queue", headers=_bearer(token))
        assert ApiToken.objects.get().last_used_at > first
