"""A new citizen goes from search to a submitted dossier in a real browser (Debian's chromium): a file
that is not really a PDF is refused, and the birth certificate is reused from the e-store."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from egov.dossiers.models import Dossier, Status
from egov.portal.tests.conftest import PDF_BYTES


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_searches_applies_and_submits(
    page, live_server, sign_in, citizen, procedure, birth_certificate, tmp_path, screenshot
):
    sign_in(page, citizen)
    page.set_viewport_size({"width": 390, "height": 844})

    # Search without diacritics finds the procedure.
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("ly lich tu phap")
    page.get_by_role("searchbox").press("Enter")
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam").click()
    screenshot("portal-procedure-phone")
    page.get_by_role("button", name=vi("Apply online")).click()

    # The form is prefilled from the profile; the citizen adds the purpose.
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Văn An"
    assert page.get_by_label("Số định danh cá nhân").input_value() == "037090001234"
    page.get_by_label("Mục đích sử dụng").fill("Xin việc làm")
    page.get_by_role("button", name=vi("Save and continue")).click()

    # A renamed executable is refused by its content; nothing else is lost.
    fake = tmp_path / "to-khai.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is not a pdf")
    first = page.locator("section.paper").nth(0)
    first.get_by_label(vi("Attach a file")).set_input_files(str(fake))
    first.get_by_role("button", name=vi("Upload")).click()
    assert page.locator(".field-error").first.is_visible()
    assert "to-khai.pdf" in page.locator(".field-error").first.inner_text()
    screenshot("portal-rejected-upload-phone")

    real = tmp_path / "to-khai-that.pdf"
    real.write_bytes(PDF_BYTES)
    first = page.locator("section.paper").nth(0)
    first.get_by_label(vi("Attach a file")).set_input_files(str(real))
    first.get_by_role("button", name=vi("Upload")).click()
    assert "to-khai-that.pdf" in page.locator("section.paper").nth(0).inner_text()

    # The birth certificate comes from the e-store instead of an upload.
    second = page.locator("section.paper").nth(1)
    second.get_by_role("button", name=vi("Use this paper")).click()
    assert "Giấy khai sinh – Nguyễn Văn An" in page.locator("section.paper").nth(1).inner_text()
    page.get_by_role("button", name=vi("Continue")).click()

    # Check the answers, then submit.
    assert "Xin việc làm" in page.locator("dl.summary").inner_text()
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot("portal-review-desktop")
    page.get_by_role("button", name=vi("Submit the dossier")).click()

    code = page.locator("#dossier-code").inner_text().strip()
    assert re.fullmatch(r"H99\.01\.01-\d{6}-0001", code)
    screenshot("portal-submitted-desktop")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.NEW
    assert dossier.papers.filter(estore_item=birth_certificate).count() == 1
    assert dossier.papers.filter(file__original_name="to-khai-that.pdf").count() == 1
    assert dossier.form_data["purpose"] == "Xin việc làm"
