"""Periodic jobs (django-tasks has no scheduler): apps register jobs in their AppConfig.ready(); the
`scheduler` command (started by `serve`) runs each when due. A job's last run is kept in the database
and claimed under a row lock, so two schedulers never run the same job twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Any]
    daily_at: time | None = None  # local time of day
    every: timedelta | None = None

    def is_due(self, *, last_run: datetime | None, now: datetime) -> bool:
        if last_run is None:
            return True
        if self.every is not None:
            return now - last_run >= self.every
        assert self.daily_at is not None
        local_now = timezone.localtime(now)
        today_slot = datetime.combine(local_now.date(), self.daily_at, local_now.tzinfo)
        return local_now >= today_slot > timezone.localtime(last_run)


JOBS: dict[str, Job] = {}


def register_job(job: Job) -> None:
    JOBS[job.name] = job


def run_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Run every job that is due; returns the names run."""
    from egov.core.models import ScheduledRun

    moment = now or timezone.now()
    ran: list[str] = []
    for job in JOBS.values():
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=job.name)
            state = ScheduledRun.objects.select_for_update().get(name=job.name)
            if not job.is_due(last_run=state.last_run_at, now=moment):
                continue
            state.last_run_at = moment
            state.save(update_fields=["last_run_at"])
        try:
            result = job.run()
        except Exception:  # one failing job must not stop the others; it is logged with its traceback
            logger.exception("scheduled_job_failed", job=job.name)
            continue
        logger.info("scheduled_job_ran", job=job.name, result=str(result)[:200])
        ran.append(job.name)
    return ran
