"""A small HTTP/1.1 load generator on asyncio, for scenarios wrk cannot play: journeys whose next request
depends on the last answer (a draft's number in a redirect), every answer checked against what its kind
expects, latencies per kind of request, and an open loop (requests arrive at a set rate, whatever the
server's pace, and latency counts from the moment a request was due: a slow server is not given time to
catch up, the error wrk's closed loop makes).

One process, one thread, keep-alive connections to 127.0.0.1; the generator's own CPU time is measured
(``Result.cpu_seconds``) so that a report can show it was not the bottleneck (bench/mixed_bench.py also
runs it against the bare view beside wrk).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

REQUEST_TIMEOUT = 30.0  # seconds; a request still unanswered then is an error
USER_AGENT = "egov-bench/1"


@dataclass(frozen=True)
class Request:
    """One request and what a correct answer looks like."""

    kind: str  # the class it is counted under
    method: str
    path: str  # ASCII: already percent-encoded
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect: frozenset[int] = frozenset({200})
    location: str = ""  # a redirect must point to a path containing this (the sign-in page would not)
    contains: bytes = b""  # the body must contain this

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}", f"User-Agent: {USER_AGENT}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method in {"POST", "PUT", "PATCH"}:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> Response:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        assert self.reader is not None
        assert self.writer is not None
        self.writer.write(raw)
        try:
            response = await _read_response(self.reader)
        except BaseException:
            self.close()
            raise
        if response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif status in {204, 304} or status < 200:
        body = b""
    else:
        body = await reader.read()
        headers["connection"] = "close"
    return Response(status, headers, body)


# --- what was seen -----------------------------------------------------------------------------------------


@dataclass
class KindStats:
    latencies: list[float] = field(default_factory=list)  # ms, every answered request in the window
    errors: Counter[str] = field(default_factory=Counter)  # what was wrong: "HTTP 500", "timeout", …
    statuses: Counter[int] = field(default_factory=Counter)  # the answers' status codes (0: none)


@dataclass
class Result:
    mode: str  # "closed" | "open"
    seconds: float  # the measured window
    kinds: dict[str, KindStats]
    per_second: list[int]  # answers completed in each second of the window
    cpu_seconds: float  # this process's CPU time during the run (the generator's cost)
    offered_rate: float | None = None  # open loop: requests per second aimed at
    clients: int | None = None  # closed loop: concurrent clients
    unfinished: int = 0  # open loop: arrivals still waiting or running when the run ended
    connections: int = 0  # connections opened
    notes: Counter[str] = field(default_factory=Counter)  # e.g. "receive pool exhausted"

    @property
    def requests(self) -> int:
        return sum(len(stats.latencies) for stats in self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(sum(stats.errors.values()) for stats in self.kinds.values()) + self.unfinished

    @property
    def rate(self) -> float:
        """Answers per second inside the window (errors included: they were answered)."""
        return sum(self.per_second) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float, kind: str | None = None) -> float:
        values = (
            self.kinds[kind].latencies
            if kind is not None
            else [v for stats in self.kinds.values() for v in stats.latencies]
        )
        return percentile(sorted(values), fraction)

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / self.requests if self.requests else 0.0


def percentile(ordered: Sequence[float], fraction: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Recorder:
    """Counts what happens inside the measured window [start, end)."""

    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end
        self.kinds: dict[str, KindStats] = defaultdict(KindStats)
        self.buckets: Counter[int] = Counter()
        self.notes: Counter[str] = Counter()

    def record(self, kind: str, began: float, finished: float, problem: str | None, status: int = 0) -> None:
        """Latency for every request due inside the window (however late it finished); throughput from
        the answers that came inside it."""
        if self.start <= finished < self.end:
            self.buckets[int(finished - self.start)] += 1
        if not (self.start <= began < self.end):
            return
        stats = self.kinds[kind]
        stats.latencies.append((finished - began) * 1000)
        stats.statuses[status] += 1
        if problem:
            stats.errors[problem] += 1

    def per_second(self) -> list[int]:
        return [self.buckets.get(second, 0) for second in range(max(1, int(self.end - self.start)))]


def check(request: Request, response: Response) -> str | None:
    """None when the answer is what this kind of request expects, else what is wrong."""
    if response.status not in request.expect:
        return f"HTTP {response.status}"
    if request.location and request.location not in response.headers.get("location", ""):
        return f"redirected to {response.headers.get('location', '?')[:60]}"
    if request.contains and response.status != 304 and request.contains not in response.body:
        return "unexpected page"
    return None


class Client:
    """What a unit of work sends its requests through: times them, checks them, records them."""

    def __init__(self, loop_send: Callable[[bytes], Awaitable[Response]], recorder: Recorder, host: str):
        self._send = loop_send
        self.recorder = recorder
        self.host = host
        self.due: float | None = None  # open loop: when the unit's first request was due

    async def send(self, request: Request) -> Response | None:
        began = self.due if self.due is not None else time.monotonic()
        self.due = None
        problem: str | None
        try:
            response = await asyncio.wait_for(self._send(request.encode(self.host)), REQUEST_TIMEOUT)
        except TimeoutError:
            response, problem = None, "timeout"
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            response, problem = None, type(error).__name__
        else:
            problem = check(request, response)
        status = response.status if response is not None else 0
        self.recorder.record(request.kind, began, time.monotonic(), problem, status)
        return response if problem is None else None

    def note(self, what: str) -> None:
        self.recorder.notes[what] += 1


Unit = Callable[[Client], Awaitable[None]]
"""One arrival: a single request, or a journey of several (a submission)."""


async def closed_loop(
    host: str,
    port: int,
    pick: Callable[[random.Random], Unit],
    *,
    clients: int,
    duration: float,
    warmup: float = 0.0,
    seed: int = 1,
) -> Result:
    """``clients`` clients, each on its own connection, each starting a new unit as soon as its last is
    done. Throughput is the server's capacity for this mix at this concurrency."""
    cpu = time.process_time()
    now = time.monotonic()
    recorder = Recorder(now + warmup, now + warmup + duration)
    stop = recorder.end
    opened = 0

    async def client(number: int) -> None:
        nonlocal opened
        rng = random.Random(seed * 1000 + number)
        connection = Connection(host, port)
        opened += 1
        target = Client(connection.send, recorder, f"{host}:{port}")
        try:
            while time.monotonic() < stop:
                await pick(rng)(target)
        finally:
            connection.close()

    await asyncio.gather(*(client(number) for number in range(clients)))
    return Result(
        mode="closed",
        seconds=duration,
        kinds=dict(recorder.kinds),
        per_second=recorder.per_second(),
        cpu_seconds=time.process_time() - cpu,
        clients=clients,
        connections=opened,
        notes=recorder.notes,
    )


async def open_loop(
    host: str,
    port: int,
    pick: Callable[[random.Random], Unit],
    *,
    rate: float,
    requests_per_unit: float,
    duration: float,
    warmup: float = 0.0,
    max_connections: int = 256,
    drain: float = 10.0,
    seed: int = 1,
) -> Result:
    """Units arrive as a Poisson process of ``rate / requests_per_unit`` per second (so that requests
    arrive at ``rate``); each takes an idle connection, or opens one, up to ``max_connections``, then
    waits. A request's latency counts from the moment it was due."""
    cpu = time.process_time()
    rng = random.Random(seed)
    begin = time.monotonic()
    recorder = Recorder(begin + warmup, begin + warmup + duration)
    idle: deque[Connection] = deque()
    slots = asyncio.Semaphore(max_connections)
    opened = 0
    address = f"{host}:{port}"
    tasks: set[asyncio.Task[None]] = set()

    async def send(raw: bytes) -> Response:
        nonlocal opened
        async with slots:
            if idle:
                connection = idle.pop()
            else:
                connection = Connection(host, port)
                opened += 1
            try:
                response = await connection.send(raw)
            except BaseException:
                connection.close()
                raise
            idle.append(connection)
            return response

    async def arrive(unit: Unit, due: float) -> None:
        target = Client(send, recorder, address)
        target.due = due
        await unit(target)

    units_per_second = rate / max(requests_per_unit, 1e-9)
    due = begin
    stop = recorder.end
    while True:
        due += rng.expovariate(units_per_second)
        if due >= stop:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(arrive(pick(rng), due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    unfinished = 0
    if tasks:
        _done, pending = await asyncio.wait(set(tasks), timeout=drain)
        unfinished = len(pending)
        for task in pending:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*pending, return_exceptions=True)
    for connection in idle:
        connection.close()
    return Result(
        mode="open",
        seconds=duration,
        kinds=dict(recorder.kinds),
        per_second=recorder.per_second(),
        cpu_seconds=time.process_time() - cpu,
        offered_rate=rate,
        unfinished=unfinished,
        connections=opened,
        notes=recorder.notes,
    )


def run(coroutine: Awaitable[Any]) -> Any:
    """Run one load in a fresh event loop (the caller is synchronous). Where this thread already runs a
    loop (a Playwright session earlier in the same test worker), the load runs in a thread of its own:
    ``asyncio.run`` refuses to start inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]
