"""The search benchmark runs end to end on a small catalogue (no timing assertions: that is the bench's job),
on SQLite always and on PostgreSQL when the suite itself runs there (its server then hosts the throw-away
database) or when BENCH_DATABASE_URL names one."""

from __future__ import annotations

import os

from bench import BENCHMARKS, search_bench
from bench import __main__ as dispatcher


def _postgresql_server() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def test_the_search_benchmark_runs_on_throw_away_databases_and_writes_its_table(tmp_path):
    output = tmp_path / "search.txt"
    server = _postgresql_server()

    report = search_bench.run(size=300, query_count=30, repeats=1, database_url=server, output=output)

    assert output.read_text(encoding="utf-8") == report
    assert "procedure_search over 300 published procedures" in report
    assert "30 queries × 1 repeats" in report
    assert "Load average" in report
    assert "CPU: " in report
    rows = [line for line in report.splitlines() if line.startswith(("SQLite ", "PostgreSQL "))]
    assert [row.split()[0] for row in rows] == ["SQLite", "PostgreSQL"] if server else ["SQLite"]


def test_the_query_mix_is_realistic_and_repeatable():
    first = search_bench.queries(200, 7, codes=["1.000001"], field_ids=[1, 2], agency_ids=[3])
    again = search_bench.queries(200, 7, codes=["1.000001"], field_ids=[1, 2], agency_ids=[3])

    assert first == again
    assert len(first) == 200
    texts = [call["query"] for call in first]
    assert any(text and text != search_bench.fold(text) for text in texts)  # with diacritics
    assert any(text and text == search_bench.fold(text) and not text[0].isdigit() for text in texts)
    assert "1.000001" in texts
    assert "" in texts
    assert any("field_id" in call or "agency_id" in call for call in first)


def test_python_m_bench_knows_the_search_benchmark():
    assert BENCHMARKS["search"] == "bench.search_bench"
    assert (
        dispatcher.main(["search", "--", "--size", "50", "--queries", "5", "--repeats", "1", "--no-save"])
        == 0
    )
