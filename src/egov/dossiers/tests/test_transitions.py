"""The lifecycle is a transition table: every illegal move is refused and changes nothing; every legal one
records the history row and an audit event."""

from __future__ import annotations

import itertools

import pytest

from egov.core.audit.models import AuditEvent
from egov.dossiers.models import NATIONAL_STATUS_CODE, TRANSITIONS, Dossier, DossierEvent, Status
from egov.dossiers.services import TransitionRefused, dossier_transition

# Written out independently of TRANSITIONS, so that changing the table needs a deliberate change here.
S = Status
ALLOWED = {
    (S.NEW, S.RECEIVED),
    (S.NEW, S.REFUSED),
    (S.NEW, S.SUPPLEMENT_REQUESTED),
    (S.NEW, S.WITHDRAWAL_REQUESTED),
    (S.NEW, S.STOPPED),
    (S.SUPPLEMENT_REQUESTED, S.NEW),
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING),
    (S.SUPPLEMENT_REQUESTED, S.STOPPED),
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWAL_REQUESTED),
    (S.RECEIVED, S.PROCESSING),
    (S.RECEIVED, S.WITHDRAWAL_REQUESTED),
    (S.RECEIVED, S.PROCESSED),
    (S.PROCESSING, S.SUPPLEMENT_REQUESTED),
    (S.PROCESSING, S.PAYMENT_REQUESTED),
    (S.PROCESSING, S.WITHDRAWAL_REQUESTED),
    (S.PROCESSING, S.PROCESSED),
    (S.PROCESSING, S.REFUSED),
    (S.PAYMENT_REQUESTED, S.PROCESSING),
    (S.PAYMENT_REQUESTED, S.STOPPED),
    (S.WITHDRAWAL_REQUESTED, S.STOPPED),
    (S.PROCESSED, S.RETURNED),
}
PAIRS = list(itertools.product(Status.values, Status.values))


def test_the_table_is_the_one_written_out_here():
    table = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}

    assert table == ALLOWED


def test_statuses_map_one_to_one_onto_the_national_codes_1_to_10():
    """Spec §1: the National Public Service Portal's status codes."""
    assert sorted(NATIONAL_STATUS_CODE.values()) == list(range(1, 11))
    assert NATIONAL_STATUS_CODE[Status.NEW] == 1
    assert NATIONAL_STATUS_CODE[Status.SUPPLEMENT_REQUESTED] == 5
    assert NATIONAL_STATUS_CODE[Status.RETURNED] == 10
    assert set(NATIONAL_STATUS_CODE) == set(Status.values)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_transition(source, target, dossier, officer):
    Dossier.objects.filter(pk=dossier.pk).update(status=source)
    dossier.refresh_from_db()
    events, audits = DossierEvent.objects.count(), AuditEvent.objects.count()

    if (source, target) in ALLOWED:
        dossier_transition(dossier=dossier, to=target, actor=officer)
        dossier.refresh_from_db()
        assert dossier.status == target
        last = DossierEvent.objects.latest("id")
        assert (last.from_status, last.to_status, last.actor) == (source, target, officer)
        audit = AuditEvent.objects.latest("sequence")
        assert (audit.action, audit.changes) == ("dossier.status_changed", {"status": [source, target]})
    else:
        with pytest.raises(TransitionRefused) as refused:
            dossier_transition(dossier=dossier, to=target, actor=officer)
        dossier.refresh_from_db()
        assert dossier.status == source
        assert (DossierEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
        assert refused.value.code == "transition_refused"
