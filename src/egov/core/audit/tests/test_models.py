import pytest
from django.db import IntegrityError, transaction

from egov.core.audit.models import AppendOnlyError, AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify


def stored_events() -> list[dict]:
    return list(AuditEvent.objects.order_by("sequence").values())


def _save_an_existing_event(event):
    event.action = "test.changed"
    event.save()


def _save_an_existing_event_with_update_fields(event):
    event.action = "test.changed"
    event.save(update_fields=["action"])


def _delete_an_event(event):
    event.delete()


def _update_through_the_queryset(event):
    AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")


def _delete_through_the_queryset(event):
    AuditEvent.objects.filter(pk=event.pk).delete()


def _delete_everything(event):
    AuditEvent.objects.all().delete()


def _bulk_update(event):
    event.action = "test.changed"
    AuditEvent.objects.bulk_update([event], ["action"])


def _update_or_create(event):
    AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "test.changed"})


def _upsert_with_bulk_create(event):
    copy = AuditEvent.objects.get(pk=event.pk)
    copy.action = "test.changed"
    copy._state.adding = True
    AuditEvent.objects.bulk_create(
        [copy], update_conflicts=True, unique_fields=["id"], update_fields=["action"]
    )


@pytest.mark.parametrize(
    "attempt",
    [
        _save_an_existing_event,
        _save_an_existing_event_with_update_fields,
        _delete_an_event,
        _update_through_the_queryset,
        _delete_through_the_queryset,
        _delete_everything,
        _bulk_update,
        _update_or_create,
        _upsert_with_bulk_create,
    ],
)
def test_events_cannot_be_changed_or_removed_through_the_orm(five_events, attempt):
    # given five events
    before = stored_events()

    # when one is changed or removed through the ORM
    with pytest.raises(AppendOnlyError):
        attempt(AuditEvent.objects.get(sequence=3))

    # then it is refused and nothing changed
    assert stored_events() == before
    assert audit_chain_verify() == ChainReport(checked=5)


def test_a_new_event_reusing_an_existing_id_does_not_overwrite_it(five_events):
    # given five events
    before = stored_events()
    existing = AuditEvent.objects.get(sequence=3)

    # when a "new" event is saved with the id of an existing one
    impostor = AuditEvent(**{**before[2], "action": "test.changed", "sequence": 99, "hash": "f" * 64})
    assert impostor.pk == existing.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        impostor.save()

    # then the existing event is untouched
    assert stored_events() == before
