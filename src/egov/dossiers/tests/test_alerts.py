"""The desk hears of an online dossier at once (Decree 118/2025 Art. 17.2: within 2 hours)."""

from django.core import mail

from egov.dossiers.tests.conftest import new_dossier


def test_online_arrival_e_mails_the_receiving_sections_officers_after_commit(
    procedure, province, applicant, officer, other_officer, django_capture_on_commit_callbacks
):
    officer.email = "motcua@example.vn"
    officer.save()
    other_officer.email = "khac@example.vn"
    other_officer.save()

    with django_capture_on_commit_callbacks(execute=True):
        dossier = new_dossier(procedure, province, applicant)

    assert [message.to for message in mail.outbox] == [["motcua@example.vn"]]
    assert dossier.code in mail.outbox[0].subject
    assert dossier.code in mail.outbox[0].body


def test_counter_dossiers_raise_no_alert(
    procedure, province, applicant, officer, django_capture_on_commit_callbacks
):
    officer.email = "motcua@example.vn"
    officer.save()

    with django_capture_on_commit_callbacks(execute=True):
        new_dossier(procedure, province, applicant, channel="direct")

    assert mail.outbox == []
