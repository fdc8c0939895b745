from egov.dossiers.models.dossier import Dossier, DossierCodeCounter, DossierEvent, DossierPaper
from egov.dossiers.models.status import NATIONAL_STATUS_CODE, TRANSITIONS, Status

__all__ = [
    "NATIONAL_STATUS_CODE",
    "TRANSITIONS",
    "Dossier",
    "DossierCodeCounter",
    "DossierEvent",
    "DossierPaper",
    "Status",
]
