"""Catalogue spreadsheets: export, import with a dry run and a row-by-row report, the admin upload page
and the management commands."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import include, path
from django.utils import translation
from openpyxl import Workbook, load_workbook

from egov import urls as project_urls
from egov.accounts.models import Agency
from egov.accounts.tests.factories import AgencyFactory, UserFactory
from egov.catalog.admin_import import get_import_urls
from egov.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredPaper, StepTemplate
from egov.catalog.services import VERSION_FIELDS, procedure_version_new_draft, procedure_version_write
from egov.catalog.spreadsheet import (
    COLUMN_KEYS,
    SHEET_TITLE,
    Action,
    catalogue_export,
    catalogue_import,
    catalogue_rows,
)
from egov.catalog.tests.factories import procedure_write
from egov.core.audit.models import AuditEvent
from egov.core.permissions import Role

# --- a test admin site with the import pages hooked the way catalog/admin.py hooks them --------------


class _TestAdminSite(admin.AdminSite):
    def get_urls(self) -> list[Any]:
        return [path("catalog/procedure/", include(get_import_urls(self))), *super().get_urls()]


_site = _TestAdminSite(name="admin")
urlpatterns = [
    path("admin/", _site.urls),
    *(pattern for pattern in project_urls.urlpatterns if str(pattern.pattern) != "admin/"),
]


# --- fixtures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agencies:
    province: Agency
    department: Agency
    commune: Agency
    other_commune: Agency
    ended: Agency


@pytest.fixture
def agencies(db) -> Agencies:
    province = AgencyFactory(province=True, code="T37")
    return Agencies(
        province=province,
        department=AgencyFactory(department=True, parent=province, code="T37.03"),
        commune=AgencyFactory(commune=True, parent=province, code="T37.30"),
        other_commune=AgencyFactory(commune=True, parent=province, code="T37.31"),
        ended=AgencyFactory(commune=True, parent=province, code="T37.21", ended=True),
    )


@pytest.fixture
def catalogue(agencies: Agencies) -> dict[str, ProcedureVersion]:
    """Three published procedures (one at its second version, one immediate and bare) and one that is
    only a draft; texts with what spreadsheets make hard: "|", backslashes, new lines, leading "=" and
    "-", Vietnamese letters."""
    birth = procedure_write(
        national_code="9.000001",
        agencies=[agencies.commune, agencies.other_commune],
        plain_summary="=SUM(A1) không phải công thức",
        conditions="Dòng 1\nDòng 2 | có gạch đứng và \\ gạch chéo",
        form_ui={
            "order": ["full_name", "personal_id", "child_name"],
            "child_name": {"help": "Như giấy chứng sinh"},
        },
        papers=[
            {
                "order": 1,
                "name": "Tờ khai | mẫu \\ 01\nbản in",
                "originals": 1,
                "copies": 2,
                "case_note": "[a] x",
            },
            {
                "order": 2,
                "name": "Giấy tờ tùy thân",
                "from_national_database": True,
                "is_mandatory": True,
                "case_note": "Giấy tờ phải xuất trình",
            },
            {"order": 3, "name": "Giấy khai sinh", "reusable_result_type": "KS", "is_mandatory": False},
        ],
        fees=[
            {
                "kind": Fee.Kind.FEE,
                "name": "Phí",
                "amount": 8000,
                "channel": "online",
                "description": "Một dòng\nhai dòng",
                "exemption": "- Hộ nghèo",
            },
            {"kind": Fee.Kind.CHARGE, "name": "Lệ phí theo HĐND", "amount": None},
        ],
    )
    licence = procedure_write(
        national_code="9.000002",
        agencies=[agencies.department],
        level=ProcedureVersion.Level.PROVINCE,
        applicant_type=ProcedureVersion.Applicant.BUSINESS,
        result_type="- Giấy phép; - Văn bản trả lời",
        field_name="Hoạt động xây dựng",
        fees=[],
    )
    procedure_version_new_draft(actor=None, procedure=licence.procedure)
    second = procedure_version_write(
        actor=None,
        national_code="9.000002",
        field_name="Hoạt động xây dựng",
        data={
            "processing_days": 2,
            "processing_days_online": 1,
            "processing_time_text": "2 ngày làm việc",
            "allows_any_location": False,
        },
        papers=[{"order": 1, "name": "Đơn đề nghị", "originals": 1}],
        steps=[
            {"order": 1, "name": "Tiếp nhận", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal("4")},
            {
                "order": 2,
                "name": "Thẩm định",
                "agency_id": agencies.department.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal("11.25"),
            },
            {
                "order": 3,
                "name": "Trả kết quả",
                "role": Role.ONE_STOP_OFFICER,
                "quota_hours": Decimal("0.75"),
            },
        ],
        agency_ids=[agencies.department.pk],
        publish=True,
    )
    immediate = procedure_write(
        national_code="9.000003",
        agencies=[],
        processing_days=0,
        processing_time_text="",
        result_type="Bản sao được chứng thực",
        result_type_code="",
        form_schema={},
        online_level=ProcedureVersion.OnlineLevel.NONE,
        papers=[],
        fees=[],
        steps=[],
        field_name="Chứng thực",
    )
    draft_only = procedure_write(national_code="9.000004", agencies=[agencies.commune], publish=False)
    return {"birth": birth, "licence": second, "immediate": immediate, "draft_only": draft_only}


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Procedure, ProcedureVersion, RequiredPaper, Fee, StepTemplate, Field, AuditEvent)
    }


def _empty_catalogue() -> None:
    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def _cells(payload: bytes) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(payload))
    return [tuple(cell.value for cell in row) for row in workbook[SHEET_TITLE].iter_rows()]


def _csv(rows: list[dict[str, Any]], *, delimiter: str = ",", bom: bool = True) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMN_KEYS)
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row.get(key, "") for key in COLUMN_KEYS])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _valid_row(agencies: Agencies, code: str, **cells: Any) -> dict[str, Any]:
    row = {
        "national_code": code,
        "name": f"Thủ tục {code}",
        "field": "Hộ tịch",
        "level": "commune",
        "applicant_type": "citizen",
        "online_level": "partial",
        "implementing_agencies": f"{agencies.commune.code}\n{agencies.other_commune.code}",
        "processing_days": "1",
        "result_type": "Giấy khai sinh",
        "allows_any_location": "có",
        "papers": "Tờ khai | 1 | 0 | có |  | không |",
        "fees": "lệ phí | Lệ phí | 8.000 | trực tiếp | |",
        "steps": f"Tiếp nhận |  | one_stop_officer | 4\nThẩm định | {agencies.commune.code} | specialist | 4",
        "form_schema": json.dumps(
            {"type": "object", "properties": {"full_name": {"type": "string", "x-prefill": "full_name"}}}
        ),
    }
    row.update(cells)
    return row


# --- export and round trip ----------------------------------------------------------------------------


def test_every_content_field_of_a_version_has_a_column():
    assert set(VERSION_FIELDS) <= set(COLUMN_KEYS)
    assert {"national_code", "field", "implementing_agencies", "papers", "fees", "steps"} <= set(COLUMN_KEYS)


def test_export_has_one_row_per_published_procedure_in_code_order(catalogue):
    rows = catalogue_rows()

    assert [row["national_code"] for row in rows] == ["9.000001", "9.000002", "9.000003"]
    licence = rows[1]
    assert licence["processing_days"] == 2
    assert licence["processing_days_online"] == 1
    assert licence["allows_any_location"] == "không"
    assert licence["steps"] == (
        "Tiếp nhận |  | one_stop_officer | 4\nThẩm định | T37.03 | specialist | 11.25\n"
        "Trả kết quả |  | one_stop_officer | 0.75"
    )
    birth = rows[0]
    assert birth["implementing_agencies"] == "T37.30\nT37.31"
    assert birth["papers"].split("\n") == [
        "Tờ khai \\| mẫu \\\\ 01\\nbản in | 1 | 2 | có |  | không | [a] x",
        "Giấy tờ tùy thân | 1 | 0 | có |  | có | Giấy tờ phải xuất trình",
        "Giấy khai sinh | 1 | 0 | không | KS | không |",
    ]
    assert birth["fees"].split("\n") == [
        "fee | Phí | 8000 | online | Một dòng\\nhai dòng | - Hộ nghèo",
        "charge | Lệ phí theo HĐND |  |  |  |",
    ]


def test_export_with_drafts_takes_the_draft_where_there_is_one(catalogue):
    procedure_version_new_draft(actor=None, procedure=catalogue["birth"].procedure)
    procedure_version_write(
        actor=None,
        national_code="9.000001",
        field_name="Hộ tịch",
        data={"name": "Tên mới trong bản nháp"},
        papers=[],
        fees=[],
        steps=[],
    )

    published = {row["national_code"]: row["name"] for row in catalogue_rows()}
    with_drafts = {row["national_code"]: row["name"] for row in catalogue_rows(include_drafts=True)}

    assert published == {
        "9.000001": "Thủ tục 9.000001",
        "9.000002": "Thủ tục 9.000002",
        "9.000003": "Thủ tục 9.000003",
    }
    assert with_drafts == {
        "9.000001": "Tên mới trong bản nháp",
        "9.000002": "Thủ tục 9.000002",
        "9.000003": "Thủ tục 9.000003",
        "9.000004": "Thủ tục 9.000004",
    }


def test_csv_round_trip_into_an_empty_catalogue_is_byte_identical(catalogue):
    exported = catalogue_export(file_format="csv")
    _empty_catalogue()

    report = catalogue_import(exported, file_format="csv", dry_run=False, publish=True, actor=None)

    assert report.issues == []
    assert report.written == 3
    assert [row.action for row in report.rows] == [Action.CREATE] * 3
    assert catalogue_export(file_format="csv") == exported


def test_xlsx_round_trip_into_an_empty_catalogue_is_cell_identical(catalogue):
    exported = catalogue_export(file_format="xlsx")
    _empty_catalogue()

    report = catalogue_import(exported, file_format="xlsx", dry_run=False, publish=True, actor=None)

    assert report.issues == []
    assert report.written == 3
    again = catalogue_export(file_format="xlsx")
    assert _cells(again) == _cells(exported)
    assert len(_cells(again)) == 4


def test_round_trip_keeps_every_part_of_the_content(catalogue):
    exported = catalogue_export(file_format="csv")
    _empty_catalogue()

    catalogue_import(exported, file_format="csv", dry_run=False, publish=True, actor=None)

    version = Procedure.objects.get(national_code="9.000001").current_version
    assert version is not None
    assert version.status == ProcedureVersion.Status.PUBLISHED
    assert version.conditions == "Dòng 1\nDòng 2 | có gạch đứng và \\ gạch chéo"
    assert version.plain_summary == "=SUM(A1) không phải công thức"
    assert version.form_ui == {
        "order": ["full_name", "personal_id", "child_name"],
        "child_name": {"help": "Như giấy chứng sinh"},
    }
    assert [
        (
            p.order,
            p.name,
            p.originals,
            p.copies,
            p.is_mandatory,
            p.reusable_result_type,
            p.from_national_database,
        )
        for p in version.papers.all()
    ] == [
        (1, "Tờ khai | mẫu \\ 01\nbản in", 1, 2, True, "", False),
        (2, "Giấy tờ tùy thân", 1, 0, True, "", True),
        (3, "Giấy khai sinh", 1, 0, False, "KS", False),
    ]
    assert [(f.kind, f.amount, f.channel, f.description) for f in version.fees.order_by("id")] == [
        ("fee", 8000, "online", "Một dòng\nhai dòng"),
        ("charge", None, "", ""),
    ]
    assert [
        (s.order, s.agency.code if s.agency else "", s.role, s.quota_hours) for s in version.steps.all()
    ] == [
        (1, "", "one_stop_officer", Decimal("1.00")),
        (2, "T37.30", "specialist", Decimal("5.50")),
        (3, "", "agency_head", Decimal("1.50")),
    ]
    assert sorted(version.implementing_agencies.values_list("code", flat=True)) == ["T37.30", "T37.31"]


def test_csv_has_a_byte_order_mark_and_guards_cells_excel_would_run_as_formulas(catalogue):
    exported = catalogue_export(file_format="csv")

    assert exported.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    assert rows[0]["plain_summary"] == "'=SUM(A1) không phải công thức"
    assert rows[1]["result_type"] == "'- Giấy phép; - Văn bản trả lời"


def test_xlsx_stores_texts_as_text_never_as_formulas(catalogue):
    workbook = load_workbook(io.BytesIO(catalogue_export(file_format="xlsx")))
    sheet = workbook[SHEET_TITLE]

    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("plain_summary") + 1)
    assert cell.data_type == "s"
    assert cell.value == "=SUM(A1) không phải công thức"
    assert workbook.sheetnames == ["Thủ tục", "Hướng dẫn"]


# --- import: checks, the report, nothing written on errors ---------------------------------------------


def test_a_file_with_bad_rows_is_refused_with_every_rows_problems_and_nothing_is_written(agencies):
    good = _valid_row(agencies, "9.100001")
    rows = [
        good,
        _valid_row(agencies, "9.100002", implementing_agencies="T37.30\nH99.99"),
        _valid_row(agencies, "9.100003", steps="Tiếp nhận |  | thu_ky | 8"),
        _valid_row(agencies, "9.100004", processing_days="-1"),
        _valid_row(
            agencies,
            "9.100005",
            form_schema=json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}}),
        ),
        _valid_row(agencies, "9.100001"),
        _valid_row(agencies, "9.100007", name=""),
        _valid_row(agencies, "9.100008", form_schema="{không phải JSON"),
        _valid_row(agencies, "9.100009", steps="Tiếp nhận |  | one_stop_officer | 4"),
        _valid_row(agencies, "9.100010", steps=f"Thẩm định | {agencies.ended.code} | specialist | 8"),
        _valid_row(agencies, "9.100011", papers="Tờ khai | một | 0", fees="phí | Phí | 10 | | | | thừa"),
        _valid_row(agencies, "9.100012", level="huyện", result_type=""),
        _valid_row(
            agencies,
            "9.100013",
            form_schema=json.dumps(
                {"type": "object", "properties": {"a": {"type": "string", "x-prefill": "cccd"}}}
            ),
        ),
    ]
    before = _counts()

    report = catalogue_import(_csv(rows), file_format="csv", dry_run=False, publish=True, actor=None)

    assert report.has_errors
    assert report.written == 0
    assert _counts() == before
    assert sorted((issue.row, issue.column, issue.code) for issue in report.issues) == sorted(
        [
            (3, "implementing_agencies", "unknown_agency"),
            (4, "steps", "bad_role"),
            (5, "processing_days", "negative"),
            (6, "form_schema", "bad_schema"),
            (7, "national_code", "duplicate_code"),
            (8, "name", "required"),
            (9, "form_schema", "bad_json"),
            (10, "steps", "quota_mismatch"),
            (11, "steps", "ended_agency"),
            (12, "papers", "bad_line"),
            (12, "fees", "bad_line"),
            (13, "level", "bad_choice"),
            (13, "result_type", "required"),
            (14, "form_schema", "bad_prefill"),
        ]
    )
    assert [row.row for row in report.rows if row.is_valid] == [2]


def test_problems_name_the_row_the_column_and_the_line(agencies):
    rows = [
        _valid_row(agencies, "9.100001"),
        _valid_row(agencies, "9.100001", steps="Tiếp nhận |  | one_stop_officer | 4\nKý |  | ky_so | 4"),
    ]

    with translation.override("en"):
        report = catalogue_import(_csv(rows), file_format="csv", dry_run=True, publish=True, actor=None)

    duplicate, role = report.issues
    assert (duplicate.row, duplicate.column, duplicate.message) == (
        3,
        "national_code",
        "Procedure 9.100001 is already in row 2 of this file.",
    )
    assert (role.row, role.column, role.line) == (3, "steps", 2)
    assert role.message.startswith("Line 2: “ky_so” is not a role; use one of: ")


def test_a_file_without_the_expected_columns_is_refused_before_reading_rows(agencies):
    payload = "national_code;name;extra\n9.1;Tên;x\n".encode()

    report = catalogue_import(payload, file_format="csv", dry_run=True, publish=True, actor=None)

    codes = [(issue.column, issue.code) for issue in report.file_issues]
    assert ("extra", "unknown_column") in codes
    assert ("field", "missing_column") in codes
    assert ("national_code", "missing_column") not in codes
    assert report.rows == []


def test_a_file_that_is_not_a_workbook_is_refused(db):
    report = catalogue_import(b"not a zip", file_format="xlsx", dry_run=True, publish=True, actor=None)

    assert [issue.code for issue in report.file_issues] == ["bad_file"]


def test_dry_run_checks_and_reports_but_writes_nothing(agencies):
    payload = _csv([_valid_row(agencies, "9.100001"), _valid_row(agencies, "9.100002")])
    before = _counts()

    report = catalogue_import(payload, file_format="csv", dry_run=True, publish=True, actor=None)

    assert report.issues == []
    assert [row.action for row in report.rows] == [Action.CREATE, Action.CREATE]
    assert report.written == 0
    assert _counts() == before


def test_import_writes_through_the_service_with_one_audit_event_per_change_and_one_for_the_file(agencies):
    user = UserFactory(official=True)
    payload = _csv([_valid_row(agencies, "9.100001"), _valid_row(agencies, "9.100002")])
    before = AuditEvent.objects.count()

    report = catalogue_import(payload, file_format="csv", dry_run=False, publish=True, actor=user)

    assert report.written == 2
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "actor_id"))[before:]
    assert actions == [
        ("procedure.created", user.pk),
        ("procedure.published", user.pk),
        ("procedure.created", user.pk),
        ("procedure.published", user.pk),
        ("catalogue.imported", user.pk),
    ]
    version = Procedure.objects.get(national_code="9.100001").current_version
    assert version is not None
    assert [(f.kind, f.amount, f.channel) for f in version.fees.all()] == [("charge", 8000, "in_person")]


def test_importing_the_same_content_again_changes_nothing(catalogue):
    exported = catalogue_export(file_format="csv")
    before = _counts()

    report = catalogue_import(exported, file_format="csv", dry_run=False, publish=True, actor=None)

    assert [row.action for row in report.rows] == [Action.UNCHANGED] * 3
    assert report.written == 0
    assert _counts() == before


def test_a_changed_row_becomes_the_next_published_version_and_the_old_one_is_superseded(catalogue):
    old = catalogue["birth"]
    rows = list(
        csv.DictReader(io.StringIO(catalogue_export(file_format="csv").decode("utf-8-sig"), newline=""))
    )
    rows[0]["name"] = "Đăng ký khai sinh (sửa đổi)"

    report = catalogue_import(_csv(rows), file_format="csv", dry_run=False, publish=True, actor=None)

    assert [row.action for row in report.rows] == [Action.NEW_VERSION, Action.UNCHANGED, Action.UNCHANGED]
    old.refresh_from_db()
    assert old.status == ProcedureVersion.Status.SUPERSEDED
    current = Procedure.objects.get(national_code="9.000001").current_version
    assert current is not None
    assert (current.number, current.name) == (2, "Đăng ký khai sinh (sửa đổi)")
    assert current.papers.count() == 3


def test_importing_as_drafts_leaves_the_published_version_in_force(catalogue):
    rows = list(
        csv.DictReader(io.StringIO(catalogue_export(file_format="csv").decode("utf-8-sig"), newline=""))
    )
    rows[0]["name"] = "Bản nháp mới"

    first = catalogue_import(_csv(rows), file_format="csv", dry_run=False, publish=False, actor=None)
    rows[0]["name"] = "Bản nháp sửa lần hai"
    second = catalogue_import(_csv(rows), file_format="csv", dry_run=False, publish=False, actor=None)

    assert first.rows[0].action == Action.NEW_DRAFT
    assert second.rows[0].action == Action.UPDATE_DRAFT
    procedure = Procedure.objects.get(national_code="9.000001")
    assert procedure.current_version_id == catalogue["birth"].pk
    assert list(procedure.versions.values_list("number", "status", "name")) == [
        (2, "draft", "Bản nháp sửa lần hai"),
        (1, "published", "Thủ tục 9.000001"),
    ]


def test_progress_is_reported_row_by_row_up_to_the_total(agencies):
    payload = _csv([_valid_row(agencies, f"9.10000{n}") for n in range(1, 4)])
    dry_calls: list[tuple[int, int]] = []
    real_calls: list[tuple[int, int]] = []

    catalogue_import(
        payload,
        file_format="csv",
        dry_run=True,
        publish=True,
        actor=None,
        progress=lambda *c: dry_calls.append(c),
    )
    catalogue_import(
        payload,
        file_format="csv",
        dry_run=False,
        publish=True,
        actor=None,
        progress=lambda *c: real_calls.append(c),
    )

    assert dry_calls == [(1, 3), (2, 3), (3, 3)]
    assert real_calls == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]


def test_progress_reaches_the_total_even_when_the_file_is_refused(agencies):
    payload = _csv([_valid_row(agencies, "9.100001"), _valid_row(agencies, "9.100001")])
    calls: list[tuple[int, int]] = []

    catalogue_import(
        payload,
        file_format="csv",
        dry_run=False,
        publish=True,
        actor=None,
        progress=lambda *c: calls.append(c),
    )

    assert calls == [(1, 4), (2, 4), (4, 4)]


def test_excel_habits_are_understood(agencies):
    """Semicolons between cells (Excel set to Vietnamese), no byte-order mark, Vietnamese words for
    choices, amounts written 8.000, decimal commas in hours."""
    row = _valid_row(
        agencies,
        "9.100001",
        level="Cấp xã",
        applicant_type="Công dân",
        online_level="toàn trình",
        allows_any_location="Không",
        steps="Tiếp nhận |  | one_stop_officer | 3,5\nThẩm định | t37.30 | specialist | 4,5",
    )

    report = catalogue_import(
        _csv([row], delimiter=";", bom=False), file_format="csv", dry_run=False, publish=True, actor=None
    )

    assert report.issues == []
    version = Procedure.objects.get(national_code="9.100001").current_version
    assert version is not None
    assert (version.level, version.applicant_type, version.online_level, version.allows_any_location) == (
        "commune",
        "citizen",
        "full",
        False,
    )
    assert [s.quota_hours for s in version.steps.all()] == [Decimal("3.50"), Decimal("4.50")]


def test_a_code_excel_turned_into_a_number_is_read_back_with_its_six_digits(agencies):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMN_KEYS))
    row = _valid_row(agencies, "unused")
    sheet.append([9.0001 if key == "national_code" else row.get(key, "") for key in COLUMN_KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = catalogue_import(buffer.getvalue(), file_format="xlsx", dry_run=True, publish=True, actor=None)

    assert report.issues == []
    assert report.rows[0].national_code == "9.000100"


# --- admin pages ---------------------------------------------------------------------------------------


def _staff(*codenames: str):
    user = UserFactory(official=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames)
    )
    return user


IMPORT_CODENAMES = ("add_procedureversion", "change_procedureversion")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("citizen", 302), ("staff without the permissions", 403), ("catalogue editor", 200)],
)
def test_only_catalogue_editors_may_upload_and_a_refused_upload_writes_nothing(agencies, who, expected):
    client = Client()
    if who == "citizen":
        client.force_login(UserFactory(citizen=True))
    elif who == "staff without the permissions":
        client.force_login(_staff("view_procedureversion"))
    elif who == "catalogue editor":
        client.force_login(_staff(*IMPORT_CODENAMES))
    before = _counts()

    response = client.post(
        "/admin/catalog/procedure/import/",
        {
            "file": SimpleUploadedFile("danh-muc.csv", _csv([_valid_row(agencies, "9.100001")])),
            "publish": "on",
        },
    )
    client.post("/admin/catalog/procedure/import/", {"confirm": "1", "token": "guess"})

    assert response.status_code == expected
    assert _counts() == before


@pytest.mark.urls(__name__)
def test_upload_shows_the_check_then_confirming_imports(agencies):
    client = Client()
    client.force_login(_staff(*IMPORT_CODENAMES))
    payload = _csv([_valid_row(agencies, "9.100001"), _valid_row(agencies, "9.100002")])

    page = client.get("/admin/catalog/procedure/import/")
    checked = client.post(
        "/admin/catalog/procedure/import/",
        {"file": SimpleUploadedFile("danh-muc.csv", payload), "publish": "on"},
    )

    assert page.status_code == 200
    assert checked.status_code == 200
    report = checked.context["report"]
    assert [row.action for row in report.rows] == [Action.CREATE, Action.CREATE]
    assert 'id="import-report"' in checked.content.decode()
    assert 'name="confirm"' in checked.content.decode()
    assert Procedure.objects.count() == 0

    confirmed = client.post(
        "/admin/catalog/procedure/import/", {"confirm": "1", "token": checked.context["token"]}
    )

    assert confirmed.status_code == 302
    assert sorted(Procedure.objects.values_list("national_code", flat=True)) == ["9.100001", "9.100002"]
    again = client.post(
        "/admin/catalog/procedure/import/", {"confirm": "1", "token": checked.context["token"]}
    )
    assert again.status_code == 302
    assert ProcedureVersion.objects.count() == 2


@pytest.mark.urls(__name__)
def test_upload_with_problems_shows_them_and_offers_no_confirmation(agencies):
    client = Client()
    client.force_login(_staff(*IMPORT_CODENAMES))
    payload = _csv([_valid_row(agencies, "9.100001", processing_days="-3")])

    checked = client.post("/admin/catalog/procedure/import/", {"file": SimpleUploadedFile("a.csv", payload)})

    content = checked.content.decode()
    assert checked.context["report"].has_errors
    assert checked.context["token"] == ""
    assert 'name="confirm"' not in content
    assert "<code>processing_days</code>" in content


@pytest.mark.urls(__name__)
def test_upload_of_another_kind_of_file_is_refused_by_the_form(agencies):
    client = Client()
    client.force_login(_staff(*IMPORT_CODENAMES))

    response = client.post(
        "/admin/catalog/procedure/import/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("codenames", "expected"), [((), 403), (("view_procedureversion",), 200)])
def test_export_download_needs_the_view_permission(catalogue, codenames, expected):
    client = Client()
    client.force_login(_staff(*codenames))

    response = client.get("/admin/catalog/procedure/export/?format=csv")

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-tthc-')
        assert response.content == catalogue_export(file_format="csv")


# --- management commands -------------------------------------------------------------------------------


def test_commands_export_then_check_then_import(catalogue, tmp_path):
    target = tmp_path / "danh-muc.xlsx"
    call_command("catalogue_export", "-o", str(target), stderr=io.StringIO())
    _empty_catalogue()
    out, err = io.StringIO(), io.StringIO()

    call_command("catalogue_import", str(target), "--dry-run", stdout=out, stderr=err)
    assert Procedure.objects.count() == 0
    call_command("catalogue_import", str(target), stdout=out, stderr=err)

    assert "3 rows checked; 3 would be written, 0 unchanged." in out.getvalue()
    assert "3 rows checked; 3 written, 0 unchanged." in out.getvalue()
    assert err.getvalue().rstrip().endswith("6/6")
    assert Procedure.objects.filter(current_version__isnull=False).count() == 3


def test_import_command_fails_and_lists_the_problems(agencies, tmp_path):
    target = tmp_path / "sai.csv"
    target.write_bytes(_csv([_valid_row(agencies, "9.100001", steps="Tiếp nhận |  | x | 8")]))
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"1 problems; nothing was written\."):
        call_command("catalogue_import", str(target), stdout=out, stderr=io.StringIO())

    assert out.getvalue().startswith("row 2, steps: ")
    assert Procedure.objects.count() == 0
