"""Benchmarks and data generators, one command each (conventions: "bench/").

``python -m bench`` runs every registered benchmark; ``python -m bench calendar`` runs one. To add one,
write ``bench/<name>_bench.py`` with ``main(argv: list[str]) -> int`` and list it in ``BENCHMARKS``.
"""

from __future__ import annotations

# name → module; imported only when run, so one benchmark's missing dependency cannot stop the others.
BENCHMARKS: dict[str, str] = {
    "calendar": "bench.calendar_bench",
    "search": "bench.search_bench",
    "intake": "bench.intake_bench",
    "work": "bench.work_bench",
}
