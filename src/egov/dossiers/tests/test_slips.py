"""The slips as PDF (docs/slips.md): what the receipt says, its font, its QR code, rendering once."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
import segno
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation
from fontTools.ttLib import TTFont

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.core.uploads import stored_file_verify
from egov.dossiers import intake
from egov.dossiers.models import ControlRow, Dossier, Slip
from egov.dossiers.services import PaperInput, dossier_create
from egov.dossiers.slips import control_slip_pdf, qr, render, slip_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed; .ci/run installs it",
)

# Monday 2 March 2026, 09:15 in the province.
RECEIVED_AT = timezone.make_aware(datetime(2026, 3, 2, 9, 15))


@pytest.fixture
def province(db):
    root = Agency.objects.create(code="H99", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    office = Agency.objects.create(code="H99.01", name="Văn phòng UBND tỉnh", level="department", parent=root)
    centre = Agency.objects.create(
        code="H99.01.01",
        name="Trung tâm Phục vụ hành chính công tỉnh",
        level="one_stop_centre",
        parent=office,
    )
    justice = Agency.objects.create(code="H99.03", name="Sở Tư pháp", level="department", parent=root)
    return {"root": root, "centre": centre, "justice": justice}


@pytest.fixture
def officer(province):
    user = User.objects.create_user(
        "motcua", password="x", kind=User.Kind.OFFICIAL, full_name="Lê Thị Hồng Nhung"
    )
    Membership.objects.create(user=user, agency=province["centre"], role=Role.ONE_STOP_OFFICER)
    return user


@pytest.fixture
def procedure(province):
    return procedure_version_write(
        actor=None,
        national_code="3.000333",
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "level": "province",
            "processing_days": 10,
            "result_type": "Phiếu lý lịch tư pháp",
        },
        papers=[
            {"order": 1, "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1},
            {"order": 2, "name": "Giấy khai sinh", "originals": 0, "copies": 1},
        ],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": province["justice"].pk,
                "role": "specialist",
                "quota_hours": Decimal("80"),
            },
        ],
        agency_ids=[province["justice"].pk],
        publish=True,
    )


def new_dossier(procedure, province) -> Dossier:
    papers = [
        PaperInput(required_paper=paper, name=paper.name) for paper in procedure.papers.order_by("order")
    ]
    return dossier_create(
        actor=None,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.DIRECT,
        applicant=None,
        applicant_name="Nguyễn Thị Ánh Tuyết",
        applicant_personal_id="037190001234",
        applicant_phone="0912345678",
        applicant_email="tuyet@example.vn",
        applicant_address="Số 5 đường Trần Hưng Đạo, phường Hoa Lư",
        papers=papers,
    )


@pytest.fixture
def received(procedure, province, officer) -> Dossier:
    dossier = new_dossier(procedure, province)
    return intake.dossier_receive(actor=officer, dossier=dossier, sets=2, at=RECEIVED_AT)


@pytest.fixture
def receipt(received) -> Slip:
    return Slip.objects.get(dossier=received, kind=Slip.Kind.RECEIPT)


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode("utf-8"))


def pdf_fonts(content: bytes, tmp_path) -> list[tuple[str, str]]:
    """(name, embedded) of each font pdffonts lists."""
    path = tmp_path / "slip.pdf"
    path.write_bytes(content)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in lines.splitlines()[2:] if line.strip()]
    return [(row[0], row[-5]) for row in rows]


def embedded_font_programs(content: bytes) -> list[TTFont]:
    """The TrueType programs embedded in the PDF (every Flate stream that decompresses to a font)."""
    fonts = []
    for match in re.finditer(rb"stream\r?\n", content):
        end = content.find(b"endstream", match.end())
        try:
            blob = zlib.decompressobj().decompress(content[match.end() : end])
        except zlib.error:
            continue
        if blob[:4] in (b"\x00\x01\x00\x00", b"true"):
            fonts.append(TTFont(io.BytesIO(blob)))
    return fonts


def stored_bytes(slip: Slip) -> bytes:
    stored = slip_pdf(slip)
    with stored.file.open("rb") as handle:
        return handle.read()


@needs_poppler
def test_receipt_says_the_code_the_applicant_and_the_appointment(received, receipt):
    due = timezone.localtime(received.due_at)

    text = pdf_text(stored_bytes(receipt))

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in text
    assert f"Mã hồ sơ: {received.code}" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert "Số 5 đường Trần Hưng Đạo, phường Hoa Lư" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 02/03/2026" in text
    assert f"Thời gian trả kết quả giải quyết hồ sơ: {due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}" in text
    assert "Số lượng hồ sơ (bộ): 2" in text
    assert "10 ngày làm việc" in text
    # Each paper with its originals and copies (form 01 "thành phần hồ sơ").
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp 1 0" in text
    assert "Giấy khai sinh 0 1" in text
    assert "Thử, ngày 02 tháng 03 năm 2026" in text
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2026, Số thứ tự: 1" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Lê Thị Hồng Nhung" in text


@needs_poppler
def test_receipt_embeds_only_the_vendored_liberation_serif_2(receipt, tmp_path):
    content = stored_bytes(receipt)

    fonts = pdf_fonts(content, tmp_path)
    programs = embedded_font_programs(content)

    names = sorted({name.split("+", 1)[-1] for name, _embedded in fonts})
    assert names == ["LiberationSerif-egov", "LiberationSerif-egov-Bold", "LiberationSerif-egov-Italic"]
    assert {embedded for _name, embedded in fonts} == {"yes"}
    assert sorted(font["name"].getDebugName(6) for font in programs) == [
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
    ]
    assert {font["name"].getDebugName(5).split(".")[0] for font in programs} == {"Version 2"}


def test_slip_is_rendered_once_and_kept(receipt):
    with mock.patch.object(render, "render_slip", wraps=render.render_slip) as rendering:
        first = slip_pdf(receipt)
        again = slip_pdf(Slip.objects.get(pk=receipt.pk))

    assert rendering.call_count == 1
    assert again.pk == first.pk
    assert Slip.objects.get(pk=receipt.pk).file_id == first.pk
    assert first.content_type == "application/pdf"
    assert first.original_name == f"{receipt.dossier.code}-receipt-{receipt.pk}.pdf"
    assert stored_file_verify(first)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_render_the_slip_once(procedure, province, officer):
    dossier = intake.dossier_receive(actor=officer, dossier=new_dossier(procedure, province), at=RECEIVED_AT)
    slip_id = Slip.objects.get(dossier=dossier, kind=Slip.Kind.RECEIPT).pk
    start = threading.Barrier(2)
    files: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            slip = Slip.objects.get(pk=slip_id)
            start.wait()
            files.append(slip_pdf(slip).pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(render, "render_slip", wraps=render.render_slip) as rendering:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert rendering.call_count == 1
    assert len(set(files)) == 1
    assert Slip.objects.get(pk=slip_id).file_id == files[0]


def test_the_qr_code_is_segnos_symbol_for_the_lookup_url(receipt):
    code = receipt.dossier.code
    url = f"https://dichvucong.thu.gov.vn/tra-cuu/?ma={code}"

    with override_settings(PUBLIC_BASE_URL="https://dichvucong.thu.gov.vn/"):
        html = render.slip_html(receipt)

    expected = segno.make(url, error="m", micro=False)
    path = re.search(r'<svg[^>]*class="qr"[^>]*>.*?\bd="([^"]+)"', html, re.S)
    assert path is not None
    assert path.group(1) == re.search(r'\bd="([^"]+)"', expected.svg_inline(border=4)).group(1)
    assert qr.lookup_url(code) == "http://127.0.0.1:8000/tra-cuu/?ma=" + code
    assert url in html


@needs_poppler
def test_slip_is_vietnamese_whatever_the_screen_language(receipt):
    with translation.override("en"):
        text = pdf_text(render.render_slip(receipt))

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert translation.get_language() is not None


@needs_poppler
def test_supplement_request_lists_the_items_the_reason_and_the_deadline(procedure, province, officer):
    dossier = new_dossier(procedure, province)
    moment = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
    intake.dossier_request_supplement(
        actor=officer,
        dossier=dossier,
        items=["Bản sao Giấy khai sinh có chứng thực", "Ảnh chân dung 4x6"],
        reason="Hồ sơ thiếu giấy tờ theo quy định",
        at=moment,
    )
    slip = Slip.objects.get(dossier=dossier, kind=Slip.Kind.SUPPLEMENT_REQUEST)

    text = pdf_text(stored_bytes(slip))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "1. Bản sao Giấy khai sinh có chứng thực" in text
    assert "2. Ảnh chân dung 4x6" in text
    assert "Lý do: Hồ sơ thiếu giấy tờ theo quy định" in text
    assert "đến hết ngày 17/03/2026" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    assert "Lê Thị Hồng Nhung" in text


@needs_poppler
def test_refusal_gives_the_reasons(procedure, province, officer):
    dossier = new_dossier(procedure, province)
    slip = intake.dossier_refuse(
        actor=officer, dossier=dossier, reasons=["Không thuộc thẩm quyền giải quyết của tỉnh"], at=RECEIVED_AT
    )

    text = pdf_text(stored_bytes(slip))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Số định danh cá nhân hoặc mã định danh của tổ chức: 037190001234" in text
    assert "1. Không thuộc thẩm quyền giải quyết của tỉnh" in text


@needs_poppler
def test_stop_notice_gives_the_reason(procedure, province, officer):
    dossier = new_dossier(procedure, province)
    slip = intake.dossier_stop(actor=officer, dossier=dossier, reason="Người nộp rút hồ sơ", at=RECEIVED_AT)

    text = pdf_text(stored_bytes(slip))

    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Lý do: Người nộp rút hồ sơ" in text
    assert "Thời điểm dừng giải quyết: 09 giờ 15 phút, ngày 02/03/2026" in text
    assert "Lê Thị Hồng Nhung" in text


@needs_poppler
def test_stop_notice_of_an_unsupplemented_dossier_says_the_system_issued_it(procedure, province, officer):
    dossier = new_dossier(procedure, province)
    intake.dossier_request_supplement(actor=officer, dossier=dossier, items=["Tờ khai"], at=RECEIVED_AT)
    intake.supplements_close_expired(today=date(2026, 3, 18))
    slip = Slip.objects.get(dossier=dossier, kind=Slip.Kind.STOP_NOTICE)

    text = pdf_text(stored_bytes(slip))

    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Thông báo do hệ thống phát hành tự động." in text


@needs_poppler
def test_control_slip_has_a_row_per_hand_over_with_its_outcome(received, officer, province):
    handed = timezone.make_aware(datetime(2026, 3, 2, 14, 30))
    intake.dossier_transfer(actor=officer, dossier=received, at=handed)
    ControlRow.objects.create(
        dossier=received,
        step="Thẩm định hồ sơ",
        giver="Sở Tư pháp",
        receiver="Phòng Hành chính tư pháp",
        from_agency=province["justice"],
        to_agency=province["justice"],
        handed_at=timezone.make_aware(datetime(2026, 3, 6, 16, 0)),
        due_at=timezone.make_aware(datetime(2026, 3, 5, 17, 0)),
        outcome=ControlRow.Outcome.LATE,
    )
    ControlRow.objects.create(
        dossier=received,
        step="Lấy ý kiến",
        giver="Sở Tư pháp",
        receiver="Văn phòng UBND tỉnh",
        to_agency=province["root"],
        handed_at=timezone.make_aware(datetime(2026, 3, 9, 8, 0)),
    )

    text = pdf_text(control_slip_pdf(received))

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {received.code}" in text
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Sở Tư pháp" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Ủy ban nhân dân tỉnh Thử" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 02/03/2026" in text
    assert "14 giờ 30 phút, ngày 02/03/2026" in text
    assert "Đúng hạn" in text
    assert "Quá hạn" in text
    assert received.slips.filter(file__isnull=False).count() == 0


def test_format_moment_is_24_hour_in_the_province_time():
    seven_utc = datetime(2026, 3, 2, 7, 5, tzinfo=UTC)

    with translation.override("vi"):
        formatted = render.format_moment(seven_utc)

    assert formatted == "14 giờ 05 phút, ngày 02/03/2026"
