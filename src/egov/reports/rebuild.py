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
from django.db.models import Max, Min, Q
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


STATE_COLUMNS = (
    "dossier_id",
    "agency_id",
    "procedure_id",
    "field_id",
    "received_on",
    "finished_on",
    "finish_kind",
    "working_us",
    "flags",
    "rating",
    "awaits_agency",
    "current_due_at",
)


# The raw SQL below is built from constant column names and quoted table names only, never from input.


def _insert_states(records: list[DossierRecord]) -> None:
    """The contributions, written with one ``executemany`` (the ORM's per-field preparation costs more
    than the rest of the rebuild)."""
    if not records:
        return
    ops = connection.ops
    table = ops.quote_name(DossierState._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in STATE_COLUMNS)
    marks = ", ".join(["%s"] * len(STATE_COLUMNS))
    rows = []
    for record in records:
        c = record.contribution
        rows.append(
            (
                record.id,
                c.agency_id,
                c.procedure_id,
                c.field_id,
                ops.adapt_datefield_value(c.received_on),
                ops.adapt_datefield_value(c.finished_on),
                c.finish_kind,
                c.working_us,
                c.flags,
                c.rating,
                c.awaits_agency,
                ops.adapt_datetimefield_value(c.current_due_at),
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _flag(bit: int) -> str:
    return f"CASE WHEN (flags & {bit}) <> 0 THEN 1 ELSE 0 END"


def _kind(*kinds: str) -> str:
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return f"CASE WHEN finish_kind IN ({listed}) THEN 1 ELSE 0 END"


def _day_rows_from_states() -> int:
    """The day figures as one GROUP BY over the stored contributions: each dossier counted on the day it
    was received and on the day it finished (the same sums the incremental updates make)."""
    resolved = _kind("early", "on_time", "late")
    received_part = {name: "0" for name in MEASURES}
    received_part["received"] = "1"
    for name, bit in RECEIVED_FLAGS.items():
        received_part[name] = _flag(bit)
    finished_part = {name: "0" for name in MEASURES}
    finished_part.update(
        resolved_early=_kind("early"),
        resolved_on_time=_kind("on_time"),
        resolved_late=_kind("late"),
        resolved_working_us=f"CASE WHEN {resolved} = 1 THEN working_us ELSE 0 END",
        e_result=f"{resolved} * {_flag(E_RESULT)}",
        digitised=f"{resolved} * {_flag(DIGITISED)}",
        refused=_kind("refused"),
        withdrawn=_kind("withdrawn"),
        rated=f"CASE WHEN {resolved} = 1 AND rating IS NOT NULL THEN 1 ELSE 0 END",
        satisfied=f"CASE WHEN {resolved} = 1 AND rating IS NOT NULL THEN rating ELSE 0 END",
    )
    quote = connection.ops.quote_name
    keys = "agency_id, procedure_id, field_id"
    states = quote(DossierState._meta.db_table)

    def part(day: str, values: dict[str, str]) -> str:
        measures = ", ".join(f"{values[name]} AS {name}" for name in MEASURES)
        return (
            f"SELECT {day} AS day, {keys}, {measures} FROM {states} "  # noqa: S608
            f"WHERE {day} IS NOT NULL AND agency_id IS NOT NULL"
        )

    sums = ", ".join(f"SUM({name})" for name in MEASURES)
    names = ", ".join(MEASURES)
    sql = (
        f"INSERT INTO {quote(DayFigures._meta.db_table)} (day, {keys}, {names}) "  # noqa: S608
        f"SELECT day, {keys}, {sums} FROM ({part('received_on', received_part)} "
        f"UNION ALL {part('finished_on', finished_part)}) AS contributions GROUP BY day, {keys}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
    return DayFigures.objects.count()


def _month_rows_from_days() -> int:
    quote = connection.ops.quote_name
    month = (
        "date(day, 'start of month')" if connection.vendor == "sqlite" else "date_trunc('month', day)::date"
    )
    keys = "agency_id, procedure_id, field_id"
    sums = ", ".join(f"SUM({name})" for name in MEASURES)
    names = ", ".join(MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(MonthFigures._meta.db_table)} (month, {keys}, {names}) "  # noqa: S608
            f"SELECT {month}, {keys}, {sums} FROM {quote(DayFigures._meta.db_table)} GROUP BY {month}, {keys}"
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
