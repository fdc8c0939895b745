from egov.portal.models.draft import ApplicationDraft
from egov.portal.models.profile import Profile

__all__ = ["ApplicationDraft", "Profile"]
