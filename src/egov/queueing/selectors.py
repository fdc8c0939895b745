"""Reads of the queue: lines and counters of a centre, the hall board, an officer's counter panel."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from egov.accounts.models import Agency, User
from egov.accounts.selectors import agencies_active, agencies_where_permitted
from egov.core.permissions import Permission
from egov.queueing.models import Counter, Ticket, TicketLine
from egov.queueing.policy import HALL_RECENT_CALLS

AT_COUNTER = (Ticket.Status.CALLED, Ticket.Status.SERVING)


def centre_by_code(*, code: str) -> Agency | None:
    """The one-stop centre with this electronic identifier code, if it works today."""
    return agencies_active().filter(code=code, level=Agency.Level.ONE_STOP_CENTRE).first()


def lines_of_centre(*, centre: Agency | int, active_only: bool = True) -> list[TicketLine]:
    lines = TicketLine.objects.filter(centre=centre).prefetch_related("fields")
    if active_only:
        lines = lines.filter(is_active=True)
    return list(lines.order_by("order", "letter"))


def counter_serves_line(*, counter: Counter, line: TicketLine, counter_field_ids: set[int]) -> bool:
    """A counter serves a line when it serves every field, or when the line has fields and the counter
    serves each of them (a citizen in the line may need any field of it)."""
    if counter.serves_all_fields:
        return True
    line_field_ids = {field.pk for field in line.fields.all()}
    return bool(line_field_ids) and line_field_ids <= counter_field_ids


def lines_served_by(*, counter: Counter) -> list[TicketLine]:
    counter_field_ids = set(counter.fields.values_list("pk", flat=True))
    return [
        line
        for line in lines_of_centre(centre=counter.centre_id)
        if counter_serves_line(counter=counter, line=line, counter_field_ids=counter_field_ids)
    ]


def waiting_counts(*, centre: Agency | int, day: date | None = None) -> dict[int, int]:
    """line id → tickets of ``day`` (today) still waiting."""
    rows = (
        Ticket.objects.filter(centre=centre, day=day or timezone.localdate(), status=Ticket.Status.WAITING)
        .values("line_id")
        .annotate(waiting=Count("pk"))
    )
    return {row["line_id"]: row["waiting"] for row in rows}


def ticket_waiting_ahead(*, ticket: Ticket) -> int:
    """How many tickets of the same line and day, taken before this one, still wait."""
    return Ticket.objects.filter(
        line_id=ticket.line_id, day=ticket.day, status=Ticket.Status.WAITING, number__lt=ticket.number
    ).count()


def counter_current_ticket(*, counter: Counter) -> Ticket | None:
    """The ticket called to this counter and not finished yet."""
    return (
        Ticket.objects.filter(counter=counter, status__in=AT_COUNTER)
        .select_related("line")
        .order_by("-last_called_at")
        .first()
    )


def counter_ticket(*, counter: Counter, ticket_id: int) -> Ticket | None:
    """A ticket called to this counter (the one the officer's screen shows), if it still is."""
    return Ticket.objects.filter(pk=ticket_id, counter=counter).select_related("line").first()


def ticket_of_centre(*, centre: Agency, ticket_id: int) -> Ticket | None:
    return Ticket.objects.filter(pk=ticket_id, centre=centre).select_related("line").first()


def counters_for_officer(*, user: User) -> QuerySet[Counter]:
    """The counters of the centres where ``user`` may receive dossiers (and so call tickets)."""
    centre_ids = agencies_where_permitted(user=user, permission=Permission.DOSSIER_RECEIVE)
    return (
        Counter.objects.filter(centre_id__in=centre_ids, centre__level=Agency.Level.ONE_STOP_CENTRE)
        .select_related("centre")
        .order_by("centre__code", "number")
    )


@dataclass(frozen=True)
class LineWaiting:
    line: TicketLine
    waiting: int


@dataclass(frozen=True)
class HallBoard:
    """What the hall display shows. ``digest`` changes whenever anything shown changes; ``last_call_key``
    whenever a ticket is called or recalled (then the display announces it)."""

    centre: Agency
    calls: list[Ticket]
    lines: list[LineWaiting]
    digest: str
    last_call_key: str

    @property
    def latest(self) -> Ticket | None:
        return self.calls[0] if self.calls else None

    @property
    def earlier(self) -> list[Ticket]:
        return self.calls[1:]


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def hall_board(*, centre: Agency, recent: int = HALL_RECENT_CALLS) -> HallBoard:
    today = timezone.localdate()
    calls = list(
        Ticket.objects.filter(centre=centre, day=today, last_called_at__isnull=False)
        .select_related("counter", "line")
        .order_by("-last_called_at", "-pk")[:recent]
    )
    counts = waiting_counts(centre=centre, day=today)
    lines = [
        LineWaiting(line=line, waiting=counts.get(line.pk, 0)) for line in lines_of_centre(centre=centre)
    ]
    last_call_key = f"{calls[0].pk}-{calls[0].calls}" if calls else ""
    digest = _digest(
        today,
        [(t.pk, t.calls, t.status, t.counter_id) for t in calls],
        [(item.line.pk, item.line.letter, item.line.name, item.waiting) for item in lines],
    )
    return HallBoard(centre=centre, calls=calls, lines=lines, digest=digest, last_call_key=last_call_key)


@dataclass(frozen=True)
class CounterPanel:
    counter: Counter
    current: Ticket | None
    lines: list[LineWaiting]
    finished: list[Ticket]

    @property
    def can_call_next(self) -> bool:
        return self.counter.is_open and self.current is None

    @property
    def waiting_total(self) -> int:
        return sum(item.waiting for item in self.lines)


def counter_waiting(*, counter: Counter) -> list[LineWaiting]:
    counts = waiting_counts(centre=counter.centre_id)
    return [
        LineWaiting(line=line, waiting=counts.get(line.pk, 0)) for line in lines_served_by(counter=counter)
    ]


def counter_panel(*, counter: Counter, finished: int = 5) -> CounterPanel:
    today = timezone.localdate()
    return CounterPanel(
        counter=counter,
        current=counter_current_ticket(counter=counter),
        lines=counter_waiting(counter=counter),
        finished=list(
            Ticket.objects.filter(counter=counter, day=today)
            .filter(Q(status=Ticket.Status.DONE) | Q(status=Ticket.Status.NO_SHOW))
            .select_related("line")
            .order_by("-finished_at")[:finished]
        ),
    )
