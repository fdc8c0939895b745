"""Other apps (the national-portal connector, the reports) hear of every status change, creation
included, inside the same transaction: if their handler fails, the status change is not made."""

from __future__ import annotations

import pytest

from egov.dossiers.hooks import register_status_handler, unregister_status_handler
from egov.dossiers.models import Dossier, DossierEvent, Status
from egov.dossiers.services import dossier_transition
from egov.dossiers.tests.conftest import new_dossier


@pytest.fixture
def heard():
    changes = []
    register_status_handler("test", changes.append)
    yield changes
    unregister_status_handler("test")


def test_handlers_hear_the_creation_and_each_change(procedure, province, applicant, heard):
    dossier = new_dossier(procedure, province, applicant)
    dossier_transition(dossier=dossier, to=Status.RECEIVED, actor=None, note="đủ hồ sơ")
    assert [(c.from_status, c.to_status) for c in heard] == [("", Status.NEW), (Status.NEW, Status.RECEIVED)]
    assert heard[1].dossier.pk == dossier.pk
    assert heard[1].note == "đủ hồ sơ"


def test_a_failing_handler_undoes_the_change(procedure, province, applicant):
    dossier = new_dossier(procedure, province, applicant)

    def broken(change):
        raise RuntimeError("outbox unavailable")

    register_status_handler("broken", broken)
    try:
        with pytest.raises(RuntimeError):
            dossier_transition(dossier=dossier, to=Status.RECEIVED, actor=None)
    finally:
        unregister_status_handler("broken")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW
    assert not DossierEvent.objects.filter(dossier=dossier, to_status=Status.RECEIVED).exists()
