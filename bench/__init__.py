"""Benchmarks and data generators, one command each (conventions: "bench/").

``python -m bench`` (``make bench``) runs every registered benchmark and prints one summary table
(bench/suite.py); ``python -m bench --quick`` does the same on small datasets; ``python -m bench calendar
-- --sample 2000`` runs one benchmark with its own options. To add one, write ``bench/<name>_bench.py``
with ``main(argv: list[str]) -> int`` and ``collect(...) -> bench.figures.Outcome`` (or ``run(...)``),
list it in ``BENCHMARKS`` and its rows in ``bench.suite.EXPECTED``.
"""

from __future__ import annotations

# name → module; imported only when run, so one benchmark's missing dependency cannot stop the others.
BENCHMARKS: dict[str, str] = {
    "calendar": "bench.calendar_bench",
    "search": "bench.search_bench",
    "intake": "bench.intake_bench",
    "work": "bench.work_bench",
    "dashboard": "bench.dashboard_bench",  # written separately; "not available" until it exists
    "mixed": "bench.mixed_bench",
}
