"""The numbers behind the sign-in rules (docs/identity.md). Fixed by design, not per deployment."""

from __future__ import annotations

from datetime import timedelta

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5  # wrong entries before a code stops working
CODE_RESEND_INTERVAL = timedelta(seconds=60)
CODE_MAX_SENDS = 5  # codes per sign-up or per account and purpose within CODE_SENDS_WINDOW
CODE_SENDS_WINDOW = timedelta(hours=1)
CODE_MAX_PER_RECIPIENT = 10  # codes to one phone number or e-mail per hour, whoever asks (no SMS bombing)

SIGN_IN_FLOW_LIFETIME = timedelta(minutes=30)  # a started sign-in or sign-up must be finished within it
PENDING_SIGN_UP_LIFETIME = timedelta(days=1)  # unconfirmed sign-ups are purged after it

# Citizens' pages: hits per client address (setting SIGN_IN_RATE_LIMIT_PER_IP) and per typed identifier.
RATE_LIMIT_WINDOW_SECONDS = 15 * 60
RATE_LIMIT_PER_IDENTIFIER = 10

# Officials: 5 failures for a username within 15 minutes lock it for 15 minutes.
OFFICIAL_LOCKOUT_FAILURES = 5
OFFICIAL_LOCKOUT_WINDOW = timedelta(minutes=15)
OFFICIAL_LOCKOUT_DURATION = timedelta(minutes=15)
