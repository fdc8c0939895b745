"""Periodic jobs run when due, once, and one failing job does not stop the others."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from egov.core import schedule
from egov.core.schedule import Job, run_due_jobs

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_daily_job_is_due_once_its_time_has_passed_since_the_last_run():
    job = Job(name="x", run=lambda: None, daily_at=time(0, 5))
    last = datetime(2026, 3, 1, 0, 6, tzinfo=VN)

    assert job.is_due(last_run=None, now=last) is True
    assert job.is_due(last_run=last, now=datetime(2026, 3, 1, 23, 59, tzinfo=VN)) is False
    assert job.is_due(last_run=last, now=datetime(2026, 3, 2, 0, 4, tzinfo=VN)) is False
    assert job.is_due(last_run=last, now=datetime(2026, 3, 2, 0, 5, tzinfo=VN)) is True


def test_an_interval_job_is_due_after_its_interval():
    job = Job(name="y", run=lambda: None, every=timedelta(minutes=10))
    last = datetime(2026, 3, 1, 9, 0, tzinfo=VN)

    assert job.is_due(last_run=last, now=last + timedelta(minutes=9)) is False
    assert job.is_due(last_run=last, now=last + timedelta(minutes=10)) is True


@pytest.mark.django_db
def test_due_jobs_run_once_and_a_failure_does_not_stop_the_others(monkeypatch):
    calls: list[str] = []

    def fail() -> None:
        calls.append("fail")
        raise RuntimeError("boom")

    monkeypatch.setattr(schedule, "JOBS", {})
    schedule.register_job(Job(name="a-fails", run=fail, every=timedelta(hours=1)))
    schedule.register_job(Job(name="b-works", run=lambda: calls.append("works"), every=timedelta(hours=1)))
    now = datetime(2026, 3, 1, 9, 0, tzinfo=VN)

    first = run_due_jobs(now=now)
    second = run_due_jobs(now=now + timedelta(minutes=5))

    assert first == ["b-works"]
    assert second == []
    assert calls == ["fail", "works"]


def test_the_platform_registers_its_nightly_jobs():
    assert {"dossiers.close_unsupplemented", "dossiers.notifications_retry", "identity.purge"} <= set(
        schedule.JOBS
    )
