"""Every status change and every result of every dossier is queued for the portal inside the change's
transaction; the body, built at the first attempt, follows the portal's schema."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.db import transaction

from egov.dossiers.intake import dossier_receive, dossier_refuse
from egov.dossiers.models import Dossier, Status
from egov.dossiers.services import dossier_create, dossier_transition
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.outbound import render
from egov.exchange.contrib.national_portal.tests.conftest import RESULT_BODY
from egov.exchange.models import OutboxMessage
from egov.results.services import result_issue


def counter_dossier(procedure, province, desk) -> Dossier:
    return dossier_create(
        actor=desk,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.DIRECT,
        applicant=None,
        applicant_name="Trần Thị Bình",
        applicant_personal_id="036195004567",
    )


def test_nothing_is_queued_when_the_portal_is_not_configured(people, procedure, province):
    dossier_receive(actor=people["desk"], dossier=counter_dossier(procedure, province, people["desk"]))
    assert not OutboxMessage.objects.exists()


def test_each_status_change_is_queued_with_its_facts_and_rolls_back_with_the_change(
    connected, people, procedure, province
):
    dossier = counter_dossier(procedure, province, people["desk"])
    dossier_receive(actor=people["desk"], dossier=dossier)

    messages = list(OutboxMessage.objects.order_by("id"))
    assert [(m.sequence, m.facts["status_code"], m.ordering_key) for m in messages] == [
        (1, 1, f"dossier:{dossier.pk}"),
        (2, 2, f"dossier:{dossier.pk}"),
    ]
    assert messages[1].facts["actor_id"] == people["desk"].pk

    def refusal_that_fails() -> None:
        with transaction.atomic():
            dossier_transition(dossier=dossier, to=Status.PROCESSING, actor=people["desk"])
            raise RuntimeError("the rest of the service failed")

    with pytest.raises(RuntimeError):
        refusal_that_fails()
    assert OutboxMessage.objects.count() == 2


def test_a_counter_dossiers_status_follows_the_schema_with_the_receipt(
    connected, people, procedure, province
):
    dossier = counter_dossier(procedure, province, people["desk"])
    dossier_receive(actor=people["desk"], dossier=dossier)
    dossier.refresh_from_db()
    message = OutboxMessage.objects.order_by("id").last()

    request = render(message)

    assert request.service == wire.SERVICE_SYNC
    data = wire.DossierSyncOut.model_validate(request.body["data"])  # the simulator's strict check
    assert (data.national_code, data.local_code, data.channel, data.status) == (
        dossier.code,
        dossier.code,
        "1",
        2,
    )
    assert (data.identity_type, data.identity_number, data.is_vneid_authenticated) == (
        "1",
        "036195004567",
        "0",
    )
    assert data.due_at == wire.moment_to_wire(dossier.due_at)
    assert (data.progress.sequence, data.progress.handler, data.progress.handler_unit) == (
        2,
        "Lê Thị Hà",
        "Trung tâm Phục vụ hành chính công tỉnh",
    )
    assert [slip.form for slip in data.slips] == ["01"]
    assert "Applicant's name and identity number" not in request.data_categories  # stored in Vietnamese
    assert "Họ tên và số định danh của người nộp" in request.data_categories


def test_a_refusal_carries_its_reasons_and_slip(connected, people, procedure, province):
    dossier = counter_dossier(procedure, province, people["desk"])
    dossier_refuse(actor=people["desk"], dossier=dossier, reasons=["Không thuộc thẩm quyền"])

    data = wire.DossierSyncOut.model_validate(
        render(OutboxMessage.objects.order_by("id").last()).body["data"]
    )

    assert (data.status, data.progress.content) == (3, "Không thuộc thẩm quyền")
    assert data.slips[0].form == "03"
    assert data.slips[0].content["reasons"] == ["Không thuộc thẩm quyền"]


def test_a_signed_result_is_queued_for_the_holders_national_e_store(connected, people, procedure, province):
    dossier = counter_dossier(procedure, province, people["desk"])
    dossier_receive(actor=people["desk"], dossier=dossier)
    dossier.refresh_from_db()

    result = result_issue(
        actor=people["head"], dossier=dossier, title="Phiếu lý lịch tư pháp", body_fields=RESULT_BODY
    )

    message = OutboxMessage.objects.get(message_type="result.issued")
    assert message.facts["result_id"] == result.pk
    data = wire.EResultOut.model_validate(render(message).body["data"])
    content = base64.b64decode(data.file.content_base64)
    assert (data.e_result_code, data.legacy_code, data.holder_id, data.kind) == (
        "036195004567LLTP",
        result.legacy_code,
        "036195004567",
        "1",
    )
    assert hashlib.sha256(content).hexdigest() == data.file.sha256 == result.sha256
    assert content.startswith(b"%PDF-")


def test_a_correction_names_the_result_it_replaces(connected, people, procedure, province):
    from egov.results.services import result_correct

    dossier = counter_dossier(procedure, province, people["desk"])
    dossier_receive(actor=people["desk"], dossier=dossier)
    dossier.refresh_from_db()
    first = result_issue(
        actor=people["head"], dossier=dossier, title="Phiếu lý lịch tư pháp", body_fields=RESULT_BODY
    )

    corrected = result_correct(
        actor=people["head"], result=first, corrected_fields={"summary": "Sửa lỗi chính tả"}, reason="Sai tên"
    )

    message = OutboxMessage.objects.filter(message_type="result.issued").order_by("id").last()
    data = wire.EResultOut.model_validate(render(message).body["data"])
    assert (data.legacy_code, data.replaces, data.correction_reason) == (
        corrected.legacy_code,
        first.legacy_code,
        "Sai tên",
    )
