"""``make bench``: every benchmark, then one summary table of their headline figures — each with its target
and whether it was met — and the machine it ran on.

    .venv/bin/python -m bench                       # full: the issue's sizes (the first run generates data)
    .venv/bin/python -m bench --quick               # small datasets, short durations (about a minute)
    .venv/bin/python -m bench intake mixed          # some of them, still with the summary
    .venv/bin/python -m bench --sizes 100000 --duration 5 --database-url postgres://postgres@127.0.0.1:54330/postgres

Each benchmark runs through its ``collect(...)`` (bench/figures.py) with the mode's options, prints its own
table and writes it to the results directory (bench/results/<name>.txt in full mode; var/bench/results/
in quick mode, so that quick runs never replace the committed figures). The summary goes to
``summary-<date>.md`` and ``summary-latest.md`` there when every benchmark ran. A benchmark that fails, or
is not there yet (bench/dashboard_bench.py is written separately), shows its rows as FAILED or "not
available"; the others still run. Generated databases under var/bench/ are reused (see each benchmark).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import BENCHMARKS
from bench.figures import Figure, Outcome

ROOT = Path(__file__).resolve().parent.parent
FULL_RESULTS = Path(__file__).parent / "results"
QUICK_RESULTS = ROOT / "var" / "bench" / "results"
DATA_DIR = ROOT / "var" / "bench"
QUICK_SIZE = 300

# The rows every summary has, whatever happened (matched on the start of a figure's label): a benchmark that
# failed or is missing still shows them, FAILED or "not available".
EXPECTED: dict[str, tuple[str, ...]] = {
    "calendar": ("calendar: deadline computations",),
    "search": ("catalogue search p95",),
    "intake": (
        "bare Django view (floor)",
        "public lookup API",
        "public lookup page",
        "dossier submit",
        "dossier receive",
    ),
    "work": (
        "work queue page (overdue), 16 clients",
        "work queue page (overdue), 1 client",
        "dossier processing",
    ),
    "dashboard": ("dashboard load", "plain GROUP BY"),
    "mixed": ("mixed province load: capacity", "mixed province load: sustained"),
}
DASHBOARD_TARGETS = ("< 100 ms", "≥100× faster than the GROUP BY")


@dataclass(frozen=True)
class Settings:
    quick: bool = False
    sizes: tuple[int, ...] | None = None  # dataset sizes for intake, work, mixed and dashboard
    duration: float | None = None  # seconds per HTTP measurement
    database_url: str | None = None  # a PostgreSQL server, measured beside SQLite
    sqlite: bool = True
    data_dir: Path = DATA_DIR
    results_dir: Path | None = None

    @property
    def results(self) -> Path:
        return self.results_dir or (QUICK_RESULTS if self.quick else FULL_RESULTS)


def options(name: str, settings: Settings) -> dict[str, Any]:
    """The keyword arguments of one benchmark's ``collect`` in this mode."""
    quick, sizes, duration, results = settings.quick, settings.sizes, settings.duration, settings.results
    output = results / f"{name}.txt"
    server = {"server_url": settings.database_url, "sqlite": settings.sqlite}
    data = {"data_dir": settings.data_dir}
    if name == "calendar":
        return {"size": 300, "repeats": 1, "output": output} if quick else {"output": output}
    if name == "search":
        found: dict[str, Any] = {"database_url": settings.database_url, "output": output}
        return {**found, "size": 300, "query_count": 30, "repeats": 1} if quick else found
    if name == "intake":
        found = {
            **server,
            **data,
            "output": output,
            "sizes": sizes or ((QUICK_SIZE,) if quick else (100_000, 1_000_000)),
        }
        if quick:
            found.update(duration=1, warmup=1, connections=8, receipts=12, receipt_processes=2)
        if duration:
            found["duration"] = max(1, round(duration))
        return found
    if name == "work":
        found = {
            **server,
            **data,
            "output": output,
            "sizes": sizes or ((QUICK_SIZE,) if quick else (100_000, 1_000_000)),
        }
        if quick:
            found.update(duration=1, warmup=0, profile="never")
        if duration:
            found["duration"] = max(1, round(duration))
        return found
    if name == "mixed":
        found = {
            **server,
            **data,
            "output": output,
            "sizes": sizes or ((QUICK_SIZE,) if quick else (1_000_000,)),
        }
        if quick:
            found.update(
                duration=1, open_duration=1, warmup=0.5, calibration=0.5, receipts=30, fractions=(0.5,)
            )
        if duration:
            found.update(duration=duration, open_duration=duration)
        return found
    # bench/dashboard_bench.py (written separately): whatever of these its collect() accepts.
    found = {**server, **data, "output": output, "quick": quick}
    if sizes or quick:
        found["sizes"] = sizes or (QUICK_SIZE,)
    return found


def accepted(function: Callable[..., Any], given: dict[str, Any]) -> dict[str, Any]:
    """The arguments ``function`` takes (all of them when it takes ``**kwargs``)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return given
    return {key: value for key, value in given.items() if key in parameters}


def as_outcome(name: str, result: Any) -> Outcome:
    """Whatever a benchmark's run() returned, as an Outcome: an Outcome; something with ``figures``;
    figures (or dicts of their fields); a dict with "figures" and "report"; or a report alone."""
    if isinstance(result, Outcome):
        return result
    report = ""
    found: Any = []
    if isinstance(result, str):
        report = result
    elif isinstance(result, dict):
        report, found = str(result.get("report", "")), result.get("figures", [])
    elif hasattr(result, "figures"):
        report, found = str(getattr(result, "report", "")), result.figures
    elif isinstance(result, list | tuple):
        found = result
    figures = []
    for item in found:
        if isinstance(item, Figure):
            figures.append(item)
        elif isinstance(item, dict):
            known = {key: item[key] for key in Figure.__dataclass_fields__ if key in item}
            figures.append(Figure(**{"benchmark": name, "unit": "", "value": None, "what": "?", **known}))
    return Outcome(report, figures)


@dataclass
class Ran:
    name: str
    seconds: float
    outcome: Outcome | None = None
    error: str = ""  # FAILED: why
    missing: str = ""  # not available: why


def run_one(name: str, settings: Settings) -> Ran:
    started = time.monotonic()
    module_name = BENCHMARKS[name]
    if importlib.util.find_spec(module_name) is None:
        path = module_name.replace(".", "/") + ".py"
        return Ran(name, 0.0, missing=f"{path} does not exist yet")
    try:
        module = importlib.import_module(module_name)
        given = options(name, settings)
        if hasattr(module, "collect"):
            outcome = as_outcome(name, module.collect(**accepted(module.collect, given)))
        else:
            outcome = as_outcome(name, module.run(**accepted(module.run, given)))
    except Exception as error:  # reported in the summary; the other benchmarks still run
        traceback.print_exc()
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return Ran(name, time.monotonic() - started, error=f"{type(error).__name__}: {first}"[:200])
    return Ran(name, time.monotonic() - started, outcome)


def rows(ran: list[Ran]) -> list[Figure]:
    """The summary's rows: each benchmark's figures, and a placeholder for every expected row missing."""
    found: list[Figure] = []
    for item in ran:
        figures = item.outcome.figures if item.outcome else []
        found += figures
        for label in EXPECTED.get(item.name, ()):
            if any(figure.what.startswith(label) for figure in figures):
                continue
            if item.missing:
                note = f"not available: {item.missing}"
            elif item.error:
                note = f"FAILED: {item.error}"
            else:
                note = "not measured (the benchmark gave no such figure)"
            found += _placeholders(item.name, label, note)
    return found


def _placeholders(name: str, label: str, note: str) -> list[Figure]:
    if name == "dashboard":  # the issue names the sizes and the targets
        target = DASHBOARD_TARGETS[0] if label == "dashboard load" else DASHBOARD_TARGETS[1]
        return [
            Figure(name, f"{label} ({size:,} dossiers)", None, "ms", target, None, dossiers=size, note=note)
            for size in (1_000_000, 10_000_000)
        ]
    return [Figure(name, label, None, "", "", None, note=note)]


def verdict(figure: Figure) -> str:
    if figure.note.startswith(("not available", "FAILED", "not measured")):
        return figure.note.split(":")[0]
    if figure.passed is None:
        return "—"
    return "pass" if figure.passed else "MISS"


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "—"
    digits = 0 if abs(figure.value) >= 100 else 1 if abs(figure.value) >= 10 else 2
    return f"{figure.value:,.{digits}f} {figure.unit}".strip()


def summary_table(figures: list[Figure]) -> str:
    lines = [
        "| benchmark | what | database | dossiers | value | target | result | detail |",
        "|---|---|---|---:|---:|---|---|---|",
    ]
    for figure in figures:
        size = f"{figure.dossiers:,}" if figure.dossiers else ""
        detail = "; ".join(filter(None, [figure.detail, figure.note]))
        lines.append(
            f"| {figure.benchmark} | {figure.what} | {figure.database} | {size} | {_value(figure)} | "
            f"{figure.target or '—'} | {verdict(figure)} | {detail} |"
        )
    return "\n".join(lines)


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else ""
    )


def _read_field(path: str, prefix: str, separator: str) -> str:
    """The value of the first line of a system file starting with ``prefix`` ("" when there is none)."""
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(separator, 1)[1].strip().strip('"')
    return ""


def machine(settings: Settings) -> list[str]:
    """CPU, cores, memory, system, Python and the packages and databases the figures depend on."""
    cpu = _read_field("/proc/cpuinfo", "model name", ":") or "unknown CPU"
    kilobytes = _read_field("/proc/meminfo", "MemTotal", ":").split(" ")[0]
    memory = f"{int(kilobytes) / 1024 / 1024:.1f} GiB" if kilobytes.isdigit() else "unknown"
    system = _read_field("/etc/os-release", "PRETTY_NAME=", "=") or platform.platform()
    packages = []
    for package in ("django", "granian", "psycopg"):
        with contextlib.suppress(ImportError, AttributeError):
            packages.append(f"{package} {importlib.import_module(package).__version__}")
    databases = [f"SQLite {sqlite3.sqlite_version}" if settings.sqlite else ""]
    if settings.database_url:
        databases.append(_postgresql_version(settings.database_url))
    commit = _first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])
    tools = [_first_line(["wrk", "-v"]).split("[")[0].strip() if shutil.which("wrk") else "no wrk"]
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical CPUs; memory {memory}",
        f"- System: {system}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {', '.join(packages)}; {', '.join(tools)}",
        f"- Databases: {', '.join(filter(None, databases))}",
        f"- Code: {commit or 'unknown commit'}",
    ]


def _postgresql_version(url: str) -> str:
    try:
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(url)
        with psycopg.connect(urlunsplit(parts._replace(query="")), connect_timeout=5) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0].split()[0]}" if row else "PostgreSQL"
    except Exception as error:  # the description must not stop the run
        return f"PostgreSQL (version unknown: {type(error).__name__})"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


@dataclass
class Summary:
    text: str
    figures: list[Figure]
    ran: list[Ran] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def status(self) -> int:
        return 1 if any(item.error for item in self.ran) else 0


def run(names: list[str] | None = None, settings: Settings | None = None) -> Summary:
    settings = settings or Settings()
    names = names or list(BENCHMARKS)
    started, load_before = time.monotonic(), os.getloadavg()
    begun = datetime.now(UTC)
    ran = []
    for name in names:
        print(f"== {name} ==", flush=True)
        item = run_one(name, settings)
        if item.outcome is not None:
            print(item.outcome.report, end="" if item.outcome.report.endswith("\n") else "\n", flush=True)
        elif item.missing:
            print(f"(not available: {item.missing})", flush=True)
        ran.append(item)
    elapsed = time.monotonic() - started
    figures = rows(ran)
    mode = (
        "quick (small datasets, short runs: checks that everything works, not figures)"
        if settings.quick
        else "full"
    )
    sizes = (
        ", ".join(f"{size:,}" for size in settings.sizes) if settings.sizes else "each benchmark's default"
    )
    took = ", ".join(f"{item.name} {_duration(item.seconds)}" for item in ran)
    load_after = os.getloadavg()
    text = "\n".join(
        [
            f"# Benchmark summary, {begun:%Y-%m-%d %H:%M} UTC",
            "",
            f"Mode: {mode}. Dataset sizes: {sizes}. The whole run took {_duration(elapsed)} ({took}).",
            f"Load average (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in load_before)} before, "
            f"{', '.join(f'{v:.2f}' for v in load_after)} after; on a shared machine other work shows in "
            "the figures (rows marked busy).",
            "",
            summary_table(figures),
            "",
            "Machine:",
            *machine(settings),
            "",
            "Each benchmark's own table, with its method and notes, is in "
            f"{_shown(settings.results)}/<name>.txt; docs/benchmarks.md explains the rows and targets.",
        ]
    )
    summary = Summary(text + "\n", figures, ran)
    if set(names) >= set(BENCHMARKS):
        settings.results.mkdir(parents=True, exist_ok=True)
        for target in (
            settings.results / f"summary-{begun:%Y-%m-%d}.md",
            settings.results / "summary-latest.md",
        ):
            target.write_text(summary.text, encoding="utf-8")
            summary.written.append(target)
    return summary


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(names: list[str], settings: Settings) -> int:
    summary = run(names, settings)
    print("\n" + summary.text, end="")
    for path in summary.written:
        print(f"(written to {_shown(path)})")
    if not summary.written:
        print("(summary not written: only some benchmarks ran)")
    return summary.status


if __name__ == "__main__":
    sys.exit(main([], Settings()))
