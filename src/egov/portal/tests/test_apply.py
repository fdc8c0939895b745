"""A citizen applies online: form, papers (upload, e-store, national databases), check, submit."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.accounts.models import User
from egov.core.audit.models import AuditEvent
from egov.dossiers.models import Dossier, Status
from egov.portal.models import ApplicationDraft, Profile
from egov.portal.tests.conftest import PDF_BYTES


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start(client: Client) -> ApplicationDraft:
    response = client.post("/thu-tuc/3.000333/nop-truc-tuyen/")
    assert response.status_code == 302
    return ApplicationDraft.objects.get()


@pytest.mark.django_db
def test_form_opens_prefilled_from_what_the_citizen_already_declared(citizen, procedure):
    client = _client(citizen)
    draft = _start(client)

    page = client.get(f"/nop-ho-so/{draft.pk}/to-khai/").content.decode()

    assert 'value="Nguyễn Văn An"' in page
    assert 'value="037090001234"' in page
    assert 'value="0912345678"' in page
    assert 'value="Phường Hoa Lư"' in page


@pytest.mark.django_db
def test_form_errors_are_shown_per_field_in_vietnamese_and_nothing_typed_is_lost(citizen, procedure):
    client = _client(citizen)
    draft = _start(client)

    response = client.post(
        f"/nop-ho-so/{draft.pk}/to-khai/",
        {"full_name": "Nguyễn Văn An", "personal_id": "12345", "phone": "0912345678", "purpose": ""},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in page
    assert 'id="error-purpose"' in page
    assert 'value="12345"' in page
    draft.refresh_from_db()
    assert draft.form_data == {"full_name": "Nguyễn Văn An", "personal_id": "12345", "phone": "0912345678"}


def _fill_form(client: Client, draft: ApplicationDraft) -> None:
    response = client.post(
        f"/nop-ho-so/{draft.pk}/to-khai/",
        {
            "full_name": "Nguyễn Văn An",
            "personal_id": "037090001234",
            "phone": "0912345678",
            "address": "Số 5 phố Lê Hồng Phong, phường Hoa Lư",
            "purpose": "Xin việc",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nop-ho-so/{draft.pk}/giay-to/"


@pytest.mark.django_db
def test_a_file_that_is_not_really_a_pdf_is_refused_and_the_rest_is_kept(citizen, procedure):
    client = _client(citizen)
    draft = _start(client)
    _fill_form(client, draft)
    paper = procedure.papers.get(order=1)

    response = client.post(
        f"/nop-ho-so/{draft.pk}/giay-to/",
        {
            "action": "upload",
            "paper": paper.pk,
            "file": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )

    assert response.status_code == 400
    assert (
        "is not a PDF, JPEG or PNG" in response.content.decode() or "không phải" in response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.papers == {}
    assert draft.form_data["purpose"] == "Xin việc"


@pytest.mark.django_db
def test_submit_with_an_upload_and_a_paper_from_the_e_store(
    citizen, procedure, birth_certificate, django_capture_on_commit_callbacks
):
    client = _client(citizen)
    draft = _start(client)
    _fill_form(client, draft)
    form_paper, birth_paper, id_paper = procedure.papers.order_by("order")
    client.post(
        f"/nop-ho-so/{draft.pk}/giay-to/",
        {"action": "upload", "paper": form_paper.pk, "file": SimpleUploadedFile("to-khai.pdf", PDF_BYTES)},
    )
    papers_page = client.get(f"/nop-ho-so/{draft.pk}/giay-to/").content.decode()
    assert "Giấy khai sinh – Nguyễn Văn An" in papers_page
    client.post(
        f"/nop-ho-so/{draft.pk}/giay-to/",
        {"action": "estore", "paper": birth_paper.pk, "item": birth_certificate.pk},
    )
    assert client.post(f"/nop-ho-so/{draft.pk}/giay-to/", {"action": "continue"})["Location"] == (
        f"/nop-ho-so/{draft.pk}/kiem-tra/"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/")

    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ca-nhan/ho-so/{dossier.code}/da-nop/"
    assert re.fullmatch(r"H99\.01\.01-\d{6}-0001", dossier.code)
    assert dossier.status == Status.NEW
    assert dossier.channel == Dossier.Channel.ONLINE
    assert dossier.procedure_version_id == procedure.pk
    assert dossier.applicant_personal_id == "037090001234"
    papers = {paper.required_paper_id: paper for paper in dossier.papers.all()}
    assert len(papers[form_paper.pk].file.sha256) == 64
    assert papers[form_paper.pk].estore_item is None
    assert papers[birth_paper.pk].estore_item == birth_certificate
    assert papers[id_paper.pk].from_national_database is True
    assert papers[id_paper.pk].file is None
    assert list(dossier.events.values_list("to_status", flat=True)) == [Status.NEW]
    assert AuditEvent.objects.filter(action="dossier.submitted", target_id=str(dossier.pk)).count() == 1
    draft.refresh_from_db()
    assert draft.dossier == dossier
    assert len(mail.outbox) == 1
    assert dossier.code in mail.outbox[0].subject
    assert dossier.code in mail.outbox[0].body
    assert mail.outbox[0].to == ["an@example.vn"]
    assert Profile.objects.get(user=citizen).declared["address"] == "Số 5 phố Lê Hồng Phong, phường Hoa Lư"
    confirmation = client.get(response["Location"]).content.decode()
    assert dossier.code in confirmation


@pytest.mark.django_db
def test_submitting_without_a_mandatory_paper_is_refused_with_what_is_missing(citizen, procedure):
    client = _client(citizen)
    draft = _start(client)
    _fill_form(client, draft)

    response = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/")

    assert response.status_code == 400
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in response.content.decode()
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_a_submitted_draft_cannot_be_submitted_twice(citizen, procedure, birth_certificate):
    client = _client(citizen)
    draft = _start(client)
    _fill_form(client, draft)
    form_paper, birth_paper, _id_paper = procedure.papers.order_by("order")
    client.post(
        f"/nop-ho-so/{draft.pk}/giay-to/",
        {"action": "upload", "paper": form_paper.pk, "file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
    )
    client.post(
        f"/nop-ho-so/{draft.pk}/giay-to/",
        {"action": "estore", "paper": birth_paper.pk, "item": birth_certificate.pk},
    )
    client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/")

    again = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/")

    assert again.status_code == 404
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_saving_as_draft_lets_the_citizen_come_back_later(citizen, procedure):
    client = _client(citizen)
    draft = _start(client)
    answers = {"full_name": "Nguyễn Văn An", "personal_id": "037090001234", "phone": "0912345678"}
    client.post(f"/nop-ho-so/{draft.pk}/to-khai/", {**answers, "purpose": "Đi du học", "save_draft": "1"})

    mine = client.get("/ca-nhan/ho-so/").content.decode()
    again = client.post("/thu-tuc/3.000333/nop-truc-tuyen/")

    assert f"/nop-ho-so/{draft.pk}/to-khai/" in mine
    assert again["Location"] == f"/nop-ho-so/{draft.pk}/to-khai/"
    assert 'value="Đi du học"' in client.get(again["Location"]).content.decode()


@pytest.mark.django_db
def test_the_applicant_supplements_online_and_the_dossier_returns_to_the_queue(citizen, procedure, province):
    from egov.accounts.models import Membership
    from egov.dossiers.intake import dossier_request_supplement
    from egov.dossiers.services import dossier_create

    officer = User.objects.create_user("motcua", password="x", kind="official")
    Membership.objects.create(user=officer, agency=province["centre"], role="one_stop_officer")
    dossier = dossier_create(
        actor=citizen,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
    )
    dossier_request_supplement(actor=officer, dossier=dossier, items=["Ảnh chân dung 4x6"])
    client = _client(citizen)
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Ảnh chân dung 4x6" in page

    refused = client.post(
        f"/ca-nhan/ho-so/{dossier.code}/bo-sung/", {"files": [SimpleUploadedFile("anh.pdf", b"not a pdf")]}
    )
    dossier.refresh_from_db()
    assert refused.status_code == 302
    assert dossier.status == Status.SUPPLEMENT_REQUESTED

    client.post(
        f"/ca-nhan/ho-so/{dossier.code}/bo-sung/", {"files": [SimpleUploadedFile("anh.pdf", PDF_BYTES)]}
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.NEW
    assert dossier.papers.filter(file__original_name="anh.pdf", supplement__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_applicant_can_ask_to_withdraw_an_undecided_dossier(citizen, procedure, province, other_citizen):
    from egov.dossiers.services import dossier_create

    dossier = dossier_create(
        actor=citizen,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
    )

    assert _client(other_citizen).post(f"/ca-nhan/ho-so/{dossier.code}/rut/").status_code == 404
    _client(citizen).post(f"/ca-nhan/ho-so/{dossier.code}/rut/", {"reason": "Không còn nhu cầu"})

    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWAL_REQUESTED


@pytest.mark.django_db
def test_declared_details_are_kept_and_prefill_the_next_form(citizen, procedure):
    client = _client(citizen)

    saved = client.post(
        "/ca-nhan/thong-tin/", {"address": "Số 1 Tràng An, phường Hoa Lư", "date_of_birth": "1990-03-12"}
    )
    bad = client.post("/ca-nhan/thong-tin/", {"address": "x", "date_of_birth": "12/13/1990"})
    draft = _start(client)
    page = client.get(f"/nop-ho-so/{draft.pk}/to-khai/").content.decode()

    assert saved.status_code == 302
    assert bad.status_code == 400
    assert 'value="Số 1 Tràng An, phường Hoa Lư"' in page
    assert AuditEvent.objects.filter(action="profile.updated").count() == 1


@pytest.mark.django_db
def test_downloading_the_signed_result_is_the_online_return(citizen, procedure, province, other_citizen):
    from egov.accounts.models import Membership
    from egov.dossiers.intake import dossier_receive, dossier_transfer
    from egov.dossiers.models import DossierStep
    from egov.dossiers.processing import step_complete
    from egov.dossiers.services import dossier_create
    from egov.results.services import result_issue

    desk = User.objects.create_user("motcua", password="x", kind="official")
    Membership.objects.create(user=desk, agency=province["centre"], role="one_stop_officer")
    specialist = User.objects.create_user("cv", password="x", kind="official")
    Membership.objects.create(user=specialist, agency=province["justice"], role="specialist")
    head = User.objects.create_user("gd", password="x", kind="official", full_name="Đỗ Quang Vinh")
    Membership.objects.create(user=head, agency=province["justice"], role="agency_head")
    dossier = dossier_create(
        actor=citizen,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="037090001234",
    )
    dossier_receive(actor=desk, dossier=dossier)
    dossier_transfer(actor=desk, dossier=dossier)
    step_complete(actor=specialist, step=dossier.steps.get(state=DossierStep.State.ACTIVE))
    dossier.refresh_from_db()
    result = result_issue(actor=head, dossier=dossier, title="Phiếu lý lịch tư pháp số 1", body_fields={})
    step_complete(actor=head, step=dossier.steps.get(state=DossierStep.State.ACTIVE))
    client = _client(citizen)

    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    other = _client(other_citizen).get(f"/ca-nhan/ho-so/{dossier.code}/ket-qua/{result.pk}/")
    download = client.get(f"/ca-nhan/ho-so/{dossier.code}/ket-qua/{result.pk}/")

    assert "Phiếu lý lịch tư pháp số 1" in page
    assert other.status_code == 404
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (Status.RETURNED, "online")
    assert "/danh-gia/" in client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
