"""A province with a provincial one-stop centre, a department, officers and a published procedure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.dossiers.models import Dossier
from egov.dossiers.services import dossier_create


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
    commune = Agency.objects.create(code="H99.30", name="UBND phường Một", level="commune", parent=root)
    commune_centre = Agency.objects.create(
        code="H99.30.01", name="TTPVHCC phường Một", level="one_stop_centre", parent=commune
    )
    return {
        "root": root,
        "centre": centre,
        "justice": justice,
        "commune": commune,
        "commune_centre": commune_centre,
    }


def official(username: str, agency: Agency, role: str) -> User:
    user = User.objects.create_user(username, password="x", kind=User.Kind.OFFICIAL, full_name=username)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def officer(province):
    return official("motcua", province["centre"], Role.ONE_STOP_OFFICER)


@pytest.fixture
def other_officer(province):
    return official("motcua.phuong", province["commune_centre"], Role.ONE_STOP_OFFICER)


@pytest.fixture
def specialist(province):
    return official("chuyenvien", province["justice"], Role.SPECIALIST)


@pytest.fixture
def applicant(db):
    return User.objects.create_user(
        "037090001234",
        password="x",
        kind=User.Kind.CITIZEN,
        personal_id="037090001234",
        full_name="Nguyễn Văn An",
    )


def publish(province, *, code="3.000333", days=5, online_days=None):
    return procedure_version_write(
        actor=None,
        national_code=code,
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp",
            "level": "province",
            "processing_days": days,
            "processing_days_online": online_days,
            "result_type": "Phiếu lý lịch tư pháp",
        },
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": province["justice"].pk,
                "role": "specialist",
                "quota_hours": Decimal(days * 8),
            },
        ],
        agency_ids=[province["justice"].pk],
        publish=True,
    )


@pytest.fixture
def procedure(province):
    return publish(province)


def new_dossier(procedure, province, applicant=None, channel=Dossier.Channel.ONLINE) -> Dossier:
    return dossier_create(
        actor=applicant,
        version=procedure,
        receiving_agency=province["centre"],
        channel=channel,
        applicant=applicant,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="037090001234",
        applicant_phone="0912345678",
    )


@pytest.fixture
def dossier(procedure, province, applicant):
    return new_dossier(procedure, province, applicant)
