"""Fill a database with N realistic dossiers of the demo province (default 1,000,000), for benchmarks.

    .venv/bin/python -m bench.generate --dossiers 100000 --database-url sqlite:////tmp/egov-bench.sqlite3
    .venv/bin/python -m bench.generate --dossiers 1000000 \\
        --database-url postgres://postgres@127.0.0.1:54330/egov_bench

The database is migrated and the demo province loaded (``load_demo``: agencies, 30 procedures, e-store)
first; a PostgreSQL database named in the URL is created when missing. It must hold no dossier yet
(``--fresh`` deletes the SQLite file or drops and re-creates the PostgreSQL database first).

What goes in (docs/benchmarks.md): dossiers from 1 January 2024 to now (at most to the end of 2026), on
working days at the counter and every day online, more each year and more online; each one lived
forward in time (receipt, requests to supplement, transfer, processing early, on time or late, result
returned) and cut at "now", so old dossiers are closed and recent ones are still on their way. With it
come the status history (``DossierEvent``), a few papers (``DossierPaper``, no file), the process control
slip (``ControlRow``) of received dossiers, the requests to supplement, and ``DossierCodeCounter`` rows
equal to each agency's last number of each day, so that real submissions continue the sequence.

Rows go in through ``executemany`` (SQLite, ``synchronous=OFF`` while generating) or ``COPY``
(PostgreSQL), one transaction per batch of ``--batch-size`` dossiers; then ``ANALYZE``.
"""

from __future__ import annotations

import argparse
import bisect
import io
import itertools
import json
import multiprocessing
import os
import random
import sys
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/bench/dossiers.sqlite3"
DEFAULT_DOSSIERS = 1_000_000
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 12, 31)
MAX_SEQUENCE = 9999  # the code's last part has 4 digits
ONE_STOP_OFFICERS_PER_CENTRE = 3


def _words(text: str, separator: str | None = None) -> list[str]:
    """A table written as text, the way it is printed: words (or comma-separated names)."""
    return [word.strip() for word in text.split(separator) if word.strip()]


# --- people --------------------------------------------------------------------------------------------

# Family names with their approximate share in the north of Vietnam (per cent).
FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 37, "Trần": 11, "Lê": 9, "Phạm": 7.5, "Hoàng": 5, "Vũ": 4.5, "Phan": 3, "Đặng": 2.2,
    "Bùi": 2.2, "Đỗ": 2, "Đinh": 2, "Ngô": 1.4, "Dương": 1.1, "Hồ": 0.8, "Đào": 0.9, "Trịnh": 0.9,
    "Mai": 0.6, "Lương": 0.5, "Đoàn": 0.7, "Hà": 0.6, "Lý": 0.4, "Tạ": 0.4, "Cao": 0.5, "Lưu": 0.3,
    "Vương": 0.2, "Kiều": 0.2, "Tô": 0.3, "Quách": 0.3, "Chu": 0.3, "Lại": 0.3, "Tống": 0.3, "Võ": 0.3,
}  # fmt: skip
MIDDLE_NAMES = {
    "male": {
        "Văn": 32, "Đức": 10, "Minh": 9, "Quang": 6, "Hữu": 5, "Công": 5, "Xuân": 4, "Đình": 5, "Thanh": 3,
        "Trung": 2, "Ngọc": 2, "Mạnh": 3, "Tiến": 3, "Hoàng": 2, "Gia": 3, "Bảo": 2, "Anh": 2, "Quốc": 3,
    },
    "female": {
        "Thị": 45, "Ngọc": 7, "Thu": 6, "Thanh": 5, "Phương": 4, "Hồng": 4, "Minh": 3, "Kim": 4, "Thùy": 3,
        "Mai": 3, "Bích": 2, "Quỳnh": 2, "Bảo": 2, "Khánh": 2, "Diệu": 2, "Hoài": 2, "Lan": 2,
    },
}  # fmt: skip
GIVEN_NAMES = {
    "male": _words(
        """An Anh Bảo Bình Cường Chiến Công Dũng Duy Dương Đạt Đông Đức Giang Hải Hào Hậu Hiếu
        Hiệp Hòa Hoàng Hùng Huy Hưng Khang Khánh Khoa Kiên Lâm Lộc Long Luân Mạnh Minh Nam
        Nghĩa Nhân Phát Phong Phúc Quân Quang Quý Sơn Tài Tâm Thái Thắng Thành Thịnh Tiến Toàn
        Trí Trọng Trung Trường Tú Tuấn Tùng Việt Vinh Vũ"""
    ),
    "female": _words(
        """An Anh Ánh Bích Châu Chi Diệp Dung Duyên Giang Hà Hạnh Hằng Hiền Hoa Hòa Hồng Huệ
        Hương Huyền Lan Liên Linh Loan Ly Mai My Nga Ngân Ngọc Nhung Nhi Oanh Phương Quyên
        Quỳnh Tâm Thảo Thanh Thắm Thơ Thu Thủy Thư Trang Trâm Uyên Vân Vy Xuân Yến"""
    ),
}
# Province-of-birth codes of the personal identification number: mostly the merged province's three.
BIRTH_PROVINCES: dict[str, float] = {"037": 50, "036": 18, "035": 12, "001": 5, "034": 4, "038": 3, "030": 2}
OTHER_BIRTH_PROVINCE_SHARE = 6.0  # the rest, spread over every other code
# Mobile prefixes in use (Viettel, Vinaphone, MobiFone, Vietnamobile); 10 digits in all.
PHONE_PREFIXES = _words("""032 033 034 035 036 037 038 039 086 096 097 098 081 082 083 084 085 088 091 094
    070 076 077 078 079 089 090 093 056 058""")
STREETS = _words(
    """Trần Hưng Đạo, Lê Hồng Phong, Đinh Tiên Hoàng, Lê Đại Hành, Nguyễn Huệ, Hai Bà Trưng, Lý Thái Tổ,
    Quang Trung, Lê Lợi, Nguyễn Du, Phạm Văn Đồng, Trường Chinh, Nguyễn Văn Cừ, Tràng An, Xuân Thành,
    Lương Văn Thăng, Vân Giang, Nguyễn Công Trứ, Trần Phú, Hoàng Hoa Thám""",
    ",",
)
HAMLETS = _words(
    """Đông, Đoài, Thượng, Hạ, Trung, Nam, Bắc, Tiền, Hậu, Yên Thổ, Phú Lộc, Văn Hà, Kênh Gà, Tam Cốc,
    Bích Động, Hải Nạp, Đồng Tâm, Tân Thành, Chất Thành, An Hòa""",
    ",",
)
COMPANY_WORDS = _words(
    """Thành Công, Phú Hưng, Tràng An, Hoa Lư, Bái Đính, Minh Phát, Hưng Thịnh, An Khang, Đại Việt,
    Sao Mai, Hồng Hà, Kim Sơn, Tam Cốc, Vân Long, Phát Đạt, Hải Đăng, Cúc Phương, Ninh Phúc, Gia Khánh,
    Thiên Trường""",
    ",",
)
COMPANY_FORMS = (
    "Công ty TNHH {}",
    "Công ty TNHH Thương mại và Dịch vụ {}",
    "Công ty cổ phần {}",
    "Công ty cổ phần Xây dựng {}",
    "Công ty TNHH Vận tải {}",
    "Hợp tác xã Nông nghiệp {}",
)
EMAIL_DOMAINS = ("gmail.com",) * 8 + ("yahoo.com", "outlook.com")

# --- procedures and agencies ---------------------------------------------------------------------------

# How often a procedure is applied for, by words of its name (the first match wins; default 1).
POPULARITY: tuple[tuple[str, float], ...] = (
    ("yếu tố nước ngoài", 0.4),
    ("khai sinh", 14),
    ("tình trạng hôn nhân", 9),
    ("kết hôn", 5),
    ("khai tử", 4),
    ("lý lịch tư pháp", 6),
    ("đổi giấy phép lái xe", 8),
    ("cấp lại giấy phép lái xe", 3),
    ("hộ chiếu", 5),
    ("hộ kinh doanh", 3),
    ("nhận cha, mẹ, con", 1.5),
    ("giấy chứng nhận do bị mất", 2),
    ("thành lập công ty", 2),
    ("xây dựng", 1.5),
)
COMMUNE_CENTRE_SHARE = {"H37.30.01": 30, "H37.31.01": 25, "H37.32.01": 20, "H37.33.01": 13, "H37.34.01": 12}
PROVINCIAL_AT_COMMUNE_SHARE = 0.07  # province-level dossiers handed in at a commune centre (Art. 14.2)
MONTH_SEASON = {1: 1.2, 2: 0.75, 3: 1.05, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.0, 8: 0.95, 9: 1.0, 10: 1.05,
                11: 1.0, 12: 1.1}  # fmt: skip
GROWTH_OVER_THE_PERIOD = 0.5  # the last day sees 50 % more dossiers than the first
ONLINE_SHARE_FIRST, ONLINE_SHARE_LAST = 0.35, 0.70
OFF_DAY_ONLINE = 0.3  # online submissions on a day off, relative to a working day
POSTAL_SHARE = 0.03  # of the dossiers not submitted online
ONLINE_HOURS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 2, 4, 7, 9, 9, 8, 5, 5, 7, 8, 7, 6, 5, 6, 7, 6, 4, 2)

# --- what happens to a dossier (shares of all dossiers at each decision) -------------------------------

P_REFUSED_AT_INTAKE = 0.015
P_SUPPLEMENT_AT_INTAKE = 0.08
P_WITHDRAWN_AT_INTAKE = 0.005
P_SUPPLIED = 0.75  # of the requests to supplement
P_REFUSED_IN_PROCESSING = 0.015
P_WITHDRAWN_IN_PROCESSING = 0.006
P_SUPPLEMENT_IN_PROCESSING = 0.03
P_PAYMENT_REQUESTED = 0.03
P_EARLY, P_ON_TIME = 0.62, 0.28  # the rest are late
P_TRANSFERRED_LATE = 0.07
P_NEVER_COLLECTED = 0.03
P_RESULT_ONLINE = 0.6  # of online dossiers: the e-result is taken at once

REFUSAL_REASONS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "Người nộp không đủ điều kiện theo quy định.",
    "Thông tin kê khai không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
)
SUPPLEMENT_REASONS = (
    "Thiếu giấy tờ theo quy định.",
    "Bản sao chưa được chứng thực.",
    "Tờ khai ghi chưa đầy đủ thông tin.",
)
WITHDRAWAL_REASON = "Người nộp xin rút hồ sơ."
RESULT_STEP = "Trả kết quả về Bộ phận Một cửa"
RETURN_STEP = "Trả kết quả cho người nộp"


class GenerationError(Exception):
    """The database or the request does not allow a consistent generation; nothing more was written."""


# The intake rules the generated history follows, as egov.dossiers.intake has them (bench/test_generate.py
# checks both agree): workers make rows without Django, so they cannot call the services.
TRANSFER_CUTOFF = clock(15, 0)  # intake.TRANSFER_CUTOFF
SUPPLEMENT_DAYS = 15  # intake.SUPPLEMENT_DAYS
ACCEPTANCE_WORKING_HOURS = 8  # intake.ACCEPTANCE_WORKING_HOURS


# --- small helpers -------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """``Nguyễn Đức`` → ``nguyen duc``: for e-mail addresses."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


class Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` recomputes them)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("a picker needs as many weights as items, and at least one")
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainders); exact sum."""
    weight_sum = sum(weights)
    if total < 0 or weight_sum <= 0:
        raise ValueError("nothing to allocate over")
    shares = [total * weight / weight_sum for weight in weights]
    parts = [int(share) for share in shares]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (shares[i] - parts[i], -i), reverse=True)
    for i in order[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class DayPlan:
    day: date
    count: int
    online_share: float


def day_plan(total: int, *, first: date, last: date, is_working_day: Callable[[date], bool]) -> list[DayPlan]:
    """How many dossiers arrive each day: working days at the counter and online, days off online only;
    growing over the period, with the online share growing too, and a month's season (Tết)."""
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    span = max(1, len(days) - 1)
    weights: list[float] = []
    shares: list[float] = []
    for index, day in enumerate(days):
        progress = index / span
        online_share = ONLINE_SHARE_FIRST + (ONLINE_SHARE_LAST - ONLINE_SHARE_FIRST) * progress
        working = is_working_day(day)
        counter_part = (1 - online_share) if working else 0.0
        online_part = online_share * (1.0 if working else OFF_DAY_ONLINE)
        weights.append(
            (1 + GROWTH_OVER_THE_PERIOD * progress) * MONTH_SEASON[day.month] * (counter_part + online_part)
        )
        shares.append(online_part / (counter_part + online_part))
    counts = allocate(total, weights)
    return [DayPlan(day, count, share) for day, count, share in zip(days, counts, shares, strict=True)]


def _utc_text(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime: naive UTC through ``str()``."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("moments must carry a time zone")
    return str(value.replace(tzinfo=None) - offset)


# --- what the workers know: the demo province, read once ---------------------------------------------


@dataclass(frozen=True)
class Paper:
    id: int
    name: str
    is_mandatory: bool
    from_national_database: bool


@dataclass(frozen=True)
class Version:
    id: int
    name: str
    level: str
    applicant_type: str
    processing_days: int
    processing_days_online: int | None
    allows_any_location: bool
    papers: tuple[Paper, ...]
    step_agency_id: int | None  # the first step with an agency of its own
    implementing_agency_ids: tuple[int, ...]  # by code

    def days(self, *, is_online: bool) -> int:
        if is_online and self.processing_days_online is not None:
            return self.processing_days_online
        return self.processing_days


@dataclass
class Centre:
    """A one-stop section that receives dossiers."""

    id: int
    code: str
    name: str
    commune_id: int | None
    place: str  # the ward or commune, for addresses
    is_ward: bool
    officers: list[tuple[int, str]] = field(default_factory=list)  # (user id, full name)


@dataclass
class World:
    """Everything needed to make dossiers, read from the database by :func:`read_world`; making them
    then needs no database (so it runs in worker processes)."""

    calendar: Any  # egov.core.calendar.engine.WorkingCalendar
    now: datetime
    vendor: str
    versions: list[Version]
    version_weights: list[float]
    centres: dict[int, Centre]
    agency_names: dict[int, str]
    status: dict[str, str]  # Status member name → value
    channel: dict[str, str]
    outcome: dict[str, str]
    transfer_step: str
    expired_note: str


def read_world(*, now: datetime) -> World:
    """The demo province as the generator needs it; creates one-stop officers where a centre lacks them."""
    from django.db import connection
    from django.utils import translation

    from egov.accounts.models import Agency
    from egov.catalog.models import ProcedureVersion
    from egov.core.calendar.selectors import get_calendar
    from egov.dossiers.models import ControlRow, Dossier, Status

    calendar = get_calendar()
    published = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .prefetch_related("papers", "steps", "implementing_agencies")
        .order_by("id")
    )
    versions: list[Version] = []
    weights: list[float] = []
    for version in published:
        steps = sorted(version.steps.all(), key=lambda step: step.order)
        implementing = sorted(version.implementing_agencies.all(), key=lambda agency: agency.code)
        papers = sorted(version.papers.all(), key=lambda paper: (paper.order, paper.pk))
        versions.append(
            Version(
                id=version.pk,
                name=version.name,
                level=version.level,
                applicant_type=version.applicant_type,
                processing_days=version.processing_days,
                processing_days_online=version.processing_days_online,
                allows_any_location=version.allows_any_location,
                papers=tuple(Paper(p.pk, p.name, p.is_mandatory, p.from_national_database) for p in papers),
                step_agency_id=next((step.agency_id for step in steps if step.agency_id), None),
                implementing_agency_ids=tuple(agency.pk for agency in implementing),
            )
        )
        lowered = version.name.lower()
        weights.append(next((weight for words, weight in POPULARITY if words in lowered), 1.0))
    if not versions:
        raise GenerationError("no published procedure: run load_demo first")

    agencies = {agency.pk: agency for agency in Agency.objects.all()}
    centres: dict[int, Centre] = {}
    for agency in sorted(agencies.values(), key=lambda a: a.code):
        if agency.level != Agency.Level.ONE_STOP_CENTRE or agency.valid_to is not None:
            continue
        parent = agencies.get(agency.parent_id) if agency.parent_id else None
        commune = parent if parent is not None and parent.level == Agency.Level.COMMUNE else None
        place = commune.name.replace("Ủy ban nhân dân ", "") if commune else ""
        centres[agency.pk] = Centre(
            id=agency.pk,
            code=agency.code,
            name=agency.name,
            commune_id=commune.pk if commune else None,
            place=place,
            is_ward=place.startswith("phường"),
        )
    if not centres:
        raise GenerationError("no one-stop centre: run load_demo first")
    _ensure_officers(centres)
    with translation.override("vi"):
        transfer_step = str(translation.gettext("Transfer to the processing agency"))
        expired_note = translation.gettext(
            "Not supplemented within %(days)s days (Decree 118/2025 Art. 19.5)."
        ) % {"days": SUPPLEMENT_DAYS}
    return World(
        calendar=calendar,
        now=now.astimezone(calendar.tz).replace(microsecond=0),
        vendor=connection.vendor,
        versions=versions,
        version_weights=weights,
        centres=centres,
        agency_names={pk: agency.name for pk, agency in agencies.items()},
        status={member.name: member.value for member in Status},
        channel={member.name: member.value for member in Dossier.Channel},
        outcome={member.name: member.value for member in ControlRow.Outcome},
        transfer_step=transfer_step,
        expired_note=expired_note,
    )


def _ensure_officers(centres: dict[int, Centre]) -> None:
    """Each centre's one-stop officers (three are created where fewer hold the role): they act on dossiers."""
    from django.db import transaction

    from egov.accounts.models import Membership, User
    from egov.core.permissions import Role

    rng = random.Random(7)
    held = Membership.objects.filter(
        role=Role.ONE_STOP_OFFICER, valid_to__isnull=True, agency_id__in=list(centres)
    ).select_related("user")
    for membership in held.order_by("id"):
        user = membership.user
        centres[membership.agency_id].officers.append((user.pk, user.full_name or user.username))
    family = Picker(list(FAMILY_NAMES), list(FAMILY_NAMES.values()))
    with transaction.atomic():
        for centre in centres.values():
            number = 0
            while len(centre.officers) < ONE_STOP_OFFICERS_PER_CENTRE:
                number += 1
                username = f"bench.motcua.{centre.code.lower()}.{number}"
                if User.objects.filter(username=username).exists():
                    continue
                gender = "male" if rng.random() < 0.45 else "female"
                middle = Picker(list(MIDDLE_NAMES[gender]), list(MIDDLE_NAMES[gender].values()))
                full_name = f"{family(rng)} {middle(rng)} {rng.choice(GIVEN_NAMES[gender])}"
                user = User(username=username, kind=User.Kind.OFFICIAL, full_name=full_name)
                user.set_unusable_password()
                user.save()
                Membership.objects.create(
                    user=user, agency_id=centre.id, role=Role.ONE_STOP_OFFICER, valid_from=FIRST_DAY
                )
                centre.officers.append((user.pk, full_name))


# --- making dossiers (no database) ---------------------------------------------------------------------

TABLES = ("dossiers", "events", "papers", "supplement requests", "control rows", "code counters")
Rows = dict[str, list[tuple[Any, ...]]]


def transfer_deadline(calendar: Any, received_at: datetime) -> datetime:
    """By the end of the same working day; received after 15:00 (or on a day off), one hour into the next
    working day (Decree 118/2025 Art. 18.2): ``egov.dossiers.intake.transfer_deadline``."""
    local = received_at.astimezone(calendar.tz)
    day = local.date()
    if calendar.is_working_day(day) and local.time() <= TRANSFER_CUTOFF:
        return datetime.combine(day, calendar.sessions[-1].end, calendar.tz)
    next_day = calendar.nth_working_day_after(day, 1)
    return datetime.combine(next_day, calendar.sessions[0].start, calendar.tz) + timedelta(hours=1)


class Factory:
    """Makes the rows of the dossiers that arrive on some days; deterministic for a seed."""

    def __init__(self, world: World, seed: str) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.calendar = world.calendar
        self.tz = world.calendar.tz
        self.now = world.now
        self.S = SimpleNamespace(**world.status)
        self.online = world.channel["ONLINE"]
        self.direct = world.channel["DIRECT"]
        self.postal = world.channel["POSTAL"]
        self.early, self.on_time, self.late = (world.outcome[key] for key in ("EARLY", "ON_TIME", "LATE"))
        if world.vendor == "sqlite":
            self.moment: Callable[[datetime | None], str | None] = lambda v: (
                None if v is None else _utc_text(v)
            )
        else:
            self.moment = lambda v: None if v is None else _utc_text(v) + "+00"
        self.version_picker = Picker(world.versions, world.version_weights)
        communes = [centre for centre in world.centres.values() if centre.commune_id]
        provincial = [centre for centre in world.centres.values() if not centre.commune_id]
        self.commune_picker = Picker(
            communes or provincial, [COMMUNE_CENTRE_SHARE.get(c.code, 10) for c in communes or provincial]
        )
        self.provincial_picker = Picker(provincial or communes, [1] * len(provincial or communes))
        self.places = communes or list(world.centres.values())
        self.family_picker = Picker(list(FAMILY_NAMES), list(FAMILY_NAMES.values()))
        self.middle_pickers = {
            gender: Picker(list(names), list(names.values())) for gender, names in MIDDLE_NAMES.items()
        }
        from egov.accounts.validators import BIRTH_PROVINCE_CODES  # a plain table; no Django set-up needed

        others = sorted(BIRTH_PROVINCE_CODES - set(BIRTH_PROVINCES))
        self.province_picker = Picker(
            [*BIRTH_PROVINCES, *others],
            [*BIRTH_PROVINCES.values(), *[OTHER_BIRTH_PROVINCE_SHARE / len(others)] * len(others)],
        )
        self.online_hour_picker = Picker(list(range(24)), ONLINE_HOURS)
        self.folded: dict[str, str] = {}
        self.rows: Rows = {name: [] for name in TABLES}

    def outcome(self, handed: datetime, due: datetime | None) -> str:
        """Form 06: before the deadline (an earlier day), on time, or late: ``intake.control_outcome``."""
        if due is None:
            return ""
        if handed > due:
            return self.late
        if handed.astimezone(self.tz).date() < due.astimezone(self.tz).date():
            return self.early
        return self.on_time

    # -- the days --

    def days(self, plans: Sequence[DayPlan], first_id: int) -> Rows:
        """Rows of every dossier arriving on ``plans``' days; dossier ids from ``first_id`` in time order."""
        rng = self.rng
        end_of_period = min(self.now, datetime.combine(LAST_DAY, clock(23, 59, 59), self.tz))
        next_id = first_id
        for plan in plans:
            arrivals: list[tuple[int, datetime, str, Version]] = []
            for _ in range(plan.count):
                if rng.random() < plan.online_share:
                    channel = self.online
                else:
                    channel = self.postal if rng.random() < POSTAL_SHARE else self.direct
                version = self.version_picker(rng)
                at_commune = version.level == "commune" or (
                    version.allows_any_location and rng.random() < PROVINCIAL_AT_COMMUNE_SHARE
                )
                centre = self.commune_picker(rng) if at_commune else self.provincial_picker(rng)
                submitted = self._submitted_at(plan.day, channel == self.direct, end_of_period)
                arrivals.append((centre.id, submitted, channel, version))
            # Numbered per agency in order of arrival (as dossier_code_next does), stored in time order.
            arrivals.sort(key=lambda arrival: (arrival[0], arrival[1]))
            numbered: list[tuple[datetime, int, str, Version, str]] = []
            sequence: Counter[int] = Counter()
            day_part = f"{plan.day:%y%m%d}"
            for centre_id, submitted, channel, version in arrivals:
                sequence[centre_id] += 1
                number = sequence[centre_id]
                if number > MAX_SEQUENCE:
                    raise GenerationError(
                        f"more than {MAX_SEQUENCE:,} dossiers at one agency on {plan.day}: "
                        "codes have 4 digits"
                    )
                numbered.append(
                    (
                        submitted,
                        centre_id,
                        channel,
                        version,
                        f"{self.world.centres[centre_id].code}-{day_part}-{number:04d}",
                    )
                )
            numbered.sort(key=lambda item: item[0])
            for submitted, centre_id, channel, version, code in numbered:
                self._dossier(next_id, version, self.world.centres[centre_id], channel, submitted, code)
                next_id += 1
            for centre_id, last_number in sorted(sequence.items()):
                self.rows["code counters"].append((centre_id, plan.day.isoformat(), last_number))
        rows, self.rows = self.rows, {name: [] for name in TABLES}
        return rows

    def _submitted_at(self, day: date, is_counter: bool, latest: datetime) -> datetime:
        rng = self.rng
        if is_counter:  # in the sessions, more in the morning
            morning = rng.random() < 0.6
            start, length = (7 * 3600 + 1800, 4 * 3600) if morning else (13 * 3600 + 1800, int(3.5 * 3600))
            seconds = start + rng.randrange(length)
        else:
            seconds = self.online_hour_picker(rng) * 3600 + rng.randrange(3600)
        moment = datetime.combine(day, clock(seconds // 3600, seconds % 3600 // 60, seconds % 60), self.tz)
        if moment > latest:  # today, later than now: some time earlier today
            midnight = datetime.combine(day, clock(0), self.tz)
            elapsed = max(1, int((latest - midnight).total_seconds()))
            moment = midnight + timedelta(seconds=rng.randrange(elapsed))
        return moment

    # -- one applicant --

    def _name(self, gender: str) -> str:
        rng = self.rng
        given = GIVEN_NAMES[gender]
        return (
            f"{self.family_picker(rng)} {self.middle_pickers[gender](rng)} {given[rng.randrange(len(given))]}"
        )

    def applicant(self, version: Version, submitted: datetime, is_online: bool) -> tuple[str, ...]:
        """(name, personal id, phone, e-mail, address, authorised person)."""
        rng = self.rng
        gender = "male" if rng.random() < 0.5 else "female"
        name = self._name(gender)
        year = submitted.year - 18 - int(rng.random() ** 1.6 * 62)
        century = (0 if year < 2000 else 2) + (gender == "female")
        serial = rng.randrange(1_000_000)
        personal_id = f"{self.province_picker(rng)}{century}{year % 100:02d}{serial:06d}"
        phone = f"{PHONE_PREFIXES[rng.randrange(len(PHONE_PREFIXES))]}{rng.randrange(10_000_000):07d}"
        email = ""
        if is_online and rng.random() < 0.6:
            local = self.folded.get(name)
            if local is None:
                parts = name.split()
                local = self.folded[name] = fold(f"{parts[-1]}.{parts[0]}").replace(" ", "")
            domain = EMAIL_DOMAINS[rng.randrange(len(EMAIL_DOMAINS))]
            email = f"{local}{rng.randrange(100, 10_000)}@{domain}"
        home = self.places[rng.randrange(len(self.places))]
        place = home.place or "tỉnh Ninh Bình"
        if home.is_ward:
            street = STREETS[rng.randrange(len(STREETS))]
            address = f"Số {rng.randint(1, 250)} đường {street}, {place}, tỉnh Ninh Bình"
        else:
            address = f"Thôn {HAMLETS[rng.randrange(len(HAMLETS))]}, {place}, tỉnh Ninh Bình"
        is_company = (version.applicant_type == "business" and rng.random() < 0.8) or (
            version.applicant_type == "both" and rng.random() < 0.3
        )
        if is_company:
            words = COMPANY_WORDS[rng.randrange(len(COMPANY_WORDS))]
            company = COMPANY_FORMS[rng.randrange(len(COMPANY_FORMS))].format(words)
            return company, "", phone, email, address, name
        authorised = self._name("male" if rng.random() < 0.5 else "female") if rng.random() < 0.04 else ""
        return name, personal_id, phone, email, address, authorised

    # -- one dossier's life --

    def _intake_delay(self, channel: str, moment: datetime) -> datetime:
        rng = self.rng
        if channel == self.direct:
            return moment + timedelta(seconds=rng.randint(180, 1500))
        hours = rng.randint(1, 8) if rng.random() < 0.9 else rng.randint(9, 24)  # the 8-hour rule, mostly
        return self.calendar.add_working_hours(moment, hours) - timedelta(seconds=rng.randrange(3000))

    @staticmethod
    def _processing_agency(version: Version, centre: Centre) -> int | None:
        if version.step_agency_id:
            return version.step_agency_id
        if centre.commune_id and centre.commune_id in version.implementing_agency_ids:
            return centre.commune_id
        if version.implementing_agency_ids:
            return version.implementing_agency_ids[0]
        return centre.commune_id

    def _dossier(
        self, dossier_id: int, version: Version, centre: Centre, channel: str, submitted: datetime, code: str
    ) -> None:
        rng = self.rng
        cal = self.calendar
        S = self.S
        outcome = self.outcome
        is_online = channel == self.online
        officer_id, officer_name = centre.officers[rng.randrange(len(centre.officers))]
        desk = f"{officer_name} ({centre.name})"
        name, personal_id, phone, email, address, authorised = self.applicant(version, submitted, is_online)

        # The whole life first, then cut at now. Events: (from, to, at, actor, note).
        events: list[tuple[str, str, datetime, int | None, str]] = [
            ("", S.NEW, submitted, None if is_online else officer_id, "")
        ]
        acceptance: list[tuple[datetime, datetime]] = []  # (since, deadline) for online dossiers
        if is_online:
            acceptance.append((submitted, cal.add_working_hours(submitted, ACCEPTANCE_WORKING_HOURS)))
        supplements: list[list[Any]] = []
        controls: list[tuple[Any, ...]] = []
        receipt: tuple[datetime, datetime, datetime, int | None] | None = None  # at, due, transfer due, to
        transferred: datetime | None = None
        result: dict[str, Any] = {}  # processed, returned, method, posted

        def step(to: str, at: datetime, actor: int | None = None, note: str = "") -> datetime:
            at = max(at, events[-1][2] + timedelta(seconds=60))
            events.append((events[-1][1], to, at, actor, note))
            return at

        def supplement(stage: str, at: datetime, actor: int | None) -> bool:
            """A request to supplement; True when it is met in time and the dossier goes on."""
            reason = SUPPLEMENT_REASONS[rng.randrange(len(SUPPLEMENT_REASONS))]
            at = step(S.SUPPLEMENT_REQUESTED, at, actor, reason)
            due_on = at.astimezone(self.tz).date() + timedelta(days=SUPPLEMENT_DAYS)
            request: list[Any] = [stage, at, actor, [p.name for p in version.papers[:2]] or [reason], reason,
                                  due_on, None, None]  # fmt: skip
            supplements.append(request)
            if rng.random() < P_SUPPLIED:
                met = at + timedelta(seconds=rng.randint(3600, 13 * 86400))
                request[6] = step(S.NEW if stage == "intake" else S.PROCESSING, met, None)
                if is_online and stage == "intake":
                    acceptance.append(
                        (request[6], cal.add_working_hours(request[6], ACCEPTANCE_WORKING_HOURS))
                    )
                return True
            closed = datetime.combine(due_on + timedelta(days=1), clock(0, 30), self.tz)
            request[7] = step(S.STOPPED, closed, None, self.world.expired_note)
            return False

        def give_back(done: datetime, returned: datetime, method: str) -> None:
            result.update(processed=done, returned=returned, method=method)
            if method == "post":
                result["posted"] = max(done, returned - timedelta(seconds=rng.randint(86400, 3 * 86400)))

        def live() -> None:
            nonlocal receipt, transferred
            moment = self._intake_delay(channel, submitted)
            draw = rng.random()
            if draw < P_REFUSED_AT_INTAKE:
                step(S.REFUSED, moment, officer_id, REFUSAL_REASONS[rng.randrange(len(REFUSAL_REASONS))])
                return
            draw -= P_REFUSED_AT_INTAKE
            if draw < P_SUPPLEMENT_AT_INTAKE:
                if not supplement("intake", moment, officer_id):
                    return
                moment = self._intake_delay(channel, events[-1][2])
            elif draw - P_SUPPLEMENT_AT_INTAKE < P_WITHDRAWN_AT_INTAKE:
                at = step(S.WITHDRAWAL_REQUESTED, moment, None, WITHDRAWAL_REASON)
                step(S.STOPPED, cal.add_working_hours(at, rng.randint(1, 16)), officer_id, WITHDRAWAL_REASON)
                return
            received = step(S.RECEIVED, moment, officer_id)
            days = version.days(is_online=is_online)
            due = cal.add_working_days(received, days) if days else received
            transfer_due = transfer_deadline(cal, received)
            agency_id = self._processing_agency(version, centre)
            agency_name = self.world.agency_names.get(agency_id, "") if agency_id else ""
            receipt = (received, due, transfer_due, agency_id)
            if days == 0:  # an immediate result, handed over at the counter
                done = step(S.PROCESSED, received + timedelta(seconds=rng.randint(300, 2400)), officer_id)
                returned = step(S.RETURNED, done + timedelta(seconds=rng.randint(60, 900)), officer_id)
                give_back(done, returned, "counter")
                controls.append(
                    (RETURN_STEP, desk, name, centre.id, None, returned, due, outcome(returned, due))
                )
                return
            if rng.random() < P_TRANSFERRED_LATE:
                handed = cal.add_working_hours(transfer_due, rng.randint(1, 12))
            else:
                handed = received + (transfer_due - received) * (0.05 + 0.9 * rng.random())
            handed = transferred = step(S.PROCESSING, handed.replace(microsecond=0), officer_id)
            controls.append((self.world.transfer_step, desk, agency_name, centre.id, agency_id, handed,
                             transfer_due, outcome(handed, transfer_due)))  # fmt: skip
            hours = days * 8
            draw = rng.random()
            if draw < P_REFUSED_IN_PROCESSING:
                reason = REFUSAL_REASONS[rng.randrange(len(REFUSAL_REASONS))]
                step(S.REFUSED, cal.add_working_hours(handed, rng.randint(2, hours)), None, reason)
                return
            draw -= P_REFUSED_IN_PROCESSING
            if draw < P_WITHDRAWN_IN_PROCESSING:
                asked = cal.add_working_hours(handed, rng.randint(1, hours))
                at = step(S.WITHDRAWAL_REQUESTED, asked, None, WITHDRAWAL_REASON)
                step(S.STOPPED, cal.add_working_hours(at, rng.randint(1, 16)), officer_id, WITHDRAWAL_REASON)
                return
            draw -= P_WITHDRAWN_IN_PROCESSING
            if draw < P_SUPPLEMENT_IN_PROCESSING:
                if not supplement("processing", cal.add_working_hours(handed, rng.randint(1, hours)), None):
                    return
            elif draw - P_SUPPLEMENT_IN_PROCESSING < P_PAYMENT_REQUESTED:
                at = step(S.PAYMENT_REQUESTED, cal.add_working_hours(handed, rng.randint(1, hours)))
                step(S.PROCESSING, at + timedelta(seconds=rng.randint(1800, 3 * 86400)))
            draw = rng.random()
            if draw < P_EARLY:
                worked = rng.randint(max(1, hours * 3 // 10), max(1, hours * 9 // 10))
                done = cal.add_working_hours(handed, worked)
            elif draw < P_EARLY + P_ON_TIME:
                done = due - timedelta(seconds=rng.randint(300, 4 * 3600))
            else:
                done = cal.add_working_hours(due, rng.randint(1, max(8, hours // 2)))
            done = step(S.PROCESSED, done)
            controls.append((RESULT_STEP, agency_name, centre.name, agency_id, centre.id, done, due,
                             outcome(done, due)))  # fmt: skip
            result["processed"] = done
            if rng.random() < P_NEVER_COLLECTED:
                return
            if is_online and rng.random() < P_RESULT_ONLINE:
                method = "online"
                returned = done + timedelta(seconds=rng.randint(600, 4 * 3600))
            else:
                method = "post" if channel == self.postal else "counter"
                returned = cal.add_working_hours(done, rng.randint(1, 60))
            returned = step(S.RETURNED, returned, None if method == "online" else officer_id)
            give_back(done, returned, method)
            controls.append((RETURN_STEP, desk, name, centre.id, None, returned, None, ""))

        live()
        self._store(
            dossier_id, version, centre, channel, code, submitted, officer_id,
            (name, personal_id, phone, email, address, authorised),
            events, acceptance, supplements, controls, receipt, transferred, result,
        )  # fmt: skip

    def _store(
        self,
        dossier_id: int,
        version: Version,
        centre: Centre,
        channel: str,
        code: str,
        submitted: datetime,
        officer_id: int,
        applicant: tuple[str, ...],
        events: list[tuple[str, str, datetime, int | None, str]],
        acceptance: list[tuple[datetime, datetime]],
        supplements: list[list[Any]],
        controls: list[tuple[Any, ...]],
        receipt: tuple[datetime, datetime, datetime, int | None] | None,
        transferred: datetime | None,
        result: dict[str, Any],
    ) -> None:
        """The rows of what had happened by now."""
        now = self.now
        moment = self.moment
        S = self.S
        rows = self.rows
        is_online = channel == self.online
        kept = [event for event in events if event[2] <= now]
        status = kept[-1][1]
        received_at = due_at = transfer_due_at = None
        agency_id: int | None = None
        if receipt is not None and receipt[0] <= now:
            received_at, due_at, transfer_due_at, agency_id = receipt
        closed_at = kept[-1][2] if status in (S.REFUSED, S.STOPPED, S.RETURNED) else None
        acceptance_due = next((deadline for since, deadline in reversed(acceptance) if since <= now), None)
        name, personal_id, phone, email, address, authorised = applicant
        processed = result.get("processed")
        processed_at = moment(processed) if processed and processed <= now else None
        returned = result.get("returned")
        is_returned = returned is not None and returned <= now
        posted = result.get("posted")
        rows["dossiers"].append(
            (dossier_id, moment(submitted), moment(kept[-1][2]), code, version.id, centre.id, channel, status,
             None, name, personal_id, phone, email, address, "{}", moment(submitted), moment(received_at),
             officer_id if received_at else None, moment(due_at), moment(acceptance_due), agency_id,
             moment(transfer_due_at), moment(transferred) if transferred and transferred <= now else None,
             moment(closed_at), 1 if is_online else 1 + (self.rng.random() < 0.2), authorised, False, "",
             processed_at, moment(returned) if is_returned else None, result["method"] if is_returned else "",
             moment(posted) if is_returned and posted else None)
        )  # fmt: skip
        events_rows = rows["events"]
        for from_status, to_status, at, actor, note in kept:
            events_rows.append((dossier_id, from_status, to_status, moment(at), actor, note))
        scanned_by = None if is_online else officer_id
        scanned_at = None if is_online else moment(submitted + timedelta(seconds=self.rng.randint(30, 600)))
        taken = 0
        papers = rows["papers"]
        for paper in version.papers:
            if taken == 4 or not (paper.is_mandatory or self.rng.random() < 0.15):
                continue
            taken += 1
            papers.append(
                (dossier_id, paper.id, paper.name, paper.from_national_database, scanned_by, scanned_at)
            )
        for stage, at, actor, missing, reason, due_on, met, expired in supplements:
            if at <= now:
                rows["supplement requests"].append(
                    (dossier_id, stage, moment(at), actor, json.dumps(missing, ensure_ascii=False), reason,
                     due_on.isoformat(), moment(met) if met and met <= now else None,
                     moment(expired) if expired and expired <= now else None)
                )  # fmt: skip
        for step_name, giver, receiver, from_agency, to_agency, handed, due, result in controls:
            if handed <= now:
                rows["control rows"].append(
                    (dossier_id, step_name, giver, receiver, from_agency, to_agency, moment(handed),
                     moment(due), result)
                )  # fmt: skip


# Worker processes: the world arrives once (initializer), then chunk specifications.
_worker_world: World | None = None


def _start_worker(world: World) -> None:
    global _worker_world
    _worker_world = world


def make_chunk(world: World, seed: int, index: int, plans: Sequence[DayPlan], first_id: int) -> Rows:
    """The rows of one chunk of days; the same for the same seed and chunk, whichever process makes it."""
    return Factory(world, f"{seed}:{index}").days(plans, first_id)


def _work(seed: int, index: int, plans: Sequence[DayPlan], first_id: int) -> Rows:
    assert _worker_world is not None
    return make_chunk(_worker_world, seed, index, plans, first_id)


# --- writing rows (main process) -----------------------------------------------------------------------


# The columns of each table's rows, in the order Factory makes them (the rest take their defaults).
DOSSIER_COLUMNS = (
    "id", "created_at", "updated_at", "code", "procedure_version_id", "receiving_agency_id", "channel",
    "status", "applicant_id", "applicant_name", "applicant_personal_id", "applicant_phone", "applicant_email",
    "applicant_address", "form_data", "submitted_at", "received_at", "received_by_id", "due_at",
    "acceptance_due_at", "processing_agency_id", "transfer_due_at", "transferred_at", "closed_at", "sets",
    "authorised_person", "is_receipt_requested", "national_code", "processed_at", "returned_at",
    "return_method", "post_dispatched_at",
)  # fmt: skip
EVENT_COLUMNS = ("dossier_id", "from_status", "to_status", "at", "actor_id", "note")
PAPER_COLUMNS = (
    "dossier_id", "required_paper_id", "name", "from_national_database", "scanned_by_id", "scanned_at"
)  # fmt: skip
SUPPLEMENT_COLUMNS = (
    "dossier_id", "stage", "requested_at", "requested_by_id", "items", "reason", "due_on", "fulfilled_at",
    "expired_at",
)  # fmt: skip
CONTROL_COLUMNS = (
    "dossier_id", "step", "giver", "receiver", "from_agency_id", "to_agency_id", "handed_at", "due_at",
    "outcome",
)  # fmt: skip
COUNTER_COLUMNS = ("agency_id", "day", "last_number")


class Table:
    """Rows of one model in the columns the generator fills. The primary key may be left to the database;
    fields the generator does not know get their default (or NULL), and a new required field without a
    default stops the generator rather than being filled with nonsense."""

    def __init__(self, model: Any, attnames: Sequence[str], connection: Any) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in attnames if name not in fields]
        if unknown:
            raise GenerationError(f"{model.__name__} has no field(s) {unknown}: update bench/generate.py")
        self.extra_values: tuple[Any, ...] = ()
        extra_columns: list[str] = []
        for name, model_field in fields.items():
            if name in attnames or model_field.primary_key:
                continue
            if model_field.has_default() or model_field.empty_strings_allowed:  # "" for text fields
                value = model_field.get_db_prep_save(model_field.get_default(), connection)
            elif model_field.null:
                value = None
            else:
                raise GenerationError(
                    f"{model.__name__}.{name} is required and has no default: "
                    "teach bench/generate.py to fill it"
                )
            extra_columns.append(model_field.column)
            self.extra_values += (value,)
        quote = connection.ops.quote_name
        self.model = model
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in attnames] + extra_columns
        column_list = ", ".join(quote(column) for column in self.columns)
        placeholders = ", ".join(["%s"] * len(self.columns))
        self.insert_sql = f"INSERT INTO {quote(self.table)} ({column_list}) VALUES ({placeholders})"
        self.copy_sql = f"COPY {quote(self.table)} ({column_list}) FROM STDIN"
        self.written = 0

    def write(self, connection: Any, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.extra_values:
            rows = [row + self.extra_values for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, rows)
        self.written += len(rows)


class Loader:
    def __init__(self, connection: Any) -> None:
        from egov.dossiers.models import (
            ControlRow,
            Dossier,
            DossierCodeCounter,
            DossierEvent,
            DossierPaper,
            SupplementRequest,
        )

        self.connection = connection
        self.tables = {
            "dossiers": Table(Dossier, DOSSIER_COLUMNS, connection),
            "events": Table(DossierEvent, EVENT_COLUMNS, connection),
            "papers": Table(DossierPaper, PAPER_COLUMNS, connection),
            "supplement requests": Table(SupplementRequest, SUPPLEMENT_COLUMNS, connection),
            "control rows": Table(ControlRow, CONTROL_COLUMNS, connection),
            "code counters": Table(DossierCodeCounter, COUNTER_COLUMNS, connection),
        }
        self.dropped_indexes: list[tuple[str, str]] = []

    def write(self, rows: Rows) -> None:
        from django.db import transaction

        with transaction.atomic():
            for name, table in self.tables.items():  # parents first
                table.write(self.connection, rows[name])

    @property
    def written(self) -> dict[str, int]:
        return {name: table.written for name, table in self.tables.items()}

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Faster writes while generating: SQLite without fsync, PostgreSQL commits without waiting for
        the WAL; secondary indexes dropped and built again at the end (unique ones stay: codes and
        counters are checked as they go in). Inside a transaction (tests) nothing is changed."""
        connection = self.connection
        if connection.in_atomic_block:
            yield
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
            else:
                cursor.execute("SET synchronous_commit TO off")
                cursor.execute("SET maintenance_work_mem TO '512MB'")
        self._drop_secondary_indexes()
        try:
            yield
        finally:
            self._create_dropped_indexes()
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA synchronous=NORMAL")
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                else:
                    cursor.execute("SET synchronous_commit TO DEFAULT")
                    cursor.execute("RESET maintenance_work_mem")

    def _drop_secondary_indexes(self) -> None:
        names = [table.table for table in self.tables.values()]
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "sqlite":
                marks = ", ".join(["%s"] * len(names))
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                    f" AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                    names,
                )
            else:
                cursor.execute(
                    "SELECT index_class.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                    " JOIN pg_class index_class ON index_class.oid = i.indexrelid"
                    " JOIN pg_class table_class ON table_class.oid = i.indrelid"
                    " WHERE NOT i.indisunique AND NOT i.indisprimary AND table_class.relname = ANY(%s)",
                    [names],
                )
            self.dropped_indexes = list(cursor.fetchall())
            for name, _definition in self.dropped_indexes:
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")

    def _create_dropped_indexes(self) -> None:
        with self.connection.cursor() as cursor:
            for _name, definition in self.dropped_indexes:
                cursor.execute(definition)
        self.dropped_indexes = []

    def finish(self) -> float:
        """Sequences past the dossier ids given here (PostgreSQL), then ANALYZE; returns its seconds."""
        from django.core.management.color import no_style

        from egov.dossiers.models import Dossier

        connection = self.connection
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Dossier]):
                cursor.execute(statement)
        started = time.perf_counter()
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("ANALYZE")
                else:
                    for table in self.tables.values():
                        cursor.execute(f"ANALYZE {connection.ops.quote_name(table.table)}")
        return time.perf_counter() - started


# --- the run -------------------------------------------------------------------------------------------


@dataclass
class Generated:
    dossiers: int
    rows: dict[str, int]
    seconds: float  # making and writing the rows, with the commits and the indexes built again
    analyze_seconds: float
    first_day: date
    last_day: date
    vendor: str
    workers: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    @property
    def dossiers_per_second(self) -> float:
        return self.dossiers / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        per_table = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return (
            f"{self.dossiers:,} dossiers {self.first_day}…{self.last_day} on {self.vendor}: "
            f"{self.total_rows:,} rows ({per_table}) in {self.seconds:,.1f} s = "
            f"{self.rows_per_second:,.0f} rows/s, {self.dossiers_per_second:,.0f} dossiers/s "
            f"({self.workers} worker process(es); then ANALYZE {self.analyze_seconds:,.1f} s)"
        )


def generate(
    *,
    dossiers: int,
    seed: int = 2026,
    now: datetime | None = None,
    batch_size: int = 10_000,
    workers: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Generate ``dossiers`` dossiers into the database Django is set up with (migrated, demo loaded).

    ``workers`` processes make the rows while this one writes them (0: all in this process)."""
    from django.db import connection
    from django.utils import timezone

    from egov.dossiers.models import Dossier, DossierCodeCounter

    if dossiers < 1:
        raise GenerationError("generate at least one dossier")
    for model in (Dossier, DossierCodeCounter):
        count = model.objects.count()
        if count:
            raise GenerationError(
                f"the database already holds {count:,} {model._meta.verbose_name_plural}: "
                "generate into a fresh database (--fresh)"
            )
    world = read_world(now=now or timezone.now())
    last_day = min(LAST_DAY, world.now.date())
    if last_day < FIRST_DAY:
        raise GenerationError(f"now ({world.now:%Y-%m-%d}) is before {FIRST_DAY}")
    plans = day_plan(dossiers, first=FIRST_DAY, last=last_day, is_working_day=world.calendar.is_working_day)
    first_id = (Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    chunks: list[tuple[int, list[DayPlan], int]] = []
    current: list[DayPlan] = []
    for plan in plans:
        current.append(plan)
        if sum(p.count for p in current) >= batch_size or plan is plans[-1]:
            chunks.append((len(chunks), current, first_id))
            first_id += sum(p.count for p in current)
            current = []

    loader = Loader(connection)
    started = time.perf_counter()
    done = 0

    def write(rows: Rows, plans_written: list[DayPlan]) -> None:
        nonlocal done
        loader.write(rows)
        done += sum(plan.count for plan in plans_written)
        if progress is not None:
            elapsed = time.perf_counter() - started
            total = sum(loader.written.values())
            progress(
                f"{done:>12,} dossiers up to {plans_written[-1].day}: {total:,} rows, "
                f"{total / elapsed:,.0f} rows/s"
            )

    with loader.bulk():
        if workers <= 0:
            for index, chunk_plans, chunk_first in chunks:
                write(make_chunk(world, seed, index, chunk_plans, chunk_first), chunk_plans)
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(workers, initializer=_start_worker, initargs=(world,)) as pool:
                in_flight: deque[tuple[Any, list[DayPlan]]] = deque()
                for index, chunk_plans, chunk_first in chunks:
                    in_flight.append(
                        (pool.apply_async(_work, (seed, index, chunk_plans, chunk_first)), chunk_plans)
                    )
                    if len(in_flight) > workers + 1:  # bounded: rows wait in memory only so far ahead
                        result, written_plans = in_flight.popleft()
                        write(result.get(), written_plans)
                while in_flight:
                    result, written_plans = in_flight.popleft()
                    write(result.get(), written_plans)
        if progress is not None:
            progress("building the indexes again")
    seconds = time.perf_counter() - started
    analyze_seconds = loader.finish()
    return Generated(
        dossiers=dossiers,
        rows=loader.written,
        seconds=seconds,
        analyze_seconds=analyze_seconds,
        first_day=FIRST_DAY,
        last_day=last_day,
        vendor=connection.vendor,
        workers=workers,
    )


# --- the command line ----------------------------------------------------------------------------------


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
    return url


def prepare_database(url: str, *, fresh: bool) -> None:
    """Delete (``fresh``) the SQLite file, or create (after dropping, ``fresh``) the PostgreSQL database."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        from egov.conf.env import database_from_url

        path = Path(database_from_url(url)["NAME"])
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if parts.scheme not in {"postgres", "postgresql"}:
        raise GenerationError(f"unsupported database URL scheme {parts.scheme!r}")
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    if not name:
        raise GenerationError("the PostgreSQL URL names no database")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    """Django for ``url`` with the benchmarks' settings; once per process (settings are read once)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS, help="how many (default 1,000,000)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"sqlite:///… or postgres://…, holding no dossier (default {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--fresh", action="store_true", help="delete, or drop and create, the database first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-size", type=int, default=10_000, help="dossiers per transaction (10,000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes making rows while this one writes (default: the CPU count; 0: none)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    args = parser.parse_args(argv)

    say = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        prepare_database(args.database_url, fresh=args.fresh)
        setup_django(args.database_url)
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", stdout=io.StringIO())
        set_up = time.perf_counter() - started
        if say:
            say(f"migrated and demo loaded in {set_up:.1f} s; generating into {redacted(args.database_url)}")
        result = generate(
            dossiers=args.dossiers,
            seed=args.seed,
            batch_size=args.batch_size,
            workers=args.workers,
            progress=say,
        )
        # The dossiers went in without the services: fill the reports' summary tables from them, and
        # write the stories the public lookup keeps (its periodic job would, a few minutes later).
        call_command("reports_rebuild", quiet=True, stdout=sys.stderr if say else io.StringIO())
        from egov.dossiers.lookup_answers import lookup_stories_fill

        stories = lookup_stories_fill(limit=None)
        if say:
            say(f"{stories:,} lookup stories written")
    except GenerationError as error:
        print(f"bench.generate: {error}", file=sys.stderr)
        return 1
    if args.json:
        summary = {
            **asdict(result),
            "first_day": str(result.first_day),
            "last_day": str(result.last_day),
            "total_rows": result.total_rows,
            "rows_per_second": result.rows_per_second,
            "dossiers_per_second": result.dossiers_per_second,
            "setup_seconds": set_up,
        }
        print(json.dumps(summary))
    else:
        print(result.summary())
    return 0


if __name__ == "__main__":
    # Run as bench.generate, not __main__, so that worker processes find the same classes.
    from bench.generate import main as run

    sys.exit(run())
