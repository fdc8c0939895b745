"""The public statistics page and the open-data API: no sign-in, aggregated figures only — no name,
personal ID, phone number or dossier code — stable, well-formed CSV and JSON with a catalogue, and the
same per-address limit as the public lookup."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

from egov.dossiers.tests.test_statistics import VN
from egov.reports.open_data import DATASETS
from egov.reports.services import reports_rebuild
from egov.reports.tests.world import APPLICANTS, build

APRIL_10 = datetime(2026, 4, 10, 9, 0, tzinfo=VN)


@pytest.fixture
def world(province):
    with time_machine.travel(APRIL_10, tick=False):
        found = build(province)
        reports_rebuild()
    with time_machine.travel(APRIL_10, tick=False):
        yield found


def personal_data(world) -> list[str]:
    found = [value for applicant in APPLICANTS for value in applicant]
    return found + [dossier.code for dossier in world["dossiers"]] + [world["open"].code]


def assert_no_personal_data(text: str, world) -> None:
    for secret in personal_data(world):
        assert secret not in text


def test_the_public_page_shows_the_province_figures_without_personal_data(world):
    response = Client().get("/thong-ke/", {"ky": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "50,00%" in page  # indicator 2.1 of the province
    assert "Sở Tư pháp" in page
    assert_no_personal_data(page, world)
    assert "/bao-cao/ho-so/" not in page  # no drill-down to dossiers
    assert response["Cache-Control"] == "public, max-age=300"


def test_the_method_page_explains_each_indicator(world):
    page = Client().get("/thong-ke/phuong-phap/").content.decode()
    assert 'id="chi-so-2-1"' in page
    assert 'id="chi-so-5-4"' in page


def test_the_catalogue_lists_every_dataset_with_stable_addresses(world):
    response = Client().get("/api/v1/open-data/")
    assert response.status_code == 200
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert {dataset["dct:identifier"] for dataset in catalogue["dcat:dataset"]} == set(DATASETS)
    base = settings.PUBLIC_BASE_URL
    addresses = {d["dcat:downloadURL"] for ds in catalogue["dcat:dataset"] for d in ds["dcat:distribution"]}
    assert f"{base}/api/v1/open-data/ho-so-theo-co-quan/2026.csv" in addresses
    assert f"{base}/api/v1/open-data/chi-so-766/2026.json" in addresses
    for address in addresses:
        assert Client().get(address.removeprefix(base)).status_code == 200


def test_the_csv_and_json_give_the_same_figures_with_a_stable_header(world):
    csv_response = Client().get("/api/v1/open-data/ho-so-theo-co-quan/2026.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_response.content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(field.name for field in DATASETS["ho-so-theo-co-quan"].fields)
    march = {row["agency_code"]: row for row in rows if row["month"] == "2026-03"}
    assert march["H99.03"]["on_time_rate"] == "0.7500"
    assert march["H99.03"]["resolved"] == "4"
    assert march["H99.30"]["on_time_rate"] == "0.0000"
    body = Client().get("/api/v1/open-data/ho-so-theo-co-quan/2026.json").json()
    assert [field["name"] for field in body["fields"]] == list(rows[0])
    assert [
        {key: "" if value is None else str(value) for key, value in row.items()} for row in body["rows"]
    ] == rows
    assert_no_personal_data(text, world)
    # The same address gives the same file.
    assert Client().get("/api/v1/open-data/ho-so-theo-co-quan/2026.csv").content == csv_response.content


def test_an_empty_denominator_is_null_in_json_and_empty_in_csv(world):
    body = Client().get("/api/v1/open-data/chi-so-766/2026.json").json()
    january = {row["indicator"]: row for row in body["rows"] if row["month"] == "2026-01"}
    assert january["2.1"]["value"] is None
    assert january["2.1"]["denominator"] == 0
    march = {row["indicator"]: row for row in body["rows"] if row["month"] == "2026-03"}
    assert march["2.1"]["value"] == "0.5000"
    assert (march["2.1"]["numerator"], march["2.1"]["denominator"]) == (3, 6)
    rows = list(
        csv.DictReader(io.StringIO(Client().get("/api/v1/open-data/chi-so-766/2026.csv").content.decode()))
    )
    assert next(row for row in rows if row["month"] == "2026-01" and row["indicator"] == "2.1")["value"] == ""
    json.dumps(body)


def test_an_unknown_dataset_is_not_found_with_a_vietnamese_message(world):
    response = Client().get("/api/v1/open-data/ho-so-ca-nhan/2026.csv")
    assert response.status_code == 404
    assert "catalogue" not in response.json()["detail"] or "/api/v1/open-data/" in response.json()["detail"]


def test_too_many_requests_from_one_address_are_refused(world):
    limited = {**settings.REPORTS, "open_data_rate_limit": 2}
    with override_settings(REPORTS=limited):
        client = Client()
        assert client.get("/api/v1/open-data/").status_code == 200
        assert client.get("/thong-ke/").status_code == 200
        refused = client.get("/api/v1/open-data/chi-so-766/2026.json")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert client.get("/thong-ke/").status_code == 429
