from egov.accounts.models.agency import Agency, AgencyName
from egov.accounts.models.membership import Membership
from egov.accounts.models.user import User

__all__ = ["Agency", "AgencyName", "Membership", "User"]
