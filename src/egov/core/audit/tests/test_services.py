from datetime import date

import pytest
from django.db import transaction

from egov.accounts.tests.factories import AgencyFactory, UserFactory
from egov.core.audit.hashing import GENESIS_HASH, event_hash
from egov.core.audit.models import AuditChainHead, AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify
from egov.core.audit.services import AuditOutsideTransactionError, audit_record, changes_between
from egov.core.audit.tests.helpers import record_events
from egov.core.context import RequestContext, reset_request_context, set_request_context


class Boom(Exception):
    pass


def change_that_fails() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="test.rolled_back", target_type="test.thing", target_id="2")
        raise Boom


@pytest.mark.django_db
def test_events_are_numbered_and_each_links_to_the_previous_one():
    # when three events are written
    first, second, third = record_events(3)

    # then they are numbered 1, 2, 3, the first links to the genesis hash and each next to the one before
    assert [event.sequence for event in (first, second, third)] == [1, 2, 3]
    assert [event.previous_hash for event in (first, second, third)] == [
        GENESIS_HASH,
        first.hash,
        second.hash,
    ]
    assert len({first.hash, second.hash, third.hash}) == 3
    # and the head holds the last link
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (3, third.hash)
    assert audit_chain_verify() == ChainReport(checked=3)


@pytest.mark.django_db
def test_event_hash_covers_its_stored_content():
    # given an event
    (event,) = record_events(1)
    stored = AuditEvent.objects.get(pk=event.pk)

    # when its hash is recomputed from what the database gives back, then it matches
    assert stored.hash == event_hash(
        sequence=stored.sequence,
        occurred_at=stored.occurred_at,
        actor_id=stored.actor_id,
        actor_label=stored.actor_label,
        action=stored.action,
        target_type=stored.target_type,
        target_id=stored.target_id,
        target_label=stored.target_label,
        changes=stored.changes,
        request_id=stored.request_id,
        ip_address=stored.ip_address,
        previous_hash=stored.previous_hash,
    )


@pytest.mark.django_db
def test_event_records_the_actor_the_target_and_the_changes_as_json():
    # given an official and an agency
    actor = UserFactory(official=True, full_name="Nguyễn Văn Quản")
    agency = AgencyFactory(name="Sở Tư pháp")

    # when a change to the agency is recorded, with a date among the values
    with transaction.atomic():
        event = audit_record(
            actor=actor,
            action="agency.updated",
            target=agency,
            changes={"valid_to": [None, date(2025, 6, 30)]},
        )

    # then the event names them, with the date stored as text
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_label) == (actor, "Nguyễn Văn Quản")
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "accounts.agency",
        str(agency.pk),
        "Sở Tư pháp",
    )
    assert stored.changes == {"valid_to": [None, "2025-06-30"]}
    assert audit_chain_verify().is_intact is True


@pytest.mark.django_db
def test_event_by_the_system_has_no_actor():
    (event,) = record_events(1)

    assert (event.actor_id, event.actor_label) == (None, "")


@pytest.mark.django_db
def test_event_records_the_request_id_and_client_address():
    # given a request being served
    token = set_request_context(RequestContext(request_id="req-42", ip_address="203.113.1.5"))
    try:
        # when an event is recorded during it
        (event,) = record_events(1)
    finally:
        reset_request_context(token)

    # then the event carries them, and they are part of the hash
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.request_id, stored.ip_address) == ("req-42", "203.113.1.5")
    assert audit_chain_verify().is_intact is True


def test_changes_between_lists_only_what_changed():
    assert changes_between({"name": "A", "code": "X", "gone": 1}, {"name": "B", "code": "X", "new": 2}) == {
        "name": ["A", "B"],
        "gone": [1, None],
        "new": [None, 2],
    }


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    # when an event is recorded with no transaction open
    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=None, action="test.recorded", target_type="test.thing", target_id="1")

    # then nothing is written
    assert AuditEvent.objects.count() == 0
    assert AuditChainHead.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_takes_its_event_with_it_and_the_chain_continues():
    # given a first event
    (first,) = record_events(1)

    # when a change and its event roll back together
    with pytest.raises(Boom):
        change_that_fails()

    # then the event is gone and the head still points at the first event
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.recorded"]
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (1, first.hash)

    # and the next event takes number 2, linked to the first, with the chain intact
    (second,) = record_events(1)
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert audit_chain_verify() == ChainReport(checked=2)
