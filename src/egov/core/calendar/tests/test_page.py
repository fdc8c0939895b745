"""The public appointment calculator at /han-giai-quyet/ (egov.core.views.deadline_calculator)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGE = "/han-giai-quyet/"


def _field_block(html: str, name: str) -> str:
    """The ``<div class="field …">`` that holds the input called ``name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.DOTALL):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field block for {name!r}")


def test_the_page_shows_the_appointment_and_the_days_off_it_skipped():
    """Labor Code 2019 Art. 112.1(b): five working days from the Friday before Tết 2026."""
    response = Client().get(PAGE, {"start": "2026-02-13T10:00", "days": "5"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="appointment">10:00 ngày 27/02/2026</span>' in html
    assert "<tr><td>Thứ Hai, 16/02/2026</td><td>Giao thừa Tết Nguyên Đán</td></tr>" in html
    assert "<tr><td>Thứ Sáu, 20/02/2026</td><td>Mùng bốn Tết Nguyên Đán</td></tr>" in html
    assert html.count("<tr><td>") == 9
    assert response.context["explanation"].clock_starts.strftime("%H:%M %d/%m/%Y") == "10:00 13/02/2026"
    assert 'class="field-error"' not in html


def test_a_dossier_received_on_sunday_is_due_friday_at_17_00():
    response = Client().get(PAGE, {"start": "2026-03-08T10:00", "days": "5"})

    html = response.content.decode()
    assert '<span class="appointment">17:00 ngày 13/03/2026</span>' in html
    assert response.context["explanation"].clock_starts.strftime("%H:%M %d/%m/%Y") == "07:30 09/03/2026"


def test_a_bad_date_gets_an_error_beside_the_field_and_keeps_what_was_typed():
    response = Client().get(PAGE, {"start": "2026-02-30T10:00", "days": "5"})

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["start"]
    start_block = _field_block(html, "start")
    assert 'class="field has-error"' in start_block
    assert '<p class="field-error" id="id_start_error">' in start_block
    assert 'value="2026-02-30T10:00"' in start_block
    assert 'aria-invalid="true"' in start_block
    assert 'value="5"' in _field_block(html, "days")
    assert 'class="error-summary"' in html
    assert 'class="appointment"' not in html


def test_a_date_outside_the_calendar_gets_an_error_beside_the_field():
    response = Client().get(PAGE, {"start": "2041-01-07T10:00", "days": "5"})

    html = response.content.decode()
    assert list(response.context["form"].errors) == ["start"]
    assert '<p class="field-error" id="id_start_error">' in _field_block(html, "start")
    assert 'value="2041-01-07T10:00"' in _field_block(html, "start")
    assert 'class="appointment"' not in html


def test_negative_days_get_an_error_beside_the_days_field():
    response = Client().get(PAGE, {"start": "2026-02-13T10:00", "days": "-1"})

    html = response.content.decode()
    assert list(response.context["form"].errors) == ["days"]
    assert '<p class="field-error" id="id_days_error">' in _field_block(html, "days")
    assert 'value="-1"' in _field_block(html, "days")


def test_the_field_error_is_linked_to_its_input_for_screen_readers():
    response = Client().get(PAGE, {"start": "2026-02-30T10:00", "days": "5"})

    start_block = _field_block(response.content.decode(), "start")
    described_by = re.search(r'aria-describedby="([^"]+)"', start_block).group(1)
    assert f'id="{described_by}"' in start_block


def test_the_empty_page_shows_the_form_without_a_result():
    response = Client().get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="start"' in html
    assert 'class="appointment"' not in html
    assert 'class="field-error"' not in html


def test_an_htmx_request_gets_only_the_result_fragment():
    response = Client().get(PAGE, {"start": "2026-02-13T10:00", "days": "5"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert [template.name for template in response.templates] == ["core/_deadline_result.html"]
    assert '<span class="appointment">10:00 ngày 27/02/2026</span>' in html
    assert "<form" not in html
