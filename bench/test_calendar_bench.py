"""The calendar benchmark runs end to end on a tiny sample (no timing assertions: that is the bench's job)."""

from __future__ import annotations

import pytest

from bench import BENCHMARKS, calendar_bench
from bench import __main__ as dispatcher


def test_the_calendar_benchmark_runs_and_writes_its_table(tmp_path):
    output = tmp_path / "calendar.txt"

    report = calendar_bench.run(size=200, repeats=1, output=output)

    assert output.read_text(encoding="utf-8") == report
    assert "200 random start dates 2025–2027, median of 1 repeats" in report
    assert "CPU: " in report
    assert "Python 3." in report
    rows = [line for line in report.splitlines() if line.startswith(("holidays get_nth", "engine "))]
    assert len(rows) == 4 * len(calendar_bench.DAY_COUNTS)
    assert "Answers identical on the whole sample." in report


def test_the_benchmark_refuses_to_time_when_the_answers_differ():
    engine, library = calendar_bench.build(2025, 2027)
    days, moments = calendar_bench.sample(50, seed=1)
    library.update({day: "Ngày nghỉ giả" for day in days})  # the library now disagrees with the engine

    with pytest.raises(AssertionError, match=r"engine .* != holidays"):
        calendar_bench.check_agreement(engine, library, days, moments)


def test_python_m_bench_runs_a_named_benchmark_with_its_options(capsys):
    status = dispatcher.main(["calendar", "--", "--sample", "50", "--repeats", "1", "--no-save"])

    assert status == 0
    assert "== calendar ==" in capsys.readouterr().out


def test_python_m_bench_lists_and_refuses_unknown_names(capsys):
    assert dispatcher.main(["--list"]) == 0
    assert capsys.readouterr().out.split() == list(BENCHMARKS)
    with pytest.raises(SystemExit) as exit_info:
        dispatcher.main(["no-such-bench"])
    assert exit_info.value.code == 2
