"""The leaders' dashboard: the right figures for who is looking, hand-counted (tests/world.py), the
dossiers behind each figure, the xlsx exports, and who may see it."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from egov.dossiers.tests.test_statistics import VN
from egov.reports.services import reports_rebuild
from egov.reports.tests.world import build

APRIL_10 = datetime(2026, 4, 10, 9, 0, tzinfo=VN)


@pytest.fixture
def world(province):
    with time_machine.travel(APRIL_10, tick=False):
        found = build(province)
        reports_rebuild()
    return found


@pytest.fixture
def frozen():
    with time_machine.travel(APRIL_10, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_provincial_leader_sees_the_hand_counted_on_time_rate_of_march(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/", {"ky": "2026-03"})
    assert response.status_code == 200
    board = response.context["board"]
    assert (board.total.received, board.total.resolved, board.total.resolved_late) == (7, 6, 3)
    assert str(board.card.on_time.value) == "0.5000"
    page = response.content.decode()
    assert "50,00%" in page
    rates = {row.label: row.on_time_rate for row in board.by_agency}
    assert {label: str(rate) for label, rate in rates.items()} == {
        "Sở Tư pháp": "0.7500",
        "UBND phường Một": "0.0000",
    }
    assert "75,00%" in page
    # The commune's dossier still in progress at the end of March was within its time limit.
    assert (board.total.in_progress_on_time, board.total.in_progress_overdue) == (1, 0)


def test_a_commune_head_sees_only_the_commune(world, frozen):
    client = client_for(world["people"]["commune_head"])
    response = client.get("/bao-cao/", {"ky": "2026-03"})
    assert response.status_code == 200
    board = response.context["board"]
    assert [row.label for row in board.by_agency] == ["UBND phường Một"]
    assert (board.total.resolved, str(board.card.on_time.value)) == (2, "0.0000")
    assert "Sở Tư pháp" not in response.content.decode()
    justice = world["province"]["justice"]
    assert client.get("/bao-cao/", {"ky": "2026-03", "co-quan": justice.pk}).status_code == 404
    late = client.get("/bao-cao/ho-so/", {"ky": "2026-03", "hinh": "late", "co-quan": justice.pk})
    assert late.status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("citizen", 403), ("specialist", 403), ("justice_head", 200)]
)
def test_who_may_open_the_dashboard(world, frozen, who, expected):
    client = Client() if who == "anonymous" else client_for(world["people"][who])
    assert client.get("/bao-cao/").status_code == expected
    assert client.get("/bao-cao/xuat/chi-so.xlsx").status_code == expected
    assert client.get("/bao-cao/ho-so/", {"hinh": "late"}).status_code == expected


def test_the_late_figure_drills_down_to_its_dossiers(world, frozen):
    response = client_for(world["people"]["leader"]).get(
        "/bao-cao/ho-so/", {"ky": "2026-03", "hinh": "late", "co-quan": world["province"]["commune"].pk}
    )
    assert response.status_code == 200
    codes = {row["code"] for row in response.context["rows"]}
    expected = {
        d.code for d in world["dossiers"] if d.processing_agency_id == world["province"]["commune"].pk
    }
    assert codes == expected
    assert len(codes) == 2


def test_the_dashboard_links_each_count_to_its_dossiers(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/", {"ky": "2026-03"})
    agency_table = response.context["tables"]["agency"]
    justice = next(row for row in agency_table.rows if row[1].value == "Sở Tư pháp")
    late = next(
        cell for cell, column in zip(justice, agency_table.columns, strict=True) if column.figure == "late"
    )
    assert late.text == "1"
    followed = client_for(world["people"]["leader"]).get(late.link)
    assert [row["code"] for row in followed.context["rows"]] == [world["dossiers"][3].code]


def test_the_xlsx_export_opens_and_has_the_figures(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/xuat/co-quan.xlsx", {"ky": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="co-quan-2026-03.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(index for index, row in enumerate(rows) if row[1] == "Cơ quan")
    by_name = {row[1]: dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]}
    assert by_name["Sở Tư pháp"]["Tỷ lệ đúng hạn"] == 0.75
    assert by_name["UBND phường Một"]["Quá hạn"] == 2
    rate_column = rows[header].index("Tỷ lệ đúng hạn") + 1
    assert sheet.cell(row=header + 2, column=rate_column).number_format == "0.00%"
    assert "Tháng 03/2026" in rows[1][0]
    assert book.sheetnames[1] == "Phương pháp"


def test_the_indicator_export_writes_not_applicable_as_text(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/xuat/chi-so.xlsx", {"ky": "2026-03"})
    rows = [
        [cell.value for cell in row]
        for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows()
    ]
    values = {row[0]: row[2] for row in rows if row[0] and str(row[0])[:1].isdigit()}
    assert values["2.1"] == 0.5
    assert values["1.1"] == "N/A"
    assert values["5.1"] == "N/A"


def test_a_month_without_dossiers_shows_not_applicable(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/", {"ky": "2025-06"})
    assert response.status_code == 200
    card = response.context["board"].card
    assert card.on_time.value is None
    assert card.online.value is None
    assert card.get("4.1").points is None
    assert "N/A" in response.content.decode()


def test_a_malformed_period_is_explained_in_vietnamese(world, frozen):
    response = client_for(world["people"]["leader"]).get("/bao-cao/", {"ky": "tháng ba"})
    assert response.status_code == 400
    assert "Kỳ báo cáo phải là một tháng" in response.content.decode()


def test_htmx_gets_the_dashboard_fragment_only(world, frozen):
    response = client_for(world["people"]["leader"]).get(
        "/bao-cao/", {"ky": "2026-03"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in page


def test_the_menu_leads_leaders_to_the_dashboard_and_everyone_to_the_public_statistics(client, db):
    from egov.accounts.models import Agency
    from egov.dossiers.tests.conftest import official

    province_agency = Agency.objects.filter(parent__isnull=True).first() or Agency.objects.create(
        code="H99", name="UBND tỉnh Thử", level="province"
    )
    leader = official("lanhdao.menu", province_agency, "leader")
    client.force_login(leader)
    page = client.get("/").content.decode()
    assert 'href="/bao-cao/"' in page
    assert 'href="/thong-ke/"' in page
    client.logout()
    anonymous = client.get("/").content.decode()
    assert 'href="/bao-cao/"' not in anonymous
    assert 'href="/thong-ke/"' in anonymous
