"""The national portal's simulator, a separate process, and egov-vn under a live server talk over real
HTTP: a dossier routed by the portal goes through reception, processing, payment and return, and the
portal ends holding every status in order, with its moments, and the signed e-result."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

import pytest
from django.utils import timezone

from egov.core.calendar.selectors import add_working_hours
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import Dossier, DossierStep, Status
from egov.dossiers.processing import dossier_return, step_complete
from egov.dossiers.selectors import desk_queue
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.tests.conftest import RESULT_BODY, routed_dossier
from egov.exchange.models import OutboxMessage, SharingLogEntry
from egov.payments.services import payment_request
from egov.results.services import result_issue
from egov.signing.selectors import validate_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_routed_dossier_goes_through_to_the_result_and_the_portal_holds_every_status(
    simulator, people, procedure
):
    data = routed_dossier(MaHoSo="G22.99-260302-000001")

    response = simulator.push(data)

    assert response["status"] == 200, response
    local_code = response["body"]["data"]["MaHoSoMotCua"]
    dossier = Dossier.objects.get(code=local_code)
    assert (dossier.national_code, dossier.status, dossier.channel) == (
        "G22.99-260302-000001",
        Status.NEW,
        Dossier.Channel.ONLINE,
    )
    # In the one-stop section's "to receive" queue, with the 8-working-hour clock (Decree 118 Art. 17.2).
    assert dossier.acceptance_due_at == add_working_hours(dossier.submitted_at, 8)
    assert list(desk_queue(user=people["desk"])["to_receive"]) == [dossier]

    dossier_receive(actor=people["desk"], dossier=dossier)
    dossier_transfer(actor=people["desk"], dossier=dossier)
    payment_request(actor=people["specialist"], dossier=dossier, amount=200_000, reason="Lệ phí cấp phiếu")
    paid = simulator.send(
        wire.SERVICE_PAYMENT,
        {
            "MaHoSo": data["MaHoSo"],
            "MaGiaoDich": "PAYGOV-0001",
            "SoTien": 200_000,
            "NgayThanhToan": wire.moment_to_wire(timezone.now()),
        },
    )
    assert paid[0]["status"] == 200, paid
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    result = result_issue(
        actor=people["head"], dossier=dossier, title="Phiếu lý lịch tư pháp", body_fields=RESULT_BODY
    )
    step_complete(actor=people["specialist"], step=dossier.steps.get(state=DossierStep.State.ACTIVE))
    dossier_return(actor=people["desk"], dossier=dossier, method="online")

    held = simulator.state()
    portal_dossier = held["dossiers"][data["MaHoSo"]]
    assert portal_dossier["statuses"] == [1, 2, 4, 6, 4, 9, 10]
    assert [entry["ThoiDiemXuLy"] for entry in portal_dossier["history"]] == [
        wire.moment_to_wire(event.at) for event in dossier.events.order_by("at", "id")
    ]
    dossier.refresh_from_db()
    assert portal_dossier["local_code"] == dossier.code
    assert portal_dossier["header"]["NgayHenTra"] == wire.moment_to_wire(dossier.due_at)
    assert portal_dossier["header"]["NgayTiepNhan"] == wire.moment_to_wire(dossier.received_at)
    receipt = portal_dossier["history"][1]["DanhSachPhieu"]
    assert [slip["LoaiPhieu"] for slip in receipt] == ["01"]
    assert datetime.fromisoformat(receipt[0]["NoiDung"]["due_at"]) == dossier.due_at
    assert portal_dossier["history"][1]["NguoiXuLy"] == "Lê Thị Hà"
    assert portal_dossier["history"][3]["NoiDungXuLy"] == "Lệ phí cấp phiếu"

    (held_result,) = held["results"]
    assert (held_result["MaKetQua"], held_result["MaKetQuaTheoHoSo"]) == (
        "037090001234LLTP",
        result.legacy_code,
    )
    signed = base64.b64decode(held_result["TepKetQua"]["NoiDungBase64"])
    assert hashlib.sha256(signed).hexdigest() == result.sha256
    validation = validate_pdf(signed)
    assert (validation.intact, validation.valid_signature) == (True, True)

    assert (held["duplicates"], held["rejected"], held["out_of_order"]) == (0, [], 0)
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.DELIVERED).exists()
    log = SharingLogEntry.objects.order_by("at", "id")
    assert [(row.direction, row.service, row.response_status) for row in log] == [
        ("in", wire.SERVICE_DOSSIER, 200),
        ("out", wire.SERVICE_SYNC, 200),  # 1 new
        ("out", wire.SERVICE_SYNC, 200),  # 2 received
        ("out", wire.SERVICE_SYNC, 200),  # 4 processing
        ("out", wire.SERVICE_SYNC, 200),  # 6 payment requested
        ("in", wire.SERVICE_PAYMENT, 200),
        ("out", wire.SERVICE_SYNC, 200),  # 4 processing again
        ("out", wire.SERVICE_RESULT, 200),
        ("out", wire.SERVICE_SYNC, 200),  # 9 processed
        ("out", wire.SERVICE_SYNC, 200),  # 10 returned
    ]
