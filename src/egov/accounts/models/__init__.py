from egov.accounts.models.agency import Agency, AgencyName
from egov.accounts.models.api_token import ApiToken
from egov.accounts.models.membership import Membership
from egov.accounts.models.user import User

__all__ = ["Agency", "AgencyName", "ApiToken", "Membership", "User"]
