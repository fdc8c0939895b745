"""Writing the reports' tables: the rebuild (the incremental upkeep is egov.reports.rollup)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction

from egov.core.audit.services import audit_record
from egov.reports.rebuild import Rebuilt, rebuild


def reports_rebuild(
    *,
    actor: Any = None,
    now: datetime | None = None,
    chunk_size: int = 10_000,
    progress: Callable[[str], None] | None = None,
) -> Rebuilt:
    """Empty the summary tables and fill them again from the dossiers, in one transaction, with its audit
    event."""
    with transaction.atomic():
        result = rebuild(now=now, chunk_size=chunk_size, progress=progress)
        audit_record(
            actor=actor,
            action="reports.rebuilt",
            target_type="reports.dayfigures",
            target_label="summary tables",
            changes={
                "dossiers": [None, result.dossiers],
                "day_rows": [None, result.day_rows],
                "month_rows": [None, result.month_rows],
            },
        )
    return result
