"""Public lookup by dossier code and a second factor (Decree 118/2025 Art. 28; TT 01/2018 Art. 19.2: the QR
code on the receipt): the page /tra-cuu/ and POST /api/v1/lookup/."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.dossiers import lookup
from egov.dossiers.api_public import LookupOut
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import Dossier
from egov.dossiers.services import dossier_create

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Thursday 26/11/2026, a working day; every test runs at a frozen moment, so that the fixed rate-limit
# windows never roll over in the middle of a test.
MORNING = datetime(2026, 11, 26, 8, 30, tzinfo=VIETNAM)

NAME = "Trần Thị Bích Ngọc"
PHONE = "0987 650 246"
PERSONAL_ID = "037190004321"
ADDRESS = "Số 7 ngõ Hoa Sữa, phường Một"
EMAIL = "ngoc.tran@example.vn"
NEUTRAL = "Không tìm thấy hồ sơ khớp với thông tin đã nhập."
PAGE = "/tra-cuu/"
API = "/api/v1/lookup/"


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen):
    root = Agency.objects.create(code="H99", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    office = Agency.objects.create(code="H99.01", name="Văn phòng UBND tỉnh", level="department", parent=root)
    centre = Agency.objects.create(
        code="H99.01.01",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        level="one_stop_centre",
        parent=office,
    )
    justice = Agency.objects.create(code="H99.03", name="Sở Tư pháp", level="department", parent=root)
    officer = User.objects.create_user(
        "motcua", password="x", kind=User.Kind.OFFICIAL, full_name="Lê Văn Cán Bộ"
    )
    Membership.objects.create(user=officer, agency=centre, role=Role.ONE_STOP_OFFICER)
    version = procedure_version_write(
        actor=None,
        national_code="3.000333",
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp",
            "level": "province",
            "processing_days": 5,
            "result_type": "Phiếu lý lịch tư pháp",
        },
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": justice.pk,
                "role": "specialist",
                "quota_hours": Decimal(40),
            },
        ],
        agency_ids=[justice.pk],
        publish=True,
    )
    dossier = dossier_create(
        actor=None,
        version=version,
        receiving_agency=centre,
        channel=Dossier.Channel.DIRECT,
        applicant=None,
        applicant_name=NAME,
        applicant_personal_id=PERSONAL_ID,
        applicant_phone=PHONE,
        applicant_email=EMAIL,
        applicant_address=ADDRESS,
        form_data={"ghi_chu": "Bí mật của người nộp"},
    )
    dossier_receive(actor=officer, dossier=dossier, at=datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM))
    dossier_transfer(actor=officer, dossier=dossier, at=datetime(2026, 11, 26, 10, 0, tzinfo=VIETNAM))
    dossier.refresh_from_db()
    return {"dossier": dossier, "centre": centre, "justice": justice, "officer": officer}


def _post(client: Client, code: str, factor: str, ip: str = "203.0.113.5"):
    return client.post(PAGE, {"ma": code, "so_cuoi": factor}, REMOTE_ADDR=ip)


def _api(client: Client, code: str, factor: str, ip: str = "203.0.113.5"):
    return client.post(
        API, json.dumps({"code": code, "factor": factor}), content_type="application/json", REMOTE_ADDR=ip
    )


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _assert_no_personal_data(text: str) -> None:
    for secret in (NAME, PHONE, "0987650246", PERSONAL_ID, ADDRESS, EMAIL, "Bí mật của người nộp"):
        assert secret not in text
    assert "Lê Văn Cán Bộ" not in text  # nor the officers' names from the control slip


@pytest.mark.parametrize("factor", ["0246", "4321"], ids=["phone", "personal_id"])
def test_the_right_factor_shows_the_steps_and_no_personal_data(world, factor):
    # Given a received dossier handed to the processing agency
    dossier = world["dossier"]
    # When the applicant enters the code (in lower case, with spaces) and the last 4 digits
    response = _post(Client(), f" {dossier.code.lower()} ", factor)
    # Then the page shows the procedure, the centre, the status in words and its national code, the moments
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert dossier.code in html
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert "Trung tâm Phục vụ hành chính công tỉnh" in html
    assert "Đang giải quyết" in html
    assert "(mã trạng thái quốc gia 4)" in html
    assert "09:00 26/11/2026" in html  # received
    assert "09:00 03/12/2026" in html  # appointment: 5 working days
    # and each step: who handed over to whom, when, the due moment and the outcome in words
    assert "Sở Tư pháp" in html
    assert "10:00 26/11/2026" in html
    assert "17:00 26/11/2026" in html
    assert "Đã giải quyết đúng hạn" in html
    # and nothing about the applicant
    _assert_no_personal_data(html)


def test_the_api_gives_the_same_data_as_json_without_personal_data(world):
    dossier = world["dossier"]
    response = _api(Client(), dossier.code, "0246")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["procedure"] == "Cấp Phiếu lý lịch tư pháp"
    assert body["receiving_agency"] == "Trung tâm Phục vụ hành chính công tỉnh"
    assert body["processing_agency"] == "Sở Tư pháp"
    assert (body["status"], body["national_status_code"]) == ("processing", 4)
    assert body["due_at"] == "2026-12-03T02:00:00Z"
    assert body["timeliness"] == "within_deadline"
    assert [(step["from_agency"], step["to_agency"], step["outcome"]) for step in body["steps"]] == [
        ("Trung tâm Phục vụ hành chính công tỉnh", "Sở Tư pháp", "on_time")
    ]
    assert [change["national_status_code"] for change in body["history"]] == [1, 2, 4]
    _assert_no_personal_data(response.content.decode())
    # The answer is built by hand for speed; it must still be exactly what the published schema says.
    assert LookupOut.model_validate(body).model_dump(mode="json") == body


def test_a_wrong_factor_and_an_unknown_code_get_the_same_answer(world):
    code = world["dossier"].code
    unknown = code[:-4] + "9999"
    # The page: the same neutral message; the bodies differ only in what was typed back into the form
    wrong = _post(Client(), code, "0000", ip="203.0.113.10")
    missing = _post(Client(), unknown, "0000", ip="203.0.113.11")
    assert wrong.status_code == missing.status_code == 200
    assert NEUTRAL in wrong.content.decode()
    assert _without_csrf(wrong.content.decode()).replace(code, "CODE") == _without_csrf(
        missing.content.decode()
    ).replace(unknown, "CODE")
    _assert_no_personal_data(wrong.content.decode())
    # The API: byte for byte the same 404
    wrong_api = _api(Client(), code, "0000", ip="203.0.113.12")
    missing_api = _api(Client(), unknown, "0000", ip="203.0.113.13")
    assert wrong_api.status_code == missing_api.status_code == 404
    assert wrong_api.content == missing_api.content
    assert wrong_api.json() == {"detail": NEUTRAL}


def test_the_factor_is_compared_even_when_the_code_is_unknown(world, monkeypatch):
    compared = []
    real = lookup.hmac.compare_digest
    monkeypatch.setattr(lookup.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    lookup.dossier_lookup(code=world["dossier"].code, factor="0000", ip="203.0.113.20")
    lookup.dossier_lookup(code="H99.01.01-261126-9999", factor="0000", ip="203.0.113.21")
    assert len(compared) == 4  # phone and personal ID on both paths


def test_a_malformed_factor_is_explained_beside_the_field_and_not_counted(world):
    response = _post(Client(), world["dossier"].code, "12a")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập đúng 4 chữ số." in html
    assert 'href="#id_so_cuoi"' in html
    assert NEUTRAL not in html


def test_the_qr_code_link_fills_in_the_code_and_asks_for_the_factor(world):
    code = world["dossier"].code
    response = Client().get(PAGE, {"ma": code.lower()})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="ma" value="{code}"' in html
    assert 'name="so_cuoi"' in html
    assert NEUTRAL not in html
    assert "Cấp Phiếu lý lịch tư pháp" not in html  # nothing is shown without the factor
    assert lookup.lookup_url(code, absolute=False) == f"/tra-cuu/?ma={code}"


def test_get_with_the_code_and_the_factor_looks_the_dossier_up(world):
    response = Client().get(
        PAGE, {"ma": world["dossier"].code, "so_cuoi": "4321"}, REMOTE_ADDR="203.0.113.30"
    )
    assert response.status_code == 200
    assert "Cấp Phiếu lý lịch tư pháp" in response.content.decode()


def test_a_wrong_guess_is_logged_with_the_code_prefix_and_the_address_only(world, caplog):
    caplog.set_level(logging.INFO)
    code = world["dossier"].code
    _post(Client(), code, "0000", ip="198.51.100.7")
    failures = [
        r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "lookup_failed"
    ]
    assert len(failures) == 1
    assert (failures[0]["code_prefix"], failures[0]["ip"], failures[0]["is_known_code"]) == (
        code[:8],
        "198.51.100.7",
        True,
    )
    assert code not in str(failures[0])


def test_an_address_is_limited_to_thirty_wrong_guesses_an_hour(world):
    client = Client()
    # Given thirty wrong guesses from one address, each on another (unknown) code
    answers = [
        _post(client, f"H99.01.01-261126-{n:04d}", "0000", ip="192.0.2.1").status_code for n in range(30)
    ]
    assert answers == [200] * 30
    # When it tries again, even with the right code and factor
    refused = _post(client, world["dossier"].code, "0246", ip="192.0.2.1")
    # Then it is refused in Vietnamese with when to try again, and nothing is shown
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in html
    assert refused["Retry-After"] == "1800"  # the hour's window ends at 09:00
    assert "09:00" in html
    assert "Sở Tư pháp" not in html
    # and the API shares the counter
    assert _api(client, world["dossier"].code, "0246", ip="192.0.2.1").status_code == 429
    # while another address is not affected
    assert _post(client, world["dossier"].code, "0246", ip="192.0.2.2").status_code == 200


def test_right_lookups_cost_no_guess(world):
    client = Client()

    answers = {_post(client, world["dossier"].code, "0246", ip="192.0.2.3").status_code for _ in range(40)}

    assert answers == {200}


def test_a_code_is_limited_to_five_tries_an_hour_from_any_address(world):
    code = world["dossier"].code
    client = Client()
    answers = [_post(client, code, f"{n:04d}", ip=f"192.0.2.{10 + n}").status_code for n in range(5)]
    assert answers == [200] * 5
    # the sixth try on this code, from yet another address and with the right factor, is refused
    refused = _api(client, code, "0246", ip="192.0.2.99")
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.json()["detail"]
    assert "code" not in refused.json()
    assert "Sở Tư pháp" not in refused.content.decode()
    # another code is not affected
    assert _post(client, code[:-4] + "9999", "0246", ip="192.0.2.99").status_code == 200


def test_the_limits_start_again_in_the_next_window(world, frozen):
    code = world["dossier"].code
    client = Client()
    for n in range(6):
        _post(client, code, f"{n:04d}", ip=f"192.0.2.{40 + n}")
    assert _post(client, code, "0246", ip="192.0.2.60").status_code == 429
    frozen.shift(3600)
    assert _post(client, code, "0246", ip="192.0.2.60").status_code == 200


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" h99.01.01-261126-0001 ", "H99.01.01-261126-0001"),
        ("H99.01.01 - 261126 - 0001", "H99.01.01-261126-0001"),
    ],
)
def test_codes_are_normalised_as_people_type_them(raw, expected):
    assert lookup.lookup_normalise_code(raw) == expected


@pytest.mark.parametrize(("phone", "personal_id"), [("", ""), ("12", "")])
def test_a_dossier_without_four_digits_to_compare_never_matches(world, phone, personal_id):
    Dossier.objects.filter(pk=world["dossier"].pk).update(
        applicant_phone=phone, applicant_personal_id=personal_id
    )
    answer = lookup.dossier_lookup(code=world["dossier"].code, factor="0012", ip="192.0.2.70")
    assert answer.outcome is lookup.LookupOutcome.NOT_FOUND


@pytest.mark.parametrize("who", ["anonymous", "other_citizen", "officer"])
def test_being_signed_in_grants_nothing_without_the_factor(world, who):
    # Given a visitor who is anonymous, another citizen, or an officer of the receiving centre
    client = Client()
    if who == "other_citizen":
        client.force_login(User.objects.create_user("037090009999", password="x", kind=User.Kind.CITIZEN))
    elif who == "officer":
        client.force_login(world["officer"])
    code = world["dossier"].code
    # When they open the QR link and then try a wrong factor
    opened = client.get(PAGE, {"ma": code})
    refused = client.post(PAGE, {"ma": code, "so_cuoi": "0000"}, REMOTE_ADDR="192.0.2.80")
    # Then they see no more than anybody: the form and the neutral answer
    assert "Cấp Phiếu lý lịch tư pháp" not in opened.content.decode()
    assert NEUTRAL in refused.content.decode()
    assert "Sở Tư pháp" not in refused.content.decode()
    # and the dossier did not change
    assert Dossier.objects.get(pk=world["dossier"].pk).status == world["dossier"].status


def test_the_endpoint_is_in_the_openapi_schema(db):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/lookup/"]["post"]
    assert sorted(operation["responses"]) == ["200", "404", "429"]
