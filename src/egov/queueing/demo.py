"""The demo queues: two or three lines and three counters at each one-stop centre of the demo province
(``egov.accounts.demo``). Idempotent: a line or counter that exists is left as it is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from egov.accounts import demo as province
from egov.accounts.models import Agency
from egov.catalog.services import field_get_or_create
from egov.queueing.models import Counter, TicketLine
from egov.queueing.services import counter_create, ticket_line_create

PROVINCIAL_CENTRE = "H37.01.01"

# (letter, name, field names) per kind of centre
PROVINCIAL_LINES: list[tuple[str, str, list[str]]] = [
    ("A", "Tư pháp, hộ tịch", ["Lý lịch tư pháp", "Hộ tịch", "Đấu giá tài sản"]),
    ("B", "Đất đai, xây dựng, môi trường", ["Đất đai", "Hoạt động xây dựng", "Kiến trúc", "Môi trường"]),
    (
        "C",
        "Doanh nghiệp, giao thông",
        ["Thành lập và hoạt động của doanh nghiệp", "Sát hạch, cấp giấy phép lái xe", "Đường bộ"],
    ),
]
COMMUNE_LINES: list[tuple[str, str, list[str]]] = [
    ("A", "Hộ tịch, chứng thực", ["Hộ tịch", "Chứng thực"]),
    ("B", "Đất đai, xây dựng", ["Đất đai", "Hoạt động xây dựng"]),
]


class DemoQueueError(Exception):
    """The demo province is missing."""


@dataclass(frozen=True)
class DemoQueueResult:
    centres: int
    created: int


def demo_centre_codes() -> list[str]:
    return [code for code, _name, _short, level, _parent in province.AGENCIES if level == "one_stop_centre"]


def _load_centre(centre: Agency) -> int:
    lines = PROVINCIAL_LINES if centre.code == PROVINCIAL_CENTRE else COMMUNE_LINES
    created = 0
    for order, (letter, name, field_names) in enumerate(lines, start=1):
        if not TicketLine.objects.filter(centre=centre, letter=letter).exists():
            fields = [field_get_or_create(name=field_name) for field_name in field_names]
            ticket_line_create(
                actor=None, centre=centre, letter=letter, name=name, fields=fields, order=order
            )
            created += 1
    # Counter 1 for line A, counter 2 for line B, counter 3 for everything (and line C, if any).
    counters = [
        (1, f"Quầy {lines[0][1].lower()}", lines[0][2], False),
        (2, f"Quầy {lines[1][1].lower()}", lines[1][2], False),
        (3, "Quầy tổng hợp", [], True),
    ]
    for number, name, field_names, serves_all in counters:
        if not Counter.objects.filter(centre=centre, number=number).exists():
            counter_create(
                actor=None,
                centre=centre,
                number=number,
                name=name,
                fields=[field_get_or_create(name=field_name) for field_name in field_names],
                serves_all_fields=serves_all,
                is_open=True,
            )
            created += 1
    return created


def demo_queueing_load() -> DemoQueueResult:
    codes = demo_centre_codes()
    centres = list(Agency.objects.filter(code__in=codes).order_by("code"))
    if len(centres) != len(codes):
        raise DemoQueueError("The demo province is not loaded: run load_demo_province first.")
    with transaction.atomic():
        created = sum(_load_centre(centre) for centre in centres)
    return DemoQueueResult(centres=len(centres), created=created)
