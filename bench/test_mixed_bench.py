"""The mixed load scenario's parts, without timing assertions (that is the benchmark's job): the province
model and its weights, the e-forms it fills, the load generator against a small local server, and how a
run is judged. The scenario end to end runs in bench/test_suite.py (the quick suite)."""

from __future__ import annotations

import asyncio
import json
import math
import random
from pathlib import Path

import pytest

from bench import BENCHMARKS, loadgen, mixed_bench
from bench.loadgen import Client, Request, Result
from egov.catalog.eform import form_clean, form_validate

FIXTURE = Path(__file__).resolve().parent.parent / "src/egov/catalog/fixtures/demo_catalogue.json"


def test_the_weights_follow_from_the_province_and_add_up():
    rates = mixed_bench.peak_rates(mixed_bench.Province())
    shares = mixed_bench.weights(rates, set(rates))

    assert set(rates) == {behaviour.key for behaviour in mixed_bench.BEHAVIOURS}
    assert math.isclose(sum(shares.values()), 1.0)
    # 2,000 dossiers a working day, 10 % of citizens' traffic in the busiest hour: 4 page lookups each
    assert rates["lookup_page"] == pytest.approx(2_000 * 0.10 / 3600 * 4)
    # 1,600 back-office officers, 80 % with the queue open, one refresh a minute
    assert rates["work_refresh"] == pytest.approx(1_600 * 0.8 / 60)
    # the lists' own refresh is most of the province's traffic
    assert shares["work_refresh"] + shares["desk_refresh"] > 0.85
    assert 25 < sum(rates.values()) < 35


def test_a_province_without_back_office_officers_sends_no_queue_refresh():
    rates = mixed_bench.peak_rates(mixed_bench.Province(back_office_officers=0))

    assert rates["work_refresh"] == 0
    assert rates["lookup_page"] == mixed_bench.peak_rates()["lookup_page"]


def test_a_behaviour_left_out_shares_its_weight_among_the_others():
    rates = mixed_bench.peak_rates()

    without = mixed_bench.weights(rates, set(rates) - {"dashboard"})

    assert "dashboard" not in without
    assert math.isclose(sum(without.values()), 1.0)
    assert without["lookup_page"] > mixed_bench.weights(rates, set(rates))["lookup_page"]


def test_the_forms_of_the_online_applications_are_filled_correctly():
    catalogue = json.loads(FIXTURE.read_text(encoding="utf-8"))["procedures"]
    person = {
        "full_name": "Nguyễn Văn Thử 1",
        "personal_id": "037000000001",
        "phone": "0900000001",
        "email": "congdan1@example.vn",
        "address": "Phường Hoa Lư",
        "date_of_birth": "1990-05-17",
    }
    chosen = [
        entry["version"]
        for entry in catalogue
        if any(words in entry["version"]["name"].lower() for words in mixed_bench.JOURNEY_PROCEDURES)
    ]

    assert len(chosen) >= 3
    for version in chosen:
        schema = version["form_schema"]
        form = mixed_bench.fill_form(schema, person)
        assert set(form) == set(schema["properties"])
        assert form_validate(schema, form_clean(schema, form)) == {}, version["name"]


def test_multipart_bodies_carry_the_fields_and_the_scan():
    body, (header, value) = mixed_bench._multipart({"action": "upload", "paper": "7"}, "file", b"%PDF-1.4 x")

    assert header == "Content-Type"
    boundary = value.split("boundary=")[1]
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert body.endswith(f"--{boundary}--\r\n".encode())
    assert b'name="paper"\r\n\r\n7\r\n' in body
    assert b'filename="ban-scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n' in body


# --- the load generator against a small local server ---------------------------------------------------


async def _serve(handler_log: list[str]) -> tuple[asyncio.AbstractServer, int]:
    """HTTP/1.1 keep-alive: /ok answers 200 "fine", /go redirects to /next, /chunked answers in chunks,
    /xu-ly/ has an ETag and answers 304 to it, anything else 404."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode()
                length = next(
                    (
                        int(h.split(b":")[1])
                        for h in head.split(b"\r\n")
                        if h.lower().startswith(b"content-length")
                    ),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                path = line.split()[1]
                handler_log.append(path)
                if path == "/xu-ly/":  # a list with an ETag: unchanged, 304
                    if b'if-none-match: "v1"' in head.lower():
                        writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
                    else:
                        writer.write(b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: 21\r\n\r\n')
                        writer.write(b'<p id="queue-total">3')
                elif path == "/ok":
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine")
                elif path == "/go":
                    writer.write(b"HTTP/1.1 302 Found\r\nLocation: /next/7/\r\nContent-Length: 0\r\n\r\n")
                elif path == "/chunked":
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    writer.write(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_answers_are_checked_and_counted_by_kind():
    seen: list[str] = []

    async def scenario() -> dict[str, loadgen.KindStats]:
        server, port = await _serve(seen)
        connection = loadgen.Connection("127.0.0.1", port)
        recorder = loadgen.Recorder(0.0, math.inf)
        client = Client(connection.send, recorder, f"127.0.0.1:{port}")
        fine = await client.send(Request("page", "GET", "/ok", contains=b"fine"))
        redirect = await client.send(
            Request("form", "POST", "/go", body=b"a=1", expect=frozenset({302}), location="/next/")
        )
        await client.send(
            Request("form", "POST", "/go", body=b"a=1", expect=frozenset({302}), location="/elsewhere/")
        )
        await client.send(Request("page", "GET", "/missing"))
        chunked = await client.send(Request("page", "GET", "/chunked", contains=b"abcde"))
        connection.close()
        server.close()
        await server.wait_closed()
        assert fine is not None
        assert fine.body == b"fine"
        assert redirect is not None
        assert redirect.headers["location"] == "/next/7/"
        assert chunked is not None
        return recorder.kinds

    kinds = loadgen.run(scenario())

    assert seen == ["/ok", "/go", "/go", "/missing", "/chunked"]  # one connection, kept alive
    assert len(kinds["page"].latencies) == 3
    assert dict(kinds["page"].errors) == {"HTTP 404": 1}
    assert dict(kinds["form"].errors) == {"redirected to /next/7/": 1}


def test_closed_and_open_loops_send_the_mix_and_report_it():
    seen: list[str] = []

    async def page(client: Client) -> None:
        await client.send(Request("page", "GET", "/ok"))

    async def journey(client: Client) -> None:
        answer = await client.send(
            Request("journey", "POST", "/go", expect=frozenset({302}), location="/next/")
        )
        if answer is not None:
            await client.send(Request("journey", "GET", "/ok"))

    def pick(rng: random.Random) -> loadgen.Unit:
        return journey if rng.random() < 0.2 else page

    async def scenario() -> tuple[Result, Result]:
        server, port = await _serve(seen)
        closed = await loadgen.closed_loop("127.0.0.1", port, pick, clients=4, duration=0.5, warmup=0.1)
        opened = await loadgen.open_loop(
            "127.0.0.1", port, pick, rate=200, requests_per_unit=1.2, duration=0.5, warmup=0.1, seed=3
        )
        server.close()
        await server.wait_closed()
        return closed, opened

    closed, opened = loadgen.run(scenario())

    for result in (closed, opened):
        assert result.errors == 0
        assert set(result.kinds) == {"page", "journey"}
        assert result.requests > 0
        assert not math.isnan(result.percentile(0.95))
        assert result.cpu_seconds > 0
    assert closed.clients == 4
    assert closed.connections == 4
    assert opened.offered_rate == 200
    assert opened.unfinished == 0
    assert len(opened.per_second) == 1  # a half-second window


def test_officers_lists_are_asked_for_with_the_etag_the_browser_holds():
    seen: list[str] = []
    prepared = {
        "pairs": [], "procedures": [], "citizens": [], "journeys": [], "desks": [], "leaders": [],
        "specialists": [{"cookie": "sessionid=abc", "codes": ["H37-260105-0001"]}],
    }  # fmt: skip
    mix = mixed_bench.Mix(prepared)

    async def scenario() -> loadgen.Recorder:
        server, port = await _serve(seen)
        connection = loadgen.Connection("127.0.0.1", port)
        recorder = loadgen.Recorder(0.0, math.inf)
        client = Client(connection.send, recorder, f"127.0.0.1:{port}")
        for _ in range(3):
            await mix.units["work_queue"](client)
        connection.close()
        server.close()
        await server.wait_closed()
        return recorder

    recorder = loadgen.run(scenario())

    assert seen == ["/xu-ly/"] * 3
    assert len(recorder.kinds["work_queue"].latencies) == 3
    assert not recorder.kinds["work_queue"].errors  # the 304s are not checked for the page's contents
    assert recorder.kinds["work_queue"].statuses == {200: 1, 304: 2}
    assert set(mix.units) == {"catalogue_search", "work_refresh", "work_queue", "work_dossier"}
    assert "dashboard" in mix.left_out()


def _phase(mode: str, offered: float | None, served: float, p95: float, errors: int = 0) -> mixed_bench.Phase:
    count = int(served * 10)
    latencies = [p95 / 2] * (count - count // 10) + [p95] * (count // 10)
    kinds = {"page": loadgen.KindStats(latencies=latencies)}
    if errors:
        kinds["page"].errors["HTTP 500"] = errors
    result = Result(mode, 10.0, kinds, [count // 10] * 10, 1.0, offered_rate=offered)
    name = f"open, {offered:,.0f} req/s" if offered else "closed, 32 clients"
    return mixed_bench.Phase(name, result)


def test_a_run_is_judged_on_the_rates_it_served_within_the_latency_target():
    run = mixed_bench.Run("sqlite", 1_000_000, reused=True)
    run.phases = [
        _phase("closed", None, 600, 180),
        _phase("open", 300, 300, 40),
        _phase("open", 450, 450, 90, errors=1),  # an error disqualifies
        _phase("open", 500, 470, 60),  # not served as offered
    ]

    assert run.best is not None
    assert run.best.result.offered_rate == 300
    assert run.at_target is run.phases[3]
    figures = {figure.what: figure for figure in mixed_bench.figures([run], clients=32)}
    sustained = figures["mixed province load: sustained with p95 < 100 ms"]
    assert sustained.value == 300
    assert sustained.passed is False
    assert "470 served" in sustained.detail
    assert figures["mixed province load: capacity, 32 clients"].value == pytest.approx(600)
    report = mixed_bench.table([run], duration=30, open_duration=20, clients=32)
    assert "Sustained with p95 <100 ms: 300 req/s; target ≥500 req/s: NOT met" in report
    assert "work queue refresh (htmx) GET /xu-ly/" in report  # the model is printed with the figures


def test_the_benchmark_is_registered():
    assert BENCHMARKS["mixed"] == "bench.mixed_bench"
