"""The demo catalogue: real procedures on the demo province, consistent with the catalogue's rules."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from egov.catalog.demo_catalogue import (
    FIXTURE,
    DemoCatalogueError,
    demo_catalogue_entries,
    demo_catalogue_load,
)
from egov.catalog.eform import form_validate, schema_check
from egov.catalog.models import Procedure, ProcedureVersion, RequiredPaper, StepTemplate
from egov.core.audit.models import AuditEvent

SOURCE = Path("/work/shared/data/procedures.csv")  # outside the repository: only where it exists
REQUIRED_CODES = {"1.001193", "3.000333", "2.001583", "3.000347", "1.013225", "1.009374", "2.002206"}
COMMUNES = ["H37.30", "H37.31", "H37.32", "H37.33", "H37.34"]


@pytest.fixture
def demo_province(db):
    call_command("load_demo_province", stdout=None)


@pytest.fixture
def demo(demo_province):
    call_command("load_demo_catalogue", stdout=None)


def _published() -> list[ProcedureVersion]:
    return list(
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).select_related(
            "procedure", "field"
        )
    )


def test_the_demo_has_at_least_25_procedures_at_both_levels_in_at_least_6_fields(demo):
    versions = _published()

    assert len(versions) >= 25
    assert {version.level for version in versions} == {"province", "commune"}
    assert len({version.field_id for version in versions}) >= 6
    assert {version.procedure.national_code for version in versions} >= REQUIRED_CODES


def test_every_procedure_has_steps_that_add_up_to_its_processing_time(demo):
    for version in _published():
        quotas = [step.quota_hours for step in version.steps.all()]
        assert quotas, version.procedure.national_code
        assert sum(quotas, Decimal(0)) == version.processing_days * 8, version.procedure.national_code


def test_steps_run_from_the_one_stop_desk_and_back(demo):
    for version in _published():
        steps = list(version.steps.order_by("order"))
        assert steps[0].role == "one_stop_officer", version.procedure.national_code
        assert steps[-1].role == "one_stop_officer", version.procedure.national_code
        assert steps[0].agency_id is None
        assert steps[-1].agency_id is None


def test_agencies_follow_the_level(demo):
    for version in _published():
        codes = sorted(version.implementing_agencies.values_list("code", flat=True))
        if version.level == "commune":
            assert codes == COMMUNES, version.procedure.national_code
            assert not version.steps.filter(agency__isnull=False).exists()
        else:
            assert codes, version.procedure.national_code
            assert all(code.count(".") == 1 for code in codes), version.procedure.national_code
    judicial = Procedure.objects.get(national_code="3.000333").current_version
    assert judicial is not None
    assert list(judicial.implementing_agencies.values_list("code", flat=True)) == ["H37.12"]


def test_results_and_papers_that_later_procedures_reuse_are_marked(demo):
    codes = {version.procedure.national_code: version.result_type_code for version in _published()}
    assert codes["1.001193"] == "KS"
    assert codes["3.000333"] == "LLTP"
    assert codes["3.000347"] == "GPLX"
    reusable = set(
        RequiredPaper.objects.exclude(reusable_result_type="").values_list("reusable_result_type", flat=True)
    )
    assert {"KS", "GPLX", "GCN"} <= reusable
    assert reusable <= set(codes.values())  # every reused type is issued by a procedure of the demo
    national = RequiredPaper.objects.filter(
        version__procedure__national_code="1.001193", from_national_database=True
    )
    assert national.filter(name__startswith="Hộ chiếu/Thẻ căn cước công dân").exists()


def test_fees_have_amounts_in_dong_where_the_portal_gives_them(demo):
    licence = Procedure.objects.get(national_code="3.000347").current_version
    passport = Procedure.objects.get(national_code="1.001456").current_version
    assert licence is not None
    assert passport is not None
    assert [(fee.kind, fee.amount) for fee in licence.fees.all()] == [("charge", 135_000)]
    assert licence.fee_text.startswith("Miễn phí (- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.")
    assert [(fee.channel, fee.amount) for fee in passport.fees.order_by("id")] == [
        ("online", 160_000),
        ("postal", 160_000),
        ("in_person", 200_000),
    ]


def test_processing_times_keep_the_published_text(demo):
    birth = Procedure.objects.get(national_code="1.001193").current_version
    permit = Procedure.objects.get(national_code="1.013225").current_version
    assert birth is not None
    assert permit is not None
    assert (birth.processing_days, birth.processing_time_text) == (1, "1 (Cổng DVCQG không ghi đơn vị)")
    assert (permit.processing_days, permit.processing_days_online) == (15, 20)


def test_every_e_form_asks_for_the_applicant_and_checks_the_personal_id_in_vietnamese(demo):
    for version in _published():
        schema = version.form_schema
        assert schema_check(schema) == [], version.procedure.national_code
        properties = schema["properties"]
        assert {"full_name", "personal_id", "phone", "address"} <= set(schema["required"])
        assert properties["personal_id"]["pattern"] == "^[0-9]{12}$"
        assert (
            properties["personal_id"]["x-pattern-message"] == "Số định danh cá nhân phải gồm đúng 12 chữ số."
        )
        assert {properties[key]["x-prefill"] for key in ("full_name", "personal_id", "phone", "address")} == {
            "full_name",
            "personal_id",
            "phone",
            "address",
        }
        assert all(spec.get("title") for spec in properties.values()), version.procedure.national_code
        assert len(properties) >= 7, version.procedure.national_code  # the applicant and 2–5 of its own


def test_the_birth_registration_form_accepts_a_real_application_and_explains_mistakes(demo):
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    application = {
        "full_name": "Nguyễn Văn An",
        "personal_id": "037090001234",
        "phone": "0912345678",
        "address": "Phường Hoa Lư, tỉnh Ninh Bình",
        "child_full_name": "Nguyễn Minh Khôi",
        "child_date_of_birth": "2026-11-20",
        "child_sex": "Nam",
        "place_of_birth": "Bệnh viện Sản Nhi Ninh Bình",
        "relationship": "Cha",
    }

    assert form_validate(version.form_schema, application) == {}
    assert form_validate(version.form_schema, {**application, "personal_id": "12345"}) == {
        "personal_id": "Số định danh cá nhân phải gồm đúng 12 chữ số."
    }


def test_loading_twice_changes_nothing(demo):
    counts = (Procedure.objects.count(), ProcedureVersion.objects.count(), StepTemplate.objects.count())
    events = AuditEvent.objects.count()

    result = demo_catalogue_load()

    assert (result.written, result.unchanged, result.kept) == (0, len(demo_catalogue_entries()), 0)
    assert (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        StepTemplate.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert Counter(ProcedureVersion.objects.values_list("procedure_id", flat=True)).most_common(1)[0][1] == 1


def test_a_procedure_edited_since_is_kept_unless_an_update_is_asked_for(demo):
    procedure = Procedure.objects.get(national_code="1.001193")
    version = procedure.current_version
    assert version is not None
    ProcedureVersion.objects.filter(pk=version.pk).update(name="Đã sửa trong trang quản trị")

    kept = demo_catalogue_load()
    procedure.refresh_from_db()
    assert (kept.written, kept.kept) == (0, 1)
    assert procedure.current_version_id == version.pk

    updated = demo_catalogue_load(update_existing=True)
    procedure.refresh_from_db()
    assert (updated.written, updated.kept) == (1, 0)
    assert procedure.current_version is not None
    assert (procedure.current_version.number, procedure.current_version.name) == (
        2,
        "Thủ tục đăng ký khai sinh",
    )


def test_without_the_demo_province_nothing_is_loaded_and_the_command_says_why(db):
    with pytest.raises(CommandError, match="load_demo_province"):
        call_command("load_demo_catalogue")

    with pytest.raises(DemoCatalogueError):
        demo_catalogue_load()
    assert Procedure.objects.count() == 0


def test_the_fixture_cites_its_source():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))

    assert "dichvucong.gov.vn" in data["source"]
    assert all(entry["version"]["source_url"] for entry in data["procedures"])
    assert len({entry["national_code"] for entry in data["procedures"]}) == len(data["procedures"])


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared data sample is outside the repository")
def test_the_fixture_is_what_the_build_script_makes_from_the_sample():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_demo_catalogue", FIXTURE.with_name("build_demo_catalogue.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert module.build(SOURCE) == json.loads(FIXTURE.read_text(encoding="utf-8"))
