"""The public lookup and the counter's receipts on a province-sized database: 100,000 and 1,000,000
generated dossiers (bench/generate.py), on SQLite and, with ``--database-url``, on PostgreSQL.

    .venv/bin/python -m bench intake                                      # SQLite, 100k and 1M
    .venv/bin/python -m bench intake -- --database-url postgres://postgres@127.0.0.1:54330/postgres
    .venv/bin/python -m bench intake -- --sizes 100000 --duration 5 --no-sqlite --database-url postgres://…

For each database and size:
1. the database is generated (or reused: var/bench/intake-*.sqlite3 and egov_bench_<size> on the
   PostgreSQL server of ``--database-url``, with a marker file beside them; ``--fresh`` generates again);
2. the real server starts: granian WSGI, 2 workers, ``bench.wsgi`` (production settings, bench.settings),
   on a free loopback port; wrk (``-t1 -c32``, ``--duration`` seconds, after a warm-up) measures the bare
   view ``/bench/bare``, the lookup API ``POST /api/v1/lookup/`` and the lookup page ``GET /tra-cuu/``,
   rotating over code and factor pairs sampled from the database (a Lua script); any non-2xx answer
   makes the row invalid;
3. receipts: K dossiers are submitted (``dossier_create``), then received (``dossier_receive``, as a
   one-stop officer) by several processes at once: receipts per second, and one slip PDF rendered
   (lazily, outside the receipt) on its own.

The table goes to stdout and to bench/results/intake.txt. The lookup's rate limits are raised for the
benchmark's server only (bench.settings, bench.wsgi); the limiter itself still runs on every request.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.figures import Figure, Outcome, met, vendor_name
from egov.core.server import DEFAULT_WORKERS, granian_command

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "intake.txt"
DATA_DIR = ROOT / "var" / "bench"
SIZES = (100_000, 1_000_000)
LOOKUP_SHARE_TARGET = 0.5  # of the bare view's requests per second
LOOKUP_P99_TARGET_MS = 50.0  # at 1,000,000 dossiers
RECEIPTS_TARGET = 200.0  # per second
SERVER_WORKERS = DEFAULT_WORKERS
PAIRS = 5_000  # code and factor pairs the Lua script rotates over
BUSY_SHARE = 0.15  # rows during which other processes used more of the CPUs than this are flagged


# --- measurements ----------------------------------------------------------------------------------------


@dataclass
class HttpRow:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    others: float = 0.0  # share of the CPUs used by processes other than ours during the measurement

    @property
    def is_valid(self) -> bool:
        return self.non_2xx == 0 and self.requests > 0


@dataclass
class Receipts:
    count: int
    processes: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    submissions_per_second: float  # dossier_create, one process, before the receipts
    slip_first_ms: float  # render_slip, first call in a fresh process (fonts, stylesheet)
    slip_warm_ms: float  # slip_pdf (render and keep), median of the next ones
    unrendered: bool  # no receipt had a PDF after the receipts: rendering is not in their path

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


@dataclass
class Run:
    vendor: str
    size: int
    generation: dict[str, Any]
    reused: bool
    http: list[HttpRow] = field(default_factory=list)
    receipts: Receipts | None = None
    database_version: str = ""
    receipts_others: float = 0.0


# --- child processes: Django for one database ------------------------------------------------------------


def _child_setup(url: str) -> None:
    from bench.generate import setup_django

    setup_django(url)


def child_sample(url: str, count: int, seed: int) -> dict[str, Any]:
    """Bring the schema up to date, then sample ``count`` (code, factor) pairs of existing dossiers."""
    _child_setup(url)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min

    from egov.dossiers.models import Dossier

    call_command("migrate", interactive=False, verbosity=0)
    # A database generated before the lookup kept its stories gets them, as the services would have
    # written them (bench.generate writes them for new databases); none missing: one quick read.
    from egov.dossiers.lookup_answers import lookup_stories_fill

    lookup_stories_fill(limit=None)
    bounds = Dossier.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(seed)
    wanted = {rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 2)}
    pairs: list[tuple[str, str]] = []
    rows = Dossier.objects.filter(id__in=wanted).values_list(
        "code", "applicant_phone", "applicant_personal_id"
    )
    for code, phone, personal_id in rows:
        digits = personal_id if personal_id and rng.random() < 0.3 else phone
        if len(digits) >= 4:
            pairs.append((code, digits[-4:]))
    rng.shuffle(pairs)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
    return {"pairs": pairs[:count], "dossiers": Dossier.objects.count(), "database_version": version}


def _pick_version() -> Any:
    """The most applied-for provincial procedure with a processing time (so a receipt is issued)."""
    from bench.generate import POPULARITY
    from egov.catalog.models import ProcedureVersion

    candidates = ProcedureVersion.objects.filter(
        status=ProcedureVersion.Status.PUBLISHED, level=ProcedureVersion.Level.PROVINCE, processing_days__gt=0
    ).order_by("id")

    def weight(version: Any) -> float:
        lowered = version.name.lower()
        return next((w for words, w in POPULARITY if words in lowered), 1.0)

    return max(candidates, key=weight)


def child_receipts(url: str, count: int, processes: int, seed: int) -> dict[str, Any]:
    """Submit ``count`` dossiers at the provincial centre, then receive them from ``processes`` processes
    at once as its one-stop officers; then render receipts' PDFs apart."""
    _child_setup(url)
    import multiprocessing

    from django.db import connection
    from django.utils import timezone

    from bench.generate import Factory, read_world
    from egov.accounts.models import Agency, Membership, User
    from egov.core.permissions import Role
    from egov.dossiers.models import Dossier, Slip, Status
    from egov.dossiers.services import PaperInput, dossier_create
    from egov.dossiers.slips.render import render_slip, slip_pdf

    version = _pick_version()
    centre = (
        Agency.objects.filter(level=Agency.Level.ONE_STOP_CENTRE, valid_to__isnull=True)
        .exclude(parent__level=Agency.Level.COMMUNE)
        .order_by("code")
        .first()
    )
    officers = list(
        Membership.objects.filter(agency=centre, role=Role.ONE_STOP_OFFICER, valid_to__isnull=True)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    if centre is None or not officers:
        raise RuntimeError("no provincial one-stop centre with an officer: run bench.generate first")
    papers = [PaperInput(required_paper=p, name=p.name) for p in version.papers.filter(is_mandatory=True)]
    factory = Factory(read_world(now=timezone.now()), f"receipts:{seed}")
    as_generated = next(v for v in factory.world.versions if v.id == version.pk)
    officer_users = User.objects.in_bulk(officers)
    ids: list[int] = []
    started = time.perf_counter()
    for index in range(count):
        name, personal_id, phone, email, address, _ = factory.applicant(as_generated, timezone.now(), False)
        dossier = dossier_create(
            actor=officer_users[officers[index % len(officers)]],
            version=version,
            receiving_agency=centre,
            channel=Dossier.Channel.DIRECT,
            applicant=None,
            applicant_name=name,
            applicant_personal_id=personal_id,
            applicant_phone=phone,
            applicant_email=email,
            applicant_address=address,
            papers=papers,
        )
        ids.append(dossier.pk)
    submissions_per_second = count / (time.perf_counter() - started)
    connection.close()

    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    results = context.Queue()
    go = context.Event()
    workers = [
        context.Process(
            target=_receipt_worker,
            args=(url, ids[index::processes], officers[index % len(officers)], ready, go, results),
        )
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    go.set()
    outcomes = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    first_start = min(outcome["started"] for outcome in outcomes)
    last_end = max(outcome["ended"] for outcome in outcomes)
    latencies = sorted(latency for outcome in outcomes for latency in outcome["latencies"])
    errors = sum(outcome["errors"] for outcome in outcomes)

    received = Dossier.objects.filter(pk__in=ids, status=Status.RECEIVED).count()
    slips = list(Slip.objects.filter(dossier_id__in=ids, kind=Slip.Kind.RECEIPT).order_by("id"))
    unrendered = all(slip.file_id is None for slip in slips) and len(slips) == received
    timings: list[float] = []
    first_ms = 0.0
    if slips:
        begun = time.perf_counter()
        render_slip(slips[0])
        first_ms = (time.perf_counter() - begun) * 1000
        for slip in slips[1:6]:
            begun = time.perf_counter()
            slip_pdf(slip)
            timings.append((time.perf_counter() - begun) * 1000)
    return asdict(
        Receipts(
            count=received,
            processes=processes,
            seconds=last_end - first_start,
            p50_ms=_percentile(latencies, 0.50),
            p99_ms=_percentile(latencies, 0.99),
            errors=errors + (count - received),
            submissions_per_second=submissions_per_second,
            slip_first_ms=first_ms,
            slip_warm_ms=statistics.median(timings) if timings else 0.0,
            unrendered=unrendered,
        )
    )


def _receipt_worker(url: str, ids: list[int], officer_id: int, ready: Any, go: Any, results: Any) -> None:
    _child_setup(url)
    from egov.accounts.models import User
    from egov.dossiers.intake import dossier_receive
    from egov.dossiers.models import Dossier

    officer = User.objects.get(pk=officer_id)
    Dossier.objects.filter(pk=ids[0]).exists()  # connect before the start
    ready.put(os.getpid())
    go.wait()
    latencies: list[float] = []
    errors = 0
    started = time.monotonic()
    for dossier_id in ids:
        begun = time.perf_counter()
        try:
            dossier_receive(actor=officer, dossier=Dossier.objects.get(pk=dossier_id))
        except Exception:  # counted and reported: a failed receipt is a finding, not a crash
            errors += 1
        latencies.append((time.perf_counter() - begun) * 1000)
    results.put({"started": started, "ended": time.monotonic(), "latencies": latencies, "errors": errors})


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _run_child(arguments: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.intake_bench", "--child", *arguments]
    environment = {**os.environ, **(env or {}), "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments[:1])} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# --- databases -------------------------------------------------------------------------------------------


def database_for(vendor: str, size: int, *, server_url: str | None, data_dir: Path) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{data_dir / f'intake-{size}.sqlite3'}"
    assert server_url is not None
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/egov_bench_{size}"))


def _marker(vendor: str, size: int, data_dir: Path) -> Path:
    return data_dir / f"intake-{vendor}-{size}.json"


def ensure_database(vendor: str, size: int, url: str, *, data_dir: Path, fresh: bool) -> tuple[dict, bool]:
    """The generated database of ``size`` dossiers: reused when its marker says so, else generated."""
    marker = _marker(vendor, size, data_dir)
    if not fresh and marker.is_file():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        exists = Path(urlsplit(url).path).is_file() if vendor == "sqlite" else _pg_exists(url)
        if recorded.get("dossiers") == size and exists:
            return recorded, True
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"generating {size:,} dossiers into {vendor} …", file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "bench.generate", "--dossiers", str(size), "--database-url", url]
    command += ["--fresh", "--json", "--quiet"]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"bench.generate failed:\n{finished.stderr[-4000:]}")
    generation = json.loads(finished.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(generation), encoding="utf-8")
    return generation, False


def _pg_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# --- the server and wrk ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """granian WSGI with ``bench.wsgi`` on a free loopback port, in its own process group."""

    def __init__(self, url: str, media_root: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media_root),
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        }
        command = granian_command(
            "bench.wsgi:application", host="127.0.0.1", port=self.port, workers=SERVER_WORKERS
        )  # as manage.py serve starts it: one blocking thread per worker (egov.core.server)
        self._log_file = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until every worker has answered once: a worker's first request loads the URLconf and the
        views, which on a busy machine takes longer than a short measurement (a one-second row that
        met only a cold worker counted no request at all)."""
        deadline = time.monotonic() + timeout
        seen: set[str] = set()
        with ThreadPoolExecutor(max_workers=2 * SERVER_WORKERS) as pool:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server stopped:\n{self.log.read_text(encoding='utf-8')[-3000:]}")
                seen.update(answer for answer in pool.map(self._worker, range(2 * SERVER_WORKERS)) if answer)
                if len(seen) >= SERVER_WORKERS:
                    return
                time.sleep(0.1)
        raise RuntimeError(f"{len(seen)} of {SERVER_WORKERS} server workers answered within {timeout:.0f} s")

    def _worker(self, _: int) -> str | None:
        """The process id of the worker that answered a new connection, or None."""
        try:
            with urllib.request.urlopen(f"{self.base}/bench/worker", timeout=10) as answer:
                return answer.read().decode() if answer.status == 200 else None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log_file.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def lua_lookup_script(pairs: list[tuple[str, str]], kind: str) -> str:
    """A wrk script that rotates over the pairs: the API (POST JSON) or the page (GET with the form)."""
    entries = ",\n".join(f'  {{"{code}", "{factor}"}}' for code, factor in pairs)
    if kind == "api":
        make = (
            'wrk.format("POST", "/api/v1/lookup/", {["Content-Type"] = "application/json"},\n'
            '    \'{"code":"\' .. pair[1] .. \'","factor":"\' .. pair[2] .. \'"}\')'
        )
    else:
        make = 'wrk.format("GET", "/tra-cuu/?ma=" .. pair[1] .. "&so_cuoi=" .. pair[2])'
    return (
        f"local pairs_ = {{\n{entries}\n}}\n"
        "local index = 0\n"
        "function setup(thread) math.randomseed(os.time()) end\n"
        "function init(args) index = math.random(#pairs_) end\n"
        "function request()\n"
        "  index = index % #pairs_ + 1\n"
        "  local pair = pairs_[index]\n"
        f"  return {make}\n"
        "end\n"
    )


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(name: str, output: str) -> HttpRow:
    def percentile(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+(\S+)\s*$", output, re.MULTILINE)
        return _milliseconds(match[1]) if match else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return HttpRow(
        name=name,
        requests_per_second=float(rate[1]) if rate else 0.0,
        p50_ms=percentile("50"),
        p99_ms=percentile("99"),
        requests=int(total[1]) if total else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(value) for value in errors.groups()) if errors else 0,
    )


def wrk(url: str, *, duration: int, connections: int, script: Path | None = None) -> str:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    finished = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=duration + 60
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed: {finished.stderr or finished.stdout}")
    return finished.stdout


def smoke_check(base: str, pairs: list[tuple[str, str]]) -> None:
    """Before timing: a few pairs must be found through the API and the page (else wrk would time 404s)."""
    for code, factor in pairs[:5]:
        body = json.dumps({"code": code, "factor": factor}).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/lookup/", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            found = json.loads(answer.read())
            if found.get("code") != code:
                raise RuntimeError(f"the API did not find {code}: {found}")
        page = f"{base}/tra-cuu/?{urlencode({'ma': code, 'so_cuoi': factor})}"
        with urllib.request.urlopen(page, timeout=10) as answer:
            if code not in answer.read().decode():
                raise RuntimeError(f"the page did not show {code}")


def measure_http(
    url: str, pairs: list[tuple[str, str]], *, duration: int, warmup: int, connections: int, work_dir: Path
) -> list[HttpRow]:
    scripts = {}
    for kind in ("api", "page"):
        scripts[kind] = work_dir / f"lookup-{kind}.lua"
        scripts[kind].write_text(lua_lookup_script(pairs, kind), encoding="utf-8")
    media = work_dir / "media"
    media.mkdir(exist_ok=True)
    with Server(url, media, work_dir / "server.log") as server:
        server.wait_ready()
        smoke_check(server.base, pairs)
        targets = [
            ("bare view GET /bench/bare", f"{server.base}/bench/bare", None),
            ("lookup API POST /api/v1/lookup/", f"{server.base}/api/v1/lookup/", scripts["api"]),
            ("lookup page GET /tra-cuu/", f"{server.base}/tra-cuu/", scripts["page"]),
        ]
        if warmup:
            for _, target, script in targets:
                wrk(target, duration=warmup, connections=connections, script=script)
        rows = []
        for name, target, script in targets:
            with CpuWatch(server_group=server.process.pid) as watch:
                row = parse_wrk(name, wrk(target, duration=duration, connections=connections, script=script))
            row.others = watch.others
            rows.append(row)
        return rows


class CpuWatch:
    """How much of the CPUs other processes used while a measurement ran (Linux /proc): all CPU time,
    less ours — this process and its children (wrk, the receipts' processes), the server's process group
    and PostgreSQL's processes. 0 where /proc is missing."""

    def __init__(self, *, server_group: int | None = None) -> None:
        self.server_group = server_group
        self.others = 0.0
        self.hertz = os.sysconf("SC_CLK_TCK")
        self.start: tuple[float, int, int, float] | None = None

    @staticmethod
    def _busy_ticks() -> int:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # less idle and iowait

    def _our_ticks(self) -> int:
        ticks = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            name = raw[raw.index("(") + 1 : raw.rindex(")")]
            fields = raw[raw.rindex(")") + 2 :].split()
            if name == "postgres" or (self.server_group is not None and int(fields[2]) == self.server_group):
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def _own_ticks(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * self.hertz

    def __enter__(self) -> CpuWatch:
        if Path("/proc/stat").is_file():
            self.start = (time.monotonic(), self._busy_ticks(), self._our_ticks(), self._own_ticks())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.start is None:
            return
        began, busy, ours, own = self.start
        capacity = (time.monotonic() - began) * self.hertz * (os.cpu_count() or 1)
        used = self._busy_ticks() - busy
        ours_used = (self._our_ticks() - ours) + (self._own_ticks() - own)
        self.others = max(0.0, (used - ours_used) / capacity) if capacity else 0.0


# --- the report ------------------------------------------------------------------------------------------


def machine(versions: list[str]) -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tools = []
    try:
        import django
        import granian

        tools.append(f"Django {django.get_version()}, granian {granian.__version__}")
    except ImportError:
        pass
    wrk_path = shutil.which("wrk")
    if wrk_path:
        first = subprocess.run([wrk_path, "-v"], capture_output=True, text=True, check=False).stdout
        tools.append(first.split("[")[0].strip() or "wrk")
    databases = ", ".join(sorted(set(versions))) or f"SQLite {sqlite3.sqlite_version}"
    return (
        f"CPU: {model}, {os.cpu_count()} logical CPUs; {platform.system()} {platform.release()}\n"
        f"Python {platform.python_version()}; {'; '.join(tools)}; {databases}"
    )


def table(runs: list[Run], *, duration: int, connections: int) -> str:
    lines = [
        f"Public lookup and receipts on generated data: granian WSGI {SERVER_WORKERS} workers "
        f"(bench.settings), wrk -t1 -c{connections} -d{duration}s on 127.0.0.1",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {machine([run.database_version for run in runs])}",
        "wrk shares the CPUs with the server: compare rows, not absolutes.",
        f"'busy': other processes used more than {BUSY_SHARE:.0%} of the CPUs during the row"
        " (the server, wrk, PostgreSQL and the receipts' processes are ours).",
        "",
        f"{'database':<11}{'dossiers':>11}  {'what':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'× bare':>8}  note",
        "-" * 110,
    ]
    for run in runs:
        bare = next((row for row in run.http if row.name.startswith("bare")), None)
        for row in run.http:
            share = (
                row.requests_per_second / bare.requests_per_second if bare and bare.requests_per_second else 0
            )
            notes = []
            if not row.is_valid:
                notes.append(f"INVALID: {row.non_2xx:,} non-2xx of {row.requests:,}")
            if row.socket_errors:
                notes.append(f"{row.socket_errors} socket errors")
            if row.others > BUSY_SHARE:
                notes.append(f"busy: others used {row.others:.0%} of the CPUs")
            if row.name.startswith("lookup"):
                verdict = "met" if share >= LOOKUP_SHARE_TARGET else "NOT met"
                notes.append(f"≥{LOOKUP_SHARE_TARGET:.0%} of bare: {verdict}")
                if run.size >= 1_000_000:
                    verdict = "met" if row.p99_ms < LOOKUP_P99_TARGET_MS else "NOT met"
                    notes.append(f"p99 <{LOOKUP_P99_TARGET_MS:.0f} ms: {verdict}")
            lines.append(
                f"{run.vendor:<11}{run.size:>11,}  {row.name:<34}{row.requests_per_second:>9,.0f}"
                f"{row.p50_ms:>9.1f}{row.p99_ms:>9.1f}{share:>8.2f}  {'; '.join(notes)}"
            )
        if run.receipts:
            receipts = run.receipts
            verdict = "met" if receipts.per_second >= RECEIPTS_TARGET else "NOT met"
            what = f"receipts, {receipts.processes} processes"
            note = f"{receipts.count:,} received, ≥{RECEIPTS_TARGET:.0f}/s: {verdict}"
            if receipts.errors:
                note += f"; {receipts.errors} FAILED"
            if not receipts.unrendered:
                note += "; a PDF was rendered in the receipt path"
            if run.receipts_others > BUSY_SHARE:
                note += f"; busy: others used {run.receipts_others:.0%} of the CPUs"
            lines.append(
                f"{run.vendor:<11}{run.size:>11,}  {what:<34}{receipts.per_second:>9,.0f}"
                f"{receipts.p50_ms:>9.1f}{receipts.p99_ms:>9.1f}{'':>8}  {note}"
            )
        lines.append("")
    lines += ["Other figures:"]
    for run in runs:
        generation = run.generation
        origin = "reused; generated earlier" if run.reused else "generated now"
        rows_per_second = generation.get("rows_per_second", 0)
        lines.append(
            f"- {run.vendor} {run.size:,}: data {origin} at {rows_per_second:,.0f} rows/s "
            f"({generation.get('total_rows', 0):,} rows in {generation.get('seconds', 0):,.0f} s, "
            f"{generation.get('dossiers_per_second', 0):,.0f} dossiers/s, "
            f"{generation.get('workers', '?')} worker processes)"
        )
        if run.receipts:
            receipts = run.receipts
            lines.append(
                f"  submissions (dossier_create, 1 process) {receipts.submissions_per_second:,.0f}/s; "
                f"receipt slip PDF: first render {receipts.slip_first_ms:,.0f} ms (fonts and stylesheet), "
                f"then {receipts.slip_warm_ms:,.0f} ms each (slip_pdf: render and keep), outside the receipt"
            )
    return "\n".join(lines).rstrip() + "\n"


# --- the run ---------------------------------------------------------------------------------------------


def collect(
    *,
    sizes: tuple[int, ...] = SIZES,
    server_url: str | None = None,
    sqlite: bool = True,
    duration: int = 10,
    warmup: int = 3,
    connections: int = 32,
    receipts: int = 1_000,
    receipt_processes: int = 4,
    fresh: bool = False,
    data_dir: Path = DATA_DIR,
    output: Path | None = RESULTS,
    seed: int = 2026,
) -> Outcome:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    vendors = (["sqlite"] if sqlite else []) + (["postgresql"] if server_url else [])
    runs: list[Run] = []
    for vendor in vendors:
        for size in sizes:
            url = database_for(vendor, size, server_url=server_url, data_dir=data_dir)
            generation, reused = ensure_database(vendor, size, url, data_dir=data_dir, fresh=fresh)
            sample = _run_child(["sample", "--database-url", url, "--count", str(PAIRS), "--seed", str(seed)])
            pairs = [tuple(pair) for pair in sample["pairs"]]
            current = Run(vendor, size, generation, reused, database_version=sample["database_version"])
            print(f"{vendor} {size:,}: measuring HTTP …", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(prefix="egov-intake-bench-") as work:
                current.http = measure_http(
                    url, pairs, duration=duration, warmup=warmup, connections=connections, work_dir=Path(work)
                )
                print(f"{vendor} {size:,}: receipts …", file=sys.stderr, flush=True)
                arguments = ["receipts", "--database-url", url, "--count", str(receipts)]
                arguments += ["--processes", str(receipt_processes), "--seed", str(seed)]
                with CpuWatch() as watch:
                    outcome = _run_child(arguments, env={"MEDIA_ROOT": str(Path(work) / "media")})
                current.receipts = Receipts(**outcome)
                current.receipts_others = watch.others
            runs.append(current)
    report = table(runs, duration=duration, connections=connections)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    return Outcome(report, figures(runs, connections=connections), {"runs": [asdict(run) for run in runs]})


def run(**options: Any) -> str:
    """``collect(...)``'s report (the same keyword arguments)."""
    return collect(**options).report


def figures(runs: list[Run], *, connections: int) -> list[Figure]:
    """For the suite: the bare view (the floor), the lookup API and page, submissions and receipts."""
    found: list[Figure] = []
    for run in runs:
        common = {"benchmark": "intake", "database": vendor_name(run.vendor), "dossiers": run.size}
        bare = next((row for row in run.http if row.name.startswith("bare")), None)
        for row in run.http:
            note = "" if row.is_valid else f"INVALID: {row.non_2xx:,} non-2xx of {row.requests:,}"
            if row.others > BUSY_SHARE:
                note = "; ".join(filter(None, [note, f"busy: others used {row.others:.0%} of the CPUs"]))
            if row is bare:
                found.append(
                    Figure(
                        what=f"bare Django view (floor), {connections} clients",
                        value=row.requests_per_second,
                        unit="req/s",
                        detail=f"p99 {row.p99_ms:,.1f} ms",
                        note=note,
                        **common,
                    )
                )
                continue
            share = (
                row.requests_per_second / bare.requests_per_second if bare and bare.requests_per_second else 0
            )
            passed = met(share, at_least=LOOKUP_SHARE_TARGET)
            target = f"≥{LOOKUP_SHARE_TARGET:.0%} of bare"
            if run.size >= 1_000_000:
                target += f", p99 < {LOOKUP_P99_TARGET_MS:.0f} ms"
                passed = passed and met(row.p99_ms, below=LOOKUP_P99_TARGET_MS)
            kind = "API" if "API" in row.name else "page"
            found.append(
                Figure(
                    what=f"public lookup {kind}, {connections} clients",
                    value=row.requests_per_second,
                    unit="req/s",
                    target=target,
                    passed=passed if row.is_valid else False,
                    detail=f"p50 {row.p50_ms:,.1f} ms, p99 {row.p99_ms:,.1f} ms, × bare {share:.2f}",
                    note=note,
                    **common,
                )
            )
        if run.receipts:
            receipts = run.receipts
            found.append(
                Figure(
                    what="dossier submit (dossier_create, 1 process)",
                    value=receipts.submissions_per_second,
                    unit="/s",
                    **common,
                )
            )
            note = f"{receipts.errors} FAILED" if receipts.errors else ""
            if run.receipts_others > BUSY_SHARE:
                note = "; ".join(
                    filter(None, [note, f"busy: others used {run.receipts_others:.0%} of the CPUs"])
                )
            found.append(
                Figure(
                    what=f"dossier receive ({receipts.processes} processes)",
                    value=receipts.per_second,
                    unit="/s",
                    target=f"≥{RECEIPTS_TARGET:.0f}/s",
                    passed=met(receipts.per_second, at_least=RECEIPTS_TARGET) and not receipts.errors,
                    detail=f"p50 {receipts.p50_ms:,.1f} ms, p99 {receipts.p99_ms:,.1f} ms",
                    note=note,
                    **common,
                )
            )
    return found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench intake", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="dossiers (100,000 1,000,000)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL server (postgres://…/postgres): also measure there, in egov_bench_<size>",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint (3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--receipts", type=int, default=1_000, help="dossiers received (1,000)")
    parser.add_argument("--receipt-processes", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="generate the databases again")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where the SQLite databases are kept")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    report = run(
        sizes=tuple(args.sizes),
        server_url=args.database_url,
        sqlite=not args.no_sqlite,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        receipts=args.receipts,
        receipt_processes=args.receipt_processes,
        fresh=args.fresh,
        data_dir=args.data_dir,
        output=None if args.no_save else RESULTS,
    )
    print(report, end="")
    if not args.no_save:
        print(f"(written to {RESULTS.relative_to(ROOT)})")
    return 0


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.intake_bench --child")
    parser.add_argument("what", choices=["sample", "receipts"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.what == "sample":
        result = child_sample(args.database_url, args.count, args.seed)
    else:
        result = child_receipts(args.database_url, args.count, args.processes, args.seed)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    # Run as bench.intake_bench, not __main__, so that spawned processes find the same functions.
    from bench.intake_bench import main as run_main

    sys.exit(run_main())
