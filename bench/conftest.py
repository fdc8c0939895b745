"""Fixtures of the benchmarks' tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bench_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the end-to-end tests keep their small generated databases: shared by the tests of one worker,
    so that each kind (intake-300, work-300) is generated once, as var/bench/ is shared between runs."""
    return tmp_path_factory.mktemp("bench-data")
