"""Queue rules in one place (docs/queueing.md)."""

from __future__ import annotations

# The kiosk page is public: a client address may take this many tickets per window. A kiosk prints a few
# tickets a minute at the busiest hour, so only a script or a prank comes near it.
KIOSK_TICKETS_PER_ADDRESS = 30
KIOSK_WINDOW_SECONDS = 600

# How many of the latest calls the hall display lists, the newest one large.
HALL_RECENT_CALLS = 6
# Seconds between two refreshes of the hall display and of an officer's waiting counts.
HALL_REFRESH_SECONDS = 3
PANEL_REFRESH_SECONDS = 10
# Seconds the printed-ticket page stays on a kiosk before it goes back to the buttons.
KIOSK_TICKET_SECONDS = 12
