import threading

import pytest
from django.db import connection, transaction

from egov.core.audit.models import AuditChainHead, AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify
from egov.core.audit.services import audit_record

WRITERS = 4
EVENTS_PER_WRITER = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_to_one_unbroken_chain():
    # given four writers, each on its own database connection, starting together
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait(timeout=10)
            for number in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="test.concurrent",
                        target_type="test.writer",
                        target_id=f"{writer}-{number}",
                    )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    # when they all write events at once
    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then every event was written once, numbered without gap or duplicate, in one intact chain
    total = WRITERS * EVENTS_PER_WRITER
    assert errors == []
    assert [thread.is_alive() for thread in threads] == [False] * WRITERS
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    assert set(AuditEvent.objects.values_list("target_id", flat=True)) == {
        f"{writer}-{number}" for writer in range(WRITERS) for number in range(EVENTS_PER_WRITER)
    }
    assert audit_chain_verify() == ChainReport(checked=total)
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (total, AuditEvent.objects.get(sequence=total).hash)
