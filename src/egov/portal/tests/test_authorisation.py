"""Nobody sees or touches another person's drafts, dossiers or e-store; refused requests change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from egov.accounts.models import User
from egov.dossiers.models import Dossier
from egov.dossiers.services import dossier_create
from egov.portal.models import ApplicationDraft
from egov.portal.services import draft_start
from egov.portal.tests.conftest import PDF_BYTES


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(citizen, procedure):
    draft = draft_start(user=citizen, version=procedure)
    draft.form_data = {"purpose": "Xin việc"}
    draft.save()
    return draft


@pytest.fixture
def dossier(citizen, procedure, province):
    return dossier_create(
        actor=citizen,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["to-khai", "giay-to", "kiem-tra"])
def test_another_citizen_gets_404_on_every_step_of_a_draft_and_changes_nothing(
    step, draft, other_citizen, procedure
):
    client = _client(other_citizen)
    paper = procedure.papers.get(order=1)

    read = client.get(f"/nop-ho-so/{draft.pk}/{step}/")
    write = client.post(
        f"/nop-ho-so/{draft.pk}/{step}/",
        {
            "purpose": "Đổi",
            "action": "upload",
            "paper": paper.pk,
            "file": SimpleUploadedFile("x.pdf", PDF_BYTES),
        },
    )

    assert (read.status_code, write.status_code) == (404, 404)
    draft.refresh_from_db()
    assert draft.form_data == {"purpose": "Xin việc"}
    assert draft.papers == {}
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(draft):
    response = _client().get(f"/nop-ho-so/{draft.pk}/to-khai/")

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


@pytest.mark.django_db
def test_officials_cannot_apply_online(procedure):
    official = User.objects.create_user("canbo", password="x", kind=User.Kind.OFFICIAL)

    response = _client(official).post("/thu-tuc/3.000333/nop-truc-tuyen/")

    assert response.status_code == 403
    assert ApplicationDraft.objects.count() == 0


@pytest.mark.django_db
def test_another_citizen_cannot_see_a_dossier(dossier, other_citizen, citizen):
    assert _client(other_citizen).get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 404
    assert dossier.code not in _client(other_citizen).get("/ca-nhan/ho-so/").content.decode()
    assert _client(citizen).get(f"/ca-nhan/ho-so/{dossier.code}/").status_code == 200
    assert dossier.code in _client(citizen).get("/ca-nhan/ho-so/").content.decode()


@pytest.mark.django_db
def test_another_citizen_cannot_see_or_download_an_e_store_item(birth_certificate, other_citizen, citizen):
    other = _client(other_citizen)

    assert other.get(f"/ca-nhan/kho-du-lieu/{birth_certificate.pk}/tai-ve/").status_code == 404
    assert "Giấy khai sinh" not in other.get("/ca-nhan/kho-du-lieu/").content.decode()
    download = _client(citizen).get(f"/ca-nhan/kho-du-lieu/{birth_certificate.pk}/tai-ve/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_a_citizen_cannot_use_another_citizens_e_store_item(draft, other_citizen, procedure, province):
    from egov.core.models import StoredFile
    from egov.core.uploads import stored_file_create
    from egov.estore.services import estore_item_add

    stored: StoredFile = stored_file_create(uploaded=SimpleUploadedFile("ks.pdf", PDF_BYTES), actor=None)
    theirs = estore_item_add(
        actor=None,
        owner_personal_id=other_citizen.personal_id,
        kind="result",
        title="KS",
        file=stored,
        result_type_code="KS",
    )
    paper = procedure.papers.get(order=2)

    response = _client(draft.user).post(
        f"/nop-ho-so/{draft.pk}/giay-to/", {"action": "estore", "paper": paper.pk, "item": theirs.pk}
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.papers == {}


@pytest.mark.django_db
@override_settings(ONLINE_INTAKE_ENABLED=False)
def test_a_deployment_can_switch_online_intake_off(citizen, procedure):
    client = _client(citizen)

    response = client.post("/thu-tuc/3.000333/nop-truc-tuyen/")
    detail = client.get("/thu-tuc/3.000333/").content.decode()

    assert response.status_code == 403
    assert ApplicationDraft.objects.count() == 0
    assert "/nop-truc-tuyen/" not in detail
