"""A three-agency dossier end to end (Decree 118/2025 Art. 19–22): every due moment hand-computed from the
working calendar of March 2026 (no holidays in it; weekends 7–8, 14–15 March).

Birth registration with health insurance and residence (liên thông): the commune appraises (8 h), the
social insurance office issues the card (8 h), the police registers residence (8 h), the commune
chairman signs (8 h), the one-stop centre returns the result; with reception, 5 working days in all."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from egov.accounts.models import Agency
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.dossiers.intake import dossier_receive, dossier_supplement, dossier_transfer
from egov.dossiers.models import ControlRow, Dossier, DossierStep, Slip, Status
from egov.dossiers.processing import (
    dossier_current_due,
    dossier_extend,
    dossier_return,
    processing_request_supplement,
    step_complete,
    step_reassign,
)
from egov.dossiers.services import dossier_create
from egov.dossiers.statistics import LateReason, Outcome, classify
from egov.dossiers.tests.conftest import official
from egov.results.services import result_issue
from egov.signing.selectors import validate_pdf

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def liên_thông(province, applicant):
    insurance = Agency.objects.create(
        code="H99.40", name="Bảo hiểm xã hội tỉnh", level="department", parent=province["root"]
    )
    police = Agency.objects.create(
        code="H99.12", name="Công an tỉnh", level="department", parent=province["root"]
    )
    commune = province["commune"]
    version = procedure_version_write(
        actor=None,
        national_code="1.001193.LT",
        field_name="Hộ tịch",
        data={
            "name": "Liên thông đăng ký khai sinh, cấp thẻ BHYT, đăng ký thường trú",
            "level": "commune",
            "processing_days": 5,
            "result_type": "Giấy khai sinh",
            "result_type_code": "KS",
        },
        papers=[{"order": 1, "name": "Tờ khai đăng ký khai sinh"}],
        steps=[
            {"order": 1, "name": "Tiếp nhận", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal(4)},
            {
                "order": 2,
                "name": "Thẩm định hồ sơ khai sinh",
                "agency_id": commune.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal(8),
            },
            {
                "order": 3,
                "name": "Cấp thẻ bảo hiểm y tế",
                "agency_id": insurance.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal(8),
            },
            {
                "order": 4,
                "name": "Đăng ký thường trú",
                "agency_id": police.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal(8),
            },
            {
                "order": 5,
                "name": "Ký giấy khai sinh",
                "agency_id": commune.pk,
                "role": Role.AGENCY_HEAD,
                "quota_hours": Decimal(8),
            },
            {"order": 6, "name": "Trả kết quả", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal(4)},
        ],
        agency_ids=[commune.pk],
        publish=True,
    )
    people = {
        "desk": official("motcua.xa", province["commune_centre"], Role.ONE_STOP_OFFICER),
        "commune_specialist": official("tuphap.xa", commune, Role.SPECIALIST),
        "commune_specialist_2": official("tuphap2.xa", commune, Role.SPECIALIST),
        "chairman": official("chutich.xa", commune, Role.AGENCY_HEAD),
        "insurance": official("bhxh", insurance, Role.SPECIALIST),
        "police": official("congan", police, Role.SPECIALIST),
    }
    for person in people.values():
        person.memberships.update(valid_from="2025-07-01")
    dossier = dossier_create(
        actor=applicant,
        version=version,
        receiving_agency=province["commune_centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=applicant,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="037090001234",
        applicant_phone="0912345678",
    )
    return {
        "dossier": dossier,
        "people": people,
        "commune": commune,
        "insurance": insurance,
        "police": police,
    }


def active(dossier) -> DossierStep:
    return dossier.steps.get(state=DossierStep.State.ACTIVE)


def test_three_agencies_with_a_supplement_pause_an_apology_and_the_return(liên_thông, applicant):
    dossier, people = liên_thông["dossier"], liên_thông["people"]

    # Mon 02/03 09:00 received: 5 working days → Mon 09/03 09:00.
    dossier_receive(actor=people["desk"], dossier=dossier, at=at(2, 9))
    dossier.refresh_from_db()
    assert dossier.due_at == at(9, 9)
    assert dossier.processing_agency == liên_thông["commune"]

    # Transfer 10:00: the commune's appraisal runs 8 working hours → Tue 03/03 10:00.
    dossier_transfer(actor=people["desk"], dossier=dossier, at=at(2, 10))
    appraisal = active(dossier)
    assert (appraisal.name, appraisal.agency, appraisal.due_at) == (
        "Thẩm định hồ sơ khai sinh",
        liên_thông["commune"],
        at(3, 10),
    )
    assert dossier.steps.get(order=1).state == DossierStep.State.DONE  # reception

    # A head-less specialist of the commune may work the unassigned step; another agency's may not.
    with pytest.raises(PermissionDenied):
        step_complete(actor=people["police"], step=appraisal, at=at(2, 11))

    # Tue 03/03 09:00: supplement asked (within 3 working days of reception); the applicant's time pauses.
    processing_request_supplement(
        actor=people["commune_specialist"], step=appraisal, items=["Giấy chứng sinh bản chính"], at=at(3, 9)
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    # Thu 05/03 14:00: supplied; the statutory 5 days count again → Thu 12/03 14:00; the step's 8 h too.
    dossier_supplement(actor=applicant, dossier=dossier, at=at(5, 14))
    dossier.refresh_from_db()
    appraisal.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(9, 9)  # the receipt's appointment is never edited…
    assert dossier_current_due(dossier) == at(12, 14)  # …the current one is derived from the pause
    assert appraisal.due_at == at(6, 14)
    assert dossier.pauses.get().ended_at == at(5, 14)

    # A second supplement is allowed only within 3 working days of reception (until Thu 05/03 09:00).
    with pytest.raises(ValidationError):
        processing_request_supplement(
            actor=people["commune_specialist"], step=appraisal, items=["x"], at=at(6, 8)
        )

    # The head reassigns, and the new holder finishes Fri 06/03 11:00: on time (due 14:00 the same day).
    step_reassign(actor=people["chairman"], step=appraisal, to=people["commune_specialist_2"], at=at(6, 8))
    (insurance_step,) = step_complete(actor=people["commune_specialist_2"], step=appraisal, at=at(6, 11))
    appraisal.refresh_from_db()
    assert appraisal.outcome == DossierStep.Outcome.ON_TIME
    assert [h.holder for h in appraisal.holdings.order_by("started_at")] == [people["commune_specialist_2"]]
    # Insurance: 8 h from Fri 11:00 → Mon 09/03 11:00; a transfer slip goes with it to the other agency.
    assert (insurance_step.agency, insurance_step.due_at) == (liên_thông["insurance"], at(9, 11))
    transfer = Slip.objects.filter(dossier=dossier, kind=Slip.Kind.TRANSFER).get()
    assert transfer.data["to"] == "Bảo hiểm xã hội tỉnh"
    assert transfer.data["due_at"] == at(9, 11).isoformat()

    # Insurance finishes Tue 10/03 09:00: late. Police: 8 h → Wed 11/03 09:00.
    (police_step,) = step_complete(actor=people["insurance"], step=insurance_step, at=at(10, 9))
    insurance_step.refresh_from_db()
    assert insurance_step.outcome == DossierStep.Outcome.LATE
    assert police_step.due_at == at(11, 9)

    # Tue 10/03 15:00, more than one calendar day before Thu 12/03 14:00: the apology (form 04), once.
    apology = dossier_extend(
        actor=people["chairman"],
        dossier=dossier,
        new_due=at(16, 14),
        reason="Chờ kết quả đăng ký thường trú",
        at=at(10, 15),
    )
    assert apology.kind == Slip.Kind.APOLOGY
    assert apology.data["previous_due_at"] == at(12, 14).isoformat()
    assert dossier_current_due(dossier) == at(16, 14)
    with pytest.raises(ValidationError):
        dossier_extend(
            actor=people["chairman"], dossier=dossier, new_due=at(18, 14), reason="again", at=at(10, 16)
        )

    # Police finishes Wed 11/03 16:00 (late); the chairman's signature: 8 h → Thu 12/03 16:00.
    (signing,) = step_complete(actor=people["police"], step=police_step, at=at(11, 16))
    assert (signing.agency, signing.due_at) == (liên_thông["commune"], at(12, 16))
    # Only the agency head signs.
    with pytest.raises(PermissionDenied):
        step_complete(actor=people["commune_specialist"], step=signing, at=at(12, 9))
    # The chairman signs the birth certificate (PAdES); it validates and lands in the holder's e-store.
    result = result_issue(
        actor=people["chairman"],
        dossier=dossier,
        title="Giấy khai sinh",
        body_fields={
            "document_type": "certificate",
            "particulars": [["Họ, chữ đệm, tên", "Nguyễn Văn Bình"]],
        },
    )
    with result.file.file.open("rb") as handle:
        signed = validate_pdf(handle.read())
    assert (signed.intact, signed.valid_signature, signed.trusted) == (True, True, True)
    assert signed.signer_common_name == liên_thông["commune"].name
    assert result.e_result_code == "037090001234KS"
    (returning,) = step_complete(actor=people["chairman"], step=signing, at=at(12, 10))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED
    assert dossier.processed_at == at(12, 10)
    assert returning.agency == liên_thông["dossier"].receiving_agency

    # Returned at the counter Fri 13/03 08:00.
    returned = dossier_return(actor=people["desk"], dossier=dossier, method="counter", at=at(13, 8))
    assert (returned.status, returned.returned_at, returned.return_method) == (
        Status.RETURNED,
        at(13, 8),
        "counter",
    )
    rows = list(
        ControlRow.objects.filter(dossier=dossier).order_by("handed_at").values_list("outcome", flat=True)
    )
    assert rows == ["on_time", "on_time", "late", "late", "on_time"]

    # Indicator 2.1: from reception (02/03 09:00) to processed (12/03 10:00) is 219,600 s of session time
    # = 976/15 working hours; the pause (03/03 09:00–05/03 14:00) is 64,800 s = 96/5 h; net 688/15 h ≈ 45.9 h
    # against 40 h allowed → late, and late anyway because of the apology.
    standing = classify(dossier, period_end=at(31, 23))
    assert standing.outcome == Outcome.LATE
    assert standing.end == at(12, 10)
    assert standing.paused_hours == Fraction(96, 5)
    assert standing.net_hours == Fraction(688, 15)
    assert standing.allowed_hours == 40
    assert set(standing.late_reasons) == {LateReason.TIME, LateReason.EXTENSION}


def test_a_stopped_dossier_leaves_every_work_queue(liên_thông, applicant):
    dossier, people = liên_thông["dossier"], liên_thông["people"]
    dossier_receive(actor=people["desk"], dossier=dossier, at=at(2, 9))
    dossier_transfer(actor=people["desk"], dossier=dossier, at=at(2, 10))
    from egov.dossiers.intake import dossier_request_withdrawal, dossier_stop

    dossier_request_withdrawal(actor=applicant, dossier=dossier, reason="Không còn nhu cầu", at=at(2, 11))
    dossier_stop(actor=people["desk"], dossier=dossier, reason="Theo yêu cầu", at=at(2, 14))

    assert not dossier.steps.filter(state=DossierStep.State.ACTIVE).exists()
    assert dossier.steps.get(order=2).finished_at == at(2, 14)
