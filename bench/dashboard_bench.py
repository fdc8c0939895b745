"""Dashboard benchmark: how long the leaders' dashboard takes at 1,000,000 and 10,000,000 dossiers (target
under 100 ms), next to the same figures computed by a plain GROUP BY over the dossier table (target: the
dashboard at least 100 times faster).

    .venv/bin/python -m bench.dashboard_bench                       # 1,000,000 and 10,000,000 on SQLite
    .venv/bin/python -m bench.dashboard_bench --sizes 100000        # a quick check
    .venv/bin/python -m bench.dashboard_bench --server-url postgres://postgres@127.0.0.1:54330/postgres

Each size has its own generated database (``var/bench/dashboard-<size>.sqlite3``, or
``egov_bench_dashboard_<size>`` on PostgreSQL), made by ``bench.generate`` — which fills the reports'
summary tables at its end — and reused afterwards. In a child process (Django's settings are per process,
``bench.settings``), a provincial leader opens ``/bao-cao/`` (the current year, every agency) through
Django's test client ``repeats`` times after two warm-up loads: the whole request — session, permissions,
the summary-table queries, the charts, the template — is timed (p50 and p95). The same figures from the
dossier table: one GROUP BY per agency × procedure × month of the dossiers received in the year, with
received, online, resolved and on-time counts (the appointment compared with the end, without the
working-hour rule of the real indicator, which a GROUP BY cannot apply), timed 3 times (median). The ×100
target compares like with like: the GROUP BY against the dashboard's figures read from the summary tables
(``egov.reports.dashboard.dashboard``: totals, agencies, procedures, the twelve months, the indicators, the
overdue list — more than the GROUP BY gives); the whole page's ratio is printed beside it.

``run(...)`` returns the result rows (``bench.figures.Figure``); ``collect(...)`` also the printed report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.figures import Figure, Outcome, met, vendor_name

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench"
RESULTS = Path(__file__).parent / "results" / "dashboard.txt"
SIZES = (1_000_000, 10_000_000)
TARGET_MS = 100.0
TARGET_RATIO = 100.0
LEADER = "lanhdao.bench"


@dataclass
class Measured:
    vendor: str
    size: int
    dossiers: int
    page_p50_ms: float
    page_p95_ms: float
    page_max_ms: float
    selector_ms: float
    group_by_ms: float
    group_by_rows: int
    day_rows: int
    month_rows: int
    repeats: int
    load: tuple[float, float, float]
    generated_seconds: float | None = None

    @property
    def ratio(self) -> float:
        """The same figures from the summary tables against the GROUP BY (the ×100 target)."""
        return self.group_by_ms / self.selector_ms if self.selector_ms else float("nan")

    @property
    def page_ratio(self) -> float:
        """The whole page (figures, charts, template, session) against the GROUP BY alone."""
        return self.group_by_ms / self.page_p50_ms if self.page_p50_ms else float("nan")


# --- the child: one database, in its own process ---------------------------------------------------------


def _group_by_sql(vendor: str) -> str:
    month = "strftime('%Y-%m', d.received_at)" if vendor == "sqlite" else "to_char(d.received_at, 'YYYY-MM')"
    on_time = (
        "CASE WHEN COALESCE(d.processed_at, d.returned_at) IS NOT NULL "
        "AND COALESCE(d.processed_at, d.returned_at) <= d.due_at THEN 1 ELSE 0 END"
    )
    return (
        "SELECT COALESCE(d.processing_agency_id, d.receiving_agency_id) AS agency, v.procedure_id, "
        f"{month} AS month, COUNT(*) AS received, "
        "SUM(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END) AS online, "
        "SUM(CASE WHEN COALESCE(d.processed_at, d.returned_at) IS NOT NULL THEN 1 ELSE 0 END) AS resolved, "
        f"SUM({on_time}) AS on_time "
        "FROM dossiers_dossier d JOIN catalog_procedureversion v ON v.id = d.procedure_version_id "
        "WHERE d.received_at >= %s AND d.received_at < %s "
        f"GROUP BY COALESCE(d.processing_agency_id, d.receiving_agency_id), v.procedure_id, {month}"
    )


def child_measure(url: str, repeats: int) -> dict[str, Any]:
    from bench.generate import setup_django

    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from egov.accounts.models import Agency, Membership, User
    from egov.core.permissions import Role
    from egov.dossiers.models import Dossier
    from egov.reports.dashboard import dashboard
    from egov.reports.models import DayFigures, DossierState, MonthFigures
    from egov.reports.periods import year_period
    from egov.reports.selectors import visible_agency_ids

    call_command("migrate", interactive=False, verbosity=0)
    dossiers = Dossier.objects.count()
    if DossierState.objects.count() != dossiers:  # generated before the reports existed: fill them
        call_command("reports_rebuild", quiet=True)
    root = Agency.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise RuntimeError("the database has no agency: generate it with bench.generate")
    leader, _created = User.objects.get_or_create(
        username=LEADER, defaults={"kind": User.Kind.OFFICIAL, "full_name": "Lãnh đạo (benchmark)"}
    )
    Membership.objects.get_or_create(
        user=leader, agency=root, role=Role.LEADER, valid_to=None, defaults={"valid_from": "2020-01-01"}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    for _warm_up in range(2):
        response = client.get("/bao-cao/")
        if response.status_code != 200:
            raise RuntimeError(f"/bao-cao/ answered {response.status_code}")
    timings = []
    for _repeat in range(repeats):
        started = time.perf_counter()
        response = client.get("/bao-cao/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    period = year_period(timezone.localdate().year)
    visible = visible_agency_ids(leader)
    selector = []
    for _repeat in range(repeats):
        started = time.perf_counter()
        dashboard(period=period, agency_ids=visible)
        selector.append((time.perf_counter() - started) * 1000)
    start = timezone.make_aware(datetime(period.start.year, 1, 1))
    end = timezone.make_aware(datetime(period.start.year + 1, 1, 1))
    group_by = []
    rows = 0
    with connection.cursor() as cursor:
        for _repeat in range(3):
            started = time.perf_counter()
            cursor.execute(_group_by_sql(connection.vendor), [start, end])
            rows = len(cursor.fetchall())
            group_by.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "vendor": connection.vendor,
        "dossiers": dossiers,
        "page_p50_ms": statistics.median(timings),
        "page_p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "page_max_ms": timings[-1],
        "selector_ms": statistics.median(selector),
        "group_by_ms": statistics.median(group_by),
        "group_by_rows": rows,
        "day_rows": DayFigures.objects.count(),
        "month_rows": MonthFigures.objects.count(),
        "repeats": repeats,
    }


def _child(arguments: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.dashboard_bench", "--child", *arguments]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"measuring failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# --- databases -------------------------------------------------------------------------------------------


def database_for(vendor: str, size: int, *, server_url: str | None, data_dir: Path) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{data_dir / f'dashboard-{size}.sqlite3'}"
    assert server_url is not None
    return urlunsplit(urlsplit(server_url)._replace(path=f"/egov_bench_dashboard_{size}"))


def ensure_database(vendor: str, size: int, url: str, *, data_dir: Path, fresh: bool) -> float | None:
    """Generate the database of ``size`` dossiers unless a finished one is there (its marker); returns the
    seconds the generation took, None when reused."""
    marker = data_dir / f"dashboard-{vendor}-{size}.json"
    if not fresh and marker.is_file():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if recorded.get("dossiers") == size and recorded.get("url") == url:
            return None
    data_dir.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    print(f"generating {size:,} dossiers into {vendor} (and the reports' summary tables) …", file=sys.stderr)
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.generate", "--dossiers", str(size), "--database-url", url]
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    finished = subprocess.run(
        [*command, "--fresh", "--json", "--quiet"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if finished.returncode != 0:
        raise RuntimeError(f"bench.generate failed:\n{finished.stderr[-4000:]}")
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"dossiers": size, "url": url, "seconds": seconds}), encoding="utf-8")
    return seconds


# --- the run -----------------------------------------------------------------------------------------------


def figures(measured: list[Measured]) -> list[Figure]:
    """Two rows per database and size: the dashboard's load time and the GROUP BY beside it."""
    found: list[Figure] = []
    for item in measured:
        common = {"benchmark": "dashboard", "database": vendor_name(item.vendor), "dossiers": item.size}
        load = f"load average {item.load[0]:.2f} {item.load[1]:.2f} {item.load[2]:.2f}"
        found.append(
            Figure(
                what=f"dashboard load ({item.size:,} dossiers)",
                value=round(item.page_p50_ms, 1),
                unit="ms",
                target="< 100 ms",
                passed=met(item.page_p50_ms, below=TARGET_MS),
                detail=f"p50 of {item.repeats} page loads; p95 {item.page_p95_ms:.1f} ms; {load}",
                **common,
            )
        )
        found.append(
            Figure(
                what=f"plain GROUP BY ({item.size:,} dossiers)",
                value=round(item.group_by_ms, 1),
                unit="ms",
                target="≥100× faster than the GROUP BY",
                passed=met(item.ratio, at_least=TARGET_RATIO),
                detail=f"the dashboard's figures from the summary tables {item.selector_ms:.1f} ms: "
                f"{item.ratio:,.0f}× faster (the whole page {item.page_ratio:,.0f}×); "
                f"{item.group_by_rows:,} groups",
                **common,
            )
        )
    return found


def report(measured: list[Measured]) -> str:
    lines = [
        "Dashboard load (/bao-cao/, the current year, whole province) against a plain GROUP BY",
        "",
        f"{'database':<11}{'dossiers':>12}{'page p50':>11}{'p95':>9}{'figures':>10}{'GROUP BY':>11}"
        f"{'× faster':>10}{'page ×':>8}{'day rows':>10}  verdict",
    ]
    for item in measured:
        verdict = "pass" if item.page_p50_ms < TARGET_MS and item.ratio >= TARGET_RATIO else "MISS"
        lines.append(
            f"{vendor_name(item.vendor):<11}{item.size:>12,}{item.page_p50_ms:>9.1f}ms"
            f"{item.page_p95_ms:>7.1f}ms{item.selector_ms:>8.1f}ms{item.group_by_ms:>9.0f}ms"
            f"{item.ratio:>10,.0f}{item.page_ratio:>8,.0f}{item.day_rows:>10,}  {verdict}"
        )
    lines += [
        "",
        "page: GET /bao-cao/ through Django's test client (session, permissions, queries, charts, template);",
        "figures: the same figures read from the summary tables (egov.reports.dashboard.dashboard), what the",
        "GROUP BY over the dossier table computes; × faster = GROUP BY / figures (target ≥ 100), page × =",
        "GROUP BY / page.",
    ]
    if measured:
        load = measured[-1].load
        lines += [
            "",
            f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)",
        ]
    return "\n".join(lines)


def collect(
    *,
    sizes: tuple[int, ...] = SIZES,
    server_url: str | None = None,
    sqlite: bool = True,
    repeats: int = 20,
    fresh: bool = False,
    quick: bool = False,
    data_dir: Path = DATA_DIR,
    output: Path | None = RESULTS,
) -> Outcome:
    """Measure every size on SQLite (and on PostgreSQL when ``server_url`` names a server)."""
    vendors = (["sqlite"] if sqlite else []) + (["postgresql"] if server_url else [])
    measured: list[Measured] = []
    for vendor in vendors:
        for size in sizes:
            url = database_for(vendor, size, server_url=server_url, data_dir=data_dir)
            generated = ensure_database(vendor, size, url, data_dir=data_dir, fresh=fresh)
            result = _child(["--database-url", url, "--repeats", str(3 if quick else repeats)])
            measured.append(Measured(size=size, load=os.getloadavg(), generated_seconds=generated, **result))
    text = report(measured)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        output.with_suffix(".json").write_text(
            json.dumps([asdict(item) for item in measured], indent=2), encoding="utf-8"
        )
    return Outcome(text, figures(measured), {"measured": [asdict(item) for item in measured]})


def run(**options: Any) -> list[Figure]:
    """The result rows (``collect(...)``'s figures; the same keyword arguments)."""
    return collect(**options).figures


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        parser = argparse.ArgumentParser(prog="python -m bench.dashboard_bench --child")
        parser.add_argument("--database-url", required=True)
        parser.add_argument("--repeats", type=int, default=20)
        args = parser.parse_args(argv[1:])
        print(json.dumps(child_measure(args.database_url, args.repeats)))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench.dashboard_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="dossiers (1,000,000 10,000,000)"
    )
    parser.add_argument(
        "--server-url", help="a PostgreSQL server (postgres://…/postgres): also measure there"
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--repeats", type=int, default=20, help="dashboard loads timed per database (20)")
    parser.add_argument("--fresh", action="store_true", help="generate the databases again")
    args = parser.parse_args(argv)
    outcome = collect(
        sizes=tuple(args.sizes),
        server_url=args.server_url,
        sqlite=not args.no_sqlite,
        repeats=args.repeats,
        fresh=args.fresh,
    )
    print(outcome.report)
    return 0 if all(figure.passed is not False for figure in outcome.figures) else 1


if __name__ == "__main__":
    sys.exit(main())
