"""The one place that says how granian serves the site: ``manage.py serve`` and the HTTP benchmarks
(bench/intake_bench.py) start the same command, so that the figures describe what production runs.

One blocking thread per worker process (granian's ``--blocking-threads``) unless told otherwise: a
Python worker runs one request at a time anyway (the GIL), and with several threads a request waits for
the others' turns, which showed as the tail: on 2 cores with 32 clients the public lookup's p99 went from
92 ms to 15 ms and its throughput up by 60 % with one thread, the bare view's p99 from 24 to 6 ms
(docs/benchmarks.md, "The server"). More threads only help when requests wait on a remote database;
add worker processes first (``manage.py serve --workers``), threads second (``--threads``).
"""

from __future__ import annotations

import sys

DEFAULT_WORKERS = 2
DEFAULT_THREADS = 1


def granian_command(
    application: str,
    *,
    host: str,
    port: int,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
) -> list[str]:
    """granian's argv serving the WSGI ``application`` ("module:name")."""
    if workers < 1 or threads < 1:
        raise ValueError("workers and threads must be at least 1")
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads),
        "--no-ws", application,
    ]  # fmt: skip
