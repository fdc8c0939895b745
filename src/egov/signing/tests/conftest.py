from __future__ import annotations

import pytest

from egov.accounts.models import Agency, User
from egov.dossiers.slips.render import html_to_pdf
from egov.signing.pades import STAMP_ANCHOR, STAMP_HEIGHT_MM, STAMP_WIDTH_MM


@pytest.fixture
def justice(db) -> Agency:
    province = Agency.objects.create(code="H98", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    return Agency.objects.create(
        code="H98.03", name="Sở Tư pháp", level=Agency.Level.DEPARTMENT, parent=province
    )


@pytest.fixture
def head(db) -> User:
    return User.objects.create_user(
        "giamdoc", password="x", kind=User.Kind.OFFICIAL, full_name="Trần Văn Bình"
    )


def document(*, with_anchor: bool = True) -> bytes:
    box = (
        f'<div id="{STAMP_ANCHOR}" style="width:{STAMP_WIDTH_MM}mm;height:{STAMP_HEIGHT_MM}mm;'
        'margin:2mm auto"></div>'
        if with_anchor
        else ""
    )
    return html_to_pdf(
        "<html><body><h1>GIẤY CHỨNG NHẬN</h1><p>Nội dung có dấu: Đường Hoà Bình, Quảng Ngãi.</p>"
        f'<table class="signatures"><tr><td></td><td><div class="role">GIÁM ĐỐC</div>{box}'
        '<div class="signer">Trần Văn Bình</div></td></tr></table></body></html>'
    )


@pytest.fixture
def unsigned_pdf() -> bytes:
    return document()
