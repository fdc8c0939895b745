"""A province's mixed load on one server: citizens looking dossiers up, browsing the catalogue and
applying online, one-stop officers at their desk (the queue's own refresh, dossiers, receipts),
specialists in their work queue, leaders opening dashboards — in the proportions of a province of
1,500,000 inhabitants at its busiest hour (the model: ``Province``, ``BEHAVIOURS``, docs/benchmarks.md).

    .venv/bin/python -m bench mixed                                   # SQLite, 1,000,000 dossiers
    .venv/bin/python -m bench mixed -- --sizes 100000 --duration 20
    .venv/bin/python -m bench mixed -- --database-url postgres://postgres@127.0.0.1:54330/postgres --no-sqlite

For each database and size:
1. the work benchmark's database is reused or generated (``bench.generate`` then ``bench.generate_steps``:
   var/bench/work-<size>.sqlite3, or egov_bench_work_<size> on the PostgreSQL server);
2. a child process prepares the actors: citizens (``bench.congdan.<n>``, kept), sessions for them, for
   every one-stop officer, specialist and leader (written directly, as a sign-in would; deleted at the
   end), lookup pairs, online dossiers waiting at each desk for the receipts, forms filled for three
   popular procedures;
3. the real server starts (granian WSGI, 2 workers, ``bench.settings``: production's settings, DEBUG off,
   persistent connections, WAL on SQLite; as bench/intake_bench.py starts it); every kind of request is
   sent once and must be answered as expected; the Python load generator (bench/loadgen.py) is measured
   against the bare view beside wrk;
4. closed loop: ``--clients`` clients for ``--duration`` seconds after a warm-up — the capacity for this
   mix; then open loop: requests arriving at set rates (fractions of that capacity, and the 500 req/s
   target) — the highest rate served with p95 under 100 ms is the sizing figure;
5. the database is asked what happened (dossiers submitted and received during the run).

The table goes to stdout and to bench/results/mixed.txt.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench import loadgen
from bench.figures import Figure, Outcome, met, vendor_name
from bench.intake_bench import BUSY_SHARE, CpuWatch, Server, machine, parse_wrk, wrk
from bench.loadgen import Client, Request, Result, Unit
from bench.work_bench import database_for, ensure_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "mixed.txt"
DATA_DIR = ROOT / "var" / "bench"
SIZES = (1_000_000,)
TARGET_RATE = 500.0  # requests per second …
TARGET_P95_MS = 100.0  # … with p95 under this, at 1,000,000 dossiers on 2 cores (issue)
CLIENTS = 32
OPEN_FRACTIONS = (0.5, 0.75, 0.9)  # open-loop rates, as fractions of the closed loop's throughput
CITIZENS = 120
CSRF = "benchcsrf0123456789abcdefghijklm"  # a CSRF secret (32 letters and digits), sent as cookie and header
PDF = b"%PDF-1.4\n% egov bench scan\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JOURNEY_PROCEDURES = ("khai sinh", "lý lịch tư pháp", "đổi giấy phép lái xe", "kết hôn")
SEARCHES = (
    "khai sinh", "dang ky ket hon", "giấy phép lái xe", "ly lich tu phap", "hộ chiếu", "chứng thực",
    "xác nhận tình trạng hôn nhân", "hộ kinh doanh", "giay phep xay dung", "khai tử", "đất đai", "cấp lại",
)  # fmt: skip


# --- the model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    """The province the mix is drawn from (docs/benchmarks.md, "Mixed load"). Every figure is an
    assumption stated once here; the weights follow from them."""

    inhabitants: int = 1_500_000
    dossiers_per_year: int = 500_000  # one for every three inhabitants, all levels (1,000,000 ≈ 2 years)
    working_days: int = 250
    online_share: float = 0.70  # the generator's last year
    citizen_peak_share: float = 0.10  # of a day's citizen requests in its busiest hour (online: 8 %)
    office_peak_share: float = 0.18  # of a working day's office work in its busiest hour (8 h, mornings)
    one_stop_officers: int = 400  # ~100 communes' centres × 4, and the provincial centre
    back_office_officers: int = 1_600  # specialists, heads and signers in communes and departments
    leaders: int = 150
    signed_in_share: float = 0.8  # officers with their desk or queue open in the busiest hour
    refresh_seconds: int = 60  # the desk and the work queue ask for their list every 60 s (htmx)
    dashboard_views_per_day: int = 6  # per leader

    @property
    def dossiers_per_working_day(self) -> float:
        return self.dossiers_per_year / self.working_days


@dataclass(frozen=True)
class Behaviour:
    """One kind of request: who sends it, and how many per what."""

    key: str
    who: str
    what: str
    basis: str  # "dossier" (citizen traffic per dossier), "online" (per online dossier), "office" (office
    # work per dossier), "desk" / "queue" (one per refresh of each open desk / queue), "leader"
    per: float  # requests per unit of the basis
    requests_per_unit: float = 1.0  # a journey sends several


JOURNEY = 9.0  # start, form, form sent, papers, continue, review, submit, "submitted" + ~1 upload
BEHAVIOURS = (
    Behaviour("lookup_page", "citizen", "public lookup page GET /tra-cuu/", "dossier", 4),
    Behaviour("lookup_api", "citizen", "public lookup API POST /api/v1/lookup/", "dossier", 2),
    Behaviour("catalogue_search", "citizen", "catalogue search GET /thu-tuc/?q=", "dossier", 3),
    Behaviour("procedure_page", "citizen", "procedure page GET /thu-tuc/<code>/", "dossier", 5),
    Behaviour("statistics_page", "citizen", "public statistics (reports, no sign-in)", "dossier", 0.2),
    Behaviour("submit", "citizen, signed in", "online application, start to end", "online", 1, JOURNEY),
    Behaviour("my_dossiers", "citizen, signed in", "my dossiers GET /ca-nhan/ho-so/", "online", 2),
    Behaviour("desk_refresh", "one-stop officer", "desk list refresh (htmx) GET /mot-cua/", "desk", 1),
    Behaviour("desk_page", "one-stop officer", "desk page GET /mot-cua/", "office", 1),
    Behaviour("desk_dossier", "one-stop officer", "desk dossier GET /mot-cua/ho-so/<code>/", "office", 1),
    Behaviour("desk_receive", "one-stop officer", "receive POST …/receive/ and its page", "office", 1, 2),
    Behaviour("work_refresh", "specialist", "work queue refresh (htmx) GET /xu-ly/", "queue", 1),
    Behaviour("work_queue", "specialist", "work queue page GET /xu-ly/", "office", 3),
    Behaviour("work_dossier", "specialist", "processing page GET /xu-ly/ho-so/<code>/", "office", 6),
    Behaviour("dashboard", "leader", "dashboards (reports)", "leader", 1),
)  # fmt: skip


def peak_rates(province: Province = Province()) -> dict[str, float]:
    """Requests per second of each behaviour in the province's busiest hour."""
    per_day = province.dossiers_per_working_day
    bases = {
        "dossier": per_day * province.citizen_peak_share / 3600,
        "online": per_day * province.online_share * province.citizen_peak_share / 3600,
        "office": per_day * province.office_peak_share / 3600,
        "desk": province.one_stop_officers * province.signed_in_share / province.refresh_seconds,
        "queue": province.back_office_officers * province.signed_in_share / province.refresh_seconds,
        "leader": province.leaders * province.dashboard_views_per_day * province.office_peak_share / 3600,
    }
    return {b.key: bases[b.basis] * b.per * b.requests_per_unit for b in BEHAVIOURS}


def weights(rates: dict[str, float], available: set[str]) -> dict[str, float]:
    """Shares of the requests, over the behaviours this run can play."""
    total = sum(rate for key, rate in rates.items() if key in available)
    return {key: rate / total for key, rate in rates.items() if key in available}


# --- child processes: Django for one database ------------------------------------------------------------


def _django(url: str) -> None:
    from bench.generate import setup_django

    setup_django(url)


def fill_form(schema: dict[str, Any], person: dict[str, str]) -> dict[str, str]:
    """What a careful applicant types in each field of an e-form (strings, as a browser sends them)."""
    values: dict[str, str] = {}
    for key, spec in schema.get("properties", {}).items():
        prefill = spec.get("x-prefill")
        kind, shape = spec.get("type"), spec.get("format")
        if prefill in person:
            value = person[prefill]
        elif "enum" in spec:
            value = str(spec["enum"][0])
        elif shape == "date":
            value = "2026-01-15"
        elif shape == "email":
            value = "congdan@example.vn"
        elif kind in {"integer", "number"}:
            value = str(max(1, int(spec.get("minimum", 1))))
        elif kind == "boolean":
            value = "on"
        elif "pattern" in spec:
            value = next(
                (
                    c
                    for c in (person["personal_id"], person["phone"], "1", "A1")
                    if re.search(spec["pattern"], c)
                ),
                "",
            )
        else:
            value = "Nguyễn Văn Bình"[: int(spec.get("maxLength", 100))]
        values[key] = value
    return values


def _session(user: Any) -> tuple[str, str]:
    """A session as ``login()`` would write it: (cookie header part, session key)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    assert session.session_key is not None
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", session.session_key


def _citizens(count: int) -> list[Any]:
    """``bench.congdan.<n>``: citizens with a personal number, phone and address (no usable password)."""
    from egov.accounts.models import User

    existing = {user.username: user for user in User.objects.filter(username__startswith="bench.congdan.")}
    people = []
    for number in range(1, count + 1):
        username = f"bench.congdan.{number}"
        user = existing.get(username)
        if user is None:
            user = User(
                username=username,
                kind=User.Kind.CITIZEN,
                full_name=f"Nguyễn Văn Thử {number}",
                personal_id=f"0370{number:08d}",
                phone=f"09{number:08d}",
                email=f"congdan{number}@example.vn",
                address="Phường Hoa Lư, tỉnh Ninh Bình",
            )
            user.set_unusable_password()
            user.save()
        people.append(user)
    return people


def dashboard_paths() -> tuple[list[str], str]:
    """The leaders' dashboard pages: URLs of egov.reports views that take no argument and are pages (not
    exports), or none and why."""
    import importlib.util

    from django.urls import URLPattern, URLResolver, get_resolver

    if importlib.util.find_spec("egov.reports") is None:
        return [], "src/egov/reports does not exist yet"
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                path = "/" + prefix + route
                if (
                    module.startswith("egov.reports")
                    and not re.search(r"[<^$()\[\]\\?*+]", path)
                    and not path.rstrip("/").endswith((".xlsx", ".csv", ".json"))
                    and "/api/" not in path
                ):
                    found.append(path)

    walk(get_resolver().url_patterns, "")
    if not found:
        return [], "egov.reports has no page without arguments in the URLconf yet"
    return sorted(dict.fromkeys(found)), ""


def _is_page(answer: Any) -> bool:
    return bool(answer.status_code == 200 and answer.get("Content-Type", "").startswith("text/html"))


def child_prepare(url: str, receipts: int, seed: int) -> dict[str, Any]:
    """Everyone's sessions and what they will ask for (see the module's docstring)."""
    _django(url)
    from django.core.management import call_command
    from django.test import Client as TestClient
    from django.utils import timezone

    from bench.generate import POPULARITY
    from bench.intake_bench import child_sample
    from egov.accounts.models import Agency, Membership, User
    from egov.catalog.eform import form_clean, form_validate
    from egov.catalog.models import ProcedureVersion
    from egov.core.permissions import Role
    from egov.dossiers.models import Dossier, DossierStep, Status
    from egov.dossiers.selectors import desk_agencies
    from egov.dossiers.selectors_work import QueueFilters, work_queue_page, work_scope
    from egov.dossiers.services import PaperInput, dossier_create
    from egov.portal.selectors import receiving_agency_options

    call_command("migrate", interactive=False, verbosity=0)
    started_at = timezone.now()
    rng = random.Random(seed)
    sample = child_sample(url, 2_000, seed)
    sessions: list[str] = []

    def signed_in(user: Any) -> str:
        cookie, key = _session(user)
        sessions.append(key)
        return cookie

    citizens = _citizens(CITIZENS)
    published = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    procedure_codes = sorted(published.values_list("procedure__national_code", flat=True))

    # Online applications: popular citizens' procedures whose form we can fill correctly.
    person = {
        "full_name": citizens[0].full_name,
        "personal_id": citizens[0].personal_id,
        "phone": citizens[0].phone,
        "email": citizens[0].email,
        "address": citizens[0].address,
        "date_of_birth": "1990-05-17",
    }
    journeys = []
    for words in JOURNEY_PROCEDURES:
        version = next(
            (
                v
                for v in published.exclude(online_level="none").select_related("procedure").order_by("id")
                if words in v.name.lower() and (v.applicant_type or "citizen") != "business"
            ),
            None,
        )
        if version is None:
            continue
        schema = version.form_schema or {}
        form = fill_form(schema, person)
        if form_validate(schema, form_clean(schema, form)):
            continue
        options = receiving_agency_options(version=version)
        if not options:
            continue
        papers = [
            paper.pk
            for paper in version.papers.all()
            if paper.is_mandatory and not paper.from_national_database
        ]
        journeys.append(
            {
                "national_code": version.procedure.national_code,
                "form": form,
                "receiving_agency": str(rng.choice(options).pk) if len(options) > 1 else "",
                "papers": papers,
            }
        )

    # One-stop officers: their desk, dossiers of their centre, and online dossiers waiting to be received.
    officers = User.objects.filter(
        pk__in=Membership.objects.filter(role=Role.ONE_STOP_OFFICER, valid_to__isnull=True).values("user_id"),
        is_active=True,
    ).order_by("username")
    desks = []
    by_centre: dict[int, list[dict[str, Any]]] = {}
    for officer in officers:
        agencies = sorted(desk_agencies(user=officer))
        if not agencies:
            continue
        codes = list(
            Dossier.objects.filter(receiving_agency_id__in=agencies)
            .order_by("-id")
            .values_list("code", flat=True)[:40]
        )
        if not codes:
            continue
        desk = {"cookie": signed_in(officer), "codes": codes, "receive": [], "agency": agencies[0]}
        desks.append(desk)
        by_centre.setdefault(agencies[0], []).append({"desk": desk, "user": officer})
    weights_by_name = dict(POPULARITY)
    centres = Agency.objects.in_bulk(list(by_centre))
    for centre_id, members in by_centre.items():
        versions = [
            v
            for v in published.filter(processing_days__gt=0).order_by("id")
            if centre_id in {agency.pk for agency in receiving_agency_options(version=v)}
        ]
        if not versions:
            continue
        share = math.ceil(receipts * len(members) / max(1, len(desks)))
        # Online dossiers of the test citizens still waiting here (earlier runs', their applications) come
        # first, so that repeated runs do not lengthen the desk's list; new ones make up the rest.
        waiting = list(
            Dossier.objects.filter(
                receiving_agency_id=centre_id, status=Status.NEW, applicant__in=citizens
            ).values_list("code", flat=True)[:share]
        )
        for index in range(share - len(waiting)):
            version = rng.choices(
                versions,
                weights=[
                    next((w for k, w in weights_by_name.items() if k in v.name.lower()), 1.0)
                    for v in versions
                ],
            )[0]
            citizen = citizens[index % len(citizens)]
            dossier = dossier_create(
                actor=citizen,
                version=version,
                receiving_agency=centres[centre_id],
                channel=Dossier.Channel.ONLINE,
                applicant=citizen,
                applicant_name=citizen.full_name,
                applicant_personal_id=citizen.personal_id,
                applicant_phone=citizen.phone,
                applicant_email=citizen.email,
                applicant_address=citizen.address,
                papers=[
                    PaperInput(required_paper=p, name=p.name)
                    for p in version.papers.filter(is_mandatory=True)
                ],
            )
            waiting.append(dossier.code)
        for index, code in enumerate(waiting):
            members[index % len(members)]["desk"]["receive"].append(code)

    # Specialists, heads and signers with something in their queue.
    workers = User.objects.filter(
        pk__in=Membership.objects.filter(
            role__in=[Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.AGENCY_HEAD], valid_to__isnull=True
        ).values("user_id"),
        is_active=True,
    ).order_by("username")
    specialists = []
    for worker in workers:
        scope = work_scope(user=worker)
        page = work_queue_page(scope=scope, filters=QueueFilters())
        codes = list(dict.fromkeys(step.dossier.code for step in page.rows))[:30]
        if codes:
            specialists.append({"cookie": signed_in(worker), "codes": codes, "queue": page.total})

    # Leaders and their dashboards, when the reports app has them.
    paths, dashboard_note = dashboard_paths()
    leaders: list[dict[str, Any]] = []
    anonymous = TestClient(HTTP_HOST="127.0.0.1")
    public = [path for path in paths if _is_page(anonymous.get(path))]  # the statistics the decree discloses
    paths = [path for path in paths if path not in public]
    if not paths and public:
        dashboard_note = "egov.reports has no page for signed-in leaders yet"
    if paths:
        chiefs = User.objects.filter(
            pk__in=Membership.objects.filter(role=Role.LEADER, valid_to__isnull=True).values("user_id"),
            is_active=True,
        ).order_by("username")
        for chief in chiefs:
            browser = TestClient(HTTP_HOST="127.0.0.1")
            browser.force_login(chief)
            usable = [path for path in paths if _is_page(browser.get(path))]
            if usable:
                leaders.append({"cookie": signed_in(chief), "paths": usable})
        if not leaders:
            dashboard_note = f"no leader gets a page from {', '.join(paths[:3])}"
    queue_sizes = [entry["queue"] for entry in specialists]
    return {
        "started_at": started_at.isoformat(),
        "pairs": sample["pairs"],
        "dossiers": sample["dossiers"],
        "database_version": sample["database_version"],
        "procedures": procedure_codes,
        "citizens": [signed_in(citizen) for citizen in citizens],
        "citizen_ids": [citizen.pk for citizen in citizens],
        "journeys": journeys,
        "desks": desks,
        "specialists": specialists,
        "leaders": leaders,
        "dashboards": paths,
        "dashboard_note": dashboard_note,
        "statistics": public,
        "sessions": sessions,
        "queues": {
            "specialists": len(specialists),
            "median": sorted(queue_sizes)[len(queue_sizes) // 2] if queue_sizes else 0,
            "largest": max(queue_sizes, default=0),
            "active_steps": DossierStep.objects.filter(state=DossierStep.State.ACTIVE).count(),
        },
    }


def child_finish(url: str, prepared: dict[str, Any], attempted: list[str]) -> dict[str, Any]:
    """What the database says happened — dossiers the bench citizens submitted since the preparation, and
    which of the receipts attempted were recorded —, then the run's sessions deleted."""
    _django(url)
    from datetime import datetime as moment

    from egov.dossiers.models import Dossier, Status

    since = moment.fromisoformat(prepared["started_at"])
    submitted = Dossier.objects.filter(
        applicant_id__in=prepared["citizen_ids"], submitted_at__gte=since, channel=Dossier.Channel.ONLINE
    ).exclude(code__in=[code for desk in prepared["desks"] for code in desk["receive"]])
    received = Dossier.objects.filter(code__in=attempted, status=Status.RECEIVED).count()
    found = {"submitted": submitted.count(), "received": received, "attempted": len(attempted)}
    child_cleanup(url, prepared["sessions"])
    return found


def child_cleanup(url: str, sessions: list[str]) -> dict[str, Any]:
    """The run's sessions, deleted (the citizens stay for the next run)."""
    _django(url)
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(session_key__in=sessions).delete()
    return {"sessions": deleted}


def _run_child(arguments: list[str], stdin: str | None = None) -> Any:
    command = [sys.executable, "-m", "bench.mixed_bench", "--child", *arguments]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(
        command, cwd=ROOT, env=environment, input=stdin, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# --- the requests ----------------------------------------------------------------------------------------


def _headers(cookie: str = "", *, csrf: bool = False, htmx: bool = False) -> tuple[tuple[str, str], ...]:
    headers = []
    cookies = [part for part in (cookie, f"csrftoken={CSRF}" if csrf else "") if part]
    if cookies:
        headers.append(("Cookie", "; ".join(cookies)))
    if csrf:
        headers.append(("X-CSRFToken", CSRF))
    if htmx:
        headers.append(("HX-Request", "true"))
    return tuple(headers)


def _form(fields: dict[str, str]) -> tuple[bytes, tuple[str, str]]:
    return urlencode(fields).encode(), ("Content-Type", "application/x-www-form-urlencoded")


def _multipart(fields: dict[str, str], file_field: str, content: bytes) -> tuple[bytes, tuple[str, str]]:
    boundary = "egovbench7d1f0a"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="ban-scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), ("Content-Type", f"multipart/form-data; boundary={boundary}")


class Mix:
    """The units of work a run can play, built from what the child prepared, and how to pick them."""

    def __init__(self, prepared: dict[str, Any], province: Province = Province()) -> None:
        self.prepared = prepared
        self.rates = peak_rates(province)
        self.free_citizens = list(range(len(prepared["citizens"])))
        self.receipts = [list(desk["receive"]) for desk in prepared["desks"]]
        self.attempted: list[str] = []
        self.answered = 0  # receipts the desk answered (the others were cut off at the end of a phase)
        self.etags: dict[tuple[str, str, bool], str] = {}  # what each officer's browser holds
        self.units: dict[str, Unit] = {}
        self.requests_per_unit: dict[str, float] = {}
        self._build()
        self.shares = weights(self.rates, set(self.units))
        self.keys = list(self.shares)
        unit_rates = [self.shares[key] / self.requests_per_unit[key] for key in self.keys]
        total = sum(unit_rates)
        self.unit_weights = [rate / total for rate in unit_rates]
        self.mean_requests = sum(
            weight * self.requests_per_unit[key]
            for key, weight in zip(self.keys, self.unit_weights, strict=True)
        )

    def pick(self, rng: random.Random) -> Unit:
        return self.units[rng.choices(self.keys, weights=self.unit_weights)[0]]

    def left_out(self) -> dict[str, str]:
        notes = {}
        if "dashboard" not in self.units:
            notes["dashboard"] = self.prepared.get("dashboard_note") or "no dashboard"
        if "statistics_page" not in self.units:
            notes["statistics_page"] = "no public statistics page (egov.reports) yet"
        if "submit" not in self.units:
            notes["submit"] = "no procedure whose e-form the benchmark can fill"
        for key in ("desk_refresh", "desk_page", "desk_dossier", "desk_receive"):
            if key not in self.units:
                notes[key] = "no one-stop officer with dossiers"
        for key in ("work_refresh", "work_queue", "work_dossier"):
            if key not in self.units:
                notes[key] = "no specialist with a queue"
        return notes

    def _build(self) -> None:
        p = self.prepared
        pairs, procedures = p["pairs"], p["procedures"]
        citizens, desks, specialists, leaders = p["citizens"], p["desks"], p["specialists"], p["leaders"]

        def single(key: str, make: Callable[[random.Random], Request]) -> None:
            rng = random.Random(zlib.crc32(key.encode()))

            async def unit(client: Client) -> None:
                await client.send(make(rng))

            self.units[key] = unit
            self.requests_per_unit[key] = 1.0

        if pairs:

            def lookup_page(rng: random.Random) -> Request:
                code, factor = rng.choice(pairs)
                query = urlencode({"ma": code, "so_cuoi": factor})
                return Request("lookup_page", "GET", f"/tra-cuu/?{query}", contains=code.encode())

            def lookup_api(rng: random.Random) -> Request:
                code, factor = rng.choice(pairs)
                body = json.dumps({"code": code, "factor": factor}).encode()
                headers = (("Content-Type", "application/json"),)
                return Request("lookup_api", "POST", "/api/v1/lookup/", headers, body, contains=code.encode())

            single("lookup_page", lookup_page)
            single("lookup_api", lookup_api)
        single(
            "catalogue_search",
            lambda rng: Request("catalogue_search", "GET", f"/thu-tuc/?q={quote(rng.choice(SEARCHES))}"),
        )
        if procedures:
            single(
                "procedure_page",
                lambda rng: Request("procedure_page", "GET", f"/thu-tuc/{rng.choice(procedures)}/"),
            )
        if citizens:
            single(
                "my_dossiers",
                lambda rng: Request("my_dossiers", "GET", "/ca-nhan/ho-so/", _headers(rng.choice(citizens))),
            )
        if citizens and p["journeys"]:
            self._journey()
        if desks:
            self._list("desk_refresh", "/mot-cua/", desks, htmx=True)
            self._list("desk_page", "/mot-cua/", desks, contains=b'id="queue"')

            def desk_dossier(rng: random.Random) -> Request:
                desk = rng.choice(desks)
                code = rng.choice(desk["codes"])
                return Request(
                    "desk_dossier",
                    "GET",
                    f"/mot-cua/ho-so/{code}/",
                    _headers(desk["cookie"]),
                    contains=code.encode(),
                )

            single("desk_dossier", desk_dossier)
            if any(self.receipts):
                self._receive()
        if specialists:
            self._list("work_refresh", "/xu-ly/", specialists, htmx=True)
            self._list("work_queue", "/xu-ly/", specialists, contains=b'id="queue-total"')

            def work_dossier(rng: random.Random) -> Request:
                worker = rng.choice(specialists)
                code = rng.choice(worker["codes"])
                return Request(
                    "work_dossier",
                    "GET",
                    f"/xu-ly/ho-so/{code}/",
                    _headers(worker["cookie"]),
                    contains=code.encode(),
                )

            single("work_dossier", work_dossier)
        if p.get("statistics"):
            single(
                "statistics_page",
                lambda rng: Request("statistics_page", "GET", rng.choice(p["statistics"])),
            )
        if leaders:

            def dashboard(rng: random.Random) -> Request:
                leader = rng.choice(leaders)
                return Request("dashboard", "GET", rng.choice(leader["paths"]), _headers(leader["cookie"]))

            single("dashboard", dashboard)

    def _list(
        self,
        key: str,
        path: str,
        officers: list[dict[str, Any]],
        *,
        htmx: bool = False,
        contains: bytes = b"",
    ) -> None:
        """An officer's list, as the browser asks for it: with the ETag of the copy it holds (the list
        answers ``Cache-Control: no-cache``), so an unchanged list comes back ``304 Not Modified``."""
        rng = random.Random(zlib.crc32(key.encode()))

        async def unit(client: Client) -> None:
            officer = rng.choice(officers)
            held = (officer["cookie"], path, htmx)
            headers = _headers(officer["cookie"], htmx=htmx)
            if held in self.etags:
                headers = (*headers, ("If-None-Match", self.etags[held]))
            answer = await client.send(
                Request(key, "GET", path, headers, expect=frozenset({200, 304}), contains=contains)
            )
            if answer is None:
                return
            if answer.status == 200 and "etag" in answer.headers:
                self.etags[held] = answer.headers["etag"]

        self.units[key] = unit
        self.requests_per_unit[key] = 1.0

    def _journey(self) -> None:
        """Apply online as a browser does: start, the form, the papers (a scan each), review, submit, and
        the page that says it was submitted; each redirect followed."""
        citizens, journeys = self.prepared["citizens"], self.prepared["journeys"]
        rng = random.Random(7)

        async def unit(client: Client) -> None:
            if not self.free_citizens:  # every test citizen is half-way through an application
                client.note("submit: no free citizen")
                await client.send(Request("my_dossiers", "GET", "/ca-nhan/ho-so/", _headers(citizens[0])))
                return
            who = self.free_citizens.pop(rng.randrange(len(self.free_citizens)))
            try:
                await self._apply(client, citizens[who], rng.choice(journeys))
            finally:
                self.free_citizens.append(who)

        self.units["submit"] = unit
        self.requests_per_unit["submit"] = 8 + sum(len(j["papers"]) for j in journeys) / len(journeys)

    async def _apply(self, client: Client, cookie: str, journey: dict[str, Any]) -> None:
        post = _headers(cookie, csrf=True)
        get = _headers(cookie)
        begin = f"/thu-tuc/{journey['national_code']}/nop-truc-tuyen/"
        start = await client.send(Request("submit", "POST", begin, post, b"", frozenset({302}), "/nop-ho-so"))
        if start is None:
            return
        found = re.search(r"/nop-ho-so/(\d+)/", start.headers.get("location", ""))
        if found is None:
            client.note("submit: no draft in the redirect")
            return
        base = f"/nop-ho-so/{found[1]}"
        if await client.send(Request("submit", "GET", f"{base}/to-khai/", get)) is None:
            return
        fields = dict(journey["form"])
        if journey["receiving_agency"]:
            fields["receiving_agency"] = journey["receiving_agency"]
        body, kind = _form(fields)
        sent = Request(
            "submit", "POST", f"{base}/to-khai/", (*post, kind), body, frozenset({302}), "/giay-to/"
        )
        if await client.send(sent) is None:
            return
        if await client.send(Request("submit", "GET", f"{base}/giay-to/", get)) is None:
            return
        for paper in journey["papers"]:
            body, kind = _multipart({"action": "upload", "paper": str(paper)}, "file", PDF)
            upload = Request(
                "submit", "POST", f"{base}/giay-to/", (*post, kind), body, frozenset({302}), "/giay-to/"
            )
            if await client.send(upload) is None:
                return
        body, kind = _form({"action": "continue", "paper": "0"})
        onward = Request(
            "submit", "POST", f"{base}/giay-to/", (*post, kind), body, frozenset({302}), "/kiem-tra/"
        )
        if await client.send(onward) is None:
            return
        if await client.send(Request("submit", "GET", f"{base}/kiem-tra/", get)) is None:
            return
        done = await client.send(
            Request("submit", "POST", f"{base}/kiem-tra/", post, expect=frozenset({302}), location="/da-nop/")
        )
        if done is None:
            return
        client.note("submitted")
        await client.send(Request("submit", "GET", done.headers["location"], get))

    def _receive(self) -> None:
        """Receive an online dossier waiting at the officer's desk, then see its page (the redirect)."""
        desks = self.prepared["desks"]
        rng = random.Random(11)

        async def unit(client: Client) -> None:
            waiting = [index for index, codes in enumerate(self.receipts) if codes]
            if not waiting:
                client.note("receive: no dossier left waiting")
                desk = rng.choice(desks)
                code = rng.choice(desk["codes"])
                await client.send(
                    Request("desk_receive", "GET", f"/mot-cua/ho-so/{code}/", _headers(desk["cookie"]))
                )
                return
            index = rng.choice(waiting)
            code = self.receipts[index].pop()
            self.attempted.append(code)
            cookie = desks[index]["cookie"]
            body, kind = _form({"sets": "1"})
            page = f"/mot-cua/ho-so/{code}/"
            headers = (*_headers(cookie, csrf=True), kind)
            answer = await client.send(
                Request("desk_receive", "POST", f"{page}receive/", headers, body, frozenset({302}), page)
            )
            if answer is not None:
                self.answered += 1
                page = Request(
                    "desk_receive", "GET", f"/mot-cua/ho-so/{code}/", _headers(cookie), contains=code.encode()
                )
                await client.send(page)

        self.units["desk_receive"] = unit
        self.requests_per_unit["desk_receive"] = 2.0


# --- the run ---------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str  # "closed, 32 clients" / "open, 250 req/s"
    result: Result
    others: float = 0.0  # share of the CPUs used by other processes

    @property
    def p95(self) -> float:
        return self.result.percentile(0.95)

    @property
    def ok(self) -> bool:
        """Served as offered (open loop), without errors, p95 under the target."""
        r = self.result
        served = r.offered_rate is None or r.rate >= 0.95 * r.offered_rate
        return served and r.errors == 0 and self.p95 < TARGET_P95_MS


@dataclass
class Run:
    vendor: str
    size: int
    reused: bool
    prepared: dict[str, Any] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    phases: list[Phase] = field(default_factory=list)
    calibration: dict[str, float] = field(default_factory=dict)
    verified: dict[str, int] = field(default_factory=dict)
    skipped_target: str = ""
    database_version: str = ""

    @property
    def capacity(self) -> Phase | None:
        return next((phase for phase in self.phases if phase.result.mode == "closed"), None)

    @property
    def best(self) -> Phase | None:
        """The highest open-loop rate served with p95 under the target."""
        good = [phase for phase in self.phases if phase.result.mode == "open" and phase.ok]
        return max(good, key=lambda phase: phase.result.offered_rate or 0.0, default=None)

    @property
    def at_target(self) -> Phase | None:
        return next((p for p in self.phases if p.result.offered_rate == TARGET_RATE), None)


def smoke_check(port: int, mix: Mix) -> None:
    """Every kind of request once, before timing: answered as expected, or the run stops here."""

    async def probe() -> dict[str, loadgen.KindStats]:
        connection = loadgen.Connection("127.0.0.1", port)
        recorder = loadgen.Recorder(0.0, math.inf)
        client = Client(connection.send, recorder, f"127.0.0.1:{port}")
        try:
            for key in mix.keys:
                await mix.units[key](client)
        finally:
            connection.close()
        return recorder.kinds

    kinds = loadgen.run(probe())
    problems = {kind: dict(stats.errors) for kind, stats in kinds.items() if stats.errors}
    missing = [key for key in mix.keys if key not in kinds]
    if problems or missing:
        raise RuntimeError(f"before timing, requests were not answered as expected: {problems} {missing}")


def calibrate(port: int, seconds: float, clients: int, work_dir: Path) -> dict[str, float]:
    """The load generator alone against the bare view, and wrk on the same: what each can push."""

    async def bare(client: Client) -> None:
        await client.send(Request("bare", "GET", "/bench/bare"))

    result = loadgen.run(
        loadgen.closed_loop(
            "127.0.0.1", port, lambda rng: bare, clients=clients, duration=seconds, warmup=0.5
        )
    )
    figures = {"generator_rate": result.rate, "generator_cpu_ms": result.cpu_ms_per_request}
    if shutil.which("wrk"):
        row = parse_wrk(
            "bare",
            wrk(f"http://127.0.0.1:{port}/bench/bare", duration=max(1, round(seconds)), connections=clients),
        )
        figures["wrk_rate"] = row.requests_per_second
    return figures


def measure(
    url: str,
    prepared: dict[str, Any],
    *,
    duration: float,
    open_duration: float,
    warmup: float,
    clients: int,
    calibration: float,
    fractions: tuple[float, ...],
    work_dir: Path,
    media: Path,
    current: Run,
) -> None:
    mix = Mix(prepared)
    current.shares = mix.shares
    current.left_out = mix.left_out()
    with Server(url, media, work_dir / "server.log") as server:
        server.wait_ready()
        smoke_check(server.port, mix)
        if calibration:
            current.calibration = calibrate(server.port, calibration, clients, work_dir)
        with CpuWatch(server_group=server.process.pid) as watch:
            result = loadgen.run(
                loadgen.closed_loop(
                    "127.0.0.1", server.port, mix.pick, clients=clients, duration=duration, warmup=warmup
                )
            )
        current.phases.append(Phase(f"closed, {clients} clients", result, watch.others))
        capacity = result.rate
        rates = sorted({max(1, round(capacity * fraction)) for fraction in fractions})
        if capacity >= 0.5 * TARGET_RATE:
            rates.append(round(TARGET_RATE))
        else:
            current.skipped_target = (
                f"not run at {TARGET_RATE:.0f} req/s: the closed loop served {capacity:,.0f} req/s, "
                "under half of it"
            )
        for rate in sorted(set(rates)):
            with CpuWatch(server_group=server.process.pid) as watch:
                result = loadgen.run(
                    loadgen.open_loop(
                        "127.0.0.1",
                        server.port,
                        mix.pick,
                        rate=float(rate),
                        requests_per_unit=mix.mean_requests,
                        duration=open_duration,
                        warmup=min(warmup, 2.0),
                    )
                )
            current.phases.append(Phase(f"open, {rate:,} req/s", result, watch.others))
    current.verified = _run_child(
        ["finish", "--database-url", url],
        stdin=json.dumps({"prepared": prepared, "attempted": mix.attempted}),
    )
    current.verified["answered"] = mix.answered


def collect(
    *,
    sizes: tuple[int, ...] = SIZES,
    server_url: str | None = None,
    sqlite: bool = True,
    duration: float = 30,
    open_duration: float = 20,
    warmup: float = 5,
    clients: int = CLIENTS,
    receipts: int = 200,
    calibration: float = 3,
    fractions: tuple[float, ...] = OPEN_FRACTIONS,
    fresh: bool = False,
    data_dir: Path = DATA_DIR,
    output: Path | None = RESULTS,
    seed: int = 2026,
) -> Outcome:
    vendors = (["sqlite"] if sqlite else []) + (["postgresql"] if server_url else [])
    runs: list[Run] = []
    for vendor in vendors:
        for size in sizes:
            url = database_for(vendor, size, server_url=server_url, data_dir=data_dir)
            _generation, _steps, reused = ensure_database(vendor, size, url, data_dir=data_dir, fresh=fresh)
            print(f"{vendor} {size:,}: preparing the actors …", file=sys.stderr, flush=True)
            prepared = _run_child(
                ["prepare", "--database-url", url, "--receipts", str(receipts), "--seed", str(seed)]
            )
            current = Run(vendor, size, reused, database_version=prepared["database_version"])
            current.prepared = {
                key: prepared[key]
                for key in ("dossiers", "queues", "dashboards", "dashboard_note", "statistics")
            }
            current.prepared["journeys"] = [j["national_code"] for j in prepared["journeys"]]
            current.prepared["actors"] = {
                "citizens": len(prepared["citizens"]),
                "one-stop officers": len(prepared["desks"]),
                "specialists": len(prepared["specialists"]),
                "leaders": len(prepared["leaders"]),
                "dossiers waiting at the desks": sum(len(d["receive"]) for d in prepared["desks"]),
            }
            finished = False
            try:
                print(f"{vendor} {size:,}: mixed load …", file=sys.stderr, flush=True)
                with tempfile.TemporaryDirectory(prefix="egov-mixed-bench-") as work:
                    measure(
                        url,
                        prepared,
                        duration=duration,
                        open_duration=open_duration,
                        warmup=warmup,
                        clients=clients,
                        calibration=calibration,
                        fractions=fractions,
                        work_dir=Path(work),
                        media=data_dir / "mixed-media",
                        current=current,
                    )
                finished = True
            finally:
                if not finished:  # else the "finish" child deleted them
                    _run_child(["cleanup", "--database-url", url], stdin=json.dumps(prepared["sessions"]))
            runs.append(current)
    report = table(runs, duration=duration, open_duration=open_duration, clients=clients)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    return Outcome(report, figures(runs, clients=clients), {"runs": [_plain(run) for run in runs]})


def run(**options: Any) -> str:
    return collect(**options).report


def _plain(run: Run) -> dict[str, Any]:
    data = asdict(run)
    data["phases"] = [
        {"name": p.name, "rate": p.result.rate, "p50": p.result.percentile(0.5), "p95": p.p95,
         "p99": p.result.percentile(0.99), "errors": p.result.errors, "others": p.others}
        for p in run.phases
    ]  # fmt: skip
    return data


# --- the report ------------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def model_table(province: Province = Province()) -> list[str]:
    rates = peak_rates(province)
    total = sum(rates.values())
    lines = [
        f"Model: {province.inhabitants:,} inhabitants, {province.dossiers_per_year:,} dossiers a year "
        f"({province.dossiers_per_working_day:,.0f} a working day, {province.online_share:.0%} online), "
        f"{province.one_stop_officers:,} one-stop officers and {province.back_office_officers:,} back-office "
        f"officers ({province.signed_in_share:.0%} with their list open, refreshed every "
        f"{province.refresh_seconds} s), {province.leaders} leaders; busiest hour: "
        f"{province.citizen_peak_share:.0%} of citizens' day, "
        f"{province.office_peak_share:.0%} of the office's.",
        f"  {'who':<20}{'request':<46}{'req/s at peak':>14}{'share':>8}",
    ]
    for behaviour in BEHAVIOURS:
        rate = rates[behaviour.key]
        lines.append(f"  {behaviour.who:<20}{behaviour.what:<46}{rate:>14.3f}{rate / total:>8.1%}")
    lines.append(f"  {'':<20}{'all':<46}{total:>14.1f}{1:>8.0%}")
    return lines


def table(runs: list[Run], *, duration: float, open_duration: float, clients: int) -> str:
    lines = [
        "Mixed load of a province on generated data: granian WSGI 2 workers (bench.settings), Python load "
        "generator (bench/loadgen.py) on 127.0.0.1",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {machine([run.database_version for run in runs])}",
        f"Load average (1, 5, 15 min) at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}.",
        f"Target: ≥{TARGET_RATE:.0f} req/s with p95 <{TARGET_P95_MS:.0f} ms at 1,000,000 dossiers. "
        f"Closed loop: {clients} clients, {duration:g} s after a warm-up; open loop: requests arrive at "
        f"the rate (Poisson), {open_duration:g} s each, latency from the moment a request was due.",
        "",
        *model_table(),
        "",
    ]
    for run in runs:
        lines += [
            f"{vendor_name(run.vendor)} {run.size:,} dossiers "
            f"({'reused' if run.reused else 'generated now'}):",
            f"  {'phase':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}  note",
        ]
        for phase in run.phases:
            r = phase.result
            notes = []
            if r.mode == "open":
                notes.append(f"p95 <{TARGET_P95_MS:.0f} ms as offered: {'met' if phase.ok else 'NOT met'}")
            if r.unfinished:
                notes.append(f"{r.unfinished:,} unfinished")
            if phase.others > BUSY_SHARE:
                notes.append(f"busy: others used {phase.others:.0%} of the CPUs")
            lines.append(
                f"  {phase.name:<24}{r.rate:>9,.1f}{_ms(r.percentile(0.5)):>9}{_ms(phase.p95):>9}"
                f"{_ms(r.percentile(0.99)):>9}{r.errors:>8,}  {'; '.join(notes)}"
            )
        if run.skipped_target:
            lines.append(f"  {run.skipped_target}")
        best = run.best
        lines.append(
            f"  Sustained with p95 <{TARGET_P95_MS:.0f} ms: "
            + (f"{best.result.offered_rate:,.0f} req/s" if best else "none of the rates tried")
            + f"; target ≥{TARGET_RATE:.0f} req/s: "
            + ("met" if (at := run.at_target) and at.ok else "NOT met")
        )
        capacity = run.capacity
        if capacity is not None:
            lines.append(
                f"  Per kind, closed loop ({capacity.name}; 304: share of the lists answered Not Modified, "
                "the officer's browser holding them already):"
            )
            lines.append(
                f"    {'kind':<18}{'share planned':>14}{'share done':>11}{'req/s':>8}{'p50 ms':>8}"
                f"{'p95 ms':>8}{'errors':>8}{'304':>7}"
            )
            done = capacity.result.requests or 1
            for key in run.shares:
                stats = capacity.result.kinds.get(key)
                count = len(stats.latencies) if stats else 0
                errors = sum(stats.errors.values()) if stats else 0
                unchanged = stats.statuses.get(304, 0) if stats else 0
                not_modified = f"{unchanged / count:.0%}" if unchanged and count else ""
                p50 = capacity.result.percentile(0.5, key) if stats else math.nan
                p95 = capacity.result.percentile(0.95, key) if stats else math.nan
                lines.append(
                    f"    {key:<18}{run.shares[key]:>14.1%}{count / done:>11.1%}"
                    f"{count / capacity.result.seconds:>8.1f}{_ms(p50):>8}{_ms(p95):>8}{errors:>8,}"
                    f"{not_modified:>7}"
                )
            for stats_key, stats in capacity.result.kinds.items():
                if stats.errors:
                    lines.append(f"    errors of {stats_key}: {dict(stats.errors.most_common(3))}")
            notes = dict(capacity.result.notes)
            if notes:
                lines.append(f"    generator notes: {notes}")
        for key, why in run.left_out.items():
            lines.append(f"  Left out: {key} — {why}.")
        actors = ", ".join(f"{count:,} {who}" for who, count in run.prepared.get("actors", {}).items())
        queues = run.prepared.get("queues", {})
        lines.append(
            f"  Actors: {actors}; specialists' queues: median {queues.get('median', 0):,} steps, largest "
            f"{queues.get('largest', 0):,} ({queues.get('active_steps', 0):,} active steps in all); online "
            f"applications to {', '.join(run.prepared.get('journeys', []))}; leaders' pages: "
            f"{', '.join(run.prepared.get('dashboards', [])) or 'none'}; public statistics: "
            f"{', '.join(run.prepared.get('statistics', [])) or 'none'}."
        )
        verified = run.verified
        if verified:
            lines.append(
                f"  In the database after the run: {verified.get('submitted', 0):,} dossiers submitted "
                f"online by the test citizens; receipts: {verified.get('received', 0):,} recorded, "
                f"{verified.get('answered', 0):,} answered, {verified.get('attempted', 0):,} sent."
            )
        calibration = run.calibration
        if calibration:
            cpu = max((p.result.cpu_seconds / (p.result.seconds or 1) for p in run.phases), default=0.0)
            per_request = capacity.result.cpu_ms_per_request if capacity else 0.0
            lines.append(
                f"  Load generator: {calibration['generator_rate']:,.0f} req/s alone against the bare view "
                f"with {clients} clients (wrk: {calibration.get('wrk_rate', math.nan):,.0f}); during the "
                f"phases at most {cpu:.0%} of one CPU, {per_request:.2f} ms of CPU per request."
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def figures(runs: list[Run], *, clients: int) -> list[Figure]:
    found = []
    for run in runs:
        common = {"benchmark": "mixed", "database": vendor_name(run.vendor), "dossiers": run.size}
        capacity, best, at = run.capacity, run.best, run.at_target
        notes = [f"{key} left out" for key in run.left_out]
        if capacity is not None:
            found.append(
                Figure(
                    what=f"mixed province load: capacity, {clients} clients",
                    value=capacity.result.rate,
                    unit="req/s",
                    detail=f"p50 {_ms(capacity.result.percentile(0.5))} ms, p95 {_ms(capacity.p95)} ms, "
                    f"{capacity.result.errors} errors",
                    note="; ".join(
                        notes
                        + (
                            [f"busy: others used {capacity.others:.0%} of the CPUs"]
                            if capacity.others > BUSY_SHARE
                            else []
                        )
                    ),
                    **common,
                )
            )
        detail = (
            f"at {TARGET_RATE:.0f} req/s offered: {at.result.rate:,.0f} served, p95 {_ms(at.p95)} ms"
            if at
            else run.skipped_target
        )
        if best is None and capacity is not None:
            tried = ", ".join(f"{p.result.offered_rate:,.0f}" for p in run.phases if p.result.mode == "open")
            detail = f"no rate tried ({tried} req/s) kept p95 under {TARGET_P95_MS:.0f} ms; {detail}"
        found.append(
            Figure(
                what=f"mixed province load: sustained with p95 < {TARGET_P95_MS:.0f} ms",
                value=best.result.offered_rate if best else None,
                unit="req/s",
                target=f"≥{TARGET_RATE:.0f} req/s, p95 < {TARGET_P95_MS:.0f} ms",
                passed=bool(at and at.ok) if capacity is not None else met(None),
                detail=detail,
                **common,
            )
        )
    return found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench mixed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="dossiers (1,000,000)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL server (postgres://…/postgres): also measure there, in egov_bench_work_<size>",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--duration", type=float, default=30, help="seconds of the closed loop (30)")
    parser.add_argument("--open-duration", type=float, default=20, help="seconds per open-loop rate (20)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of warm-up (5)")
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"closed-loop clients ({CLIENTS})")
    parser.add_argument(
        "--receipts", type=int, default=200, help="online dossiers waiting at the desks (200)"
    )
    parser.add_argument(
        "--calibration", type=float, default=3, help="seconds against the bare view (3; 0: none)"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the databases again")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where the SQLite databases are kept")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    report = run(
        sizes=tuple(args.sizes),
        server_url=args.database_url,
        sqlite=not args.no_sqlite,
        duration=args.duration,
        open_duration=args.open_duration,
        warmup=args.warmup,
        clients=args.clients,
        receipts=args.receipts,
        calibration=args.calibration,
        fresh=args.fresh,
        data_dir=args.data_dir,
        output=None if args.no_save else RESULTS,
    )
    print(report, end="")
    if not args.no_save:
        print(f"(written to {RESULTS.relative_to(ROOT)})")
    return 0


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.mixed_bench --child")
    parser.add_argument("what", choices=["prepare", "finish", "cleanup"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--receipts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.what == "prepare":
        result: Any = child_prepare(args.database_url, args.receipts, args.seed)
    elif args.what == "finish":
        given = json.loads(sys.stdin.read())
        result = child_finish(args.database_url, given["prepared"], given["attempted"])
    else:
        result = child_cleanup(args.database_url, json.loads(sys.stdin.read()))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    # Run as bench.mixed_bench, not __main__, so that the child processes find the same functions.
    from bench.mixed_bench import main as run_main

    sys.exit(run_main())
