"""Helpers for the audit tests: writing events as services do, and tampering as an intruder would."""

from django.db import connection, transaction

from egov.core.audit.models import AuditEvent
from egov.core.audit.services import audit_record


def record_events(count: int, *, actor=None) -> list[AuditEvent]:
    """Write ``count`` events, each in its own transaction, as a service would."""
    events = []
    for number in range(1, count + 1):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action="test.recorded",
                    target_type="test.thing",
                    target_id=str(number),
                    target_label=f"Thing {number}",
                    changes={"number": [None, number]},
                )
            )
    return events


def raw_sql(sql: str, params: list) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(AuditEvent._meta.db_table)), params)
