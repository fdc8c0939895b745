"""``manage.py check --deploy`` warns about connections that are not protected."""

from __future__ import annotations

from egov.exchange.checks import check_connections_are_protected, check_connectors
from egov.exchange.tests.conftest import echo_config


def test_a_peer_over_plain_http_or_with_a_short_secret_is_reported(settings, echo):
    settings.EXCHANGE_PEERS = echo_config("http://dvc.example/api/")
    settings.EXCHANGE_PEERS["echo"]["inbound_secret"] = "short"

    ids = [problem.id for problem in check_connections_are_protected()]

    assert ids == ["exchange.W001", "exchange.W002"]


def test_a_protected_peer_passes(settings, echo):
    settings.EXCHANGE_PEERS = echo_config("https://dvc.example/api/")
    assert check_connections_are_protected() == []
    assert check_connectors() == []


def test_a_peer_without_its_connector_is_an_error(settings, db):
    settings.EXCHANGE_PEERS = {"nobody": {"connector": "nobody", "url": "https://x.example/"}}
    assert [problem.id for problem in check_connectors()] == ["exchange.E001"]
