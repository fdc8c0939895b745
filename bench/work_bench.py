"""The officers' work queue and a dossier's processing page on a province-sized database: 100,000 and
1,000,000 generated dossiers with their processing steps, on SQLite and, with ``--database-url``, on
PostgreSQL.

    .venv/bin/python -m bench work                                      # SQLite, 100k and 1M
    .venv/bin/python -m bench work -- --database-url postgres://postgres@127.0.0.1:54330/postgres
    .venv/bin/python -m bench work -- --sizes 100000 --duration 5 --no-sqlite --database-url postgres://…

For each database and size:
1. the database is generated (``bench.generate``, then ``bench.generate_steps``) or reused
   (var/bench/work-<size>.sqlite3, or egov_bench_work_<size> on the PostgreSQL server of
   ``--database-url``, with a marker file beside them; ``--fresh`` generates again);
2. the busiest specialist is chosen (the longest queue); a session is created for them directly
   (django.contrib.sessions, as a sign-in would) and an API token issued (``ApiToken.issue``);
3. the real server starts (granian WSGI, 2 workers, ``bench.wsgi``, as bench/intake_bench.py starts it);
   every URL is checked first (200, the right page, no redirect to the sign-in page), then wrk (``-t1``,
   1 and 16 connections, ``--duration`` seconds after a warm-up, loopback only) measures the bare view,
   the queue page filtered on overdue steps (``/xu-ly/?han=qua-han&so-dong=100``: 100 a page, exact total) and
   unfiltered, a dossier's processing page (``/xu-ly/ho-so/<code>/``, rotating over dossiers of the
   queue), and the same queue and dossiers through the JSON API (``/api/v1/work/``, bearer token);
4. when a target is missed, the same requests are profiled in one process with Django's test client
   against the same database: queries per request (CaptureQueriesContext) and their time, template
   rendering and the rest (cProfile), the slowest queries and their plans.

Targets: the queue ≥ 300 requests/s with 16 clients and p50 < 20 ms with one; one dossier ≥ 1,000
requests/s. The table goes to stdout and, with the machine and the profiles, to bench/results/work.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.figures import Figure, Outcome, vendor_name
from bench.intake_bench import (
    BUSY_SHARE,
    SERVER_WORKERS,
    CpuWatch,
    HttpRow,
    Server,
    machine,
    parse_wrk,
    wrk,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "work.txt"
DATA_DIR = ROOT / "var" / "bench"
SIZES = (100_000, 1_000_000)
CLIENTS = (1, 16)
QUEUE_RPS_TARGET = 300.0  # with 16 clients
QUEUE_P50_TARGET_MS = 20.0  # with 1 client
DOSSIER_RPS_TARGET = 1_000.0  # with 16 clients
CODES = 200  # dossiers the dossier rows rotate over
TOKEN_NAME = "bench.work_bench"
PAGE_ROWS = 100  # the issue's list: 100 a page (the page offers 25, 50 or 100; 25 by default)
ROWS = f"so-dong={PAGE_ROWS}"
OVERDUE = f"?han=qua-han&{ROWS}"
API_ROWS = f"page_size={PAGE_ROWS}"


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    path: str  # for one dossier: with {code}
    auth: str  # "none" | "session" | "token"
    kind: str  # "floor" | "queue" | "dossier"
    is_htmx: bool = False  # the page's own refresh: htmx asks for the list only (``HX-Request``)


TARGETS = (
    Target("bare", "bare view /bench/bare", "/bench/bare", "none", "floor"),
    Target("queue", "queue page, overdue", f"/xu-ly/{OVERDUE}", "session", "queue"),
    Target("queue_all", "queue page, unfiltered", f"/xu-ly/?{ROWS}", "session", "queue"),
    Target("queue_htmx", "queue refresh (htmx)", f"/xu-ly/{OVERDUE}", "session", "queue", is_htmx=True),
    Target("dossier", "dossier page", "/xu-ly/ho-so/{code}/", "session", "dossier"),
    Target("api_queue", "API queue, overdue", f"/api/v1/work/queue?due=overdue&{API_ROWS}", "token", "queue"),
    Target("api_dossier", "API one dossier", "/api/v1/work/dossiers/{code}", "token", "dossier"),
)


@dataclass
class Measured:
    key: str
    clients: int
    row: HttpRow


@dataclass
class Run:
    vendor: str
    size: int
    generation: dict[str, Any]
    steps: dict[str, Any]
    reused: bool
    user: dict[str, Any] = field(default_factory=dict)
    measured: list[Measured] = field(default_factory=list)
    profile: list[dict[str, Any]] = field(default_factory=list)
    database_version: str = ""

    def get(self, key: str, clients: int) -> HttpRow | None:
        return next((m.row for m in self.measured if m.key == key and m.clients == clients), None)


# --- child processes: Django for one database ------------------------------------------------------------


def _django(url: str) -> None:
    from bench.generate import setup_django

    setup_django(url)


def _database_version() -> str:
    import sqlite3

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def child_prepare(url: str) -> dict[str, Any]:
    """The busiest specialist, a session and an API token for them, and dossiers of their queue."""
    _django(url)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    from egov.accounts.models import ApiToken, Membership, User
    from egov.core.permissions import Permission, Role
    from egov.dossiers.models import DossierStep
    from egov.dossiers.selectors_work import QueueFilters, work_dossier, work_queue_page, work_scope

    call_command("migrate", interactive=False, verbosity=0)
    specialists = User.objects.filter(
        pk__in=Membership.objects.filter(role=Role.SPECIALIST, valid_to__isnull=True).values("user_id"),
        is_active=True,
    ).order_by("username")
    queues = []
    for user in specialists:
        scope = work_scope(user=user)
        queues.append((work_queue_page(scope=scope, filters=QueueFilters()).total, user.username, user))
    if not queues:
        raise RuntimeError("no specialist: run bench.generate and bench.generate_steps first")
    total, _name, user = max(queues, key=lambda item: (item[0], item[1]))
    scope = work_scope(user=user)
    overdue = work_queue_page(scope=scope, filters=QueueFilters(due="overdue", page_size=PAGE_ROWS))
    codes: list[str] = []
    page = 1
    while len(codes) < CODES:
        rows = work_queue_page(scope=scope, filters=QueueFilters(page=page))
        codes += [step.dossier.code for step in rows.rows if step.dossier.code not in codes]
        if page >= rows.pages:
            break
        page += 1
    if len(codes) < CODES:  # a small database: dossiers their agency worked on earlier
        agencies = scope.agencies(Permission.DOSSIER_PROCESS)
        earlier = (
            DossierStep.objects.filter(agency_id__in=agencies, state=DossierStep.State.DONE)
            .order_by("-finished_at")
            .values_list("dossier__code", flat=True)[: CODES * 2]
        )
        codes += [code for code in dict.fromkeys(earlier) if code not in codes][: CODES - len(codes)]
    codes = [code for code in codes if work_dossier(scope=scope, code=code) is not None]
    if not codes:
        raise RuntimeError(f"{user.username} sees no dossier")

    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    session = engine()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
    _token, secret = ApiToken.issue(user=user, name=TOKEN_NAME)
    memberships = list(
        Membership.objects.filter(user=user, valid_to__isnull=True).values_list("agency__code", "role")
    )
    return {
        "username": user.username,
        "memberships": memberships,
        "queue_total": total,
        "overdue_total": overdue.total,
        "overdue_rows": len(overdue.rows),
        "codes": codes,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "session_key": session.session_key,
        "token": secret,
        "database_version": _database_version(),
    }


def child_cleanup(url: str, session_key: str) -> dict[str, Any]:
    """The benchmark's session and token, deleted."""
    _django(url)
    from django.conf import settings
    from django.utils.module_loading import import_string

    from egov.accounts.models import ApiToken

    import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key).delete()
    deleted, _ = ApiToken.objects.filter(name=TOKEN_NAME).delete()
    return {"tokens": deleted}


def child_profile(url: str, prepared: dict[str, Any], keys: list[str], requests: int) -> list[dict[str, Any]]:
    """The endpoints in one process through Django's test client: time per request, queries and their
    time (CaptureQueriesContext), template rendering and SQL compilation (cProfile), slowest queries and
    the plan of the slowest."""
    _django(url)
    import cProfile
    import inspect
    import pstats
    import statistics
    import time

    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.base import Template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def where(function: Any) -> tuple[str, int, str]:
        code = inspect.unwrap(function).__code__
        return (code.co_filename, code.co_firstlineno, code.co_name)

    template_render = where(Template.render)
    compiler_execute = where(SQLCompiler.execute_sql)
    targets = {target.key: target for target in TARGETS}
    results = []
    for key in keys:
        target = targets[key]
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request_headers(target, prepared).items()
        }
        client = Client(HTTP_HOST="127.0.0.1", **headers)
        codes = prepared["codes"]
        paths = [target.path.format(code=codes[i % len(codes)]) for i in range(requests)]
        for path in paths[:3]:  # warm: imports, templates, the calendar
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
        timings = []
        queries: list[dict[str, Any]] = []
        for path in paths:
            timed: list[tuple[str, float]] = []

            def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                begun = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timed.append((sql, (time.perf_counter() - begun) * 1000))  # noqa: B023

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            inlined = [query["sql"] for query in captured.captured_queries]
            queries.append(
                {
                    "count": len(captured.captured_queries),
                    "ms": sum(milliseconds for _, milliseconds in timed),
                    "each": [
                        (milliseconds, sql, inlined[index] if index < len(inlined) else sql)
                        for index, (sql, milliseconds) in enumerate(timed)
                    ],
                }
            )
        profiler = cProfile.Profile()
        profiler.enable()
        for path in paths:
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt  # type: ignore[attr-defined]
        entries = stats.stats  # type: ignore[attr-defined]
        rendered = entries.get(template_render, (0, 0, 0, 0))[3]
        compiled = entries.get(compiler_execute, (0, 0, 0, 0))[3]
        by_statement: dict[str, list[float]] = {}
        for entry in queries:
            for milliseconds, sql, _inlined in entry["each"]:
                by_statement.setdefault(sql, []).append(milliseconds)
        top = sorted(by_statement.items(), key=lambda item: -sum(item[1]))[:4]
        selects = [
            q for entry in queries for q in entry["each"] if q[1].lstrip().upper().startswith("SELECT")
        ]
        slowest_sql = max(selects, key=lambda q: q[0])[2] if selects else ""
        wrappers = {"__call__", "wrapper", "_wrapper_view", "inner", "_view_wrapper", "view"}
        own = sorted(
            (
                (value[3] / total if total else 0.0, f"{Path(function[0]).name}:{function[2]}")
                for function, value in entries.items()
                if "/egov/" in function[0] and function[2] not in wrappers
            ),
            reverse=True,
        )[:8]
        results.append(
            {
                "key": key,
                "requests": requests,
                "ms_median": statistics.median(timings),
                "ms_mean": statistics.fmean(timings),
                "queries": statistics.fmean(entry["count"] for entry in queries),
                "sql_ms": statistics.fmean(entry["ms"] for entry in queries),
                "profiled_ms": total / requests * 1000,
                "template_share": rendered / total if total else 0.0,
                "orm_share": compiled / total if total else 0.0,
                "slowest": [
                    {"sql": sql, "calls": len(times) / requests, "ms": sum(times) / requests}
                    for sql, times in top
                ],
                "plan": _plan(slowest_sql) if slowest_sql else [],
                "own_functions": own,
            }
        )
    return results


def _plan(sql: str) -> list[str]:
    """The plan of one captured statement (its parameters are inlined in the captured text)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            rows = cursor.fetchall()
    except Exception as error:  # a plan is a help, not the measurement
        return [f"(no plan: {error})"]
    if connection.vendor == "postgresql":
        return [row[0] for row in rows][:14]
    return [f"{'  ' * (1 if row[1] else 0)}{row[-1]}" for row in rows][:14]


def _run_child(arguments: list[str], stdin: str | None = None) -> Any:
    command = [sys.executable, "-m", "bench.work_bench", "--child", *arguments]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(
        command, cwd=ROOT, env=environment, input=stdin, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# --- databases -------------------------------------------------------------------------------------------


def database_for(vendor: str, size: int, *, server_url: str | None, data_dir: Path) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{data_dir / f'work-{size}.sqlite3'}"
    assert server_url is not None
    return urlunsplit(urlsplit(server_url)._replace(path=f"/egov_bench_work_{size}"))


def _exists(vendor: str, url: str) -> bool:
    if vendor == "sqlite":
        return Path(urlsplit(url).path).is_file()
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        return found.fetchone() is not None


def _module(module: str, arguments: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", module, *arguments, "--json", "--quiet"]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def ensure_database(
    vendor: str, size: int, url: str, *, data_dir: Path, fresh: bool
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The generated database of ``size`` dossiers with their steps: reused when its marker says so."""
    marker = data_dir / f"work-{vendor}-{size}.json"
    if not fresh and marker.is_file() and _exists(vendor, url):
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if recorded.get("generation", {}).get("dossiers") == size and recorded.get("steps"):
            return recorded["generation"], recorded["steps"], True
    data_dir.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    print(f"generating {size:,} dossiers into {vendor} …", file=sys.stderr, flush=True)
    generation = _module("bench.generate", ["--dossiers", str(size), "--database-url", url, "--fresh"])
    print(f"generating their processing steps ({vendor}) …", file=sys.stderr, flush=True)
    steps = _module("bench.generate_steps", ["--database-url", url])
    marker.write_text(json.dumps({"generation": generation, "steps": steps}), encoding="utf-8")
    return generation, steps, False


# --- HTTP ------------------------------------------------------------------------------------------------


def request_headers(target: Target, prepared: dict[str, Any]) -> dict[str, str]:
    """The session cookie or the bearer token, and htmx's header for the page's own refresh."""
    headers = {}
    if target.auth == "session":
        headers["Cookie"] = prepared["cookie"]
    elif target.auth == "token":
        headers["Authorization"] = f"Bearer {prepared['token']}"
    if target.is_htmx:
        headers["HX-Request"] = "true"
    return headers


def lua_script(target: Target, prepared: dict[str, Any]) -> str:
    """A wrk script: the target's headers, and the path (rotating over the dossiers)."""
    lines = [
        f'wrk.headers["{name}"] = "{value}"' for name, value in request_headers(target, prepared).items()
    ]
    if "{code}" in target.path:
        entries = ",\n".join(f'  "{target.path.format(code=code)}"' for code in prepared["codes"])
        paths = f"local paths_ = {{\n{entries}\n}}"
    else:
        paths = f'local paths_ = {{"{target.path}"}}'
    lines += [
        paths,
        "local index = 0",
        "function init(args) math.randomseed(os.time()) index = math.random(#paths_) end",
        "function request()",
        "  index = index % #paths_ + 1",
        '  return wrk.format("GET", paths_[index])',
        "end",
    ]
    return "\n".join(lines) + "\n"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def smoke_check(base: str, prepared: dict[str, Any]) -> None:
    """Before timing: every URL answers 200 with the right page for the right person (wrk counts a
    redirect to the sign-in page as a success)."""
    opener = urllib.request.build_opener(_NoRedirect)
    code = prepared["codes"][0]
    for target in TARGETS:
        headers = request_headers(target, prepared)
        request = urllib.request.Request(base + target.path.format(code=code), headers=headers)
        try:
            with opener.open(request, timeout=60) as answer:
                status, body = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        if status != 200:
            raise RuntimeError(f"{target.path}: HTTP {status}")
        expected = {
            "queue": 'id="queue-total"' if target.auth == "session" else '"total":',
            "dossier": code,
            "floor": "ok",
        }[target.kind]
        if expected not in body:
            raise RuntimeError(f"{target.path}: not the expected page ({expected!r} missing)")
        if (
            target.auth == "session"
            and target.kind == "queue"
            and target.is_htmx == ("queue-filters" in body)
        ):
            raise RuntimeError(f"{target.path}: the whole page and htmx's part are mixed up")
        if target.key == "api_queue" and not isinstance(json.loads(body)["total"], int):
            raise RuntimeError(f"the API gave no total: {body[:200]}")


def measure_http(
    url: str,
    prepared: dict[str, Any],
    *,
    duration: int,
    warmup: int,
    clients: tuple[int, ...],
    work_dir: Path,
) -> list[Measured]:
    media = work_dir / "media"
    media.mkdir(exist_ok=True)
    measured: list[Measured] = []
    with Server(url, media, work_dir / "server.log") as server:
        server.wait_ready()
        smoke_check(server.base, prepared)
        for target in TARGETS:
            script = work_dir / f"{target.key}.lua"
            script.write_text(lua_script(target, prepared), encoding="utf-8")
            address = server.base + target.path.split("{")[0]
            if warmup:
                wrk(address, duration=warmup, connections=max(clients), script=script)
            for count in clients:
                with CpuWatch(server_group=server.process.pid) as watch:
                    output = wrk(address, duration=duration, connections=count, script=script)
                row = parse_wrk(target.name, output)
                row.others = watch.others
                measured.append(Measured(target.key, count, row))
    return measured


# --- the report ------------------------------------------------------------------------------------------


def verdicts(target: Target, clients: int, row: HttpRow) -> list[str]:
    notes = []
    if target.kind == "queue" and clients == max(CLIENTS):
        verdict = "met" if row.requests_per_second >= QUEUE_RPS_TARGET else "NOT met"
        notes.append(f"≥{QUEUE_RPS_TARGET:.0f}/s: {verdict}")
    if target.kind == "queue" and clients == 1:
        notes.append(
            f"p50 <{QUEUE_P50_TARGET_MS:.0f} ms: {'met' if row.p50_ms < QUEUE_P50_TARGET_MS else 'NOT met'}"
        )
    if target.kind == "dossier" and clients == max(CLIENTS):
        verdict = "met" if row.requests_per_second >= DOSSIER_RPS_TARGET else "NOT met"
        notes.append(f"≥{DOSSIER_RPS_TARGET:,.0f}/s: {verdict}")
    return notes


def missed(run: Run) -> list[str]:
    """The keys of the targets missed in this run."""
    keys = []
    for target in TARGETS:
        for clients in CLIENTS:
            row = run.get(target.key, clients)
            if row is not None and any("NOT met" in note for note in verdicts(target, clients, row)):
                keys.append(target.key)
    return list(dict.fromkeys(keys))


def table(runs: list[Run], *, duration: int) -> str:
    lines = [
        f"Work queue and processing pages on generated data: granian WSGI {SERVER_WORKERS} workers "
        f"(bench.settings), wrk -t1 -c1 and -c16 -d{duration}s on 127.0.0.1",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {machine([run.database_version for run in runs])}",
        "wrk shares the CPUs with the server: compare rows, not absolutes.",
        f"'busy': other processes used more than {BUSY_SHARE:.0%} of the CPUs during the row.",
        f"Targets: queue ≥{QUEUE_RPS_TARGET:.0f} req/s with 16 clients and p50 <{QUEUE_P50_TARGET_MS:.0f} ms "
        f"with 1; one dossier ≥{DOSSIER_RPS_TARGET:,.0f} req/s (16 clients).",
        "",
        f"{'database':<11}{'dossiers':>11}  {'what':<25}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'× bare':>8}  note",
        "-" * 118,
    ]
    for run in runs:
        for target in TARGETS:
            for clients in CLIENTS:
                row = run.get(target.key, clients)
                if row is None:
                    continue
                bare = run.get("bare", clients)
                share = (
                    row.requests_per_second / bare.requests_per_second
                    if bare and bare.requests_per_second
                    else 0
                )
                notes = verdicts(target, clients, row)
                if not row.is_valid:
                    notes.insert(0, f"INVALID: {row.non_2xx:,} non-2xx of {row.requests:,}")
                if row.socket_errors:
                    notes.append(f"{row.socket_errors} socket errors")
                if row.others > BUSY_SHARE:
                    notes.append(f"busy: others used {row.others:.0%} of the CPUs")
                lines.append(
                    f"{run.vendor:<11}{run.size:>11,}  {target.name:<25}{clients:>8}"
                    f"{row.requests_per_second:>9,.0f}{row.p50_ms:>9.1f}{row.p99_ms:>9.1f}{share:>8.2f}  "
                    f"{'; '.join(notes)}"
                )
        lines.append("")
    lines.append("Data and the user measured:")
    for run in runs:
        generation, steps, user = run.generation, run.steps, run.user
        origin = "reused; generated earlier" if run.reused else "generated now"
        step_rows = steps.get("rows", {})
        lines.append(
            f"- {run.vendor} {run.size:,} ({origin}): dossiers "
            f"{generation.get('rows_per_second', 0):,.0f} rows/s ({generation.get('total_rows', 0):,} rows); "
            f"steps {steps.get('rows_per_second', 0):,.0f} rows/s "
            f"({step_rows.get('steps', 0):,} steps, {step_rows.get('holdings', 0):,} holdings, "
            f"{step_rows.get('pauses', 0):,} pauses for {steps.get('dossiers', 0):,} transferred dossiers; "
            f"active {steps.get('states', {}).get('active', 0):,})"
        )
        roles = ", ".join(f"{role} at {agency}" for agency, role in user.get("memberships", []))
        lines.append(
            f"  as {user.get('username')} ({roles}): queue {user.get('queue_total', 0):,} steps, "
            f"overdue {user.get('overdue_total', 0):,} ({user.get('overdue_rows', 0)} on the first page); "
            f"dossier rows rotate over {len(user.get('codes', [])):,} dossiers of the queue"
        )
    profiled = [run for run in runs if run.profile]
    if profiled:
        lines += ["", "Where the time goes (targets missed; one process, Django test client, same database):"]
    for run in profiled:
        lines.append(f"{run.vendor} {run.size:,}:")
        lines.append(
            f"  {'what':<25}{'ms/req':>8}{'queries':>9}{'SQL ms':>8}{'ORM %':>7}{'templ %':>9}{'other %':>9}"
        )
        names = {target.key: target.name for target in TARGETS}
        for entry in run.profile:
            other = max(0.0, 1 - entry["orm_share"] - entry["template_share"])
            lines.append(
                f"  {names[entry['key']]:<25}{entry['ms_median']:>8.1f}{entry['queries']:>9.1f}"
                f"{entry['sql_ms']:>8.1f}{entry['orm_share']:>7.0%}{entry['template_share']:>9.0%}{other:>9.0%}"
            )
        lines.append(
            "  ms/req: median without profiler; SQL ms: time in cursor.execute of the captured queries; "
            "ORM %, templ %: shares of cProfile time in SQLCompiler.execute_sql (SQL included) and "
            "Template.render (ORM calls made from templates included); other: views, middleware, "
            "sessions, permissions, serialisation"
        )
        for entry in run.profile:
            lines.append(f"  {names[entry['key']]} — heaviest statements (per request):")
            for query in entry["slowest"]:
                sql = " ".join(query["sql"].split())
                lines.append(f"    {query['ms']:7.2f} ms ×{query['calls']:.3g}  {sql[:140]}")
            if entry["plan"]:
                plan = " | ".join(line.strip() for line in entry["plan"][:8])
                lines.append(f"    plan of the slowest SELECT: {plan}")
            own = ", ".join(f"{name} {share:.0%}" for share, name in entry["own_functions"][:6])
            lines.append(f"    project functions, cumulative share: {own}")
    return "\n".join(lines).rstrip() + "\n"


# --- the run ---------------------------------------------------------------------------------------------


def collect(
    *,
    sizes: tuple[int, ...] = SIZES,
    server_url: str | None = None,
    sqlite: bool = True,
    duration: int = 10,
    warmup: int = 3,
    clients: tuple[int, ...] = CLIENTS,
    fresh: bool = False,
    profile: str = "missed",
    profile_requests: int = 30,
    data_dir: Path = DATA_DIR,
    output: Path | None = RESULTS,
) -> Outcome:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    vendors = (["sqlite"] if sqlite else []) + (["postgresql"] if server_url else [])
    runs: list[Run] = []
    for vendor in vendors:
        for size in sizes:
            url = database_for(vendor, size, server_url=server_url, data_dir=data_dir)
            generation, steps, reused = ensure_database(vendor, size, url, data_dir=data_dir, fresh=fresh)
            prepared = _run_child(["prepare", "--database-url", url])
            current = Run(
                vendor, size, generation, steps, reused, database_version=prepared["database_version"]
            )
            current.user = {key: value for key, value in prepared.items() if key not in {"token", "cookie"}}
            try:
                print(
                    f"{vendor} {size:,}: measuring HTTP as {prepared['username']} …",
                    file=sys.stderr,
                    flush=True,
                )
                with tempfile.TemporaryDirectory(prefix="egov-work-bench-") as work:
                    current.measured = measure_http(
                        url, prepared, duration=duration, warmup=warmup, clients=clients, work_dir=Path(work)
                    )
                keys = [t.key for t in TARGETS if t.kind != "floor"] if profile == "always" else []
                if profile == "missed":
                    keys = missed(current)
                if keys:
                    print(f"{vendor} {size:,}: profiling {', '.join(keys)} …", file=sys.stderr, flush=True)
                    arguments = ["profile", "--database-url", url, "--keys", *keys]
                    arguments += ["--requests", str(profile_requests)]
                    current.profile = _run_child(arguments, stdin=json.dumps(prepared))
            finally:
                _run_child(["cleanup", "--database-url", url, "--session-key", prepared["session_key"]])
            runs.append(current)
    report = table(runs, duration=duration)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    return Outcome(report, figures(runs), {"runs": [asdict(run) for run in runs]})


def run(**options: Any) -> str:
    """``collect(...)``'s report (the same keyword arguments)."""
    return collect(**options).report


def figures(runs: list[Run]) -> list[Figure]:
    """For the suite: the issue's three targets — the queue page with 16 clients and with one, a dossier's
    page with 16 — on each database and size."""
    found: list[Figure] = []
    many = max(CLIENTS)
    for run in runs:
        common = {"benchmark": "work", "database": vendor_name(run.vendor), "dossiers": run.size}
        chosen = (
            ("queue", many, f"work queue page (overdue), {many} clients", "req/s"),
            ("queue", 1, "work queue page (overdue), 1 client: p50", "ms"),
            ("dossier", many, f"dossier processing page, {many} clients", "req/s"),
        )
        for key, clients, what, unit in chosen:
            row = run.get(key, clients)
            if row is None:
                continue
            target = next(t for t in TARGETS if t.key == key)
            verdict = verdicts(target, clients, row)
            note = "" if row.is_valid else f"INVALID: {row.non_2xx:,} non-2xx of {row.requests:,}"
            if row.others > BUSY_SHARE:
                note = "; ".join(filter(None, [note, f"busy: others used {row.others:.0%} of the CPUs"]))
            found.append(
                Figure(
                    what=what,
                    value=row.p50_ms if unit == "ms" else row.requests_per_second,
                    unit=unit,
                    target=verdict[0].split(":")[0] if verdict else "",
                    passed=(all(v.endswith(": met") for v in verdict) and row.is_valid) if verdict else None,
                    detail=(
                        f"{row.requests_per_second:,.0f} req/s"
                        if unit == "ms"
                        else f"p50 {row.p50_ms:,.1f} ms, p99 {row.p99_ms:,.1f} ms"
                    ),
                    note=note,
                    **common,
                )
            )
    return found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench work", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="dossiers (100,000 1,000,000)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL server (postgres://…/postgres): also measure there, in egov_bench_work_<size>",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per URL (3)")
    parser.add_argument("--fresh", action="store_true", help="generate the databases again")
    parser.add_argument(
        "--profile",
        choices=["missed", "always", "never"],
        default="missed",
        help="profile the URLs whose target was missed (default), all of them, or none",
    )
    parser.add_argument("--profile-requests", type=int, default=30, help="requests per URL when profiling")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="where the SQLite databases are kept")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    report = run(
        sizes=tuple(args.sizes),
        server_url=args.database_url,
        sqlite=not args.no_sqlite,
        duration=args.duration,
        warmup=args.warmup,
        fresh=args.fresh,
        profile=args.profile,
        profile_requests=args.profile_requests,
        data_dir=args.data_dir,
        output=None if args.no_save else RESULTS,
    )
    print(report, end="")
    if not args.no_save:
        print(f"(written to {RESULTS.relative_to(ROOT)})")
    return 0


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.work_bench --child")
    parser.add_argument("what", choices=["prepare", "profile", "cleanup"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--session-key", default="")
    parser.add_argument("--keys", nargs="*", default=[])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)
    if args.what == "prepare":
        result: Any = child_prepare(args.database_url)
    elif args.what == "cleanup":
        result = child_cleanup(args.database_url, args.session_key)
    else:
        result = child_profile(args.database_url, json.loads(sys.stdin.read()), args.keys, args.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    # Run as bench.work_bench, not __main__, so that the child processes find the same functions.
    from bench.work_bench import main as run_main

    sys.exit(run_main())
