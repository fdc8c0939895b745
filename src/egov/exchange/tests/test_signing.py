"""Every call between egov-vn and a connected system is signed by the caller's connection account."""

from __future__ import annotations

import pytest

from egov.exchange.signing import SignatureProblem, signed_headers, verify_request

BODY = b'{"service":"Echo","data":{"subject":"x"}}'
NOW = 1_790_000_000.0


def sign(
    *, secret: str = "s1", key_id: str = "peer", path: str = "/api/x/", body: bytes = BODY, now: float = NOW
):
    return signed_headers(
        key_id=key_id, secret=secret, method="POST", path=path, idempotency_key="k-1", body=body, now=now
    )


def check(headers, *, path: str = "/api/x/", body: bytes = BODY, secrets=("s1",), now: float = NOW):
    return verify_request(
        headers=headers, method="POST", path=path, body=body, key_id="peer", secrets=secrets, now=now
    )


def test_a_request_signed_with_the_accounts_secret_is_accepted():
    verified = check(sign())
    assert (verified.key_id, verified.idempotency_key, verified.timestamp) == ("peer", "k-1", int(NOW))


def test_header_names_are_matched_whatever_their_case():
    headers = {name.lower(): value for name, value in sign().items()}
    assert check(headers).key_id == "peer"


@pytest.mark.parametrize(
    ("headers", "options", "problem"),
    [
        ({}, {}, "credentials_missing"),
        (sign(key_id="someone"), {}, "unknown_key"),
        (sign(secret="wrong"), {}, "signature_mismatch"),
        (sign(), {"body": BODY + b" "}, "signature_mismatch"),
        (sign(), {"path": "/api/y/"}, "signature_mismatch"),
        (sign(now=NOW - 301), {}, "timestamp_out_of_window"),
        (sign(now=NOW + 301), {}, "timestamp_out_of_window"),
        ({**sign(), "X-Egov-Timestamp": "yesterday"}, {}, "timestamp_invalid"),
        ({**sign(), "Idempotency-Key": "k-2"}, {}, "signature_mismatch"),
        (sign(), {"secrets": ("",)}, "not_configured"),
    ],
)
def test_what_is_refused(headers, options, problem):
    with pytest.raises(SignatureProblem) as refused:
        check(headers, **options)
    assert refused.value.code == problem


def test_the_previous_secret_works_while_a_secret_is_rotated():
    assert check(sign(secret="old"), secrets=("new", "old")).key_id == "peer"
    with pytest.raises(SignatureProblem):
        check(sign(secret="old"), secrets=("new",))
