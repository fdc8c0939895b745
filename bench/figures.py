"""What a benchmark hands to the suite (bench/suite.py) besides its printed table: one ``Figure`` per
headline number, with its target and whether it was met, so that ``make bench`` can put every benchmark in
one summary table.

A benchmark's ``collect(...)`` returns an ``Outcome``: the report it prints (and writes to
bench/results/<name>.txt) and its figures. ``run(...)`` keeps returning the report alone.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured number. ``passed`` is None when the figure has no target (a floor, a context figure)
    or could not be measured (``value`` None, ``note`` says why)."""

    benchmark: str  # the module's name in bench.BENCHMARKS: "calendar", "intake", …
    what: str  # the row's label, e.g. "public lookup API, 32 clients"
    value: float | None
    unit: str  # "req/s", "ms", "computations/s", …
    target: str = ""  # as printed: "≥ 200/s", "p95 < 10 ms"; "" when none
    passed: bool | None = None
    database: str = ""  # "SQLite", "PostgreSQL", "" when none is involved
    dossiers: int | None = None  # the dataset's size, when it has one
    detail: str = ""  # the companion numbers: "p50 1.2 ms", "p99 35 ms, × bare 0.07"
    note: str = ""  # "not available: …", "busy: others used 40 % of the CPUs"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Outcome:
    """A benchmark's result: the report it prints, its figures, and anything else worth keeping."""

    report: str
    figures: list[Figure] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def met(value: float | None, *, at_least: float | None = None, below: float | None = None) -> bool | None:
    """True/False against a target, None when there is no value to judge (nan counts as none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return (at_least is None or value >= at_least) and (below is None or value < below)


def vendor_name(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)
