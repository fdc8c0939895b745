"""``make bench``'s summary (bench/suite.py): every benchmark's rows with their targets and verdicts, a
missing or failing benchmark shown as such, and — end to end, in quick mode — the table written with the
machine it ran on. No timing assertions: the figures are the benchmarks' business."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from bench import BENCHMARKS, suite
from bench import __main__ as dispatcher
from bench.figures import Figure, Outcome


def _table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| benchmark")
    ]


def test_every_benchmark_has_its_rows_in_the_summary():
    assert set(suite.EXPECTED) == set(BENCHMARKS)


def test_a_missing_benchmark_shows_its_rows_as_not_available_and_a_failed_one_as_failed():
    calendar = Figure("calendar", "calendar: deadline computations (add_working_days)", 6e5, "computations/s",
                      "≥100× holidays", True)  # fmt: skip
    ran = [
        suite.Ran("calendar", 1.0, Outcome("report", [calendar])),
        suite.Ran("dashboard", 0.0, missing="bench/dashboard_bench.py does not exist yet"),
        suite.Ran("search", 2.0, error="RuntimeError: the search benchmark failed"),
    ]

    figures = suite.rows(ran)
    table = suite.summary_table(figures)

    rows = _table_rows(table)
    assert rows[0][:7] == [
        "calendar", "calendar: deadline computations (add_working_days)", "", "", "600,000 computations/s",
        "≥100× holidays", "pass",
    ]  # fmt: skip
    dashboard = [row for row in rows if row[0] == "dashboard"]
    assert [row[1] for row in dashboard] == [
        "dashboard load (1,000,000 dossiers)",
        "dashboard load (10,000,000 dossiers)",
        "plain GROUP BY (1,000,000 dossiers)",
        "plain GROUP BY (10,000,000 dossiers)",
    ]
    assert {row[6] for row in dashboard} == {"not available"}
    assert dashboard[0][5] == "< 100 ms"
    assert dashboard[2][5] == "≥100× faster than the GROUP BY"
    assert "bench/dashboard_bench.py does not exist yet" in dashboard[0][7]
    search = next(row for row in rows if row[0] == "search")
    assert search[6] == "FAILED"
    assert "the search benchmark failed" in search[7]


def test_a_missed_target_reads_miss_and_a_figure_without_target_reads_a_dash():
    missed = Figure("work", "work queue page (overdue), 16 clients", 12.0, "req/s", "≥300/s", False)
    floor = Figure("intake", "bare Django view (floor), 32 clients", 7_340.2, "req/s")

    rows = _table_rows(suite.summary_table([missed, floor]))

    assert rows[0][4:7] == ["12.0 req/s", "≥300/s", "MISS"]
    assert rows[1][4:7] == ["7,340 req/s", "—", "—"]


def test_results_of_other_shapes_are_read_as_figures():
    given = {
        "what": "dashboard load (1,000,000 dossiers)",
        "value": 12.5,
        "unit": "ms",
        "passed": True,
        "x": 1,
    }
    as_dicts = suite.as_outcome("dashboard", {"report": "table", "figures": [given]})
    as_text = suite.as_outcome("dashboard", "just a table\n")

    assert as_dicts.report == "table"
    assert as_dicts.figures == [
        Figure("dashboard", "dashboard load (1,000,000 dossiers)", 12.5, "ms", passed=True)
    ]
    assert as_text.report == "just a table\n"
    assert as_text.figures == []
    assert suite.rows([suite.Ran("dashboard", 1.0, as_text)])[0].note.startswith("not measured")


def test_only_the_arguments_a_benchmark_takes_are_passed():
    def run(*, sizes: tuple[int, ...], output: Path | None = None) -> str:
        return ""

    def flexible(**options: object) -> str:
        return ""

    given = {"sizes": (1,), "output": None, "quick": True}

    assert suite.accepted(run, given) == {"sizes": (1,), "output": None}
    assert suite.accepted(flexible, given) == given


def test_quick_mode_writes_away_from_the_committed_results_and_full_mode_uses_the_issue_sizes():
    quick, full = suite.Settings(quick=True), suite.Settings()

    assert quick.results == suite.QUICK_RESULTS
    assert full.results == suite.FULL_RESULTS
    assert suite.options("intake", full)["sizes"] == (100_000, 1_000_000)
    assert suite.options("mixed", full)["sizes"] == (1_000_000,)
    assert suite.options("mixed", quick)["sizes"] == (suite.QUICK_SIZE,)
    assert suite.options("work", suite.Settings(sizes=(5_000,), duration=2))["sizes"] == (5_000,)
    assert suite.options("work", suite.Settings(sizes=(5_000,), duration=2))["duration"] == 2


def test_python_m_bench_lists_every_benchmark(capsys):
    assert dispatcher.main(["--list"]) == 0
    assert capsys.readouterr().out.split() == list(BENCHMARKS)


@pytest.mark.skipif(
    shutil.which("wrk") is None,
    reason="wrk is not installed (apt-get install wrk): the HTTP benchmarks need it",
)
def test_the_quick_suite_runs_every_benchmark_and_writes_one_table_with_every_row(
    tmp_path, bench_data, capsys
):
    settings = suite.Settings(quick=True, data_dir=bench_data, results_dir=tmp_path / "results")

    status = suite.main([], settings)

    printed = capsys.readouterr().out
    latest = (tmp_path / "results" / "summary-latest.md").read_text(encoding="utf-8")
    dated = next((tmp_path / "results").glob("summary-2*.md")).read_text(encoding="utf-8")
    assert status == 0
    assert latest == dated
    assert latest in printed
    rows = _table_rows(latest)
    for name, labels in suite.EXPECTED.items():
        for label in labels:
            assert any(row[0] == name and row[1].startswith(label) for row in rows), (name, label)
    dashboard_exists = importlib.util.find_spec("bench.dashboard_bench") is not None
    for row in rows:
        if row[0] == "dashboard" and not dashboard_exists:
            assert row[6] == "not available"
        else:
            assert row[6] in {"pass", "MISS", "—"}, row  # measured: nothing FAILED, nothing left unmeasured
    for benchmark in ("calendar", "search", "intake", "work", "mixed"):
        assert (tmp_path / "results" / f"{benchmark}.txt").is_file()
    assert "Mode: quick" in latest
    assert "The whole run took" in latest
    assert "Load average" in latest
    for part in ("- CPU: ", "logical CPUs; memory ", "- System: ", "- Python 3.", "django 5.", "SQLite 3."):
        assert part in latest, part
