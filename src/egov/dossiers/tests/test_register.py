"""The dossier register (form 07, docs/slips.md): per one-stop section, a row per dossier received in the
period, numbered through the year, and its xlsx export."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.audit.models import AuditEvent
from egov.core.permissions import Role
from egov.dossiers import intake
from egov.dossiers.models import Dossier, Status
from egov.dossiers.register import register_entry, register_rows, register_xlsx
from egov.dossiers.services import dossier_create, dossier_transition


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def province(db):
    root = Agency.objects.create(code="H99", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    office = Agency.objects.create(code="H99.01", name="Văn phòng UBND tỉnh", level="department", parent=root)
    centre = Agency.objects.create(
        code="H99.01.01",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        level="one_stop_centre",
        parent=office,
    )
    commune = Agency.objects.create(
        code="H99.30", name="Ủy ban nhân dân phường Một", level="commune", parent=root
    )
    commune_centre = Agency.objects.create(
        code="H99.30.01", name="Trung tâm Phục vụ hành chính công phường Một", level="one_stop_centre",
        parent=commune,
    )  # fmt: skip
    justice = Agency.objects.create(code="H99.03", name="Sở Tư pháp", level="department", parent=root)
    return {"centre": centre, "commune_centre": commune_centre, "justice": justice}


def official(username: str, agency: Agency) -> User:
    user = User.objects.create_user(username, password="x", kind=User.Kind.OFFICIAL, full_name=username)
    Membership.objects.create(user=user, agency=agency, role=Role.ONE_STOP_OFFICER)
    return user


@pytest.fixture
def officers(province):
    return {
        "centre": official("motcua.tinh", province["centre"]),
        "commune_centre": official("motcua.phuong", province["commune_centre"]),
    }


@pytest.fixture
def procedure(province):
    return procedure_version_write(
        actor=None,
        national_code="3.000333",
        field_name="Lý lịch tư pháp",
        data={"name": "Cấp Phiếu lý lịch tư pháp", "level": "province", "processing_days": 5,
              "result_type": "Phiếu lý lịch tư pháp"},
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[{"order": 1, "name": "Thẩm định", "agency_id": province["justice"].pk, "role": "specialist",
                "quota_hours": Decimal("40")}],
        agency_ids=[province["justice"].pk],
        publish=True,
    )  # fmt: skip


@pytest.fixture
def receive(procedure, province, officers):
    def receive(where: str, at: datetime, name: str = "Nguyễn Văn An") -> Dossier:
        dossier = dossier_create(
            actor=None,
            version=procedure,
            receiving_agency=province[where],
            channel=Dossier.Channel.DIRECT,
            applicant=None,
            applicant_name=name,
            applicant_phone="0912345678",
            applicant_address="Phường Hoa Lư",
        )
        return intake.dossier_receive(actor=officers[where], dossier=dossier, at=at)

    return receive


@pytest.fixture
def march(receive):
    """At the provincial centre: one dossier in February, three in early March; one at the ward centre."""
    return {
        "february": receive("centre", local(2026, 2, 27, 10, 0), "Đỗ Thị Hà"),
        "monday": receive("centre", local(2026, 3, 2, 8, 0), "Trần Thị Bình"),
        "tuesday": receive("centre", local(2026, 3, 3, 15, 30), "Lê Văn Cường"),
        "thursday": receive("centre", local(2026, 3, 5, 9, 0), "Phạm Minh Đức"),
        "ward": receive("commune_centre", local(2026, 3, 3, 9, 0), "Hoàng Văn Em"),
    }


def test_register_has_a_row_per_dossier_of_the_section_in_the_period(province, march):
    rows = register_rows(agency=province["centre"], day_from=date(2026, 3, 2), day_to=date(2026, 3, 4))

    assert [row.code for row in rows] == [march["monday"].code, march["tuesday"].code]
    assert march["ward"].code not in {row.code for row in rows}
    assert [row.number for row in rows] == [2, 3]
    assert [row.applicant for row in rows] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert rows[0].address_phone == "Phường Hoa Lư; 0912345678"
    assert rows[0].lead_agency == "Sở Tư pháp"
    assert rows[0].received_at == march["monday"].received_at
    assert rows[0].due_at == march["monday"].due_at
    assert rows[0].returned_at is None


def test_numbers_run_through_the_year_and_match_the_receipt(province, march):
    rows = register_rows(agency=province["centre"], day_from=date(2026, 1, 1), day_to=date(2026, 12, 31))

    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert register_entry(dossier=march["thursday"]).number == 4
    assert register_entry(dossier=march["thursday"]).volume == 2026
    assert register_entry(dossier=march["ward"]).number == 1


def test_numbering_starts_again_with_a_new_year(province, receive):
    receive("centre", local(2025, 12, 31, 16, 0))
    new_year = receive("centre", local(2026, 1, 5, 8, 0))

    rows = register_rows(agency=province["centre"], day_from=date(2025, 12, 1), day_to=date(2026, 1, 31))

    assert [row.number for row in rows] == [1, 1]
    assert register_entry(dossier=new_year) == register_entry(dossier=new_year).__class__(
        volume=2026, number=1
    )


def test_a_returned_dossier_shows_when_and_whether_on_time(province, march, officers):
    dossier = march["monday"]
    intake.dossier_transfer(actor=officers["centre"], dossier=dossier, at=local(2026, 3, 2, 14, 0))
    dossier_transition(dossier=dossier, to=Status.PROCESSED, actor=None, at=local(2026, 3, 5, 10, 0))
    dossier_transition(dossier=dossier, to=Status.RETURNED, actor=None, at=local(2026, 3, 6, 9, 0))

    content = register_xlsx(agency=province["centre"], day_from=date(2026, 3, 2), day_to=date(2026, 3, 2))

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=4, column=9).value == datetime(2026, 3, 6, 9, 0)
    assert sheet.cell(row=4, column=11).value == "Đã trả kết quả (trước hạn)"


def test_register_xlsx_has_vietnamese_headers_dates_widths_and_a_frozen_header(province, march, officers):
    content = register_xlsx(
        agency=province["centre"],
        day_from=date(2026, 3, 1),
        day_to=date(2026, 3, 31),
        actor=officers["centre"],
    )

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert (
        sheet["A2"].value == "Trung tâm Phục vụ hành chính công tỉnh, từ ngày 01/03/2026 đến ngày 31/03/2026"
    )
    assert [cell.value for cell in sheet[3]] == [
        "STT",
        "Mã số hồ sơ",
        "Tên thủ tục hành chính",
        "Tên tổ chức, cá nhân nộp hồ sơ",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày, giờ nhận hồ sơ",
        "Ngày, giờ hẹn trả kết quả",
        "Ngày, giờ trả kết quả hoặc kết thúc",
        "Phương thức nộp và nhận kết quả",
        "Tình trạng",
    ]
    codes = [sheet.cell(row=row, column=2).value for row in range(4, sheet.max_row + 1)]
    assert codes == [march["monday"].code, march["tuesday"].code, march["thursday"].code]
    assert march["ward"].code not in codes
    assert [sheet.cell(row=row, column=1).value for row in range(4, 7)] == [2, 3, 4]
    received = sheet.cell(row=4, column=7)
    assert received.value == datetime(2026, 3, 2, 8, 0)
    assert received.number_format == "dd/mm/yyyy hh:mm"
    assert sheet.cell(row=4, column=8).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.cell(row=4, column=10).value == "Trực tiếp tại Bộ phận Một cửa"
    assert sheet.cell(row=4, column=11).value == "Đã tiếp nhận"
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["C"].width == 42
    assert all(sheet.column_dimensions[letter].width > 0 for letter in "ABCDEFGHIJK")
    event = AuditEvent.objects.filter(action="dossier.register_exported").get()
    assert event.actor == officers["centre"]
    assert event.changes == {"period": [None, "2026-03-01/2026-03-31"], "rows": [None, 3]}


def test_an_empty_period_gives_the_header_only(province, march):
    content = register_xlsx(agency=province["centre"], day_from=date(2026, 4, 1), day_to=date(2026, 4, 30))

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 3
    assert register_rows(agency=province["centre"], day_from=date(2026, 3, 5), day_to=date(2026, 3, 1)) == []
