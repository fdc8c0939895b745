from __future__ import annotations

import pytest

from egov.core.calendar.engine import WorkingCalendar
from egov.core.calendar.selectors import invalidate_calendar
from egov.core.calendar.tests.helpers import statutory_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The process-wide calendar cache must not carry one test's overrides into the next."""
    invalidate_calendar()
    yield
    invalidate_calendar()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    """The statutory 2025–2027 calendar (no overrides), built without the database."""
    return statutory_calendar(2025, 2027)
