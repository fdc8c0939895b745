from egov.identity.models.identity import Identity
from egov.identity.models.official_sign_in import OfficialLockout, OfficialSignInAttempt
from egov.identity.models.one_time_code import OneTimeCode
from egov.identity.models.rate_limit import RateLimitCounter
from egov.identity.models.sign_up import PendingSignUp

__all__ = [
    "Identity",
    "OfficialLockout",
    "OfficialSignInAttempt",
    "OneTimeCode",
    "PendingSignUp",
    "RateLimitCounter",
]
