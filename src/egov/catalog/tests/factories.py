"""Factories for the catalogue. Other apps import these: keep them general.

- ``ProcedureVersionFactory()`` is a draft (version 1 of a new procedure) at provincial level, 3 working
  days, with no papers, fees or steps; traits ``published`` (and made the procedure's current version)
  and ``superseded``. Pass ``procedure=`` and ``number=`` for a later version.
- ``RequiredPaperFactory``, ``FeeFactory`` and ``StepTemplateFactory`` add parts to a version
  (``version=`` defaults to a new draft).
- ``procedure_write(...)`` writes a complete procedure through the service, the way the admin and the
  importer do, with papers, fees, steps and agencies; it publishes unless ``publish=False``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from egov.accounts.models import Agency
from egov.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredPaper, StepTemplate
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role

BIRTH_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["full_name", "personal_id"],
    "properties": {
        "full_name": {
            "type": "string",
            "title": "Họ, chữ đệm và tên",
            "minLength": 1,
            "x-prefill": "full_name",
        },
        "personal_id": {
            "type": "string",
            "title": "Số định danh cá nhân",
            "pattern": "^[0-9]{12}$",
            "x-pattern-message": "Số định danh cá nhân gồm đúng 12 chữ số.",
            "x-prefill": "personal_id",
        },
        "child_name": {"type": "string", "title": "Họ, chữ đệm và tên của trẻ"},
    },
}


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    national_code = factory.Sequence(lambda n: f"9.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = ProcedureVersion.Status.DRAFT
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    level = ProcedureVersion.Level.PROVINCE
    processing_days = 3
    result_type = "Giấy chứng nhận"

    class Params:
        published = factory.Trait(
            status=ProcedureVersion.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )
        superseded = factory.Trait(
            status=ProcedureVersion.Status.SUPERSEDED, published_at=factory.LazyFunction(timezone.now)
        )

    @factory.post_generation
    def make_current(version: ProcedureVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and version.status == ProcedureVersion.Status.PUBLISHED:
            Procedure.objects.filter(pk=version.procedure_id).update(current_version=version)
            version.procedure.current_version = version


class RequiredPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredPaper

    version = factory.SubFactory(ProcedureVersionFactory)
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    version = factory.SubFactory(ProcedureVersionFactory)
    kind = Fee.Kind.CHARGE
    name = "Lệ phí"
    amount = 50_000


class StepTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepTemplate

    version = factory.SubFactory(ProcedureVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Thẩm định hồ sơ"
    role = Role.SPECIALIST
    quota_hours = Decimal(8)


def procedure_write(
    *,
    national_code: str,
    agencies: list[Agency],
    publish: bool = True,
    actor: Any = None,
    field_name: str = "Hộ tịch",
    papers: list[dict[str, Any]] | None = None,
    fees: list[dict[str, Any]] | None = None,
    steps: list[dict[str, Any]] | None = None,
    **data: Any,
) -> ProcedureVersion:
    """A complete procedure, 1 working day, through ``procedure_version_write``: two papers (one taken
    from national databases, one reusable from a birth certificate), a fee, three steps (8 hours, the
    middle one at the first agency) and an e-form. Keyword arguments override the version's fields."""
    content: dict[str, Any] = {
        "name": f"Thủ tục {national_code}",
        "level": ProcedureVersion.Level.COMMUNE,
        "applicant_type": ProcedureVersion.Applicant.CITIZEN,
        "online_level": ProcedureVersion.OnlineLevel.FULL,
        "processing_days": 1,
        "processing_time_text": "1 ngày làm việc",
        "fee_text": "Miễn phí",
        "result_type": "Giấy khai sinh",
        "result_type_code": "KS",
        "legal_basis": "123/2015/NĐ-CP",
        "form_schema": BIRTH_FORM_SCHEMA,
        "source_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/1",
    }
    content.update(data)
    return procedure_version_write(
        actor=actor,
        national_code=national_code,
        field_name=field_name,
        data=content,
        papers=papers
        if papers is not None
        else [
            {"order": 1, "name": "Tờ khai theo mẫu", "originals": 1, "copies": 0},
            {
                "order": 2,
                "name": "Giấy tờ tùy thân",
                "originals": 1,
                "copies": 0,
                "from_national_database": True,
                "case_note": "Giấy tờ phải xuất trình",
            },
            {
                "order": 3,
                "name": "Giấy khai sinh của con",
                "reusable_result_type": "KS",
                "is_mandatory": False,
            },
        ],
        fees=fees
        if fees is not None
        else [{"kind": Fee.Kind.CHARGE, "name": "Lệ phí", "amount": 10_000, "channel": "in_person"}],
        steps=steps
        if steps is not None
        else [
            {"order": 1, "name": "Tiếp nhận hồ sơ", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal(1)},
            {
                "order": 2,
                "name": "Thẩm định hồ sơ",
                "agency_id": agencies[0].pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal("5.5"),
            },
            {"order": 3, "name": "Ký duyệt", "role": Role.AGENCY_HEAD, "quota_hours": Decimal("1.5")},
        ],
        agency_ids=[agency.pk for agency in agencies],
        publish=publish,
    )
