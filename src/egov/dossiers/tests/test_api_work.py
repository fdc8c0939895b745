"""Processing over JSON (/api/v1/work/): the same rules as the pages, with bearer tokens for systems and
sessions (with CSRF) for pages; 401/403/404/409/422, and a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from egov.accounts.models import ApiToken, User
from egov.dossiers.models import DossierStep, Extension, Status
from egov.dossiers.processing import step_complete
from egov.dossiers.tests.test_work import (
    CAST,
    NOW,
    _processed,
    _to_signing,
    at,
    build_world,
    make_steps,
    snapshot,
)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def two_agencies(province, applicant):
    return build_world(province, applicant)


def _headers(who: str, world: dict[str, Any], applicant: User) -> dict[str, str]:
    if who == "anonymous":
        return {}
    user = applicant if who == "citizen" else world["people"][who]
    _record, token = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def _post(path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return Client().post(path, body, content_type="application/json", headers=headers)


REFUSED = {"anonymous": 401, "citizen": 403, "other_agency": 404}


def _refused(who: str) -> int:
    return REFUSED.get(who, 403)


ACTIONS = {
    "complete": ({"assignee", "head", "delegate_within"}, lambda w: {"note": "Đạt"}),
    "supplement-request": (
        {"assignee", "head", "delegate_within"},
        lambda w: {"items": ["Bản sao giấy khai sinh"], "reason": ""},
    ),
    "consultations": (
        {"assignee", "head", "delegate_within"},
        lambda w: {"agency": w["police"].pk, "question": "Cư trú?", "working_days": 2},
    ),
    "reassign": ({"head"}, lambda w: {"to": w["people"]["colleague"].pk}),
    "reject": ({"head"}, lambda w: {"reason": "Không đủ điều kiện"}),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", CAST)
def test_each_step_action_over_json(action, who, two_agencies, applicant, frozen):
    allowed, body = ACTIONS[action]
    dossier, step = two_agencies["dossier"], two_agencies["appraisal"]
    headers = _headers(who, two_agencies, applicant)
    before = snapshot(dossier)

    response = _post(
        f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/{action}", body(two_agencies), headers
    )

    if who in allowed:
        assert response.status_code == 200, response.content
        assert response.json()["code"] == dossier.code
        assert snapshot(dossier) != before
    else:
        assert response.status_code == _refused(who), response.content
        assert snapshot(dossier) == before


@pytest.mark.parametrize("who", CAST)
def test_reading_a_dossier(who, two_agencies, applicant, frozen):
    dossier = two_agencies["dossier"]

    response = Client().get(
        f"/api/v1/work/dossiers/{dossier.code}", headers=_headers(who, two_agencies, applicant)
    )

    if who in REFUSED:
        assert response.status_code == _refused(who)
    else:
        body = response.json()
        assert response.status_code == 200
        assert body["current_due_at"] is not None
        assert [s["order"] for s in body["steps"]] == [1, 2, 3, 4, 5]


def test_other_agencies_steps_are_an_outline(two_agencies, applicant, frozen):
    people, dossier = two_agencies["people"], two_agencies["dossier"]
    step_complete(actor=people["assignee"], step=two_agencies["appraisal"], note="Nội bộ", at=at(2, 10, 30))

    body = (
        Client()
        .get(f"/api/v1/work/dossiers/{dossier.code}", headers=_headers("commune", two_agencies, applicant))
        .json()
    )

    appraisal, verification = body["steps"][1], body["steps"][2]
    assert (appraisal["is_own"], appraisal["assignee"], appraisal["note"]) == (False, None, None)
    assert appraisal["outcome"] == "early"
    assert (verification["is_own"], verification["can_act"]) == (True, True)


def test_the_queue_is_paginated_with_an_exact_total(two_agencies, applicant, frozen):
    make_steps(two_agencies, 150, start=at(2, 8))
    headers = _headers("colleague", two_agencies, applicant)

    first = Client().get("/api/v1/work/queue", {"page_size": 100}, headers=headers).json()
    second = Client().get("/api/v1/work/queue", {"page": 2, "page_size": 100}, headers=headers).json()
    overdue = Client().get("/api/v1/work/queue", {"due": "overdue"}, headers=headers).json()
    default = Client().get("/api/v1/work/queue", headers=headers).json()
    too_many = Client().get("/api/v1/work/queue", {"page_size": 1000}, headers=headers)

    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (150, 2, 100, 50)
    assert (default["page_size"], default["pages"], len(default["items"])) == (25, 6, 25)
    assert too_many.status_code == 422
    dues = [item["due_at"] for item in first["items"] + second["items"]]
    assert dues == sorted(dues)
    assert overdue["total"] == DossierStep.objects.filter(state="active", due_at__lte=at(2, 11)).count()
    assert all(item["can_act"] for item in first["items"])


def test_the_queue_refuses_citizens_and_strangers(two_agencies, applicant, frozen):
    assert Client().get("/api/v1/work/queue").status_code == 401
    citizen = Client().get("/api/v1/work/queue", headers=_headers("citizen", two_agencies, applicant))
    assert citizen.status_code == 403
    bad = Client().get(
        "/api/v1/work/queue", {"due": "someday"}, headers=_headers("head", two_agencies, applicant)
    )
    assert bad.status_code == 422


def test_a_session_must_send_the_csrf_token(two_agencies, frozen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_agencies["people"]["assignee"])
    dossier, step = two_agencies["dossier"], two_agencies["appraisal"]
    before = snapshot(dossier)

    response = client.post(
        f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/complete", {}, content_type="application/json"
    )

    assert response.status_code in {401, 403}
    assert snapshot(dossier) == before


def test_a_done_step_is_409_and_bad_input_422(two_agencies, applicant, frozen):
    dossier, step = two_agencies["dossier"], two_agencies["appraisal"]
    headers = _headers("assignee", two_agencies, applicant)
    blank = _post(
        f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/supplement-request", {"items": [" "]}, headers
    )
    empty = _post(f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/send-back", {"reason": ""}, headers)
    no_earlier = _post(
        f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/send-back", {"reason": "x"}, headers
    )
    assert (blank.status_code, empty.status_code, no_earlier.status_code) == (422, 422, 422)

    assert (
        _post(f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/complete", {}, headers).status_code
        == 200
    )
    before = snapshot(dossier)
    again = _post(f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/complete", {}, headers)
    assert again.status_code == 409
    assert snapshot(dossier) == before
    unknown = _post(f"/api/v1/work/dossiers/{dossier.code}/steps/999999/complete", {}, headers)
    assert unknown.status_code == 404


def test_extension_preview_then_issue_then_conflict(two_agencies, applicant, frozen):
    dossier = two_agencies["dossier"]
    headers = _headers("head", two_agencies, applicant)
    body = {"new_due_at": "2026-03-16T14:00:00+07:00", "reason": "Chờ xác minh"}
    before = snapshot(dossier)

    preview = _post(f"/api/v1/work/dossiers/{dossier.code}/extension/preview", body, headers)
    assert preview.status_code == 200
    assert (preview.json()["issued"], preview.json()["previous_due_at"]) == (False, "2026-03-09T02:00:00Z")
    assert snapshot(dossier) == before

    issued = _post(f"/api/v1/work/dossiers/{dossier.code}/extension", body, headers)
    again = _post(f"/api/v1/work/dossiers/{dossier.code}/extension", body, headers)
    refused = _post(
        f"/api/v1/work/dossiers/{dossier.code}/extension", body, _headers("assignee", two_agencies, applicant)
    )

    assert (issued.status_code, again.status_code, refused.status_code) == (200, 409, 403)
    assert Extension.objects.filter(dossier=dossier).count() == 1


@pytest.mark.parametrize("who", CAST)
def test_returning_the_result(who, two_agencies, applicant, frozen):
    dossier = _processed(two_agencies)
    before = snapshot(dossier)

    response = _post(
        f"/api/v1/work/dossiers/{dossier.code}/return",
        {"method": "post", "dispatched_at": "2026-03-02T10:55:00+07:00", "delivered_at": "2026-03-02T10:58"},
        _headers(who, two_agencies, applicant),
    )

    if who == "desk":
        dossier.refresh_from_db()
        assert response.status_code == 200
        assert (dossier.status, dossier.returned_at) == (Status.RETURNED, at(2, 10, 58))
    else:
        assert response.status_code == _refused(who)
        assert snapshot(dossier) == before


def test_answering_a_consultation(two_agencies, applicant, frozen):
    dossier, step = two_agencies["dossier"], two_agencies["appraisal"]
    asked = _post(
        f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/consultations",
        {"agency": two_agencies["police"].pk, "question": "Cư trú?"},
        _headers("assignee", two_agencies, applicant),
    ).json()
    consultation = asked["consultations"][0]["id"]
    path = f"/api/v1/work/dossiers/{dossier.code}/consultations/{consultation}/answer"

    wrong = _post(path, {"answer": "Có"}, _headers("colleague", two_agencies, applicant))
    right = _post(path, {"answer": "Có"}, _headers("other_agency", two_agencies, applicant))
    twice = _post(path, {"answer": "Có"}, _headers("other_agency", two_agencies, applicant))

    assert (wrong.status_code, right.status_code, twice.status_code) == (403, 200, 409)
    assert right.json()["consultations"][0]["answer"] == "Có"


def test_the_work_api_is_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/work/queue" in paths
    assert "/api/v1/work/dossiers/{code}/steps/{step_id}/complete" in paths
    assert "/api/v1/work/dossiers/{code}/return" in paths


RESULT = {
    "title": "Văn bản xác nhận thông tin hộ tịch",
    "body_fields": {"document_type": "certificate", "particulars": [["Họ và tên", "Nguyễn Văn An"]]},
}


def test_signing_and_issuing_the_result_over_json(two_agencies, applicant, frozen):
    dossier = two_agencies["dossier"]
    signing = _to_signing(two_agencies)
    path = f"/api/v1/work/dossiers/{dossier.code}/steps/{signing.pk}/result"
    before = snapshot(dossier)

    director = _headers("director", two_agencies, applicant)
    refused = _post(path, RESULT, _headers("head", two_agencies, applicant))
    bad = _post(path, {**RESULT, "body_fields": {"colour": "red"}}, director)
    preview = _post(f"{path}/preview", RESULT, director)
    assert (refused.status_code, bad.status_code, preview.status_code) == (403, 422, 200)
    assert preview.json()["holder_name"] == "Nguyễn Văn An"
    assert snapshot(dossier) == before

    issued = _post(path, RESULT, director)

    body = issued.json()
    assert issued.status_code == 200
    assert body["status"] == "processed"
    assert [(r["kind"], r["title"]) for r in body["results"]] == [("result", RESULT["title"])]
    again = _post(path, RESULT, director)
    assert again.status_code == 409


def test_refusing_with_the_rejection_notice_needs_the_signer(two_agencies, applicant, frozen):
    dossier, step = two_agencies["dossier"], two_agencies["appraisal"]
    path = f"/api/v1/work/dossiers/{dossier.code}/steps/{step.pk}/reject"
    body = {"reason": "Không đủ điều kiện", "issue_notice": True}
    before = snapshot(dossier)

    refused = _post(path, body, _headers("head", two_agencies, applicant))
    assert refused.status_code == 403
    assert snapshot(dossier) == before

    done = _post(path, body, _headers("director", two_agencies, applicant))
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["results"][0]["kind"]) == ("refused", "rejection_notice")
