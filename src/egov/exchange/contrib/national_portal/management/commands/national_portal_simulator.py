"""Run the national portal simulator beside egov-vn for demonstrations, with the connection accounts of
the settings seen from the portal's side (docs/national-portal.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.exchange.contrib.national_portal.outbound import PEER_CODE
from egov.exchange.contrib.national_portal.simulator import PortalSimulator
from egov.exchange.peers import peer_settings


class Command(BaseCommand):
    help = "Serve a simulator of the National Public Service Portal (for demonstrations and manual tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument(
            "--province-url",
            default="http://127.0.0.1:8000/api/v1/lienthong/national_portal/",
            help="Where egov-vn takes the portal's calls.",
        )
        parser.add_argument("--state-file", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        configured = peer_settings(PEER_CODE)
        if configured is None or not configured.client_secret or not configured.inbound_secrets:
            raise CommandError(
                "Set NATIONAL_PORTAL_CLIENT_ID, NATIONAL_PORTAL_CLIENT_SECRET and "
                "NATIONAL_PORTAL_INBOUND_SECRET first (.env.example)."
            )
        simulator = PortalSimulator(
            province_url=options["province_url"],
            accepted_key_id=configured.client_id,
            accepted_secret=configured.client_secret,
            portal_key_id=configured.inbound_key_id,
            portal_secret=configured.inbound_secrets[0],
            host=options["host"],
            port=options["port"],
            state_file=options["state_file"],
        )
        self.stdout.write(
            f"National portal simulator on {simulator.url} (API {simulator.api_url}); Ctrl+C stops it."
        )
        try:
            simulator.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            simulator.server.server_close()
