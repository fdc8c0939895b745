"""System checks of the connected systems' settings: every configured connector exists; in production,
peers are reached over HTTPS and the connection accounts' secrets are long enough to resist guessing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning

from egov.exchange.connectors import connector_get
from egov.exchange.peers import peer_codes, peer_settings

MIN_SECRET_LENGTH = 32


@register()
def check_connectors(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for code in peer_codes():
        configured = peer_settings(code)
        if configured is not None and connector_get(configured.connector) is None:
            problems.append(
                CheckError(
                    f"EXCHANGE_PEERS[{code!r}] names the connector {configured.connector!r}, which is not "
                    "installed.",
                    hint="Add its app to INSTALLED_APPS (docs/exchange.md).",
                    id="exchange.E001",
                )
            )
        if (
            configured is not None
            and configured.url
            and urlsplit(configured.url).scheme not in {"http", "https"}
        ):
            problems.append(
                CheckError(
                    f"The address of {code!r} must be http(s): {configured.url!r}.",
                    id="exchange.E002",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_connections_are_protected(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for code in peer_codes():
        configured = peer_settings(code)
        if configured is None:
            continue
        if configured.can_send and urlsplit(configured.url).scheme != "https":
            problems.append(
                CheckWarning(
                    f"Messages to {code!r} would travel unencrypted ({configured.url}).",
                    hint="Use the peer's https address.",
                    id="exchange.W001",
                )
            )
        secrets = [configured.client_secret, *configured.inbound_secrets]
        if any(secret and len(secret) < MIN_SECRET_LENGTH for secret in secrets):
            problems.append(
                CheckWarning(
                    f"A connection secret of {code!r} is shorter than {MIN_SECRET_LENGTH} characters.",
                    hint="Agree long random secrets with the peer's operators (docs/exchange.md).",
                    id="exchange.W002",
                )
            )
    return problems
