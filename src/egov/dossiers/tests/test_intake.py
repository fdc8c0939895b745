"""The one-stop section's decisions with hand-computed dates (Decree 118/2025 Art. 17–21)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from egov.core.audit.models import AuditEvent
from egov.dossiers.intake import (
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_request_withdrawal,
    dossier_stop,
    dossier_supplement,
    dossier_transfer,
    supplements_close_expired,
    transfer_deadline,
)
from egov.dossiers.models import ControlRow, Dossier, Slip, Status
from egov.dossiers.tests.conftest import new_dossier, publish

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def test_online_dossier_must_be_accepted_within_8_working_hours(dossier):
    """Art. 17.2: 8 working hours from submission."""
    from egov.core.calendar.selectors import add_working_hours

    assert dossier.acceptance_due_at == add_working_hours(dossier.submitted_at, 8)


def test_receiving_across_tet_2026_sets_the_appointment_and_issues_the_receipt(dossier, officer):
    """Thu 12/02/2026 09:00 + 5 working days: 13/02, Tết 16–20/02, 23, 24, 25, 26/02 → 26/02 09:00."""
    received = dossier_receive(actor=officer, dossier=dossier, sets=2, at=at(2026, 2, 12))

    assert received.status == Status.RECEIVED
    assert received.due_at == at(2026, 2, 26)
    assert received.received_by == officer
    assert received.processing_agency.code == "H99.03"
    receipt = Slip.objects.get(dossier=dossier, kind=Slip.Kind.RECEIPT)
    assert receipt.data["due_at"] == at(2026, 2, 26).isoformat()
    assert receipt.data["sets"] == 2
    assert receipt.data["applicant_id"] == "037090001234"
    assert receipt.data["processing_days"] == 5
    assert receipt.file is None  # rendered lazily, on first request


def test_online_channel_uses_the_online_processing_time(province, officer, applicant):
    procedure = publish(province, code="1.000001", days=5, online_days=3)
    dossier = new_dossier(procedure, province, applicant)

    received = dossier_receive(actor=officer, dossier=dossier, at=at(2026, 4, 28, 10))

    # Tue 28/04/2026 10:00 + 3: Wed 29, (30/04 and 01/05 holidays, weekend) Mon 04/05, Tue 05/05 → 10:00.
    assert received.due_at == at(2026, 5, 5, 10)


def test_received_before_15_00_is_transferred_the_same_day_after_it_the_next_working_day(db):
    """Art. 18.2."""
    assert transfer_deadline(at(2026, 2, 13, 14, 59)) == at(2026, 2, 13, 17)
    assert transfer_deadline(at(2026, 2, 13, 15, 1)) == at(2026, 2, 23, 8, 30)  # Tết, then Mon 23/02
    assert transfer_deadline(at(2026, 8, 29, 10)) == at(2026, 9, 3, 8, 30)  # Sat; 31/8, 1–2/9 off


def test_an_immediate_result_skips_the_receipt_unless_asked(province, officer, applicant):
    """Art. 17.4."""
    procedure = publish(province, code="2.000001", days=0)
    silent = new_dossier(procedure, province, applicant)
    asked = new_dossier(procedure, province, applicant)
    Dossier.objects.filter(pk=asked.pk).update(is_receipt_requested=True)

    dossier_receive(actor=officer, dossier=silent, at=at(2026, 3, 2))
    received = dossier_receive(actor=officer, dossier=Dossier.objects.get(pk=asked.pk), at=at(2026, 3, 2))

    assert not Slip.objects.filter(dossier=silent).exists()
    assert Slip.objects.filter(dossier=asked, kind=Slip.Kind.RECEIPT).count() == 1
    assert received.due_at == at(2026, 3, 2)


def test_supplement_request_lists_everything_at_once_and_the_supplement_returns_it_to_the_queue(
    dossier, officer, applicant
):
    request = dossier_request_supplement(
        actor=officer,
        dossier=dossier,
        items=["Bản sao Giấy khai sinh", " ", "Ảnh 4x6"],
        reason="Thiếu giấy tờ",
        at=at(2026, 3, 2),
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert request.items == ["Bản sao Giấy khai sinh", "Ảnh 4x6"]
    assert request.due_on == date(2026, 3, 17)
    slip = Slip.objects.get(dossier=dossier, kind=Slip.Kind.SUPPLEMENT_REQUEST)
    assert slip.data["items"] == ["Bản sao Giấy khai sinh", "Ảnh 4x6"]

    dossier_supplement(actor=applicant, dossier=dossier, at=at(2026, 3, 3, 16, 55))

    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == Status.NEW
    assert request.fulfilled_at == at(2026, 3, 3, 16, 55)
    assert dossier.acceptance_due_at == at(2026, 3, 4, 16, 55)


def test_a_supplement_request_must_say_what_is_missing(dossier, officer):
    with pytest.raises(ValidationError):
        dossier_request_supplement(actor=officer, dossier=dossier, items=["", "  "])

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW


def test_an_unsupplemented_dossier_closes_after_15_days_with_a_stop_notice(dossier, officer):
    """Art. 19.5."""
    dossier_request_supplement(actor=officer, dossier=dossier, items=["Ảnh"], at=at(2026, 3, 2))

    assert supplements_close_expired(today=date(2026, 3, 17)) == []
    assert supplements_close_expired(today=date(2026, 3, 18)) == [dossier.code]
    assert supplements_close_expired(today=date(2026, 3, 19)) == []

    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    assert dossier.closed_at is not None
    assert Slip.objects.filter(dossier=dossier, kind=Slip.Kind.STOP_NOTICE).count() == 1


def test_refusal_needs_a_reason_and_issues_form_03(dossier, officer):
    with pytest.raises(ValidationError):
        dossier_refuse(actor=officer, dossier=dossier, reasons=[" "])
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW

    slip = dossier_refuse(actor=officer, dossier=dossier, reasons=["Không thuộc thẩm quyền"])

    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert slip.kind == Slip.Kind.REFUSAL
    assert slip.data["reasons"] == ["Không thuộc thẩm quyền"]


@pytest.mark.parametrize(
    ("handed", "outcome"),
    [((2026, 2, 11, 16), ControlRow.Outcome.ON_TIME), ((2026, 2, 12, 10), ControlRow.Outcome.LATE)],
)
def test_transfer_writes_the_first_control_slip_row(dossier, officer, handed, outcome):
    dossier_receive(actor=officer, dossier=dossier, at=at(2026, 2, 11, 9))

    row = dossier_transfer(actor=officer, dossier=dossier, at=at(*handed))

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert row.due_at == at(2026, 2, 11, 17)
    assert row.outcome == outcome
    assert row.to_agency.code == "H99.03"


def test_only_the_applicant_can_ask_to_withdraw_and_the_desk_issues_the_stop_notice(
    dossier, applicant, officer
):
    with pytest.raises(PermissionDenied):
        dossier_request_withdrawal(actor=officer, dossier=dossier, reason="x")

    dossier_request_withdrawal(actor=applicant, dossier=dossier, reason="Không còn nhu cầu")
    notice = dossier_stop(actor=officer, dossier=dossier, reason="Theo yêu cầu của người nộp")

    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
    assert notice.kind == Slip.Kind.STOP_NOTICE
    assert list(dossier.events.values_list("to_status", flat=True)) == [
        Status.NEW,
        Status.WITHDRAWAL_REQUESTED,
        Status.STOPPED,
    ]


@pytest.mark.parametrize("who", ["other_officer", "specialist", "applicant", "anonymous"])
@pytest.mark.parametrize("action", ["receive", "supplement", "refuse", "stop"])
def test_only_an_officer_of_the_receiving_section_decides_and_a_refusal_changes_nothing(
    who, action, request, dossier
):
    actor = None if who == "anonymous" else request.getfixturevalue(who)
    audits = AuditEvent.objects.count()
    calls = {
        "receive": lambda: dossier_receive(actor=actor, dossier=dossier),
        "supplement": lambda: dossier_request_supplement(actor=actor, dossier=dossier, items=["x"]),
        "refuse": lambda: dossier_refuse(actor=actor, dossier=dossier, reasons=["x"]),
        "stop": lambda: dossier_stop(actor=actor, dossier=dossier, reason="x"),
    }

    with pytest.raises(PermissionDenied):
        calls[action]()

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    assert AuditEvent.objects.count() == audits
    assert not Slip.objects.filter(dossier=dossier).exists()


def test_a_commune_procedure_goes_to_the_commune_whose_centre_received_it(province, officer, applicant):
    """Decree 118/2025 Art. 14.2: any centre receives; the commune of that centre processes it."""
    from egov.accounts.models import Agency, Membership
    from egov.catalog.services import procedure_version_write
    from egov.dossiers.services import dossier_create

    other = Agency.objects.create(
        code="H99.29", name="UBND phường Hai", level="commune", parent=province["root"]
    )
    version = procedure_version_write(
        actor=None,
        national_code="1.001193",
        field_name="Hộ tịch",
        data={
            "name": "Đăng ký khai sinh",
            "level": "commune",
            "processing_days": 1,
            "result_type": "Giấy khai sinh",
        },
        papers=[],
        steps=[
            {"order": 1, "name": "Thẩm định", "agency_id": other.pk, "role": "specialist", "quota_hours": 8}
        ],
        agency_ids=[other.pk, province["commune"].pk],
        publish=True,
    )
    desk = Membership.objects.create(user=officer, agency=province["commune_centre"], role="one_stop_officer")
    dossier = dossier_create(
        actor=applicant,
        version=version,
        receiving_agency=province["commune_centre"],
        channel="online",
        applicant=applicant,
        applicant_name="Nguyễn Văn An",
    )

    received = dossier_receive(actor=desk.user, dossier=dossier, at=at(2026, 3, 2))
    dossier_transfer(actor=desk.user, dossier=received, at=at(2026, 3, 2, 10))

    assert received.processing_agency == province["commune"]
    assert received.steps.get(order=1).agency == province["commune"]
