"""Walk-in dossiers at the counter (Decree 118/2025 Art. 17.1)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.dossiers.models import Dossier, Status

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def client(officer):
    client = Client()
    client.force_login(officer)
    return client


def test_what_the_state_holds_is_filled_in_from_the_personal_id(client, procedure, applicant, province):
    applicant.phone = "0912345678"
    applicant.save()

    page = client.get(
        "/mot-cua/tiep-nhan/",
        {"noi": province["centre"].pk, "procedure": procedure.pk, "personal_id": "037090001234"},
    ).content.decode()

    assert 'value="Nguyễn Văn An"' in page
    assert 'value="0912345678"' in page


def test_entering_a_walk_in_dossier_records_who_scanned_each_paper(client, procedure, officer, province):
    paper = procedure.papers.get()

    response = client.post(
        f"/mot-cua/tiep-nhan/?noi={province['centre'].pk}",
        {
            "procedure": procedure.pk,
            "personal_id": "001099012345",
            "identity_checked": "on",
            "full_name": "Phạm Thị Dung",
            "phone": "0988000111",
            f"scan-{paper.pk}": SimpleUploadedFile("tk.pdf", PDF),
        },
    )

    dossier = Dossier.objects.get()
    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert (dossier.channel, dossier.status, dossier.applicant_name) == (
        "direct",
        Status.NEW,
        "Phạm Thị Dung",
    )
    assert dossier.acceptance_due_at is None
    scanned = dossier.papers.get()
    assert (scanned.scanned_by, scanned.file.original_name) == (officer, "tk.pdf")
    assert scanned.scanned_at is not None


def test_every_problem_is_reported_at_once_and_nothing_is_stored(client, procedure, province):
    paper = procedure.papers.get()

    response = client.post(
        f"/mot-cua/tiep-nhan/?noi={province['centre'].pk}",
        {
            "procedure": procedure.pk,
            "personal_id": "123",
            "full_name": "",
            f"scan-{paper.pk}": SimpleUploadedFile("tk.pdf", b"not a pdf"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    assert page.count('class="field-error"') >= 3
    assert "tk.pdf" in page


def test_an_officer_of_another_section_cannot_enter_dossiers_for_this_one(other_officer, procedure, province):
    client = Client()
    client.force_login(other_officer)
    paper = procedure.papers.get()

    client.post(
        f"/mot-cua/tiep-nhan/?noi={province['centre'].pk}",
        {
            "procedure": procedure.pk,
            "personal_id": "001099012345",
            "identity_checked": "on",
            "full_name": "X",
            f"scan-{paper.pk}": SimpleUploadedFile("tk.pdf", PDF),
        },
    )

    assert Dossier.objects.count() == 0
