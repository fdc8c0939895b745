"""A small province and one procedure with three kinds of papers, for the portal's tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.models import Agency, User
from egov.catalog.services import procedure_version_write
from egov.core.models import StoredFile
from egov.core.uploads import stored_file_create
from egov.estore.services import estore_item_add

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

FORM_SCHEMA = {
    "type": "object",
    "required": ["full_name", "personal_id", "phone", "purpose"],
    "properties": {
        "full_name": {"type": "string", "title": "Họ và tên", "minLength": 1, "x-prefill": "full_name"},
        "personal_id": {
            "type": "string",
            "title": "Số định danh cá nhân",
            "pattern": "^[0-9]{12}$",
            "x-pattern-message": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            "x-prefill": "personal_id",
        },
        "phone": {"type": "string", "title": "Số điện thoại", "pattern": "^0[0-9]{9}$", "x-prefill": "phone"},
        "address": {"type": "string", "title": "Nơi cư trú", "x-prefill": "address"},
        "purpose": {"type": "string", "title": "Mục đích sử dụng", "minLength": 1},
    },
}


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
def procedure(province):
    """Judicial record certificate: ID from national databases, a birth certificate reusable from the
    e-store, and a photo to upload."""
    return procedure_version_write(
        actor=None,
        national_code="3.000333",
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "level": "province",
            "online_level": "full",
            "processing_days": 10,
            "result_type": "Phiếu lý lịch tư pháp",
            "result_type_code": "LLTP",
            "implementing_agency_text": "Sở Tư pháp",
            "form_schema": FORM_SCHEMA,
            "form_ui": {"order": ["full_name", "personal_id", "phone", "address", "purpose"]},
        },
        papers=[
            {"order": 1, "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1},
            {"order": 2, "name": "Giấy khai sinh", "reusable_result_type": "KS", "originals": 0, "copies": 1},
            {"order": 3, "name": "Thẻ căn cước", "from_national_database": True},
        ],
        fees=[{"kind": "charge", "name": "Lệ phí cấp Phiếu lý lịch tư pháp", "amount": 200000}],
        steps=[
            {"order": 1, "name": "Tiếp nhận", "role": "one_stop_officer", "quota_hours": Decimal("4")},
            {
                "order": 2,
                "name": "Thẩm định",
                "agency_id": province["justice"].pk,
                "role": "specialist",
                "quota_hours": Decimal("60"),
            },
            {
                "order": 3,
                "name": "Ký",
                "agency_id": province["justice"].pk,
                "role": "agency_head",
                "quota_hours": Decimal("16"),
            },
        ],
        agency_ids=[province["justice"].pk],
        publish=True,
    )


def make_citizen(username: str, personal_id: str, **extra) -> User:
    user = User.objects.create_user(
        username, password="a-long-test-password", kind=User.Kind.CITIZEN, personal_id=personal_id, **extra
    )
    return user


@pytest.fixture
def citizen(db):
    return make_citizen(
        "037090001234",
        "037090001234",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
        address="Phường Hoa Lư",
    )


@pytest.fixture
def other_citizen(db):
    return make_citizen("036195004567", "036195004567", full_name="Trần Thị Bình", email="binh@example.vn")


@pytest.fixture
def birth_certificate(citizen, province) -> object:
    stored: StoredFile = stored_file_create(
        uploaded=SimpleUploadedFile("giay-khai-sinh.pdf", PDF_BYTES), actor=None
    )
    return estore_item_add(
        actor=None,
        owner_personal_id=citizen.personal_id,
        kind="result",
        title="Giấy khai sinh – Nguyễn Văn An",
        file=stored,
        result_type_code="KS",
        issuer=province["root"],
    )
