import pytest

from egov.core.audit.models import AuditEvent
from egov.core.audit.tests.helpers import record_events


@pytest.fixture
def five_events(db) -> list[AuditEvent]:
    return record_events(5)
