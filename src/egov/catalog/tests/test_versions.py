"""Procedure versions: a change of law is a new version; what was filed under the old one keeps it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from egov.accounts.tests.factories import AgencyFactory
from egov.catalog.models import ProcedureVersion
from egov.catalog.services import (
    procedure_version_new_draft,
    procedure_version_publish,
    procedure_version_write,
)
from egov.catalog.spreadsheet import content_from_version
from egov.catalog.tests.factories import ProcedureVersionFactory, RequiredPaperFactory, procedure_write
from egov.core.audit.models import AuditEvent
from egov.core.permissions import Role


@pytest.fixture
def commune(db):
    return AgencyFactory(commune=True)


def _papers(version_id: int) -> list[str]:
    return list(ProcedureVersion.objects.get(pk=version_id).papers.values_list("name", flat=True))


def test_publishing_a_new_version_supersedes_the_old_one_which_keeps_its_own_papers(commune):
    first = procedure_write(national_code="9.000001", agencies=[commune])
    held_id = first.pk  # what a dossier filed under version 1 holds

    procedure_version_new_draft(actor=None, procedure=first.procedure)
    second = procedure_version_write(
        actor=None,
        national_code="9.000001",
        field_name="Hộ tịch",
        data={"processing_days": 2, "fee_text": "10.000 đồng"},
        papers=[{"order": 1, "name": "Tờ khai theo mẫu mới", "originals": 1}],
        steps=[{"order": 1, "name": "Xử lý", "role": Role.SPECIALIST, "quota_hours": Decimal(16)}],
        agency_ids=[commune.pk],
        publish=True,
    )

    old = ProcedureVersion.objects.get(pk=held_id)
    assert (old.number, old.status) == (1, ProcedureVersion.Status.SUPERSEDED)
    assert (second.number, second.status) == (2, ProcedureVersion.Status.PUBLISHED)
    second.procedure.refresh_from_db()
    assert second.procedure.current_version_id == second.pk
    assert _papers(held_id) == ["Tờ khai theo mẫu", "Giấy tờ tùy thân", "Giấy khai sinh của con"]
    assert _papers(second.pk) == ["Tờ khai theo mẫu mới"]
    assert (old.processing_days, old.fee_text) == (1, "Miễn phí")
    assert [step.name for step in old.steps.all()] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Ký duyệt"]
    assert [fee.amount for fee in old.fees.all()] == [10_000]


def test_a_new_draft_starts_as_a_copy_of_the_published_version_which_stays_in_force(commune):
    published = procedure_write(national_code="9.000001", agencies=[commune])

    draft = procedure_version_new_draft(actor=None, procedure=published.procedure)

    assert (draft.number, draft.status) == (2, ProcedureVersion.Status.DRAFT)
    copied = content_from_version(draft)
    original = content_from_version(published)
    assert copied == original
    published.procedure.refresh_from_db()
    assert published.procedure.current_version_id == published.pk


def test_editing_the_draft_changes_neither_the_published_version_nor_its_parts(commune):
    published = procedure_write(national_code="9.000001", agencies=[commune])
    before = content_from_version(published)
    procedure_version_new_draft(actor=None, procedure=published.procedure)

    procedure_version_write(
        actor=None,
        national_code="9.000001",
        field_name="Chứng thực",
        data={"name": "Tên mới"},
        papers=[],
        fees=[],
        steps=[],
    )

    published.refresh_from_db()
    assert content_from_version(published) == before


def test_only_a_draft_can_be_published_and_nothing_changes_when_refused(commune):
    published = procedure_write(national_code="9.000001", agencies=[commune])
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        procedure_version_publish(actor=None, version=published)

    published.refresh_from_db()
    assert published.status == ProcedureVersion.Status.PUBLISHED
    assert AuditEvent.objects.count() == events


def test_a_second_draft_is_refused_while_one_exists(commune):
    published = procedure_write(national_code="9.000001", agencies=[commune])
    procedure_version_new_draft(actor=None, procedure=published.procedure)

    with pytest.raises(ValidationError):
        procedure_version_new_draft(actor=None, procedure=published.procedure)

    assert published.procedure.versions.count() == 2


def test_the_database_refuses_two_published_versions_of_one_procedure(db):
    first = ProcedureVersionFactory(published=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersionFactory(procedure=first.procedure, number=2, published=True)


def test_factories_build_versions_in_each_state(db):
    published = ProcedureVersionFactory(published=True)
    superseded = ProcedureVersionFactory(superseded=True)
    draft = ProcedureVersionFactory()
    RequiredPaperFactory(version=published, name="Tờ khai")

    assert published.procedure.current_version == published
    assert superseded.published_at is not None
    assert draft.status == ProcedureVersion.Status.DRAFT
    assert draft.procedure.current_version is None
    assert list(published.papers.values_list("name", flat=True)) == ["Tờ khai"]
