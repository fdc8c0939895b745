"""A citizen's online dossier in a real browser: the desk asks for a supplement, the citizen supplements
online, the desk receives it (the receipt PDF shows an appointment counted across Tết 2026), and anyone
holding the code and the last digits of the phone follows it on the public lookup page."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.conftest import new_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supplement_receipt_across_tet_and_public_lookup(
    browser, live_server, page_for, procedure, province, applicant, officer, tmp_path, screenshot
):
    officer.memberships.update(valid_from=date(2025, 7, 1))  # the role predates the travelled-to day
    with time_machine.travel(datetime(2026, 2, 12, 9, 0, tzinfo=VN), tick=True):
        dossier = new_dossier(procedure, province, applicant)
        desk = page_for(officer)
        citizen = page_for(applicant)

        # The desk sees the dossier with its 8-working-hour clock and asks for a supplement.
        desk.goto(f"{live_server.url}/mot-cua/")
        desk.get_by_role("link", name=dossier.code).first.click()
        desk.get_by_text(vi("Incomplete: ask for a supplement")).click()
        desk.get_by_label(vi("What is missing (one item per line, all at once)")).fill("Ảnh chân dung 4x6")
        desk.get_by_label(vi("I confirm and issue the request to supplement (form 02)")).check()
        desk.get_by_role("button", name=vi("Issue the request to supplement")).click()
        assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED

        # The citizen reads what is missing and sends it online.
        citizen.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
        assert "Ảnh chân dung 4x6" in citizen.content()
        photo = tmp_path / "anh-4x6.pdf"
        photo.write_bytes(PDF)
        citizen.get_by_label(vi("Files (PDF, JPEG or PNG)")).set_input_files(str(photo))
        citizen.get_by_role("button", name=vi("Send the supplement")).click()
        screenshot("intake-supplement-sent-citizen")
        assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW

        # The desk receives it; the receipt's appointment skips Tết (16–20/02/2026).
        desk.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
        desk.get_by_label(vi("I confirm the dossier is complete and issue the receipt")).check()
        desk.get_by_role("button", name=vi("Receive and issue the receipt")).click()
        received = Dossier.objects.get(pk=dossier.pk)
        assert received.status == Status.RECEIVED
        due = received.due_at.astimezone(VN)
        assert (due.date().isoformat(), due.hour) == ("2026-02-26", 9)
        link = desk.get_by_role("link", name=vi("Receipt and appointment (form 01)"))
        pdf = desk.request.get(live_server.url + link.get_attribute("href"))
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            path = tmp_path / "receipt.pdf"
            path.write_bytes(pdf.body())
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "26/02/2026" in text
            assert dossier.code in text

        # Anyone with the code and the last 4 digits of the phone follows it, without personal data.
        public = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        public.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
        public.get_by_label(vi("Last 4 digits of the phone number or personal identification number")).fill(
            "5678"
        )
        public.get_by_role("button", name=vi("Look up the dossier")).click()
        page_text = public.content()
        assert "26/02/2026" in page_text
        assert "Nguyễn Văn An" not in page_text
        assert "0912345678" not in page_text
        public.screenshot(path="test-artifacts/intake-public-lookup-phone.png", full_page=True)
