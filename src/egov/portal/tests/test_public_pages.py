"""Public catalogue pages: search without diacritics, filters kept in the URL, the printable page."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_search_page_finds_the_procedure_without_diacritics(procedure):
    page = Client().get("/thu-tuc/", {"q": "ly lich tu phap"}).content.decode()

    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in page
    assert "/thu-tuc/3.000333/" in page


@pytest.mark.django_db
def test_filters_that_match_nothing_say_so_and_bad_filters_are_ignored(procedure):
    none = Client().get("/thu-tuc/", {"level": "commune"}).content.decode()
    bad = Client().get("/thu-tuc/", {"level": "'; drop table", "field": "abc", "page": "-3"})

    assert "/thu-tuc/3.000333/" not in none
    assert bad.status_code == 200
    assert "/thu-tuc/3.000333/" in bad.content.decode()


@pytest.mark.django_db
def test_procedure_page_lists_papers_fees_in_vietnamese_format_and_steps(procedure):
    page = Client().get("/thu-tuc/3.000333/").content.decode()

    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in page
    assert "200.000 đồng" in page
    assert "Thẩm định" in page
    assert Client().get("/thu-tuc/9.999999/").status_code == 404


@pytest.mark.django_db
def test_field_and_agency_browsing(procedure):
    assert "Lý lịch tư pháp" in Client().get("/linh-vuc/").content.decode()
    assert "Sở Tư pháp" in Client().get("/co-quan/").content.decode()
    assert "Lý lịch tư pháp" in Client().get("/").content.decode()
