from egov.dossiers.models.dossier import Dossier, DossierCodeCounter, DossierEvent, DossierPaper
from egov.dossiers.models.intake import ControlRow, Slip, SupplementRequest
from egov.dossiers.models.lookup import LookupStory
from egov.dossiers.models.notification import Notification, NotificationEvent, NotificationTemplate
from egov.dossiers.models.processing import (
    Consultation,
    Delegation,
    DossierStep,
    Extension,
    Pause,
    Rating,
    StepHolding,
)
from egov.dossiers.models.status import NATIONAL_STATUS_CODE, TRANSITIONS, Status

__all__ = [
    "NATIONAL_STATUS_CODE",
    "TRANSITIONS",
    "Consultation",
    "ControlRow",
    "Delegation",
    "Dossier",
    "DossierCodeCounter",
    "DossierEvent",
    "DossierPaper",
    "DossierStep",
    "Extension",
    "LookupStory",
    "Notification",
    "NotificationEvent",
    "NotificationTemplate",
    "Pause",
    "Rating",
    "Slip",
    "Status",
    "StepHolding",
    "SupplementRequest",
]
