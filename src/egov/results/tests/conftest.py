"""A province with the Department of Justice processing a criminal-record procedure (result type LLTP),
its head (who signs), a specialist, another department's head, and a received dossier of a citizen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.dossiers.models import Dossier
from egov.dossiers.services import dossier_create

HOLDER_ID = "037090001234"


@pytest.fixture
def province(db):
    root = Agency.objects.create(code="H97", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    centre = Agency.objects.create(
        code="H97.01", name="Trung tâm Phục vụ hành chính công tỉnh", level="one_stop_centre", parent=root
    )
    justice = Agency.objects.create(code="H97.03", name="Sở Tư pháp", level="department", parent=root)
    health = Agency.objects.create(code="H97.06", name="Sở Y tế", level="department", parent=root)
    return {"root": root, "centre": centre, "justice": justice, "health": health}


def official(username: str, agency: Agency, role: str, full_name: str = "") -> User:
    user = User.objects.create_user(
        username, password="x", kind=User.Kind.OFFICIAL, full_name=full_name or username
    )
    Membership.objects.create(user=user, agency=agency, role=role, valid_from=date(2025, 7, 1))
    return user


@pytest.fixture
def head(province):
    return official("giamdoc.stp", province["justice"], Role.AGENCY_HEAD, "Lê Thị Hoa")


@pytest.fixture
def specialist(province):
    return official("chuyenvien.stp", province["justice"], Role.SPECIALIST)


@pytest.fixture
def other_head(province):
    return official("giamdoc.syt", province["health"], Role.AGENCY_HEAD)


@pytest.fixture
def holder(db):
    return User.objects.create_user(
        HOLDER_ID, password="x", kind=User.Kind.CITIZEN, personal_id=HOLDER_ID, full_name="Nguyễn Văn An"
    )


def publish(province, *, code="2.000488", result_type_code="LLTP", papers=None):
    return procedure_version_write(
        actor=None,
        national_code=code,
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "level": "province",
            "processing_days": 10,
            "result_type": "Phiếu lý lịch tư pháp",
            "result_type_code": result_type_code,
        },
        papers=papers or [{"order": 1, "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"}],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": province["justice"].pk,
                "role": "specialist",
                "quota_hours": Decimal(80),
            }
        ],
        agency_ids=[province["justice"].pk],
        publish=True,
    )


@pytest.fixture
def procedure(province):
    return publish(province)


def new_dossier(procedure, province, holder, *, personal_id: str = HOLDER_ID) -> Dossier:
    dossier = dossier_create(
        actor=holder,
        version=procedure,
        receiving_agency=province["centre"],
        channel=Dossier.Channel.ONLINE,
        applicant=holder,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id=personal_id,
    )
    # The processing workflow (another module) assigns the agency; here it is set directly.
    Dossier.objects.filter(pk=dossier.pk).update(processing_agency=province["justice"])
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def dossier(procedure, province, holder):
    return new_dossier(procedure, province, holder)


BODY = {
    "document_type": "certificate",
    "summary": "Về việc cấp Phiếu lý lịch tư pháp số 1",
    "basis": ["Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009;"],
    "particulars": [
        ["Họ và tên", "Nguyễn Văn An"],
        ["Ngày, tháng, năm sinh", "12/03/1990"],
        ["Tình trạng án tích", "Không có án tích"],
    ],
    "paragraphs": ["Phiếu lý lịch tư pháp được cấp theo yêu cầu của người có tên trên."],
    "recipients": ["Người yêu cầu", "Lưu: VT, HCTP"],
}
