"""The public catalogue API at /api/v1/catalogue/ (no authentication: anyone may read the catalogue).

Error messages go through gettext and the Vietnamese catalogue is written separately, so refusals are
checked on their structure and field names, not on their wording.
"""

from __future__ import annotations

from typing import get_args

import pytest
from django.test import Client

from egov.accounts.models import Agency, User
from egov.catalog import api as catalogue_api
from egov.catalog.models import ProcedureVersion
from egov.catalog.services import procedure_version_new_draft, procedure_version_write
from egov.catalog.tests.test_search import agency, publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue"

BIRTH_FORM = {
    "type": "object",
    "required": ["child_name"],
    "properties": {"child_name": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"}},
}


@pytest.fixture
def ward() -> Agency:
    return agency("H37.21.01", "UBND phường Đông Hà")


@pytest.fixture
def birth(ward) -> ProcedureVersion:
    """A complete procedure: papers, fees, steps, a form, agencies."""
    return procedure_version_write(
        actor=None,
        national_code="1.001193",
        field_name="Hộ tịch",
        data={
            "name": "Thủ tục đăng ký khai sinh",
            "plain_summary": "Đăng ký khai sinh cho trẻ em mới sinh.",
            "level": "commune",
            "online_level": "full",
            "applicant_type": "citizen",
            "processing_days": 0,
            "processing_days_online": 1,
            "processing_time_text": "Ngay trong ngày tiếp nhận hồ sơ",
            "fee_text": "Miễn lệ phí",
            "result_type": "Giấy khai sinh",
            "result_type_code": "KS",
            "implementing_agency_text": "UBND cấp xã",
            "deciding_agency_text": "UBND cấp xã",
            "conditions": "",
            "legal_basis": "Luật Hộ tịch 2014",
            "form_schema": BIRTH_FORM,
            "form_ui": {"child_name": {"widget": "text"}},
            "source_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        },
        papers=[
            {"order": 2, "name": "Giấy chứng sinh", "originals": 1, "copies": 0},
            {
                "order": 1,
                "name": "Tờ khai đăng ký khai sinh",
                "originals": 1,
                "copies": 0,
                "case_note": "",
                "from_national_database": False,
            },
        ],
        fees=[{"kind": "charge", "name": "Lệ phí đăng ký khai sinh", "amount": None, "exemption": "Miễn"}],
        steps=[
            {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "quota_hours": "2"},
            {
                "order": 2,
                "name": "Ký giấy khai sinh",
                "agency_id": ward.pk,
                "role": "agency_head",
                "quota_hours": "4.5",
            },
        ],
        agency_ids=[ward.pk],
        publish=True,
    )


def test_search_returns_a_page_with_the_exact_total(birth):
    publish("1.004884", "Đăng ký lại khai sinh")
    publish("1.000894", "Đăng ký kết hôn")

    response = Client().get(f"{URL}/procedures", {"q": "dang ky khai sinh", "limit": 1})

    assert response.status_code == 200
    assert response.json() == {
        "total": 2,
        "limit": 1,
        "offset": 0,
        "items": [
            {
                "national_code": "1.004884",
                "name": "Đăng ký lại khai sinh",
                "version": 1,
                "field": {"id": birth.field_id, "code": "ho-tich", "name": "Hộ tịch"},
                "level": "commune",
                "online_level": "partial",
                "applicant_type": "citizen",
                "processing_days": 3,
                "processing_days_online": None,
                "result_type": "Giấy chứng nhận",
                "implementing_agency_text": "",
            }
        ],
    }


def test_search_ranks_the_words_as_typed_first_and_pages_on(birth):
    publish("1.004884", "Đăng ký lại khai sinh")

    first = Client().get(f"{URL}/procedures", {"q": "đăng ký khai sinh"}).json()
    second = Client().get(f"{URL}/procedures", {"q": "đăng ký khai sinh", "offset": 1, "limit": 5}).json()

    assert [item["name"] for item in first["items"]] == ["Thủ tục đăng ký khai sinh", "Đăng ký lại khai sinh"]
    assert (second["total"], [item["name"] for item in second["items"]]) == (2, ["Đăng ký lại khai sinh"])


def test_search_by_national_code_and_with_every_filter(birth, ward):
    publish("2.000528", "Đăng ký khai sinh có yếu tố nước ngoài", level="province", online_level="partial")
    client = Client()

    by_code = client.get(f"{URL}/procedures", {"q": "1.001193"}).json()
    filtered = client.get(
        f"{URL}/procedures",
        {
            "q": "khai sinh",
            "field": birth.field_id,
            "agency": ward.pk,
            "level": "commune",
            "online_level": "full",
        },
    ).json()
    province = client.get(f"{URL}/procedures", {"level": "province"}).json()

    assert [item["national_code"] for item in by_code["items"]] == ["1.001193"]
    assert [item["national_code"] for item in filtered["items"]] == ["1.001193"]
    assert [item["national_code"] for item in province["items"]] == ["2.000528"]


def test_search_never_shows_drafts_or_superseded_versions(birth):
    publish("1.9", "Đăng ký khai sinh bản nháp", is_published=False)
    procedure_version_new_draft(actor=None, procedure=birth.procedure)
    procedure_version_write(
        actor=None,
        national_code="1.001193",
        field_name="Hộ tịch",
        data={"name": "Đăng ký khai sinh (liên thông)"},
        publish=True,
    )

    body = Client().get(f"{URL}/procedures", {"q": "khai sinh"}).json()

    assert [(item["name"], item["version"]) for item in body["items"]] == [
        ("Đăng ký khai sinh (liên thông)", 2)
    ]


@pytest.mark.parametrize("query", ['"', "NEAR(khai sinh)", "khai*", "'); DROP TABLE x; --", "%_\\", "🙂"])
def test_hostile_queries_answer_200(birth, query):
    response = Client().get(f"{URL}/procedures", {"q": query})

    assert response.status_code == 200
    assert response.json()["total"] in {0, 1}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"limit": 0}, ["limit"]),
        ({"limit": 101}, ["limit"]),
        ({"limit": "many"}, ["limit"]),
        ({"offset": -1}, ["offset"]),
        ({"field": "hộ tịch"}, ["field"]),
        ({"agency": 0}, ["agency"]),
        ({"level": "district"}, ["level"]),
        ({"online_level": "yes"}, ["online_level"]),
        ({"q": "x" * 201}, ["q"]),
        ({"level": "district", "limit": 0}, ["level", "limit"]),
    ],
)
def test_invalid_parameters_are_refused_with_422_and_the_fields_at_fault(params, fields):
    response = Client().get(f"{URL}/procedures", params)

    assert response.status_code == 422
    body = response.json()
    assert sorted(error["field"] for error in body["errors"]) == sorted(fields)
    assert body["detail"]
    assert all(error["message"] for error in body["errors"])


def test_detail_gives_the_published_version_in_full(birth, ward):
    response = Client().get(f"{URL}/procedures/1.001193")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("published_at").startswith(
        ProcedureVersion.objects.get(pk=birth.pk).published_at.date().isoformat()
    )
    assert body == {
        "national_code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "version": 1,
        "field": {"id": birth.field_id, "code": "ho-tich", "name": "Hộ tịch"},
        "level": "commune",
        "online_level": "full",
        "applicant_type": "citizen",
        "processing_days": 0,
        "processing_days_online": 1,
        "result_type": "Giấy khai sinh",
        "implementing_agency_text": "UBND cấp xã",
        "plain_summary": "Đăng ký khai sinh cho trẻ em mới sinh.",
        "deciding_agency_text": "UBND cấp xã",
        "processing_time": {"days": 0, "days_online": 1, "text": "Ngay trong ngày tiếp nhận hồ sơ"},
        "fee_text": "Miễn lệ phí",
        "result_type_code": "KS",
        "conditions": "",
        "legal_basis": "Luật Hộ tịch 2014",
        "allows_any_location": True,
        "source_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        "agencies": [{"id": ward.pk, "code": "H37.21.01", "name": "UBND phường Đông Hà"}],
        "papers": [
            {
                "order": 1,
                "name": "Tờ khai đăng ký khai sinh",
                "originals": 1,
                "copies": 0,
                "is_mandatory": True,
                "case_note": "",
                "template_url": None,
                "reusable_result_type": "",
                "from_national_database": False,
            },
            {
                "order": 2,
                "name": "Giấy chứng sinh",
                "originals": 1,
                "copies": 0,
                "is_mandatory": True,
                "case_note": "",
                "template_url": None,
                "reusable_result_type": "",
                "from_national_database": False,
            },
        ],
        "fees": [
            {
                "kind": "charge",
                "name": "Lệ phí đăng ký khai sinh",
                "amount": None,
                "channel": "",
                "description": "",
                "exemption": "Miễn",
            }
        ],
        "steps": [
            {
                "order": 1,
                "name": "Tiếp nhận hồ sơ",
                "agency": None,
                "role": "one_stop_officer",
                "quota_hours": 2.0,
            },
            {
                "order": 2,
                "name": "Ký giấy khai sinh",
                "agency": {"id": ward.pk, "code": "H37.21.01", "name": "UBND phường Đông Hà"},
                "role": "agency_head",
                "quota_hours": 4.5,
            },
        ],
        "form": {"definition": BIRTH_FORM, "ui": {"child_name": {"widget": "text"}}},
    }


def test_detail_of_an_unknown_or_unpublished_code_is_404_with_a_detail(birth):
    publish("1.9", "Thủ tục nháp", is_published=False)

    unknown = Client().get(f"{URL}/procedures/9.999999")
    draft_only = Client().get(f"{URL}/procedures/1.9")

    assert (unknown.status_code, draft_only.status_code) == (404, 404)
    assert set(unknown.json()) == {"detail"}
    assert "9.999999" in unknown.json()["detail"]


def test_detail_shows_the_new_version_once_published_not_the_draft(birth):
    procedure_version_new_draft(actor=None, procedure=birth.procedure)
    procedure_version_write(
        actor=None, national_code="1.001193", field_name="Hộ tịch", data={"name": "Đăng ký khai sinh (mới)"}
    )

    before = Client().get(f"{URL}/procedures/1.001193").json()
    procedure_version_write(actor=None, national_code="1.001193", field_name="Hộ tịch", data={}, publish=True)
    after = Client().get(f"{URL}/procedures/1.001193").json()

    assert (before["version"], before["name"]) == (1, "Thủ tục đăng ký khai sinh")
    assert (after["version"], after["name"]) == (2, "Đăng ký khai sinh (mới)")


def test_fields_lists_those_with_published_procedures_in_vietnamese_order():
    publish("1.1", "Đăng ký khai sinh", field="Hộ tịch")
    publish("1.2", "Cấp giấy phép xây dựng", field="Xây dựng")
    publish("1.3", "Chứng thực bản sao", field="Chứng thực")
    publish("1.4", "Cấp giấy phép lái xe", field="Đường bộ")
    publish("1.5", "Thủ tục nháp", field="Đất đai", is_published=False)

    response = Client().get(f"{URL}/fields")

    assert response.status_code == 200
    assert [field["name"] for field in response.json()] == ["Chứng thực", "Đường bộ", "Hộ tịch", "Xây dựng"]
    assert set(response.json()[0]) == {"id", "code", "name"}


@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
@pytest.mark.parametrize("path", ["/procedures?q=khai+sinh", "/procedures/1.001193", "/fields"])
def test_every_endpoint_answers_everyone_alike_and_changes_nothing(birth, who, path):
    client = Client()
    if who != "anonymous":
        client.force_login(User.objects.create_user(username=who, password="x", is_staff=who == "officer"))
    versions_before = list(ProcedureVersion.objects.values_list("id", "status", "name"))

    response = client.get(f"{URL}{path}")

    assert response.status_code == 200
    assert response.json() == Client().get(f"{URL}{path}").json()
    assert list(ProcedureVersion.objects.values_list("id", "status", "name")) == versions_before


def test_the_filters_accept_exactly_the_model_choices():
    assert list(get_args(catalogue_api.LevelValue)) == ProcedureVersion.Level.values
    assert list(get_args(catalogue_api.OnlineLevelValue)) == ProcedureVersion.OnlineLevel.values
    assert list(get_args(catalogue_api.ApplicantValue)) == ProcedureVersion.Applicant.values


def test_the_openapi_schema_documents_the_catalogue():
    schema = Client().get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert {
        "/api/v1/catalogue/procedures",
        "/api/v1/catalogue/procedures/{national_code}",
        "/api/v1/catalogue/fields",
    } <= set(paths)
    parameters = {
        parameter["name"] for parameter in paths["/api/v1/catalogue/procedures"]["get"]["parameters"]
    }
    assert parameters == {"q", "field", "agency", "level", "online_level", "limit", "offset"}
    assert set(paths["/api/v1/catalogue/procedures"]["get"]["responses"]) == {"200", "422"}
    assert set(paths["/api/v1/catalogue/procedures/{national_code}"]["get"]["responses"]) == {"200", "404"}
