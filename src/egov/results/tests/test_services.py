"""Issuing, refusing and correcting signed results (Decree 118/2025 Art. 19.3, 22, 23)."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egov.catalog.models import RequiredPaper
from egov.core.audit.models import AuditEvent
from egov.core.models import StoredFile
from egov.core.uploads import stored_file_verify
from egov.estore.models import EStoreItem
from egov.estore.selectors import estore_items_matching
from egov.portal.services import draft_start, draft_use_estore_item
from egov.results.models import ResultDocument, ResultNumberCounter
from egov.results.selectors import current_result_of_dossier, result_by_e_code, results_of_dossier
from egov.results.services import rejection_notice_issue, result_correct, result_issue
from egov.results.tests.conftest import BODY, HOLDER_ID, new_dossier, publish
from egov.signing.selectors import validate_pdf


def read(document: ResultDocument) -> bytes:
    with document.file.file.open("rb") as handle:
        return handle.read()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def issue(head, dossier, **overrides):
    return result_issue(
        actor=head,
        dossier=dossier,
        title=overrides.pop("title", "Phiếu lý lịch tư pháp số 1"),
        body_fields=BODY | overrides,
    )


def test_issued_result_is_signed_by_the_agency_and_validates(head, dossier, tmp_path):
    result = issue(head, dossier)

    pdf = read(result)
    validation = validate_pdf(pdf)
    assert validation.is_valid is True
    assert validation.intact is True
    assert validation.valid_signature is True
    assert validation.trusted is True
    assert validation.signer_common_name == "Sở Tư pháp"
    assert result.sha256 == result.file.sha256
    assert stored_file_verify(result.file) is True
    assert result.signed_by == head
    assert result.agency == dossier.processing_agency
    text = pdf_text(pdf, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "SỞ TƯ PHÁP" in text
    assert f"Số: {result.document_number}" in text
    assert "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1" in text
    assert "Không có án tích" in text
    assert "GIÁM ĐỐC" in text
    assert "Lê Thị Hoa" in text
    assert result.e_result_code in text


def test_one_flipped_byte_in_the_stored_result_is_detected(head, dossier):
    pdf = bytearray(read(issue(head, dossier)))
    pdf[len(pdf) // 4] ^= 0x01

    assert validate_pdf(bytes(pdf)).is_valid is False


def test_e_result_codes_in_both_forms(head, dossier):
    first = issue(head, dossier)
    second = issue(head, dossier, title="Phiếu lý lịch tư pháp số 2")

    # Decree 118/2025 Art. 22.4: holder's identification number + result type code.
    assert first.e_result_code == f"{HOLDER_ID}LLTP"
    assert second.e_result_code == f"{HOLDER_ID}LLTP"
    # Decree 45/2020 Art. 14.3: <dossier code>-KQ<n>, one per document.
    assert first.legacy_code == f"{dossier.code}-KQ1"
    assert second.legacy_code == f"{dossier.code}-KQ2"
    assert [doc.number for doc in results_of_dossier(dossier=dossier)] == [1, 2]
    assert result_by_e_code(code=f"{dossier.code}-KQ1") == first
    assert result_by_e_code(code=f"{HOLDER_ID}LLTP") == second  # the latest in force
    assert result_by_e_code(code="nothing") is None


def test_a_holder_without_personal_id_gets_the_older_code_and_no_e_store_item(
    procedure, province, holder, head
):
    dossier = new_dossier(procedure, province, holder, personal_id="")

    result = issue(head, dossier)

    assert result.e_result_code == f"{dossier.code}-KQ1"
    assert result.legacy_code == f"{dossier.code}-KQ1"
    assert result.holder_personal_id == ""
    assert result.estore_item is None
    assert EStoreItem.objects.count() == 0


def test_a_procedure_without_result_type_code_gets_the_older_code(province, holder, head):
    procedure = publish(province, code="1.000001", result_type_code="")
    dossier = new_dossier(procedure, province, holder)

    assert issue(head, dossier).e_result_code == f"{dossier.code}-KQ1"


def test_documents_are_numbered_per_agency_and_year(head, dossier, procedure, province, holder):
    first = issue(head, dossier)
    other = issue(head, new_dossier(procedure, province, holder))

    year = timezone.localdate().year
    assert first.document_number == "01/GCN-STP"
    assert other.document_number == "02/GCN-STP"
    assert ResultNumberCounter.objects.get(agency=province["justice"], year=year).last_number == 2


def test_the_result_is_in_the_holders_e_store_and_a_later_draft_can_reuse_it(head, dossier, holder, province):
    result = issue(head, dossier)

    items = list(estore_items_matching(user=holder, result_type_code="LLTP"))
    assert items == [result.estore_item]
    item = items[0]
    assert item.owner_personal_id == HOLDER_ID
    assert item.file == result.file
    assert item.e_result_code == f"{HOLDER_ID}LLTP"
    assert item.issuer == province["justice"]
    later = publish(
        province,
        code="1.004567",
        result_type_code="GP",
        papers=[{"order": 1, "name": "Phiếu lý lịch tư pháp", "reusable_result_type": "LLTP"}],
    )
    draft = draft_start(user=holder, version=later)
    paper = RequiredPaper.objects.get(version=later)
    draft_use_estore_item(user=holder, draft=draft, paper_id=paper.pk, item_id=item.pk)
    draft.refresh_from_db()
    assert draft.papers == {str(paper.pk): {"estore": item.pk}}


@pytest.mark.parametrize("who", ["specialist", "other_head", "holder"])
def test_only_the_processing_agencys_head_may_sign(who, request, dossier):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        issue(actor, dossier)
    with pytest.raises(PermissionDenied):
        rejection_notice_issue(actor=actor, dossier=dossier, reason="Không đủ điều kiện.")

    assert ResultDocument.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert EStoreItem.objects.count() == 0
    assert ResultNumberCounter.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="results.").exists()


def test_a_dossier_without_processing_agency_cannot_get_a_result(head, dossier):
    type(dossier).objects.filter(pk=dossier.pk).update(processing_agency=None)
    dossier.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        issue(head, dossier)

    assert error.value.code == "no_processing_agency"


def test_unknown_or_malformed_content_is_refused(head, dossier):
    with pytest.raises(ValidationError):
        result_issue(actor=head, dossier=dossier, title="X", body_fields={"colour": "red"})
    with pytest.raises(ValidationError):
        result_issue(actor=head, dossier=dossier, title="X", body_fields={"paragraphs": "not a list"})
    with pytest.raises(ValidationError):
        result_issue(actor=head, dossier=dossier, title="X", body_fields={"valid_until": "31/12/2030"})
    with pytest.raises(ValidationError):
        result_issue(actor=head, dossier=dossier, title=" ", body_fields={})
    assert ResultDocument.objects.count() == 0


def test_issuing_is_audited(head, dossier):
    result = issue(head, dossier)

    event = AuditEvent.objects.get(action="results.result_issued")
    assert event.actor_id == head.pk
    assert event.target_id == str(result.pk)
    assert event.changes["legacy_code"] == [None, result.legacy_code]
    assert event.changes["sha256"] == [None, result.sha256]


def test_rejection_notice_is_signed_with_the_reason_and_not_offered_for_reuse(
    head, dossier, holder, tmp_path
):
    notice = rejection_notice_issue(
        actor=head, dossier=dossier, reason="Người yêu cầu không thuộc đối tượng được cấp."
    )

    pdf = read(notice)
    assert validate_pdf(pdf).is_valid is True
    text = pdf_text(pdf, tmp_path)
    assert "THÔNG BÁO" in text
    assert "không thuộc đối tượng được cấp" in text
    assert notice.kind == ResultDocument.Kind.REJECTION_NOTICE
    assert notice.document_number == "01/TB-STP"
    assert notice.e_result_code == f"{dossier.code}-KQ1"
    assert notice.estore_item is not None
    assert notice.estore_item.result_type_code == ""
    assert list(estore_items_matching(user=holder, result_type_code="LLTP")) == []
    assert AuditEvent.objects.filter(
        action="results.rejection_notice_issued", target_id=str(notice.pk)
    ).exists()


def test_a_rejection_needs_a_reason(head, dossier):
    with pytest.raises(ValidationError):
        rejection_notice_issue(actor=head, dossier=dossier, reason="  ")


def test_a_correction_supersedes_without_overwriting(head, dossier, holder, tmp_path):
    first = issue(head, dossier)
    first_bytes = read(first)

    corrected = result_correct(
        actor=head,
        result=first,
        corrected_fields={
            "particulars": [["Họ và tên", "Nguyễn Văn An"], ["Ngày, tháng, năm sinh", "21/03/1990"]]
        },
        reason="Sai ngày sinh.",
    )

    first.refresh_from_db()
    assert first.superseded_at == corrected.issued_at
    assert first.superseded_by == corrected
    assert corrected.supersedes == first
    # Both files are kept, the first byte for byte.
    assert read(first) == first_bytes
    assert stored_file_verify(first.file) is True
    assert corrected.file_id != first.file_id
    assert corrected.sha256 != first.sha256
    assert validate_pdf(read(corrected)).is_valid is True
    text = pdf_text(read(corrected), tmp_path)
    assert "21/03/1990" in text
    assert f"thay thế văn bản số {first.document_number}" in text
    # Same e-result code (a kind of paper of the person), a new -KQ<n>.
    assert corrected.e_result_code == first.e_result_code
    assert corrected.legacy_code == f"{dossier.code}-KQ2"
    assert result_by_e_code(code=first.e_result_code) == corrected
    assert result_by_e_code(code=first.legacy_code) == first
    assert current_result_of_dossier(dossier=dossier) == corrected
    assert list(results_of_dossier(dossier=dossier, include_superseded=False)) == [corrected]
    # The e-store keeps both items (it has no "superseded" flag); the newest comes first.
    assert list(estore_items_matching(user=holder, result_type_code="LLTP")) == [
        corrected.estore_item,
        first.estore_item,
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"results.result_corrected", "results.result_superseded"} <= actions


def test_a_correction_records_whether_it_came_within_3_working_days(head, dossier):
    with time_machine.travel("2026-03-02 09:00 +07:00", tick=False):  # Monday
        first = issue(head, dossier)
    with time_machine.travel("2026-03-05 09:00 +07:00", tick=False):  # Thursday: 3 working days later
        in_time = result_correct(
            actor=head,
            result=first,
            corrected_fields={"summary": "Về việc cấp Phiếu lý lịch tư pháp"},
            reason="Sai trích yếu.",
            reported_at=timezone.now() - timedelta(days=3),
        )
    with time_machine.travel("2026-03-11 09:00 +07:00", tick=False):  # next Wednesday: 4 working days
        late = result_correct(
            actor=head,
            result=in_time,
            corrected_fields={"recipients": ["Người yêu cầu"]},
            reason="Sai nơi nhận.",
            reported_at=timezone.now() - timedelta(days=6),
        )

    assert in_time.is_corrected_in_time is True
    assert late.is_corrected_in_time is False
    assert late.reported_at is not None
    assert late.correction_reason == "Sai nơi nhận."


def test_a_superseded_document_cannot_be_corrected_again(head, dossier):
    first = issue(head, dossier)
    result_correct(actor=head, result=first, corrected_fields={"summary": "Về việc khác"}, reason="Sai.")

    with pytest.raises(ValidationError) as error:
        result_correct(actor=head, result=first, corrected_fields={"summary": "Lần nữa"}, reason="Sai.")

    assert error.value.code == "already_superseded"
    assert ResultDocument.objects.count() == 2


def test_correction_needs_the_signing_permission_and_a_reason(head, specialist, dossier):
    first = issue(head, dossier)

    with pytest.raises(PermissionDenied):
        result_correct(actor=specialist, result=first, corrected_fields={"summary": "X"}, reason="Sai.")
    with pytest.raises(ValidationError):
        result_correct(actor=head, result=first, corrected_fields={"summary": "X"}, reason="")
    with pytest.raises(ValidationError):
        result_correct(actor=head, result=first, corrected_fields={}, reason="Sai.")
    with pytest.raises(ValidationError):
        result_correct(
            actor=head,
            result=first,
            corrected_fields={"summary": "X"},
            reason="Sai.",
            reported_at=timezone.now() + timedelta(hours=1),
        )
    first.refresh_from_db()
    assert first.superseded_at is None
    assert ResultDocument.objects.count() == 1


def test_a_rejection_notice_can_be_corrected_in_its_reason_only(head, dossier):
    notice = rejection_notice_issue(actor=head, dossier=dossier, reason="Lý do cũ.")

    with pytest.raises(ValidationError):
        result_correct(actor=head, result=notice, corrected_fields={"summary": "X"}, reason="Sai.")
    corrected = result_correct(
        actor=head, result=notice, corrected_fields={"reason": "Lý do đúng."}, reason="Sai lý do."
    )

    assert corrected.kind == ResultDocument.Kind.REJECTION_NOTICE
    assert corrected.content["reason"] == "Lý do đúng."
    assert corrected.document_number == "02/TB-STP"
