"""What the national portal sends, applied through the normal services (no simulator: signed calls through
the test client)."""

from __future__ import annotations

import base64
import json

import pytest
from django.utils import timezone

from egov.accounts.models import User
from egov.core.calendar.selectors import add_working_hours
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import Dossier, Status
from egov.estore.models import EStoreItem
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.models import AgencyMapping, NationalDossier, ProcedureMapping
from egov.exchange.contrib.national_portal.tests.conftest import (
    CENTRE_CODE,
    HOLDER_ID,
    INBOUND_KEY_ID,
    INBOUND_SECRET,
    routed_dossier,
)
from egov.exchange.models import InboxMessage
from egov.exchange.signing import signed_headers
from egov.payments.models import Payment
from egov.payments.services import payment_request

PATH = "/api/v1/lienthong/national_portal/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def send(client, service: str, data: dict, key: str | None = None):
    body = json.dumps({"service": service, "data": data}).encode()
    key = key or f"k-{data.get('MaHoSo')}-{service}"
    headers = signed_headers(
        key_id=INBOUND_KEY_ID, secret=INBOUND_SECRET, method="POST", path=PATH, idempotency_key=key, body=body
    )
    return client.post(PATH, data=body, content_type="application/json", headers=headers)


def push(client, **overrides):
    return send(client, wire.SERVICE_DOSSIER, routed_dossier(**overrides))


@pytest.fixture
def ready(connected, people, procedure):
    return people


def test_a_routed_dossier_waits_in_the_desk_queue_with_its_national_code_and_the_8_hour_clock(client, ready):
    response = push(
        client,
        MaHoSo="G22.99-260302-000007",
        TaiLieuNop=[
            {"TenTepDinhKem": "Tờ khai", "NoiDungTep": base64.b64encode(PNG).decode()},
            {"TenTepDinhKem": "Giấy khai sinh", "DuocLayTuKhoDMQG": "1", "MaGiayToKho": "037090001234KS"},
        ],
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    dossier = Dossier.objects.get(code=body["data"]["MaHoSoMotCua"])
    assert body["data"]["MaHoSo"] == "G22.99-260302-000007"
    assert body["data"]["HanXacNhan"] == wire.moment_to_wire(dossier.acceptance_due_at)
    assert (dossier.status, dossier.channel, dossier.national_code, dossier.receiving_agency.code) == (
        Status.NEW,
        Dossier.Channel.ONLINE,
        "G22.99-260302-000007",
        CENTRE_CODE,
    )
    assert dossier.acceptance_due_at == add_working_hours(dossier.submitted_at, 8)
    (form, birth) = dossier.papers.order_by("id")
    assert (form.required_paper.name, form.file.content_type) == ("Tờ khai", "image/png")
    assert (birth.file, birth.from_national_database) == (None, True)
    link = NationalDossier.objects.get(dossier=dossier)
    assert link.is_vneid_authenticated is True
    assert link.paper_references == [{"name": "Giấy khai sinh", "estore_code": "037090001234KS", "url": ""}]
    # The file now lives as a stored file: the kept message holds its checksum, not a second copy.
    kept = InboxMessage.objects.get().payload["data"]["TaiLieuNop"][0]
    assert kept["NoiDungTep"] == ""
    assert len(kept["_sha256"]) == 64


def test_the_vneid_authenticated_applicant_gets_an_account_to_follow_the_dossier(client, ready):
    push(client, MaHoSo="G-1")
    dossier = Dossier.objects.get(national_code="G-1")
    assert dossier.applicant is not None
    assert (dossier.applicant.personal_id, dossier.applicant.kind) == (HOLDER_ID, User.Kind.CITIZEN)
    assert not dossier.applicant.has_usable_password()


def test_an_unverified_number_gets_no_account_and_an_existing_account_is_linked(client, ready):
    push(client, MaHoSo="G-1", TaiKhoanDuocXacThucVoiVNeID="0")
    assert Dossier.objects.get(national_code="G-1").applicant is None
    assert not User.objects.filter(personal_id=HOLDER_ID).exists()

    citizen = User.objects.create_user("an", kind=User.Kind.CITIZEN, personal_id="036195004567")
    push(client, MaHoSo="G-2", TaiKhoanDuocXacThucVoiVNeID="0", SoDinhDanh="036195004567")
    assert Dossier.objects.get(national_code="G-2").applicant == citizen


def test_a_paper_from_the_local_e_store_is_linked(client, ready):
    from egov.core.uploads import stored_file_from_bytes

    item = EStoreItem.objects.create(
        owner_personal_id=HOLDER_ID,
        kind=EStoreItem.Kind.RESULT,
        title="Giấy khai sinh",
        e_result_code="037090001234KS",
        file=stored_file_from_bytes(content=PNG, name="ks.png", actor=None),
    )
    push(
        client,
        MaHoSo="G-1",
        TaiLieuNop=[{"TenTepDinhKem": "Giấy khai sinh", "MaGiayToKho": "037090001234KS"}],
    )

    paper = Dossier.objects.get(national_code="G-1").papers.get()
    assert (paper.estore_item, paper.from_national_database) == (item, False)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"MaTTHC": ""}, "MaTTHC", "Không được để trống."),
        (
            {"NgayNopHoSo": "02/03/2026"},
            "NgayNopHoSo",
            "Phải là thời điểm dạng yyyyMMddHHmmss, theo giờ Việt Nam.",
        ),
        ({"LoaiDoiTuong": "9"}, "LoaiDoiTuong", "Phải là một trong các giá trị: '1' or '2'."),
        (
            {"TaiLieuNop": [{"TenTepDinhKem": "Tờ khai"}]},
            "TaiLieuNop.0",
            "Mỗi thành phần hồ sơ phải có nội dung tệp (NoiDungTep), mã giấy tờ trong kho dữ liệu "
            "(MaGiayToKho) hoặc đường dẫn tệp (DuongDanTaiTepTin).",
        ),
        (
            {
                "TaiLieuNop": [
                    {"TenTepDinhKem": "Tờ khai.pdf", "NoiDungTep": base64.b64encode(b"MZ\x90\x00").decode()}
                ]
            },
            "TaiLieuNop.0.NoiDungTep",
            "“Tờ khai.pdf” không phải là tệp PDF, JPEG hoặc PNG",
        ),
        (
            {"TaiLieuNop": [{"TenTepDinhKem": "Tờ khai", "NoiDungTep": "không phải base64"}]},
            "TaiLieuNop.0.NoiDungTep",
            "Không phải dữ liệu base64 hợp lệ.",
        ),
        (
            {"DuocThanhToanTrucTuyen": "1"},
            "",
            "Hồ sơ đã thanh toán trực tuyến phải có thông tin thanh toán (ThanhToan).",
        ),
    ],
)
def test_a_malformed_dossier_is_refused_field_by_field_and_nothing_is_kept(
    client, ready, overrides, field, message
):
    response = push(client, MaHoSo="G-1", **overrides)

    assert response.status_code == 422
    assert any(
        error["field"] == field and error["message"].startswith(message)
        for error in response.json()["errors"]
    )
    assert not Dossier.objects.exists()
    assert not InboxMessage.objects.exists()


def test_the_same_dossier_under_a_new_key_is_acknowledged_without_a_second_dossier(client, ready):
    data = routed_dossier(MaHoSo="G-1")
    first = send(client, wire.SERVICE_DOSSIER, data, key="k-1")
    again = send(client, wire.SERVICE_DOSSIER, data, key="k-2")

    assert again.status_code == 200
    assert again.json()["state"] == "ignored"
    assert again.json()["data"]["MaHoSoMotCua"] == first.json()["data"]["MaHoSoMotCua"]
    assert Dossier.objects.count() == 1


def test_an_unmapped_procedure_is_parked_with_the_reason_then_received_once_mapped(
    client, ready, admin_client
):
    response = push(client, MaHoSo="G-1", MaTTHC="1.999999")

    assert response.status_code == 202
    assert response.json()["state"] == "parked"
    assert response.json()["message"].startswith(
        "Thủ tục 1.999999 không có trong danh mục và chưa được ánh xạ"
    )
    assert not Dossier.objects.exists()
    parked = InboxMessage.objects.get()
    assert (parked.state, parked.reason_code) == (InboxMessage.State.PARKED, "unmapped_procedure")

    from egov.catalog.models import Procedure

    saved = admin_client.post(
        "/admin/national_portal/proceduremapping/add/",
        {"national_code": "1.999999", "procedure": Procedure.objects.get().pk, "is_active": "on", "note": ""},
        follow=True,
    )

    assert "Đã tiếp nhận 1 hồ sơ đang chờ ánh xạ." in saved.content.decode()
    parked.refresh_from_db()
    assert parked.state == InboxMessage.State.APPLIED
    assert Dossier.objects.get().national_code == "G-1"


def test_an_agency_known_by_another_identifier_is_mapped(client, ready, province):
    parked = push(client, MaHoSo="G-1", MaDonVi="000.00.01.H98")
    assert parked.json()["code"] == "unmapped_agency"

    AgencyMapping.objects.create(national_code="000.00.01.H98", agency=province["centre"])
    from egov.exchange.contrib.national_portal.services import parked_release

    assert parked_release(actor=None) == 1
    assert Dossier.objects.get().receiving_agency == province["centre"]


def test_a_mapping_takes_precedence_over_the_same_code(client, ready, province):
    from egov.catalog.models import Procedure

    other = Procedure.objects.create(national_code="2.000488.LT")
    ProcedureMapping.objects.create(national_code="2.000488", procedure=other)
    response = push(client, MaHoSo="G-1")
    # The mapped procedure has no published version: parked, with that reason.
    assert response.json()["message"].startswith("Thủ tục 2.000488 chưa có phiên bản đang áp dụng")


def test_fees_paid_on_the_portal_are_recorded(client, ready):
    push(
        client,
        MaHoSo="G-1",
        DanhSachLePhi=[
            {"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí cấp phiếu", "Gia": 200000, "LoaiPhiLePhi": "2"}
        ],
        DuocThanhToanTrucTuyen="1",
        ThanhToan={"MaGiaoDich": "PAYGOV-1", "SoTien": 200000, "NgayThanhToan": "20260302081500"},
    )
    payment = Payment.objects.get()
    assert (payment.state, payment.amount, payment.channel, payment.reference) == (
        Payment.State.PAID,
        200000,
        Payment.Channel.NATIONAL_PORTAL,
        "PAYGOV-1",
    )
    assert NationalDossier.objects.get().fees[0]["TenPhiLePhi"] == "Lệ phí cấp phiếu"


def test_a_withdrawal_request_goes_through_the_withdrawal_service(client, ready):
    push(client, MaHoSo="G-1")
    response = send(
        client,
        wire.SERVICE_WITHDRAWAL,
        {"MaHoSo": "G-1", "LyDo": "Không còn nhu cầu", "NgayYeuCau": "20260302090000"},
    )

    assert response.status_code == 200
    assert response.json()["data"]["TrangThaiHoSo"] == 7
    dossier = Dossier.objects.get()
    assert dossier.status == Status.WITHDRAWAL_REQUESTED
    event = dossier.events.order_by("-id").first()
    assert (event.actor, event.note) == (dossier.applicant, "Không còn nhu cầu")


def test_a_withdrawal_after_the_result_is_refused_with_the_reason(client, ready):
    push(client, MaHoSo="G-1", TaiKhoanDuocXacThucVoiVNeID="0")
    Dossier.objects.filter(national_code="G-1").update(status=Status.RETURNED)

    response = send(
        client, wire.SERVICE_WITHDRAWAL, {"MaHoSo": "G-1", "LyDo": "x", "NgayYeuCau": "20260302090000"}
    )

    assert response.status_code == 409
    assert response.json()["message"] == "Hồ sơ ở trạng thái “Đã trả kết quả” không thể rút được nữa."


def test_a_withdrawal_without_an_applicant_account_is_recorded_for_the_portal(client, ready):
    push(client, MaHoSo="G-1", TaiKhoanDuocXacThucVoiVNeID="0")
    send(
        client, wire.SERVICE_WITHDRAWAL, {"MaHoSo": "G-1", "LyDo": "Nộp nhầm", "NgayYeuCau": "20260302090000"}
    )
    dossier = Dossier.objects.get()
    assert dossier.status == Status.WITHDRAWAL_REQUESTED
    assert dossier.events.order_by("-id").first().actor is None


def test_messages_that_arrive_before_their_dossier_wait_for_it(client, ready):
    early = send(
        client, wire.SERVICE_WITHDRAWAL, {"MaHoSo": "G-1", "LyDo": "Nộp nhầm", "NgayYeuCau": "20260302090000"}
    )
    assert (early.status_code, early.json()["state"]) == (202, "deferred")

    push(client, MaHoSo="G-1")

    assert Dossier.objects.get().status == Status.WITHDRAWAL_REQUESTED
    assert set(InboxMessage.objects.values_list("state", flat=True)) == {InboxMessage.State.APPLIED}


def test_a_payment_confirmation_sends_the_dossier_back_to_processing(client, ready):
    push(client, MaHoSo="G-1")
    dossier = Dossier.objects.get()
    dossier_receive(actor=ready["desk"], dossier=dossier)
    dossier_transfer(actor=ready["desk"], dossier=dossier)
    payment_request(actor=ready["specialist"], dossier=dossier, amount=150000, reason="Phí thẩm định")
    confirmation = {
        "MaHoSo": "G-1",
        "MaGiaoDich": "PAYGOV-9",
        "SoTien": 150000,
        "NgayThanhToan": wire.moment_to_wire(timezone.now()),
    }

    first = send(client, wire.SERVICE_PAYMENT, confirmation, key="p-1")
    again = send(client, wire.SERVICE_PAYMENT, confirmation, key="p-2")  # re-sent under a new key

    assert (first.status_code, first.json()["data"]["TrangThaiHoSo"]) == (200, 4)
    assert (again.json()["state"], again.json()["message"]) == (
        "ignored",
        "Khoản thanh toán này đã được ghi nhận trước đó.",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert list(Payment.objects.values_list("state", "reference")) == [(Payment.State.PAID, "PAYGOV-9")]


def test_a_supplement_made_on_the_portal_goes_back_to_the_desk_in_the_applicants_name(client, ready):
    from egov.dossiers.intake import dossier_request_supplement

    push(client, MaHoSo="G-1")
    dossier = Dossier.objects.get()
    dossier_request_supplement(actor=ready["desk"], dossier=dossier, items=["Bản sao giấy khai sinh"])
    supplement = {
        "MaHoSo": "G-1",
        "NoiDungBoSung": "Bổ sung giấy khai sinh",
        "NgayBoSung": wire.moment_to_wire(timezone.now()),
        "TaiLieuNop": [
            {"TenTepDinhKem": "Bản sao giấy khai sinh", "NoiDungTep": base64.b64encode(PNG).decode()}
        ],
    }

    response = send(client, wire.SERVICE_SUPPLEMENT, supplement)

    assert (response.status_code, response.json()["data"]["TrangThaiHoSo"]) == (200, 1)
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    request = dossier.supplement_requests.get()
    assert request.fulfilled_at is not None
    (paper,) = request.papers.all()
    assert (paper.name, paper.file.content_type) == ("Bản sao giấy khai sinh", "image/png")
    event = dossier.events.order_by("-id").first()
    assert (event.actor, event.note) == (dossier.applicant, "Bổ sung giấy khai sinh")


def test_a_supplement_without_an_account_here_waits_for_the_desk_and_one_not_asked_for_is_refused(
    client, ready
):
    from egov.dossiers.intake import dossier_request_supplement

    push(client, MaHoSo="G-1", TaiKhoanDuocXacThucVoiVNeID="0")
    push(client, MaHoSo="G-2", SoDinhDanh="036195004567")
    late = {"NoiDungBoSung": "", "NgayBoSung": wire.moment_to_wire(timezone.now()), "TaiLieuNop": []}
    dossier_request_supplement(
        actor=ready["desk"], dossier=Dossier.objects.get(national_code="G-1"), items=["x"]
    )

    parked = send(client, wire.SERVICE_SUPPLEMENT, {"MaHoSo": "G-1", **late})
    refused = send(client, wire.SERVICE_SUPPLEMENT, {"MaHoSo": "G-2", **late})

    assert (parked.status_code, parked.json()["code"]) == (202, "no_applicant_account")
    assert Dossier.objects.get(national_code="G-1").status == Status.SUPPLEMENT_REQUESTED
    assert (refused.status_code, refused.json()["code"]) == (409, "nothing_requested")
