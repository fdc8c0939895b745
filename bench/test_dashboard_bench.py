"""The dashboard benchmark end to end on a tiny database (no timing assertions: that is the bench's job):
the database is generated with its summary tables, the dashboard answers, and both rows of each size come
back for the suite."""

from __future__ import annotations

from bench import dashboard_bench
from bench.figures import Figure


def test_the_dashboard_benchmark_runs_on_a_tiny_database(tmp_path, bench_data):
    output = tmp_path / "dashboard.txt"

    rows = dashboard_bench.run(sizes=(300,), repeats=3, data_dir=bench_data, output=output, fresh=True)

    assert [row.what for row in rows] == ["dashboard load (300 dossiers)", "plain GROUP BY (300 dossiers)"]
    assert all(isinstance(row, Figure) and row.benchmark == "dashboard" for row in rows)
    load, group_by = rows
    assert (load.unit, load.target, load.database, load.dossiers) == ("ms", "< 100 ms", "SQLite", 300)
    assert load.value is not None
    assert load.value > 0
    assert group_by.value is not None
    assert group_by.value > 0
    assert "load average" in load.detail
    assert "× faster" in group_by.detail
    assert "summary tables" in group_by.detail
    report = output.read_text(encoding="utf-8")
    assert "SQLite" in report
    assert "300" in report
    assert output.with_suffix(".json").is_file()
    # The second run reuses the generated database.
    again = dashboard_bench.collect(sizes=(300,), repeats=3, data_dir=bench_data, output=None)
    assert again.data["measured"][0]["generated_seconds"] is None
