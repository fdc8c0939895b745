"""The processing pages: the work queue and a dossier's processing page, with every action authorised per
role and agency; a refused action changes nothing.

The dossier goes through two agencies: the Department of Justice appraises (8 h), the commune verifies
(8 h), the department's director signs (8 h), the one-stop centre returns the result. Received Mon
02/03/2026 09:00 and transferred at 10:00; the pages are used on Mon 02/03 at 11:00 (March 2026 has no
holidays; the weekend is 7–8 March)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.accounts.models import Agency, User
from egov.catalog.services import procedure_version_write
from egov.core.audit.models import AuditEvent
from egov.core.permissions import Role
from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import (
    Consultation,
    Delegation,
    Dossier,
    DossierStep,
    Extension,
    Slip,
    Status,
    StepHolding,
)
from egov.dossiers.processing import (
    consultation_ask,
    dossier_return,
    step_can_act,
    step_complete,
    step_reassign,
)
from egov.dossiers.selectors_work import PAGE_SIZE, QueueFilters, work_queue_page, work_scope
from egov.dossiers.services import dossier_create
from egov.dossiers.tests.conftest import official
from egov.dossiers.tests.test_browser_intake import vi
from egov.results.selectors import results_of_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=VN)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def two_agencies(province, applicant):
    return build_world(province, applicant)


def build_world(province: dict[str, Agency], applicant: User) -> dict[str, Any]:
    """The procedure, its people and a dossier whose appraisal (justice) is active, held by ``assignee``."""
    justice, commune = province["justice"], province["commune"]
    police = Agency.objects.create(
        code="H99.12", name="Công an tỉnh", level="department", parent=province["root"]
    )
    version = procedure_version_write(
        actor=None,
        national_code="2.000488",
        field_name="Hộ tịch",
        data={
            "name": "Xác nhận thông tin hộ tịch có xác minh",
            "level": "province",
            "processing_days": 5,
            "result_type": "Văn bản xác nhận",
        },
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[
            {"order": 1, "name": "Tiếp nhận", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal(4)},
            {
                "order": 2,
                "name": "Thẩm định hồ sơ",
                "agency_id": justice.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal(8),
            },
            {
                "order": 3,
                "name": "Xác minh tại xã",
                "agency_id": commune.pk,
                "role": Role.SPECIALIST,
                "quota_hours": Decimal(8),
            },
            {
                "order": 4,
                "name": "Ký văn bản xác nhận",
                "agency_id": justice.pk,
                "role": Role.AGENCY_HEAD,
                "quota_hours": Decimal(8),
            },
            {"order": 5, "name": "Trả kết quả", "role": Role.ONE_STOP_OFFICER, "quota_hours": Decimal(4)},
        ],
        agency_ids=[justice.pk],
        publish=True,
    )
    people = {
        "desk": official("motcua.tinh", province["centre"], Role.ONE_STOP_OFFICER),
        "assignee": official("chuyenvien.a", justice, Role.SPECIALIST),
        "colleague": official("chuyenvien.b", justice, Role.SPECIALIST),
        "delegate_within": official("chuyenvien.c", justice, Role.SPECIALIST),
        "delegate_outside": official("chuyenvien.d", justice, Role.SPECIALIST),
        "head": official("truongphong", justice, Role.HEAD_OF_DIVISION),
        "director": official("giamdoc", justice, Role.AGENCY_HEAD),
        "commune": official("tuphap.xa", commune, Role.SPECIALIST),
        "other_agency": official("congan", police, Role.SPECIALIST),
    }
    for person in people.values():
        person.memberships.update(valid_from=date(2025, 7, 1))
    with time_machine.travel(at(2, 8, 30), tick=False):
        dossier = dossier_create(
            actor=applicant,
            version=version,
            receiving_agency=province["centre"],
            channel=Dossier.Channel.ONLINE,
            applicant=applicant,
            applicant_name="Nguyễn Văn An",
            applicant_personal_id="037090001234",
            applicant_phone="0912345678",
        )
    dossier_receive(actor=people["desk"], dossier=dossier, at=at(2, 9))
    dossier_transfer(actor=people["desk"], dossier=dossier, at=at(2, 10))
    appraisal = dossier.steps.get(order=2)
    step_reassign(actor=people["head"], step=appraisal, to=people["assignee"], at=at(2, 10, 5))
    Delegation.objects.create(
        agency=justice,
        absent=people["assignee"],
        delegate=people["delegate_within"],
        valid_from=at(2, 8),
        valid_to=at(6, 17),
        created_by=people["head"],
    )
    Delegation.objects.create(
        agency=justice,
        absent=people["assignee"],
        delegate=people["delegate_outside"],
        valid_from=at(1, 8) - timedelta(days=20),
        valid_to=at(1, 8) - timedelta(days=10),
        created_by=people["head"],
    )
    dossier.refresh_from_db()
    appraisal.refresh_from_db()
    return {
        "dossier": dossier,
        "appraisal": appraisal,
        "people": people,
        "justice": justice,
        "commune": commune,
        "police": police,
        "version": version,
    }


CAST = [
    "anonymous",
    "citizen",
    "other_agency",
    "colleague",
    "assignee",
    "head",
    "desk",
    "delegate_within",
    "delegate_outside",
]


def client_for(who: str, world: dict[str, Any], applicant: User) -> Client:
    client = Client()
    if who == "citizen":
        client.force_login(applicant)
    elif who != "anonymous":
        client.force_login(world["people"][who])
    return client


def snapshot(dossier: Dossier) -> tuple:
    """Everything an action could change."""
    dossier.refresh_from_db()
    return (
        dossier.status,
        tuple(dossier.steps.order_by("order").values_list("state", "assignee_id", "due_at", "note")),
        tuple(StepHolding.objects.filter(step__dossier=dossier).values_list("holder_id", "ended_at")),
        AuditEvent.objects.count(),
        Slip.objects.filter(dossier=dossier).count(),
        Consultation.objects.count(),
        Extension.objects.count(),
        dossier.events.count(),
    )


def refused_status(who: str) -> int:
    return {"anonymous": 302, "citizen": 403, "other_agency": 404}.get(who, 403)


# -- pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("other_agency", 200),
        ("colleague", 200),
        ("assignee", 200),
        ("head", 200),
        ("desk", 200),
        ("delegate_within", 200),
        ("delegate_outside", 200),
    ],
)
def test_who_may_open_the_queue(who, expected, two_agencies, applicant, frozen):
    response = client_for(who, two_agencies, applicant).get("/xu-ly/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "sees_it"),
    [
        ("other_agency", False),
        ("colleague", False),  # assigned to someone else, and not a head
        ("assignee", True),
        ("head", True),
        ("desk", False),
        ("delegate_within", True),
        ("delegate_outside", False),
    ],
)
def test_the_queue_lists_the_step_to_whoever_can_act_on_it_and_to_the_head(
    who, sees_it, two_agencies, applicant, frozen
):
    page = client_for(who, two_agencies, applicant).get("/xu-ly/").content.decode()

    assert (two_agencies["dossier"].code in page) is sees_it


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("other_agency", 404),
        ("colleague", 200),
        ("assignee", 200),
        ("head", 200),
        ("desk", 200),
        ("delegate_within", 200),
        ("delegate_outside", 200),
    ],
)
def test_who_may_open_the_dossiers_processing_page(who, expected, two_agencies, applicant, frozen):
    code = two_agencies["dossier"].code

    response = client_for(who, two_agencies, applicant).get(f"/xu-ly/ho-so/{code}/")

    assert response.status_code == expected


def _payload(action: str, world: dict[str, Any]) -> dict[str, Any]:
    step = world["appraisal"].pk
    return {
        "complete": {"step": step, "note": "Đủ điều kiện"},
        "supplement": {"step": step, "items": "Bản sao giấy khai sinh", "confirm": "on"},
        "consult": {
            "step": step,
            "agency": world["police"].pk,
            "question": "Xác minh cư trú?",
            "working_days": 2,
        },
        "reassign": {"step": step, "to": world["people"]["colleague"].pk},
        "reject": {"step": step, "reason": "Không thuộc thẩm quyền", "confirm": "on"},
    }[action]


ALLOWED = {
    "complete": {"assignee", "head", "delegate_within"},
    "supplement": {"assignee", "head", "delegate_within"},
    "consult": {"assignee", "head", "delegate_within"},
    "reassign": {"head"},
    "reject": {"head"},
}


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", CAST)
def test_each_action_is_allowed_to_its_roles_only_and_a_refusal_changes_nothing(
    action, who, two_agencies, applicant, frozen
):
    dossier = two_agencies["dossier"]
    before = snapshot(dossier)

    response = client_for(who, two_agencies, applicant).post(
        f"/xu-ly/ho-so/{dossier.code}/{action}/", _payload(action, two_agencies)
    )

    if who in ALLOWED[action]:
        assert response.status_code == 302
        assert response["Location"] == f"/xu-ly/ho-so/{dossier.code}/"
        assert snapshot(dossier) != before
    else:
        assert response.status_code == refused_status(who)
        assert snapshot(dossier) == before


def test_completing_hands_the_dossier_to_the_commune_with_a_transfer_slip(two_agencies, frozen):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["assignee"])

    response = client.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/complete/",
        {"step": world["appraisal"].pk, "note": "Đủ điều kiện"},
        follow=True,
    )

    verification = world["dossier"].steps.get(order=3)
    assert (verification.state, verification.agency, verification.due_at) == (
        DossierStep.State.ACTIVE,
        world["commune"],
        at(3, 11),
    )
    assert Slip.objects.filter(dossier=world["dossier"], kind=Slip.Kind.TRANSFER).count() == 1
    assert "Xác minh tại xã" in response.content.decode()
    # The commune sees it in its queue; the department's specialist no longer does.
    commune = Client()
    commune.force_login(world["people"]["commune"])
    assert world["dossier"].code in commune.get("/xu-ly/").content.decode()
    assert world["dossier"].code not in client.get("/xu-ly/").content.decode()


def test_forwarding_to_a_named_colleague_of_the_same_agency(two_agencies, frozen):
    """The signing step is the director's; only someone who signs there may be named for it."""
    world = two_agencies
    people = world["people"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    verification = world["dossier"].steps.get(order=3)
    commune = Client()
    commune.force_login(people["commune"])

    wrong = commune.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/complete/",
        {"step": verification.pk, "assign_to": people["director"].pk},
        follow=True,
    )

    verification.refresh_from_db()
    assert verification.state == DossierStep.State.ACTIVE  # next step is another agency's: no naming
    assert vi("That colleague cannot take the next step.") in wrong.content.decode()


def test_the_page_offers_a_colleague_for_the_next_step_in_the_same_agency(two_agencies, frozen):
    world = two_agencies
    people = world["people"]
    second = official("giamdoc.2", world["justice"], Role.AGENCY_HEAD)
    second.memberships.update(valid_from=date(2025, 7, 1))
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    verification = world["dossier"].steps.get(order=3)
    # Make the commune's step the department's for this check: its successor (signing) is the same agency.
    DossierStep.objects.filter(pk=verification.pk).update(agency=world["justice"])
    client = Client()
    client.force_login(people["head"])

    page = client.get(f"/xu-ly/ho-so/{world['dossier'].code}/").content.decode()
    client.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/complete/",
        {"step": verification.pk, "assign_to": second.pk},
    )

    assert 'name="assign_to"' in page
    signing = world["dossier"].steps.get(order=4)
    assert (signing.state, signing.assignee) == (DossierStep.State.ACTIVE, second)


def test_a_step_in_another_dossier_is_not_found(two_agencies, frozen, procedure, province, applicant):
    from egov.dossiers.tests.conftest import new_dossier

    other = new_dossier(procedure, province, applicant)
    client = Client()
    client.force_login(two_agencies["people"]["assignee"])
    before = snapshot(two_agencies["dossier"])

    response = client.post(f"/xu-ly/ho-so/{other.code}/complete/", {"step": two_agencies["appraisal"].pk})

    assert response.status_code == 404
    assert snapshot(two_agencies["dossier"]) == before


def test_send_back_needs_an_earlier_step_and_a_reason(two_agencies, frozen):
    world = two_agencies
    people = world["people"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    verification = world["dossier"].steps.get(order=3)
    commune = Client()
    commune.force_login(people["commune"])
    before = snapshot(world["dossier"])

    blank = commune.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/send-back/",
        {"step": verification.pk, "reason": " "},
        follow=True,
    )
    assert snapshot(world["dossier"]) == before
    assert 'class="message error"' in blank.content.decode()

    commune.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/send-back/",
        {"step": verification.pk, "reason": "Thiếu kết quả thẩm định"},
    )
    appraisal = world["dossier"].steps.get(order=2)
    verification.refresh_from_db()
    assert (appraisal.state, verification.state) == (DossierStep.State.ACTIVE, DossierStep.State.PENDING)


def test_a_supplement_after_three_working_days_is_refused_with_the_services_message(two_agencies):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["assignee"])
    with time_machine.travel(at(5, 9, 30), tick=False):  # Thu 05/03 09:30, window closed at 09:00
        before = snapshot(world["dossier"])
        page = client.get(f"/xu-ly/ho-so/{world['dossier'].code}/").content.decode()
        response = client.post(
            f"/xu-ly/ho-so/{world['dossier'].code}/supplement/",
            {"step": world["appraisal"].pk, "items": "Giấy tờ", "confirm": "on"},
            follow=True,
        )

    assert "09:00 05/03/2026" in page
    assert snapshot(world["dossier"]) == before
    message = "A supplement can be asked only within %(days)s working days of reception (until %(end)s)."
    assert vi(message) % {"days": 3, "end": "09:00 05/03/2026"} in response.content.decode()


def test_a_legal_action_without_the_confirmation_changes_nothing(two_agencies, frozen):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    before = snapshot(world["dossier"])

    response = client.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/reject/",
        {"step": world["appraisal"].pk, "reason": "Không đủ điều kiện"},
        follow=True,
    )

    assert snapshot(world["dossier"]) == before
    assert 'class="message error"' in response.content.decode()


def test_the_apology_shows_form_04_first_then_issues_it_once(two_agencies, frozen):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    url = f"/xu-ly/ho-so/{world['dossier'].code}/gia-han/"
    before = snapshot(world["dossier"])

    preview = client.post(url, {"new_due": "2026-03-16T14:00", "reason": "Chờ kết quả xác minh"})

    assert preview.status_code == 200
    text = preview.content.decode()
    assert "14:00 16/03/2026" in text
    assert "09:00 09/03/2026" in text  # the current appointment, 5 working days from reception
    assert snapshot(world["dossier"]) == before

    issued = client.post(
        url, {"new_due": "2026-03-16T14:00", "reason": "Chờ kết quả xác minh", "issue": "1", "confirm": "on"}
    )
    again = client.post(
        url,
        {"new_due": "2026-03-17T14:00", "reason": "Lần nữa", "issue": "1", "confirm": "on"},
        follow=True,
    )

    assert issued.status_code == 302
    extension = Extension.objects.get(dossier=world["dossier"])
    assert extension.new_due_at == at(16, 14)
    assert Slip.objects.filter(dossier=world["dossier"], kind=Slip.Kind.APOLOGY).count() == 1
    assert 'class="message error"' in again.content.decode()


@pytest.mark.parametrize("who", CAST)
def test_only_a_head_of_the_processing_agency_issues_the_apology(who, two_agencies, applicant, frozen):
    dossier = two_agencies["dossier"]
    before = snapshot(dossier)

    response = client_for(who, two_agencies, applicant).post(
        f"/xu-ly/ho-so/{dossier.code}/gia-han/",
        {"new_due": "2026-03-16T14:00", "reason": "Chờ", "issue": "1", "confirm": "on"},
    )

    if who == "head":
        assert response.status_code == 302
        assert Extension.objects.filter(dossier=dossier).exists()
    else:
        assert response.status_code == refused_status(who)
        assert snapshot(dossier) == before


def _processed(world: dict[str, Any]) -> Dossier:
    people, dossier = world["people"], world["dossier"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    step_complete(actor=people["commune"], step=dossier.steps.get(order=3), at=at(2, 10, 40))
    step_complete(actor=people["director"], step=dossier.steps.get(order=4), at=at(2, 10, 50))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED
    return dossier


@pytest.mark.parametrize("who", CAST)
def test_only_the_one_stop_section_returns_the_result(who, two_agencies, applicant, frozen):
    dossier = _processed(two_agencies)
    before = snapshot(dossier)

    response = client_for(who, two_agencies, applicant).post(
        f"/xu-ly/ho-so/{dossier.code}/return/", {"method": "counter", "confirm": "on"}
    )

    if who == "desk":
        dossier.refresh_from_db()
        assert (response.status_code, dossier.status, dossier.return_method) == (
            302,
            Status.RETURNED,
            "counter",
        )
        assert dossier.returned_at == NOW
    else:
        assert response.status_code == refused_status(who)
        assert snapshot(dossier) == before


def test_return_by_post_records_dispatch_and_delivery(two_agencies, frozen):
    dossier = _processed(two_agencies)
    client = Client()
    client.force_login(two_agencies["people"]["desk"])
    before = snapshot(dossier)

    backwards = client.post(
        f"/xu-ly/ho-so/{dossier.code}/return/",
        {
            "method": "post",
            "dispatched_at": "2026-03-02T10:58",
            "delivered_at": "2026-03-02T10:55",
            "confirm": "on",
        },
        follow=True,
    )
    assert snapshot(dossier) == before
    assert 'class="message error"' in backwards.content.decode()

    client.post(
        f"/xu-ly/ho-so/{dossier.code}/return/",
        {
            "method": "post",
            "dispatched_at": "2026-03-02T10:55",
            "delivered_at": "2026-03-02T10:59",
            "confirm": "on",
        },
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (Status.RETURNED, "post")
    assert (dossier.post_dispatched_at, dossier.returned_at) == (at(2, 10, 55), at(2, 10, 59))


def test_the_signing_step_asks_for_the_confirmation(two_agencies, frozen):
    world = two_agencies
    people, dossier = world["people"], world["dossier"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    step_complete(actor=people["commune"], step=dossier.steps.get(order=3), at=at(2, 10, 40))
    signing = dossier.steps.get(order=4)
    client = Client()
    client.force_login(people["director"])
    before = snapshot(dossier)

    page = client.get(f"/xu-ly/ho-so/{dossier.code}/").content.decode()
    client.post(f"/xu-ly/ho-so/{dossier.code}/complete/", {"step": signing.pk})

    assert f'id="confirm-sign-{signing.pk}"' in page
    assert snapshot(dossier) == before
    client.post(f"/xu-ly/ho-so/{dossier.code}/complete/", {"step": signing.pk, "confirm": "on"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED


def test_consultation_answered_by_the_consulted_agency_only(two_agencies, frozen):
    world = two_agencies
    people, dossier = world["people"], world["dossier"]
    consultation = consultation_ask(
        actor=people["assignee"],
        step=world["appraisal"],
        agency=world["police"],
        question="Người này có đăng ký thường trú?",
        working_days=2,
        at=at(2, 10, 30),
    )
    police = Client()
    police.force_login(people["other_agency"])
    justice = Client()
    justice.force_login(people["colleague"])
    before = snapshot(dossier)

    page = police.get(f"/xu-ly/ho-so/{dossier.code}/")
    refused = justice.post(
        f"/xu-ly/ho-so/{dossier.code}/answer/", {"consultation": consultation.pk, "answer": "Có"}
    )
    assert refused.status_code == 403
    assert snapshot(dossier) == before

    police.post(f"/xu-ly/ho-so/{dossier.code}/answer/", {"consultation": consultation.pk, "answer": "Có"})

    assert page.status_code == 200  # the consulted agency opens the dossier…
    text = page.content.decode()
    assert "Người này có đăng ký thường trú?" in text
    assert "chuyenvien.a" not in text  # …but not who holds the department's step
    consultation.refresh_from_db()
    assert (consultation.answer, consultation.answered_by) == ("Có", people["other_agency"])


def test_other_agencies_steps_show_only_their_outline(two_agencies, frozen):
    world = two_agencies
    people, dossier = world["people"], world["dossier"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30), note="Ghi chú nội bộ")
    commune = Client()
    commune.force_login(people["commune"])

    text = commune.get(f"/xu-ly/ho-so/{dossier.code}/").content.decode()

    assert "Thẩm định hồ sơ" in text  # the name of the department's step…
    assert "Ghi chú nội bộ" not in text  # …not its note
    assert "chuyenvien.a" not in text  # …nor who held it


def test_the_history_says_who_held_each_step_and_for_how_long(two_agencies, frozen):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])

    text = client.get(f"/xu-ly/ho-so/{world['dossier'].code}/").content.decode()

    assert "chuyenvien.a" in text
    assert "02/03/2026 10:05" in text
    assert vi("under 1 working hour") in text  # 10:05 → 11:00, and still held


def test_a_head_reassigns_only_to_someone_holding_the_role(two_agencies, frozen):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    before = snapshot(world["dossier"])

    response = client.post(
        f"/xu-ly/ho-so/{world['dossier'].code}/reassign/",
        {"step": world["appraisal"].pk, "to": world["people"]["commune"].pk},
        follow=True,
    )

    assert snapshot(world["dossier"]) == before
    assert 'class="message error"' in response.content.decode()


# -- the queue ----------------------------------------------------------------------------------------------


def make_steps(
    world: dict[str, Any], count: int, *, start: datetime, assignee: User | None = None
) -> list[int]:
    """``count`` dossiers being processed, each with one active appraisal at the department, due one
    working hour apart from ``start`` (bulk-made: the queue only reads them)."""
    version, province_centre = world["version"], world["dossier"].receiving_agency
    first = Dossier.objects.count()
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                code=f"H99.01.01-260302-{first + index + 100:04d}",
                procedure_version=version,
                receiving_agency=province_centre,
                processing_agency=world["justice"],
                channel=Dossier.Channel.DIRECT,
                status=Status.PROCESSING,
                applicant_name=f"Người nộp {index}",
                submitted_at=at(2, 8),
                received_at=at(2, 8),
            )
            for index in range(count)
        ]
    )
    steps = DossierStep.objects.bulk_create(
        [
            DossierStep(
                dossier=dossier,
                order=2,
                name="Thẩm định hồ sơ",
                agency=world["justice"],
                role=Role.SPECIALIST,
                quota_hours=Decimal(8),
                state=DossierStep.State.ACTIVE,
                assignee=assignee,
                started_at=at(2, 8),
                due_at=start + timedelta(minutes=7 * ((index * 37) % count)),
            )
            for index, dossier in enumerate(dossiers)
        ]
    )
    return [step.pk for step in steps]


def test_the_queue_has_an_exact_total_pages_of_25_and_is_ordered_by_urgency(two_agencies, frozen):
    world = two_agencies
    assert PAGE_SIZE == 25
    make_steps(world, 60, start=at(2, 8))
    scope = work_scope(user=world["people"]["colleague"])

    first = work_queue_page(scope=scope, filters=QueueFilters())
    third = work_queue_page(scope=scope, filters=QueueFilters(page=3))

    # The colleague may act on the 60 unassigned steps, not on the appraisal assigned to someone else.
    assert (first.total, first.pages, len(first.rows), len(third.rows)) == (60, 3, 25, 10)
    dues = [step.due_at for step in first.rows] + [step.due_at for step in third.rows]
    assert dues[:25] == sorted(dues[:25])
    assert max(dues[:25]) <= min(dues[25:])
    assert all(step.can_act for step in first.rows)


def test_the_page_shows_the_exact_total_and_the_filters_stay_in_the_url(two_agencies, frozen):
    world = two_agencies
    make_steps(world, 30, start=at(2, 8))  # due 08:00 onwards: some overdue at 11:00, some due soon
    client = Client()
    client.force_login(world["people"]["head"])

    overdue = client.get("/xu-ly/", {"han": "qua-han"}).content.decode()
    everything = client.get("/xu-ly/").content.decode()
    second = client.get("/xu-ly/", {"han": "", "trang": "2"}).content.decode()

    scope = work_scope(user=world["people"]["head"])
    late = work_queue_page(scope=scope, filters=QueueFilters(due="overdue")).total
    assert late == DossierStep.objects.filter(state="active", due_at__lte=NOW).count()
    shown = vi("Steps %(first)s–%(last)s of %(total)s")
    assert shown % {"first": 1, "last": min(late, 25), "total": late} in overdue
    assert shown % {"first": 1, "last": 25, "total": 31} in everything  # 30 + the appraisal
    assert "trang=2" in everything
    assert vi("Page %(page)s of %(pages)s") % {"page": 2, "pages": 2} in second
    assert shown % {"first": 26, "last": 31, "total": 31} in second


def test_the_officer_chooses_25_50_or_100_rows_a_page_and_the_choice_stays_in_the_url(two_agencies, frozen):
    world = two_agencies
    make_steps(world, 110, start=at(2, 8))
    client = Client()
    client.force_login(world["people"]["head"])
    shown = vi("Steps %(first)s–%(last)s of %(total)s")

    hundred = client.get("/xu-ly/", {"so-dong": "100"}).content.decode()
    fifty_second = client.get("/xu-ly/", {"so-dong": "50", "trang": "2"}).content.decode()
    odd = client.get("/xu-ly/", {"so-dong": "1000"}).content.decode()

    assert shown % {"first": 1, "last": 100, "total": 111} in hundred  # 110 + the appraisal
    assert hundred.count('<a class="code" href="/xu-ly/ho-so/') == 100
    assert 'href="?so-dong=100&amp;trang=2"' in hundred  # the next page keeps the size
    assert '<option value="100" selected>100</option>' in hundred
    assert shown % {"first": 51, "last": 100, "total": 111} in fifty_second
    assert shown % {"first": 1, "last": 25, "total": 111} in odd  # not offered: the default


def test_due_soon_procedure_and_agency_filters(two_agencies, frozen):
    world = two_agencies
    make_steps(world, 10, start=at(2, 12))  # due 12:00 … 13:03: within 4 working hours of 11:00
    scope = work_scope(user=world["people"]["head"])

    soon = work_queue_page(scope=scope, filters=QueueFilters(due="soon"))
    by_procedure = work_queue_page(scope=scope, filters=QueueFilters(procedure="2.000488"))
    elsewhere = work_queue_page(scope=scope, filters=QueueFilters(procedure="9.999999"))
    by_agency = work_queue_page(scope=scope, filters=QueueFilters(agency=world["commune"].pk))

    assert soon.total == 10  # not the appraisal, due tomorrow at 10:00
    assert by_procedure.total == 11
    assert (elsewhere.total, by_agency.total) == (0, 0)


def test_the_queue_rows_escape_what_applicants_typed(two_agencies, frozen):
    """The rows are built in Python (templatetags/work.py): markup in a name is shown, never run."""
    world = two_agencies
    make_steps(world, 1, start=at(2, 12))
    Dossier.objects.filter(status=Status.PROCESSING).update(applicant_name='<script>alert("x")</script> & Co')
    client = Client()
    client.force_login(world["people"]["head"])

    html = client.get("/xu-ly/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert vi("head's view") in html or vi("unassigned") in html


def test_the_kept_queue_statement_follows_the_clock(two_agencies, frozen):
    """The queue's SQL is compiled once per scope and filters (selectors_work._queue_sql); what is overdue
    or due soon is still decided at the moment of each request."""
    world = two_agencies
    make_steps(world, 10, start=at(2, 12))  # due 12:00 … 13:03
    head = world["people"]["head"]

    def counts(moment: datetime) -> tuple[int, int]:
        scope = work_scope(user=head, at=moment)
        overdue = work_queue_page(scope=scope, filters=QueueFilters(due="overdue")).total
        soon = work_queue_page(scope=scope, filters=QueueFilters(due="soon")).total
        return overdue, soon

    assert counts(at(2, 11)) == (0, 10)
    assert counts(at(2, 12, 30)) == (5, 5)  # due 12:00, 12:07, 12:14, 12:21, 12:28 have passed
    assert counts(at(3, 9))[0] == 10


def test_the_queue_page_costs_the_same_queries_for_5_or_25_steps(
    two_agencies, frozen, django_assert_max_num_queries
):
    world = two_agencies
    client = Client()
    client.force_login(world["people"]["head"])
    make_steps(world, 5, start=at(2, 12))
    client.get("/xu-ly/")  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        client.get("/xu-ly/")
    DossierStep.objects.filter(state="active").exclude(pk=world["appraisal"].pk).delete()
    make_steps(world, 24, start=at(2, 12), assignee=world["people"]["colleague"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/xu-ly/")

    assert response.content.decode().count('class="code"') == 25
    rows = [q["sql"] for q in few.captured_queries if 'FROM "dossiers_dossierstep"' in q["sql"]]
    # The summary (the exact count and the fingerprint for the conditional reload, one aggregate) and
    # the page's ids, each over the union of the queue's parts, then the page's rows by id; the
    # procedures of the filter were read by the first request and are kept a minute.
    assert len(rows) == 3


def test_the_scope_says_exactly_what_step_can_act_says(two_agencies, frozen):
    world = two_agencies
    people = world["people"]
    steps = list(world["dossier"].steps.all())
    unassigned_specialist = DossierStep.objects.create(
        dossier=world["dossier"],
        order=9,
        name="x",
        agency=world["justice"],
        role=Role.SPECIALIST,
        quota_hours=Decimal(1),
    )
    steps.append(unassigned_specialist)

    for person in people.values():
        scope = work_scope(user=person)
        for step in steps:
            assert scope.can_act(step) == step_can_act(person, step), (person, step)


def test_a_head_sees_assigned_steps_of_the_agency_marked_as_not_theirs_to_act_on(two_agencies, frozen):
    world = two_agencies
    make_steps(world, 3, start=at(2, 12), assignee=world["people"]["colleague"])
    director = world["people"]["director"]  # agency head: approves, does not process unassigned work

    page = work_queue_page(scope=work_scope(user=director), filters=QueueFilters())
    mine = work_queue_page(scope=work_scope(user=director), filters=QueueFilters(only_mine=True))

    assert page.total == 4
    assert all(step.can_act for step in page.rows)  # assigned steps: a head may act on them
    assert mine.total == 4


def test_processed_dossiers_return_step_is_in_the_desks_queue(two_agencies, frozen):
    world = two_agencies
    dossier = _processed(world)
    page = work_queue_page(scope=work_scope(user=world["people"]["desk"]), filters=QueueFilters())

    assert [step.dossier.code for step in page.rows] == [dossier.code]
    dossier_return(actor=world["people"]["desk"], dossier=dossier, method="counter")
    assert work_queue_page(scope=work_scope(user=world["people"]["desk"]), filters=QueueFilters()).total == 0


# -- delegations (admin) -------------------------------------------------------------------------------------


def _delegation_form(world: dict[str, Any], agency: Agency) -> dict[str, Any]:
    return {
        "agency": agency.pk,
        "absent": world["people"]["colleague"].pk,
        "delegate": world["people"]["assignee"].pk,
        "valid_from_0": "2026-03-02",
        "valid_from_1": "08:00",
        "valid_to_0": "2026-03-06",
        "valid_to_1": "17:00",
    }


def test_a_head_sets_a_delegation_in_the_admin_and_it_is_audited(two_agencies, frozen):
    world = two_agencies
    head = world["people"]["head"]
    User.objects.filter(pk=head.pk).update(is_staff=True)
    client = Client()
    client.force_login(head)
    audits = AuditEvent.objects.count()

    response = client.post("/admin/dossiers/delegation/add/", _delegation_form(world, world["justice"]))

    assert response.status_code == 302, response.content.decode()[:2000]
    delegation = Delegation.objects.get(absent=world["people"]["colleague"])
    assert (delegation.created_by, delegation.valid_to) == (head, at(6, 17))
    assert AuditEvent.objects.filter(action="delegation.created").count() == 1
    assert AuditEvent.objects.count() == audits + 1


def test_a_head_cannot_set_a_delegation_for_another_agency(two_agencies, frozen):
    world = two_agencies
    head = world["people"]["head"]
    User.objects.filter(pk=head.pk).update(is_staff=True)
    client = Client()
    client.force_login(head)
    before = Delegation.objects.count()

    response = client.post("/admin/dossiers/delegation/add/", _delegation_form(world, world["commune"]))

    assert response.status_code == 200  # the form again, with the error
    assert Delegation.objects.count() == before


# -- the signed result (egov.results) ------------------------------------------------------------------


def _to_signing(world: dict[str, Any]) -> DossierStep:
    people, dossier = world["people"], world["dossier"]
    step_complete(actor=people["assignee"], step=world["appraisal"], at=at(2, 10, 30))
    step_complete(actor=people["commune"], step=dossier.steps.get(order=3), at=at(2, 10, 40))
    return dossier.steps.get(order=4)


RESULT_FORM = {
    "title": "Văn bản xác nhận thông tin hộ tịch",
    "document_type": "certificate",
    "summary": "Xác nhận thông tin hộ tịch",
    "particulars": "Họ và tên: Nguyễn Văn An\nNơi sinh: Phường Một",
    "paragraphs": "Thông tin trên đúng với sổ hộ tịch.",
}


def test_the_director_previews_then_signs_and_issues_the_result(two_agencies, frozen):
    world = two_agencies
    dossier = world["dossier"]
    signing = _to_signing(world)
    client = Client()
    client.force_login(world["people"]["director"])
    url = f"/xu-ly/ho-so/{dossier.code}/ky-ket-qua/"
    before = snapshot(dossier)

    page = client.get(f"/xu-ly/ho-so/{dossier.code}/").content.decode()
    preview = client.post(url, {**RESULT_FORM, "step": signing.pk})
    unconfirmed = client.post(url, {**RESULT_FORM, "step": signing.pk, "issue": "1"})

    assert f'action="/xu-ly/ho-so/{dossier.code}/ky-ket-qua/"' in page
    assert preview.status_code == 200
    assert "Nơi sinh" in preview.content.decode()
    assert unconfirmed.status_code == 302
    assert snapshot(dossier) == before
    assert not results_of_dossier(dossier=dossier).exists()

    issued = client.post(url, {**RESULT_FORM, "step": signing.pk, "issue": "1", "confirm": "on"}, follow=True)

    dossier.refresh_from_db()
    (document,) = results_of_dossier(dossier=dossier)
    assert dossier.status == Status.PROCESSED
    assert (document.kind, document.title, document.content["particulars"][1]) == (
        "result",
        "Văn bản xác nhận thông tin hộ tịch",
        ["Nơi sinh", "Phường Một"],
    )
    assert document.document_number in issued.content.decode()
    pdf = client.get(f"/xu-ly/ho-so/{dossier.code}/ket-qua/{document.pk}.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert dossier.steps.get(order=5).state == DossierStep.State.ACTIVE  # the return at the one-stop


@pytest.mark.parametrize("who", CAST)
def test_only_the_signer_of_the_processing_agency_signs_the_result(who, two_agencies, applicant, frozen):
    world = two_agencies
    dossier = world["dossier"]
    signing = _to_signing(world)
    before = snapshot(dossier)

    response = client_for(who, world, applicant).post(
        f"/xu-ly/ho-so/{dossier.code}/ky-ket-qua/",
        {**RESULT_FORM, "step": signing.pk, "issue": "1", "confirm": "on"},
    )

    assert response.status_code == refused_status(who)
    assert snapshot(dossier) == before
    assert not results_of_dossier(dossier=dossier).exists()


def test_a_result_with_a_malformed_particular_changes_nothing(two_agencies, frozen):
    world = two_agencies
    dossier = world["dossier"]
    signing = _to_signing(world)
    client = Client()
    client.force_login(world["people"]["director"])
    before = snapshot(dossier)

    response = client.post(
        f"/xu-ly/ho-so/{dossier.code}/ky-ket-qua/",
        {**RESULT_FORM, "particulars": "no separator", "step": signing.pk, "issue": "1", "confirm": "on"},
        follow=True,
    )

    assert snapshot(dossier) == before
    assert 'class="message error"' in response.content.decode()


def test_a_refusal_with_the_signed_rejection_notice(two_agencies, frozen):
    world = two_agencies
    dossier = world["dossier"]
    director, head = world["people"]["director"], world["people"]["head"]
    form = {
        "step": world["appraisal"].pk,
        "reason": "Không đủ điều kiện",
        "confirm": "on",
        "issue_notice": "on",
    }
    before = snapshot(dossier)

    as_head = Client()
    as_head.force_login(head)  # a head of division refuses, but does not sign for the agency
    assert as_head.post(f"/xu-ly/ho-so/{dossier.code}/reject/", form).status_code == 403
    assert snapshot(dossier) == before

    as_director = Client()
    as_director.force_login(director)
    as_director.post(f"/xu-ly/ho-so/{dossier.code}/reject/", form)

    dossier.refresh_from_db()
    (notice,) = results_of_dossier(dossier=dossier)
    assert (dossier.status, notice.kind, notice.content["reason"]) == (
        Status.REFUSED,
        "rejection_notice",
        "Không đủ điều kiện",
    )
