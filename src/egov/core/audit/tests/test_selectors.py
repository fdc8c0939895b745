from datetime import timedelta

import pytest

from egov.core.audit.models import AuditChainHead, AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify, audit_events_for
from egov.core.audit.tests.helpers import raw_sql


@pytest.mark.django_db
def test_empty_trail_is_intact():
    assert audit_chain_verify() == ChainReport(checked=0)


def test_intact_chain_is_verified(five_events):
    assert audit_chain_verify() == ChainReport(checked=5)
    assert audit_chain_verify(chunk_size=2) == ChainReport(checked=5)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("changes", '{"number": [null, 999]}'),
        ("action", "test.innocent"),
        ("actor_label", "Someone else"),
        ("target_type", "accounts.user"),
        ("target_id", "42"),
        ("target_label", "Another thing"),
        ("request_id", "forged"),
        ("ip_address", "10.0.0.1"),
    ],
)
@pytest.mark.parametrize("sequence", [1, 3, 5])
def test_content_changed_with_raw_sql_is_detected_at_that_event(five_events, column, value, sequence):
    # given five events, one changed directly in the database
    raw_sql(f"UPDATE {{table}} SET {column} = %s WHERE sequence = %s", [value, sequence])

    # when the chain is verified
    report = audit_chain_verify()

    # then that event is named as the first broken link
    assert report == ChainReport(sequence - 1, sequence, "content does not match its hash")
    assert report.is_intact is False


def test_time_changed_with_raw_sql_is_detected_at_that_event(five_events):
    # given an event moved back a day directly in the database
    event = AuditEvent.objects.get(sequence=2)
    raw_sql("UPDATE {table} SET occurred_at = %s WHERE sequence = 2", [event.occurred_at - timedelta(days=1)])

    # when the chain is verified, then that event is named
    assert audit_chain_verify() == ChainReport(1, 2, "content does not match its hash")


def test_recomputed_hash_without_relinking_is_detected_at_the_next_event(five_events):
    # given an event whose hash was replaced (as if recomputed after an edit)
    raw_sql("UPDATE {table} SET hash = %s WHERE sequence = 3", ["a" * 64])

    # when the chain is verified, then that event is named first
    assert audit_chain_verify() == ChainReport(2, 3, "content does not match its hash")


def test_changed_link_is_detected_at_that_event(five_events):
    raw_sql("UPDATE {table} SET previous_hash = %s WHERE sequence = 4", ["b" * 64])

    assert audit_chain_verify() == ChainReport(3, 4, "link to the previous event does not match")


@pytest.mark.parametrize("sequence", [1, 3])
def test_deleted_row_is_named_as_missing(five_events, sequence):
    # given an event deleted directly in the database
    raw_sql("DELETE FROM {table} WHERE sequence = %s", [sequence])

    # when the chain is verified, then that event is named as missing
    assert audit_chain_verify() == ChainReport(sequence - 1, sequence, f"event #{sequence} is missing")


def test_deleted_last_rows_are_detected_through_the_chain_head(five_events):
    # given the last two events deleted directly in the database
    raw_sql("DELETE FROM {table} WHERE sequence >= %s", [4])

    # when the chain is verified, then the first of them is named
    assert audit_chain_verify() == ChainReport(3, 4, "events after the last one found have been removed")


def test_deleted_chain_head_is_detected(five_events):
    # given the last event and the chain head deleted directly in the database
    raw_sql("DELETE FROM {table} WHERE sequence = %s", [5])
    AuditChainHead.objects.all().delete()

    # when the chain is verified, then the head is missed
    assert audit_chain_verify() == ChainReport(4, 5, "the chain head is missing")


def test_audit_events_for_a_target_are_in_order(five_events):
    assert list(audit_events_for(target_type="test.thing", target_id="3")) == [five_events[2]]
    assert list(audit_events_for(target_type="test.thing", target_id=3)) == [five_events[2]]
    assert list(audit_events_for(target_type="test.other", target_id="3")) == []
