from egov.reports.models.dossier_state import DossierState, PendingDossier, Watermark
from egov.reports.models.figures import (
    BACKLOG_MEASURES,
    FINISHED_MEASURES,
    MEASURES,
    RECEIVED_MEASURES,
    Backlog,
    BacklogRun,
    DayFigures,
    MonthFigures,
)

__all__ = [
    "BACKLOG_MEASURES",
    "FINISHED_MEASURES",
    "MEASURES",
    "RECEIVED_MEASURES",
    "Backlog",
    "BacklogRun",
    "DayFigures",
    "DossierState",
    "MonthFigures",
    "PendingDossier",
    "Watermark",
]
