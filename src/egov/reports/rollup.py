"""Keeping the summary tables current (docs/reports.md).

- :func:`on_status_change` — the status-change handler (egov.dossiers.hooks), inside the transaction
  that changes the status: it queues the dossier (``PendingDossier``) and, after commit, applies it.
  The dossier services set the moments (received, processed, closed…) after the status change, so the
  dossier is read once the whole transaction has committed.
- :func:`dossier_apply` — one dossier: its new contribution is computed from its rows, the one last
  applied (``DossierState``) is taken out and the new one put in, as ``F()`` increments of the day and
  month rows, under the lock of the dossier's state row; idempotent, so running it twice, late, or for
  a dossier that did not change, is harmless.
- :func:`catch_up` — every minute: dossiers with a new rating, signed result or extension (no status
  change comes with those), and any queued dossier whose after-commit step was lost.
- :func:`backlog_refresh` — every 15 minutes: the dossiers in progress now, and at the end of the month
  just finished, judged by indicator 2.1 as they stood then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import structlog
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from egov.core.calendar.engine import WorkingCalendar
from egov.core.calendar.selectors import get_calendar
from egov.dossiers.hooks import StatusChange
from egov.dossiers.models import Extension, Rating
from egov.payments.models import Payment
from egov.reports.conf import report_setting
from egov.reports.contribution import Contribution, DossierRecord, in_progress_at, load_records
from egov.reports.models import (
    BACKLOG_MEASURES,
    Backlog,
    BacklogRun,
    DayFigures,
    DossierState,
    MonthFigures,
    PendingDossier,
    Watermark,
)
from egov.results.models import ResultDocument

logger = structlog.get_logger(__name__)

Key = tuple[int, int, int]  # agency, procedure, field
# New rows whose dossiers are queued by the catch-up job (they come without a status change): name → model.
WATCHED: dict[str, Any] = {
    "rating": Rating,
    "result": ResultDocument,
    "extension": Extension,
    "payment": Payment,
}


def month_of(day: date) -> date:
    return day.replace(day=1)


# -- the handler -----------------------------------------------------------------------------------------


def on_status_change(change: StatusChange) -> None:
    """Queue the dossier in the status change's transaction. The catch-up job applies the queue every 30
    seconds; with ``REPORTS_APPLY_AFTER_COMMIT`` each dossier is applied as soon as its change commits
    — figures current to the second, at the price of a second write transaction on every status change
    (on SQLite every writer waits for it: docs/benchmarks.md, receipts)."""
    dossier_id = change.dossier.pk
    PendingDossier.objects.bulk_create([PendingDossier(dossier_id=dossier_id)], ignore_conflicts=True)
    if report_setting("apply_after_commit"):
        transaction.on_commit(lambda: dossier_apply_safely(dossier_id), robust=True)


def dossier_apply_safely(dossier_id: int) -> None:
    """After commit: apply, but never fail the request that changed the dossier — the queue keeps it for
    the catch-up job (e.g. while a rebuild holds the tables)."""
    try:
        dossiers_apply([dossier_id])
    except DatabaseError:
        logger.warning("reports_apply_deferred", dossier_id=dossier_id, exc_info=True)


# -- applying differences -------------------------------------------------------------------------------


def _add(
    target: dict[tuple[date, Key], dict[str, int]], day: date, key: Key, measures: dict[str, int], sign: int
) -> None:
    row = target[(day, key)]
    for name, value in measures.items():
        row[name] = row.get(name, 0) + sign * value


def contribution_delta(
    old: Contribution | None, new: Contribution | None
) -> dict[tuple[date, Key], dict[str, int]]:
    """Per (day, key): what to add to the day's figures to go from ``old`` to ``new``."""
    delta: dict[tuple[date, Key], dict[str, int]] = defaultdict(dict)
    for contribution, sign in ((old, -1), (new, 1)):
        if contribution is None or contribution.key is None:
            continue
        for day, measures in contribution.buckets():
            _add(delta, day, contribution.key, measures, sign)
    return {
        bucket: {name: value for name, value in measures.items() if value}
        for bucket, measures in delta.items()
        if any(measures.values())
    }


def _apply_rows(model: Any, date_field: str, rows: dict[tuple[date, Key], dict[str, int]]) -> None:
    """Add ``rows`` to the summary table: make missing rows, then ``F()`` increments, in key order (two
    transactions touching the same rows lock them in the same order: no deadlock)."""
    if not rows:
        return
    model.objects.bulk_create(
        [
            model(**{date_field: day, "agency_id": key[0], "procedure_id": key[1], "field_id": key[2]})
            for day, key in sorted(rows)
        ],
        ignore_conflicts=True,
    )
    for (day, key), measures in sorted(rows.items()):
        model.objects.filter(
            **{date_field: day, "agency_id": key[0], "procedure_id": key[1], "field_id": key[2]}
        ).update(**{name: F(name) + value for name, value in measures.items()})


def apply_delta(delta: dict[tuple[date, Key], dict[str, int]]) -> None:
    by_month: dict[tuple[date, Key], dict[str, int]] = defaultdict(dict)
    for (day, key), measures in delta.items():
        _add(by_month, month_of(day), key, measures, 1)
    _apply_rows(DayFigures, "day", delta)
    _apply_rows(MonthFigures, "month", {bucket: m for bucket, m in by_month.items() if any(m.values())})


def _lock_timeout() -> None:
    """On PostgreSQL, give up quickly (the queue keeps the dossier) rather than wait for a rebuild."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")


def dossiers_apply(dossier_ids: Sequence[int], *, calendar: WorkingCalendar | None = None) -> int:
    """Apply the current contribution of each dossier (one transaction each); returns how many changed
    the figures."""
    engine = calendar or get_calendar()
    changed = 0
    for dossier_id in dossier_ids:
        with transaction.atomic():
            _lock_timeout()
            queued = (
                PendingDossier.objects.filter(dossier_id=dossier_id)
                .values_list("queued_at", flat=True)
                .first()
            )
            DossierState.objects.bulk_create([DossierState(dossier_id=dossier_id)], ignore_conflicts=True)
            state = DossierState.objects.select_for_update().filter(dossier_id=dossier_id).first()
            records = load_records(Q(pk=dossier_id), calendar=engine)
            if state is None:  # the dossier itself is gone
                PendingDossier.objects.filter(dossier_id=dossier_id).delete()
                continue
            old = Contribution.from_state(state)
            new = records[0].contribution if records else Contribution()
            delta = contribution_delta(old, new)
            if delta:
                apply_delta(delta)
                changed += 1
            if new != old:
                DossierState.objects.filter(dossier_id=dossier_id).update(**new.state_values())
            pending = PendingDossier.objects.filter(dossier_id=dossier_id)
            if queued is not None:
                pending = pending.filter(queued_at__lte=queued)
            pending.delete()
    return changed


# -- catching up ----------------------------------------------------------------------------------------


def watch_new_rows() -> int:
    """Queue the dossiers of ratings, signed results and extensions recorded since the last run."""
    queued = 0
    for name, model in WATCHED.items():
        with transaction.atomic():
            Watermark.objects.bulk_create([Watermark(name=name)], ignore_conflicts=True)
            mark = Watermark.objects.select_for_update().get(name=name)
            rows = list(
                model.objects.filter(pk__gt=mark.last_id)
                .order_by("pk")
                .values_list("pk", "dossier_id")[:5000]
            )
            if not rows:
                continue
            PendingDossier.objects.bulk_create(
                [PendingDossier(dossier_id=dossier_id) for dossier_id in {d for _pk, d in rows}],
                ignore_conflicts=True,
            )
            mark.last_id = rows[-1][0]
            mark.save(update_fields=["last_id"])
            queued += len(rows)
    return queued


def watermarks_reset() -> None:
    """Everything recorded so far is counted (after a rebuild)."""
    for name, model in WATCHED.items():
        last = model.objects.aggregate(last=Max("pk"))["last"] or 0
        Watermark.objects.update_or_create(name=name, defaults={"last_id": last})


def catch_up(*, limit: int = 5000) -> dict[str, int]:
    """Queue new ratings, results and extensions, then apply every queued dossier."""
    watched = watch_new_rows()
    pending = list(PendingDossier.objects.order_by("queued_at").values_list("dossier_id", flat=True)[:limit])
    return {"watched": watched, "applied": dossiers_apply(pending), "queued": len(pending)}


# -- dossiers in progress ---------------------------------------------------------------------------------


def month_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(month_of(day), time.min))


def next_month(day: date) -> date:
    return (month_of(day) + timedelta(days=32)).replace(day=1)


def backlog_counts(
    records: Iterable[DossierRecord], moment: datetime, calendar: WorkingCalendar
) -> dict[Key, list[int]]:
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record in records:
        found = in_progress_at(record, moment, calendar)
        if found is None:
            continue
        overdue, waiting, _ = found
        row = counts[(record.agency_id, record.procedure_id, record.field_id)]
        row[1 if overdue else 0] += 1
        row[2] += waiting
    return counts


def backlog_store(month: date, as_of: datetime, counts: dict[Key, list[int]]) -> None:
    """Replace the month's rows with ``counts`` judged at ``as_of``."""
    with transaction.atomic():
        Backlog.objects.filter(month=month).delete()
        Backlog.objects.bulk_create(
            [
                Backlog(
                    month=month,
                    as_of=as_of,
                    agency_id=key[0],
                    procedure_id=key[1],
                    field_id=key[2],
                    **dict(zip(BACKLOG_MEASURES, values, strict=True)),
                )
                for key, values in sorted(counts.items())
                if any(values)
            ],
            batch_size=1000,
        )
        BacklogRun.objects.update_or_create(month=month, defaults={"as_of": as_of})


def backlog_at(moment: datetime, *, calendar: WorkingCalendar | None = None) -> dict[Key, list[int]]:
    """The dossiers in progress at ``moment`` (received before it, not finished before it), counted."""
    engine = calendar or get_calendar()
    day = timezone.localtime(moment).date()
    candidates = DossierState.objects.filter(received_on__lte=day).filter(
        Q(finished_on__isnull=True) | Q(finished_on__gte=day)
    )
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for key, values in backlog_counts(
            load_records(Q(pk__in=chunk), calendar=engine), moment, engine
        ).items():
            row = counts[key]
            for index, value in enumerate(values):
                row[index] += value
    return counts


def backlog_refresh(*, now: datetime | None = None) -> dict[str, str]:
    """The month just finished (once, after its end) and the current month as of now."""
    moment = now or timezone.now()
    today = timezone.localtime(moment).date()
    done: dict[str, str] = {}
    current = month_of(today)
    previous = month_of(current - timedelta(days=1))
    end_of_previous = month_start(current)
    judged = BacklogRun.objects.filter(month=previous).values_list("as_of", flat=True).first()
    if judged is None or judged < end_of_previous:
        backlog_store(previous, end_of_previous, backlog_at(end_of_previous))
        done["month_end"] = f"{previous:%Y-%m}"
    backlog_store(current, moment, backlog_at(moment))
    done["current"] = moment.isoformat()
    return done
