"""The intake benchmark end to end on a tiny database (no timing assertions: that is the bench's job), and
its wrk plumbing on wrk's own output."""

from __future__ import annotations

import shutil

import pytest

from bench import BENCHMARKS, intake_bench

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:40123/api/v1/lookup/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.01ms    3.10ms  61.20ms   90.00%
    Req/Sec     2.66k   210.00     3.01k    71.00%
  Latency Distribution
     50%   11.52ms
     75%   13.00ms
     90%   15.40ms
     99%    1.02s
  26612 requests in 10.01s, 70.10MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   2658.61
Transfer/sec:      7.00MB
""".replace("1.02s\n", "1.02s \n")  # wrk pads short values with a trailing space


def test_wrk_output_is_read_into_a_row():
    row = intake_bench.parse_wrk("lookup", WRK_OUTPUT)

    assert row.requests_per_second == 2658.61
    assert row.p50_ms == 11.52
    assert row.p99_ms == 1020.0
    assert row.requests == 26612
    assert row.non_2xx == 7
    assert row.socket_errors == 2
    assert not row.is_valid


def test_the_lua_scripts_rotate_over_the_pairs():
    pairs = [("H37.01.01-260105-0001", "1234"), ("H37.30.01-260105-0002", "5678")]

    api = intake_bench.lua_lookup_script(pairs, "api")
    page = intake_bench.lua_lookup_script(pairs, "page")

    assert '{"H37.01.01-260105-0001", "1234"}' in api
    assert '"POST", "/api/v1/lookup/"' in api
    assert "application/json" in api
    assert '"/tra-cuu/?ma=" .. pair[1] .. "&so_cuoi=" .. pair[2]' in page
    assert "index % #pairs_ + 1" in page


def test_the_benchmark_is_registered():
    assert BENCHMARKS["intake"] == "bench.intake_bench"


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk): the HTTP part needs it"
)
def test_the_intake_benchmark_runs_on_a_tiny_database_and_writes_its_table(tmp_path, bench_data):
    output = tmp_path / "intake.txt"

    report = intake_bench.run(
        sizes=(300,),
        duration=1,
        warmup=1,
        connections=4,
        receipts=12,
        receipt_processes=2,
        data_dir=bench_data,
        output=output,
    )

    assert output.read_text(encoding="utf-8") == report
    lines = report.splitlines()
    for what in ("bare view GET /bench/bare", "lookup API POST", "lookup page GET", "receipts, 2 processes"):
        assert any(line.startswith("sqlite") and what in line for line in lines), what
    assert "INVALID" not in report  # every lookup answered 200: pairs were found, no limit hit
    assert "FAILED" not in report
    assert "12 received" in report
    assert "a PDF was rendered in the receipt path" not in report
    assert "CPU: " in report
    assert "SQLite 3." in report
    assert "receipt slip PDF: first render" in report
