"""Rebuilding the summary tables from the dossier tables (``manage.py reports_rebuild``).

One pass over every dossier in id order, in chunks read with :func:`load_records` (a fixed number of
queries per chunk): each dossier's contribution is stored (``DossierState``) and it is judged at every
month's end it was in progress at (and now). The day figures are then two GROUP BYs over the stored
contributions, the month figures one over the days. Everything runs in one transaction: readers see the
old figures until it commits. On PostgreSQL the tables are locked against the incremental updates,
which wait in the queue (``PendingDossier``) and are applied by the catch-up job afterwards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from time import perf_counter

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from egov.core.calendar.selectors import get_calendar
from egov.dossiers.models import Dossier
from egov.reports.contribution import (
    DIGITISED,
    E_RESULT,
    RECEIVED_FLAGS,
    DossierRecord,
    finish_moment,
    in_progress_at,
    load_records,
)
from egov.reports.models import (
    FINISHED_MEASURES,
    MEASURES,
    Backlog,
    BacklogRun,
    DayFigures,
    DossierState,
    MonthFigures,
    PendingDossier,
)
from egov.reports.rollup import Key, backlog_store, month_of, month_start, next_month, watermarks_reset

TABLES = (DayFigures, MonthFigures, Backlog, BacklogRun, DossierState, PendingDossier)


@dataclass
class Rebuilt:
    dossiers: int = 0
    day_rows: int = 0
    month_rows: int = 0
    backlog_months: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases.items())
        return (
            f"{self.dossiers:,} dossiers → {self.day_rows:,} day rows, {self.month_rows:,} month rows, "
            f"{self.backlog_months} months of dossiers in progress in {self.seconds:.1f} s ({phases})"
        )


def _lock_tables() -> None:
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def _month_ends(record: DossierRecord, now: datetime) -> list[datetime]:
    """The ends of months (first moments of the next month) at which the dossier may be in progress."""
    facts = record.facts
    if facts.received_at is None:
        return []
    finish = finish_moment(facts)
    last = now if finish is None else min(now, finish)
    moments: list[datetime] = []
    day = next_month(timezone.localtime(facts.received_at).date())
    moment = month_start(day)
    while moment <= last:
        moments.append(moment)
        day = next_month(day)
        moment = month_start(day)
    return moments


def _bit_sum(name: str, bit: int, condition: Q | None = None) -> Sum:
    return Sum(F("flags").bitand(bit), filter=condition)


def _day_rows_from_states() -> int:
    """The day figures as GROUP BYs over the stored contributions: by day of reception, then by day of
    finishing (merged into the same rows)."""
    keys = ("agency_id", "procedure_id", "field_id")
    received = (
        DossierState.objects.filter(received_on__isnull=False, agency__isnull=False)
        .values("received_on", *keys)
        .annotate(
            received=Count("pk"),
            **{name: _bit_sum(name, bit) for name, bit in RECEIVED_FLAGS.items()},
        )
        .order_by()
    )
    batch: list[DayFigures] = []
    written = 0

    def flush(update: bool) -> None:
        nonlocal written
        if not batch:
            return
        if update:
            DayFigures.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["day", "agency", "procedure", "field"],
                update_fields=list(FINISHED_MEASURES),
            )
        else:
            DayFigures.objects.bulk_create(batch)
            written += len(batch)
        batch.clear()

    for row in received.iterator(chunk_size=5000):
        batch.append(
            DayFigures(
                day=row["received_on"],
                agency_id=row["agency_id"],
                procedure_id=row["procedure_id"],
                field_id=row["field_id"],
                received=row["received"],
                **{name: (row[name] or 0) // bit for name, bit in RECEIVED_FLAGS.items()},
            )
        )
        if len(batch) >= 2000:
            flush(update=False)
    flush(update=False)
    resolved = Q(finish_kind__in=["early", "on_time", "late"])
    finished = (
        DossierState.objects.filter(finished_on__isnull=False, agency__isnull=False)
        .values("finished_on", *keys)
        .annotate(
            resolved_early=Count("pk", filter=Q(finish_kind="early")),
            resolved_on_time=Count("pk", filter=Q(finish_kind="on_time")),
            resolved_late=Count("pk", filter=Q(finish_kind="late")),
            resolved_working_us=Sum("working_us", filter=resolved),
            e_result=_bit_sum("e_result", E_RESULT, resolved),
            digitised=_bit_sum("digitised", DIGITISED, resolved),
            refused=Count("pk", filter=Q(finish_kind="refused")),
            withdrawn=Count("pk", filter=Q(finish_kind="withdrawn")),
            rated=Count("pk", filter=resolved & Q(rating__isnull=False)),
            satisfied=Sum("rating", filter=resolved),
        )
        .order_by()
    )
    divisors = {"e_result": E_RESULT, "digitised": DIGITISED}
    for row in finished.iterator(chunk_size=5000):
        batch.append(
            DayFigures(
                day=row["finished_on"],
                agency_id=row["agency_id"],
                procedure_id=row["procedure_id"],
                field_id=row["field_id"],
                **{name: (row[name] or 0) // divisors.get(name, 1) for name in FINISHED_MEASURES},
            )
        )
        if len(batch) >= 2000:
            flush(update=True)
    flush(update=True)
    return DayFigures.objects.count()


def _month_rows_from_days() -> int:
    rows = (
        DayFigures.objects.annotate(month=TruncMonth("day"))
        .values("month", "agency_id", "procedure_id", "field_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in MEASURES})
        .order_by()
    )
    MonthFigures.objects.bulk_create(
        (
            MonthFigures(
                month=row["month"],
                agency_id=row["agency_id"],
                procedure_id=row["procedure_id"],
                field_id=row["field_id"],
                **{name: row[f"sum_{name}"] or 0 for name in MEASURES},
            )
            for row in rows.iterator(chunk_size=5000)
        ),
        batch_size=2000,
    )
    return MonthFigures.objects.count()


def rebuild(
    *, now: datetime | None = None, chunk_size: int = 10_000, progress: Callable[[str], None] | None = None
) -> Rebuilt:
    """Empty the summary tables and fill them again from the dossiers (one transaction)."""
    moment = now or timezone.now()
    engine = get_calendar()
    result = Rebuilt()
    started = perf_counter()
    with transaction.atomic():
        _lock_tables()
        for model in TABLES:
            model.objects.all().delete()
        bounds = Dossier.objects.aggregate(low=Min("pk"), high=Max("pk"))
        backlog: dict[date, dict[Key, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        current_month = month_of(timezone.localtime(moment).date())
        first_month = current_month
        low, high = bounds["low"], bounds["high"]
        phase = perf_counter()
        if low is not None and high is not None:
            for start in range(low, high + 1, chunk_size):
                records = load_records(Q(pk__gte=start, pk__lt=start + chunk_size), calendar=engine)
                DossierState.objects.bulk_create(
                    [
                        DossierState(dossier_id=record.id, **record.contribution.state_values())
                        for record in records
                    ],
                    batch_size=2000,
                )
                for record in records:
                    if record.facts.received_at is None:
                        continue
                    first_month = min(
                        first_month, month_of(timezone.localtime(record.facts.received_at).date())
                    )
                    key = (record.agency_id, record.procedure_id, record.field_id)
                    for end in [*_month_ends(record, moment), moment]:
                        found = in_progress_at(record, end, engine)
                        if found is None:
                            continue
                        overdue, waiting, _ = found
                        month = (
                            current_month
                            if end is moment
                            else month_of(timezone.localtime(end - timedelta(days=1)).date())
                        )
                        row = backlog[month][key]
                        row[1 if overdue else 0] += 1
                        row[2] += waiting
                result.dossiers += len(records)
                if progress is not None:
                    progress(f"{result.dossiers:>12,} dossiers read ({perf_counter() - started:.1f} s)")
        result.phases["dossiers"] = perf_counter() - phase
        phase = perf_counter()
        result.day_rows = _day_rows_from_states()
        result.phases["days"] = perf_counter() - phase
        phase = perf_counter()
        result.month_rows = _month_rows_from_days()
        result.phases["months"] = perf_counter() - phase
        month = first_month
        while month <= current_month:
            as_of = moment if month == current_month else month_start(next_month(month))
            backlog_store(month, as_of, dict(backlog.get(month, {})))
            result.backlog_months += 1
            month = next_month(month)
        watermarks_reset()
    result.seconds = perf_counter() - started
    return result
