"""Fees asked for during processing (national status 6) and payments that settle them (Decree 118/2025
Art. 24)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov.core.audit.models import AuditEvent
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import Status
from egov.dossiers.tests.conftest import new_dossier
from egov.payments.models import Payment
from egov.payments.services import payment_confirm, payment_request


@pytest.fixture
def processing(procedure, province, applicant, officer):
    dossier = new_dossier(procedure, province, applicant)
    dossier_receive(actor=officer, dossier=dossier)
    dossier_transfer(actor=officer, dossier=dossier)
    dossier.refresh_from_db()
    return dossier


def confirm(dossier, amount, reference="PAY-1", actor=None, channel=Payment.Channel.NATIONAL_PORTAL):
    return payment_confirm(
        actor=actor,
        dossier=dossier,
        amount=amount,
        channel=channel,
        reference=reference,
        paid_at=timezone.now(),
    )


def test_asking_for_fees_pauses_the_dossier_and_the_payment_resumes_it(processing, specialist):
    payment = payment_request(actor=specialist, dossier=processing, amount=200_000, reason="Lệ phí")

    processing.refresh_from_db()
    assert processing.status == Status.PAYMENT_REQUESTED
    assert (payment.state, payment.amount, payment.requested_by) == (
        Payment.State.REQUESTED,
        200_000,
        specialist,
    )

    paid = confirm(processing, 200_000)

    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING
    assert (paid.pk, paid.state, paid.reference) == (payment.pk, Payment.State.PAID, "PAY-1")
    assert processing.events.order_by("-id").first().note == "Đã nộp phí, lệ phí (PAY-1)"
    assert AuditEvent.objects.filter(action__in=["payment.requested", "payment.confirmed"]).count() == 2


def test_only_the_processing_agency_asks_for_fees_and_nothing_changes_otherwise(processing, officer):
    with pytest.raises(PermissionDenied):
        payment_request(actor=officer, dossier=processing, amount=1, reason="x")
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("amount", "reason"), [(0, "Lệ phí"), (100, " ")])
def test_a_request_needs_an_amount_and_a_reason(processing, specialist, amount, reason):
    with pytest.raises(ValidationError):
        payment_request(actor=specialist, dossier=processing, amount=amount, reason=reason)


def test_a_partial_payment_leaves_the_dossier_waiting(processing, specialist):
    payment_request(actor=specialist, dossier=processing, amount=200_000, reason="Lệ phí")

    confirm(processing, 50_000)

    processing.refresh_from_db()
    assert processing.status == Status.PAYMENT_REQUESTED
    assert sorted(Payment.objects.values_list("state", "amount")) == [
        ("paid", 50_000),
        ("requested", 200_000),
    ]


def test_the_same_transaction_twice_is_recorded_once(processing, specialist):
    payment_request(actor=specialist, dossier=processing, amount=100_000, reason="Lệ phí")
    first = confirm(processing, 100_000)
    again = confirm(processing, 100_000)
    assert first.pk == again.pk
    assert Payment.objects.count() == 1


def test_at_the_counter_an_officer_of_the_receiving_section_records_the_payment(
    processing, other_officer, officer
):
    with pytest.raises(PermissionDenied):
        confirm(processing, 10_000, reference="", actor=other_officer, channel=Payment.Channel.COUNTER)
    paid = confirm(processing, 10_000, reference="", actor=officer, channel=Payment.Channel.COUNTER)
    assert (paid.channel, paid.reference) == (Payment.Channel.COUNTER, "")


def test_an_online_payment_needs_its_reference(processing):
    with pytest.raises(ValidationError):
        confirm(processing, 10_000, reference=" ")
