"""The public calendar API at /api/v1/calendar/ (no authentication: anyone may ask when a deadline falls).

Error messages go through gettext and the Vietnamese catalogue is written separately, so the refusals
are checked on their structure and field names, not on their wording.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar"

TET_2026_SKIPPED = [
    {"date": "2026-02-14", "weekday": "Thứ Bảy", "reason": "Thứ Bảy"},
    {"date": "2026-02-15", "weekday": "Chủ Nhật", "reason": "Chủ Nhật"},
    {"date": "2026-02-16", "weekday": "Thứ Hai", "reason": "Giao thừa Tết Nguyên Đán"},
    {"date": "2026-02-17", "weekday": "Thứ Ba", "reason": "Tết Nguyên Đán"},
    {"date": "2026-02-18", "weekday": "Thứ Tư", "reason": "Mùng hai Tết Nguyên Đán"},
    {"date": "2026-02-19", "weekday": "Thứ Năm", "reason": "Mùng ba Tết Nguyên Đán"},
    {"date": "2026-02-20", "weekday": "Thứ Sáu", "reason": "Mùng bốn Tết Nguyên Đán"},
    {"date": "2026-02-21", "weekday": "Thứ Bảy", "reason": "Thứ Bảy"},
    {"date": "2026-02-22", "weekday": "Chủ Nhật", "reason": "Chủ Nhật"},
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-16", {"is_working_day": False, "weekday": "Thứ Hai", "reason": "Giao thừa Tết Nguyên Đán"}),
        ("2026-04-26", {"is_working_day": False, "weekday": "Chủ Nhật", "reason": "Ngày Giỗ Tổ Hùng Vương"}),
        ("2026-08-22", {"is_working_day": True, "weekday": "Thứ Bảy", "reason": ""}),
        ("2026-03-09", {"is_working_day": True, "weekday": "Thứ Hai", "reason": ""}),
        ("2026-03-08", {"is_working_day": False, "weekday": "Chủ Nhật", "reason": "Chủ Nhật"}),
    ],
)
def test_working_day_answers_with_the_reason_for_a_day_off(day, expected):
    response = Client().get(f"{URL}/working-day", {"date": day})

    assert response.status_code == 200
    assert response.json() == {"date": day, **expected}


def test_deadline_in_working_days_across_tet():
    """Labor Code 2019 Art. 112.1(b): 5 working days from Friday 13/2/2026 16:55 end on 27/2 at 16:55."""
    response = Client().get(f"{URL}/deadline", {"start": "2026-02-13T16:55", "days": 5})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-02-13T16:55:00+07:00",
        "clock_starts": "2026-02-13T16:55:00+07:00",
        "deadline": "2026-02-27T16:55:00+07:00",
        "working_hours": 40.0,
    }


def test_deadline_in_working_hours_from_another_time_zone():
    """09:55 UTC is 16:55 in Vietnam; 8 working hours later is the next working day, after Tết."""
    response = Client().get(f"{URL}/deadline", {"start": "2026-02-13T09:55:00Z", "hours": 8})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-02-13T16:55:00+07:00",
        "clock_starts": "2026-02-13T16:55:00+07:00",
        "deadline": "2026-02-23T16:55:00+07:00",
        "working_hours": 8.0,
    }


def test_deadline_for_a_dossier_received_on_sunday_starts_on_monday():
    response = Client().get(f"{URL}/deadline", {"start": "2026-03-08T10:00", "days": 5})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-03-08T10:00:00+07:00",
        "clock_starts": "2026-03-09T07:30:00+07:00",
        "deadline": "2026-03-13T17:00:00+07:00",
        "working_hours": 40.0,
    }


def test_deadline_in_fractional_hours_is_spread_over_the_sessions():
    """2.5 working hours = 2 h 20 min 37.5 s of clock (7.5 h sessions count as 8 h), rounded to 38 s:
    5 min on Friday, the rest from 07:30 on Monday 23/2."""
    response = Client().get(f"{URL}/deadline", {"start": "2026-02-13T16:55", "hours": "2.5"})

    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-02-23T09:45:38+07:00"
    assert response.json()["working_hours"] == 2.5


def test_deadline_explanation_lists_the_skipped_days_with_reasons():
    response = Client().get(f"{URL}/deadline/explanation", {"start": "2026-02-13T16:55", "days": 5})

    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-02-13T16:55:00+07:00",
        "clock_starts": "2026-02-13T16:55:00+07:00",
        "deadline": "2026-02-27T16:55:00+07:00",
        "working_hours": 40.0,
        "skipped_days": TET_2026_SKIPPED,
    }


def test_holidays_of_2026():
    response = Client().get(f"{URL}/holidays", {"year": 2026})

    assert response.status_code == 200
    assert response.json() == {
        "year": 2026,
        "days_off": [
            {"date": "2026-01-01", "weekday": "Thứ Năm", "reason": "Tết Dương lịch"},
            {"date": "2026-02-16", "weekday": "Thứ Hai", "reason": "Giao thừa Tết Nguyên Đán"},
            {"date": "2026-02-17", "weekday": "Thứ Ba", "reason": "Tết Nguyên Đán"},
            {"date": "2026-02-18", "weekday": "Thứ Tư", "reason": "Mùng hai Tết Nguyên Đán"},
            {"date": "2026-02-19", "weekday": "Thứ Năm", "reason": "Mùng ba Tết Nguyên Đán"},
            {"date": "2026-02-20", "weekday": "Thứ Sáu", "reason": "Mùng bốn Tết Nguyên Đán"},
            {"date": "2026-04-26", "weekday": "Chủ Nhật", "reason": "Ngày Giỗ Tổ Hùng Vương"},
            {"date": "2026-04-27", "weekday": "Thứ Hai", "reason": "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"},
            {"date": "2026-04-30", "weekday": "Thứ Năm", "reason": "Ngày Chiến thắng"},
            {"date": "2026-05-01", "weekday": "Thứ Sáu", "reason": "Ngày Quốc tế Lao động"},
            {"date": "2026-08-31", "weekday": "Thứ Hai", "reason": "Ngày nghỉ (thay cho ngày 22/08/2026)"},
            {"date": "2026-09-01", "weekday": "Thứ Ba", "reason": "Quốc khánh"},
            {"date": "2026-09-02", "weekday": "Thứ Tư", "reason": "Quốc khánh"},
            {"date": "2026-11-24", "weekday": "Thứ Ba", "reason": "Ngày Văn hóa Việt Nam"},
        ],
        "weekend_working_days": ["2026-08-22"],
    }


START = "2026-02-13T16:55"


@pytest.mark.parametrize(
    ("path", "params", "fields"),
    [
        pytest.param("/working-day", {}, ["date"], id="working-day-missing-date"),
        pytest.param("/working-day", {"date": "2026-02-30"}, ["date"], id="working-day-bad-date"),
        pytest.param("/working-day", {"date": "16/02/2026"}, ["date"], id="working-day-dd-mm-yyyy"),
        pytest.param("/working-day", {"date": "2041-01-01"}, ["date"], id="working-day-outside-calendar"),
        pytest.param("/deadline", {"days": 5}, ["start"], id="deadline-missing-start"),
        pytest.param(
            "/deadline", {"start": "2026-02-30T10:00", "days": 5}, ["start"], id="deadline-bad-date"
        ),
        pytest.param("/deadline", {"start": "hôm nay", "days": 5}, ["start"], id="deadline-not-a-date"),
        pytest.param("/deadline", {"start": START, "days": -1}, ["days"], id="deadline-negative-days"),
        pytest.param("/deadline", {"start": START, "hours": -0.5}, ["hours"], id="deadline-negative-hours"),
        pytest.param("/deadline", {"start": START, "days": "năm"}, ["days"], id="deadline-days-not-a-number"),
        pytest.param(
            "/deadline", {"start": START, "days": 1, "hours": 8}, ["days", "hours"], id="deadline-both"
        ),
        pytest.param("/deadline", {"start": START}, ["days", "hours"], id="deadline-neither"),
        pytest.param(
            "/deadline", {"start": "2040-12-28T10:00", "days": 5}, ["start"], id="deadline-past-calendar"
        ),
        pytest.param("/deadline/explanation", {"start": START}, ["days", "hours"], id="explanation-neither"),
        pytest.param("/deadline/explanation", {"days": 5}, ["start"], id="explanation-missing-start"),
        pytest.param("/holidays", {}, ["year"], id="holidays-missing-year"),
        pytest.param("/holidays", {"year": "abc"}, ["year"], id="holidays-not-a-number"),
        pytest.param("/holidays", {"year": 2014}, ["year"], id="holidays-before-range"),
    ],
)
def test_bad_input_is_refused_with_422_and_field_level_errors(path, params, fields):
    response = Client().get(f"{URL}{path}", params)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert [error["field"] for error in body["errors"]] == fields
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert isinstance(error["message"], str)
        assert error["message"]


def test_refusals_share_one_detail_whichever_check_caught_them():
    """Schema errors and the calendar's own checks (days xor hours) answer with the same envelope."""
    schema_error = Client().get(f"{URL}/deadline", {"start": START, "days": -1}).json()
    calendar_error = Client().get(f"{URL}/deadline", {"start": START}).json()

    assert schema_error["detail"] == calendar_error["detail"]


def test_the_endpoints_are_in_the_openapi_schema():
    schema = Client().get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/calendar/working-day",
        "/api/v1/calendar/deadline",
        "/api/v1/calendar/deadline/explanation",
        "/api/v1/calendar/holidays",
    } <= set(schema["paths"])
