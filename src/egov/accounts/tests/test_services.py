from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from egov.accounts.models import Agency, AgencyName, Membership, User
from egov.accounts.selectors import agency_name_on, user_has_permission
from egov.accounts.services import (
    agency_create,
    agency_merge,
    agency_update,
    membership_end,
    membership_grant,
    register_agency_merge_handler,
    unregister_agency_merge_handler,
    user_create,
)
from egov.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from egov.core.audit.models import AuditEvent
from egov.core.audit.selectors import audit_chain_verify
from egov.core.permissions import Permission, Role

pytestmark = pytest.mark.django_db

EFFECTIVE_ON = date(2026, 1, 1)
LAST_DAY = date(2025, 12, 31)


def database_state() -> dict[str, list]:
    """Everything the account services may write, to assert that a refusal changed nothing."""
    return {
        "agencies": list(Agency.objects.order_by("pk").values()),
        "former_names": list(AgencyName.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "audit_events": list(AuditEvent.objects.order_by("sequence").values("sequence", "hash")),
    }


def audit_trail() -> list[tuple]:
    return list(
        AuditEvent.objects.order_by("sequence").values_list("action", "target_type", "target_id", "changes")
    )


@pytest.fixture
def actor() -> User:
    return UserFactory(official=True, username="quantri")


@pytest.fixture
def merge_handler():
    """A registered merge handler that records its calls and reports 3 items moved."""
    calls = []

    def move_test_work(source, successor, actor):
        calls.append((source.pk, successor.pk, actor))
        return 3

    register_agency_merge_handler("test_work", move_test_work)
    yield calls
    unregister_agency_merge_handler("test_work")


# agency_create / agency_update ----------------------------------------------------------------------


def test_agency_create_saves_and_audits_the_new_agency(actor, tree):
    # when an agency is created
    agency = agency_create(
        actor=actor, code="H37.40", name="Sở Ngoại vụ", level=Agency.Level.DEPARTMENT, parent=tree.province
    )

    # then it is saved and one event records its fields
    assert Agency.objects.get(code="H37.40").parent == tree.province
    assert audit_trail() == [
        (
            "agency.created",
            "accounts.agency",
            str(agency.pk),
            {
                "code": [None, "H37.40"],
                "name": [None, "Sở Ngoại vụ"],
                "short_name": [None, ""],
                "level": [None, "department"],
                "parent_id": [None, tree.province.pk],
                "valid_from": [None, "2000-01-01"],
                "valid_to": [None, None],
                "address": [None, ""],
            },
        )
    ]
    assert AuditEvent.objects.get().actor == actor


@pytest.mark.parametrize("code", ["h37.40", "H37..40", "H37"])
def test_agency_create_refuses_an_invalid_or_taken_code_and_changes_nothing(actor, code):
    # given the province H37
    AgencyFactory(province=True, code="H37")
    before = database_state()

    # when an agency is created with a malformed or taken code
    with pytest.raises(ValidationError) as raised:
        agency_create(actor=actor, code=code, name="Sở Ngoại vụ", level=Agency.Level.DEPARTMENT)

    # then it is refused on the code, and nothing is written
    assert list(raised.value.error_dict) == ["code"]
    assert database_state() == before


def test_agency_update_on_rename_keeps_the_former_name(actor, tree):
    # given a department
    agency = tree.department
    old_name = agency.name

    # when it is renamed from 01/03/2025
    agency_update(actor=actor, agency=agency, name="Sở Tài chính", renamed_on=date(2025, 3, 1))

    # then the old name is kept until the day before, and the change is audited
    agency.refresh_from_db()
    assert agency.name == "Sở Tài chính"
    assert list(agency.former_names.values_list("name", "used_until")) == [(old_name, date(2025, 2, 28))]
    assert agency_name_on(agency=agency, day=date(2025, 2, 28)) == old_name
    assert agency_name_on(agency=agency, day=date(2025, 3, 1)) == "Sở Tài chính"
    assert audit_trail() == [
        ("agency.updated", "accounts.agency", str(agency.pk), {"name": [old_name, "Sở Tài chính"]})
    ]


def test_agency_update_without_a_date_keeps_the_former_name_until_yesterday(actor, tree):
    # given a department
    old_name = tree.department.name

    # when it is renamed without saying when
    agency_update(actor=actor, agency=tree.department, name="Sở Tài chính")

    # then its old name was used until yesterday
    yesterday = timezone.localdate() - timedelta(days=1)
    assert list(AgencyName.objects.values_list("name", "used_until")) == [(old_name, yesterday)]


def test_agency_update_without_rename_keeps_no_former_name(actor, tree):
    # when a department's address changes
    agency_update(actor=actor, agency=tree.department, address="2 Đinh Tiên Hoàng")

    # then no former name is recorded and the event holds only that change
    assert AgencyName.objects.count() == 0
    assert audit_trail() == [
        ("agency.updated", "accounts.agency", str(tree.department.pk), {"address": ["", "2 Đinh Tiên Hoàng"]})
    ]


@pytest.mark.parametrize("new_parent", ["department", "division"])
def test_agency_update_refuses_to_place_an_agency_under_itself_or_its_units(actor, tree, new_parent):
    # given a department with a division
    before = database_state()

    # when it is placed under itself or its division
    with pytest.raises(ValidationError) as raised:
        agency_update(actor=actor, agency=tree.department, parent=getattr(tree, new_parent))

    # then it is refused and nothing changed
    assert list(raised.value.error_dict) == ["parent"]
    assert database_state() == before


# agency_merge -----------------------------------------------------------------------------------------


def test_agency_merge_moves_units_roles_and_work_to_the_successor(actor, tree, merge_handler):
    # given a department with an active and an ended unit, active and ended roles, and a clerk who
    # already holds the same role in the successor
    source, successor = tree.department, tree.other_department
    ended_unit = AgencyFactory(parent=source, valid_to=date(2024, 12, 31))
    specialist = MembershipFactory(agency=source, role=Role.SPECIALIST, valid_from=date(2024, 1, 1))
    former = MembershipFactory(
        agency=source, role=Role.SPECIALIST, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)
    )
    clerk = MembershipFactory(agency=source, role=Role.CLERK, valid_from=date(2024, 1, 1))
    clerk_in_successor = MembershipFactory(
        user=clerk.user, agency=successor, role=Role.CLERK, valid_from=date(2024, 1, 1)
    )

    # when the department is merged into its sibling from 01/01/2026
    report = agency_merge(actor=actor, sources=[source], successor=successor, effective_on=EFFECTIVE_ON)

    # then the department ended the day before, points to its successor and keeps its name
    source_before = source.name
    source.refresh_from_db()
    assert (source.valid_to, source.successor, source.name) == (LAST_DAY, successor, source_before)
    assert agency_name_on(agency=source, day=LAST_DAY) == source_before
    # its active unit moved, the ended one stayed
    assert Agency.objects.get(pk=tree.division.pk).parent == successor
    assert Agency.objects.get(pk=ended_unit.pk).parent == source
    # its active roles ended the day before (kept, not deleted) and start again in the successor
    specialist.refresh_from_db()
    clerk.refresh_from_db()
    former.refresh_from_db()
    assert (specialist.valid_from, specialist.valid_to) == (date(2024, 1, 1), LAST_DAY)
    assert (clerk.valid_from, clerk.valid_to) == (date(2024, 1, 1), LAST_DAY)
    assert (former.valid_from, former.valid_to) == (date(2024, 1, 1), date(2024, 12, 31))
    assert list(
        Membership.objects.filter(agency=successor)
        .order_by("pk")
        .values_list("user", "role", "valid_from", "valid_to")
    ) == [
        (clerk.user.pk, Role.CLERK, date(2024, 1, 1), None),
        (specialist.user.pk, Role.SPECIALIST, EFFECTIVE_ON, None),
    ]
    assert Membership.objects.get(pk=clerk_in_successor.pk).valid_to is None
    # the registered handler moved the open work
    assert merge_handler == [(source.pk, successor.pk, actor)]
    # and the report says so
    assert report.successor == successor
    assert report.merged == [source]
    assert (report.memberships_moved, report.children_moved, report.work_moved) == (1, 1, {"test_work": 3})


def test_agency_merge_moves_the_roles_so_that_permissions_follow(actor, tree):
    # given a specialist of a department
    source, successor = tree.department, tree.other_department
    user = MembershipFactory(agency=source, role=Role.SPECIALIST, valid_from=date(2024, 1, 1)).user
    assert user_has_permission(user=user, permission=Permission.DOSSIER_PROCESS, agency=source) is True

    # when the department is merged into its sibling
    agency_merge(actor=actor, sources=[source], successor=successor, effective_on=EFFECTIVE_ON)

    # then the specialist now works for the successor only
    assert user_has_permission(user=user, permission=Permission.DOSSIER_PROCESS, agency=successor) is True
    assert user_has_permission(user=user, permission=Permission.DOSSIER_PROCESS, agency=source) is False


def test_agency_merge_writes_an_event_per_source_and_one_for_the_successor(actor, tree, merge_handler):
    # given two departments, one with a specialist
    first, second, successor = tree.department, tree.other_department, tree.commune
    MembershipFactory(agency=first, valid_from=date(2024, 1, 1))

    # when both are merged into the commune
    report = agency_merge(
        actor=actor, sources=[first, second], successor=successor, effective_on=EFFECTIVE_ON
    )

    # then each source and the successor have their event, by the actor, and the chain holds
    assert audit_trail() == [
        (
            "agency.merged",
            "accounts.agency",
            str(first.pk),
            {"valid_to": [None, "2025-12-31"], "successor": [None, successor.code]},
        ),
        (
            "agency.merged",
            "accounts.agency",
            str(second.pk),
            {"valid_to": [None, "2025-12-31"], "successor": [None, successor.code]},
        ),
        (
            "agency.merge_received",
            "accounts.agency",
            str(successor.pk),
            {
                "predecessors": [None, [first.code, second.code]],
                "memberships_moved": [None, 1],
                "children_moved": [None, 1],
                "work_moved": [None, {"test_work": 6}],
            },
        ),
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {actor.pk}
    assert [agency.pk for agency in report.merged] == [first.pk, second.pk]
    assert merge_handler == [(first.pk, successor.pk, actor), (second.pk, successor.pk, actor)]
    assert audit_chain_verify().is_intact is True


def test_unregistered_merge_handler_is_no_longer_called(actor, tree):
    # given a handler registered and then unregistered
    calls = []
    register_agency_merge_handler("gone", lambda source, successor, actor: calls.append(source) or 1)
    unregister_agency_merge_handler("gone")

    # when agencies merge
    report = agency_merge(
        actor=actor, sources=[tree.department], successor=tree.other_department, effective_on=EFFECTIVE_ON
    )

    # then it was not called
    assert calls == []
    assert report.work_moved == {}


def _merge_into_itself(tree):
    return [tree.department], tree.department, EFFECTIVE_ON


def _merge_into_own_unit(tree):
    return [tree.department], tree.division, EFFECTIVE_ON


def _merge_into_own_grandchild(tree):
    return [tree.province], tree.one_stop_centre, EFFECTIVE_ON


def _merge_an_ended_agency(tree):
    return [AgencyFactory(ended=True, parent=tree.province)], tree.other_department, EFFECTIVE_ON


def _merge_an_already_merged_agency(tree):
    merged = AgencyFactory(ended=True, parent=tree.province, successor=tree.commune)
    return [merged], tree.other_department, EFFECTIVE_ON


def _merge_into_an_ended_successor(tree):
    return [tree.department], AgencyFactory(ended=True, parent=tree.province), EFFECTIVE_ON


def _merge_into_a_successor_not_yet_started(tree):
    later = AgencyFactory(parent=tree.province, valid_from=date(2026, 3, 1))
    return [tree.department], later, EFFECTIVE_ON


def _merge_before_the_source_started(tree):
    new = AgencyFactory(parent=tree.province, valid_from=date(2026, 1, 1))
    return [new], tree.other_department, EFFECTIVE_ON


def _merge_two_sources_the_second_invalid(tree):
    return [tree.department, tree.commune], tree.one_stop_centre, EFFECTIVE_ON


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (_merge_into_itself, "merge_into_itself"),
        (_merge_into_own_unit, "merge_into_own_unit"),
        (_merge_into_own_grandchild, "merge_into_own_unit"),
        (_merge_an_ended_agency, "merge_source_ended"),
        (_merge_an_already_merged_agency, "merge_source_ended"),
        (_merge_into_an_ended_successor, "merge_successor_inactive"),
        (_merge_into_a_successor_not_yet_started, "merge_successor_inactive"),
        (_merge_before_the_source_started, "merge_source_not_started"),
        (_merge_two_sources_the_second_invalid, "merge_into_own_unit"),
    ],
)
def test_agency_merge_refusal_changes_nothing(actor, tree, merge_handler, arrange, code):
    # given a merger that must be refused, with roles held in the agencies concerned
    sources, successor, effective_on = arrange(tree)
    for agency in [*sources, successor]:
        MembershipFactory(agency=agency, valid_from=date(2024, 1, 1))
    before = database_state()

    # when it is attempted
    with pytest.raises(ValidationError) as raised:
        agency_merge(actor=actor, sources=sources, successor=successor, effective_on=effective_on)

    # then it is refused for that reason, and no agency, role, name or audit event changed
    assert raised.value.code == code
    assert database_state() == before


# membership_grant / membership_end -------------------------------------------------------------------


def test_membership_grant_gives_an_official_a_role_and_audits_it(actor, tree):
    # given an official
    official = UserFactory(official=True, username="chuyenvien")

    # when a role is granted
    membership = membership_grant(
        actor=actor, user=official, agency=tree.department, role=Role.SPECIALIST, valid_from=date(2026, 1, 1)
    )

    # then it is saved and audited
    assert (
        membership.user,
        membership.agency,
        membership.role,
        membership.valid_from,
        membership.valid_to,
    ) == (
        official,
        tree.department,
        Role.SPECIALIST,
        date(2026, 1, 1),
        None,
    )
    assert audit_trail() == [
        (
            "membership.granted",
            "accounts.membership",
            str(membership.pk),
            {
                "user": [None, "chuyenvien"],
                "agency": [None, tree.department.code],
                "role": [None, "specialist"],
            },
        )
    ]


@pytest.mark.parametrize("kind", ["citizen", "business"])
def test_membership_grant_refuses_a_non_official_and_changes_nothing(actor, tree, kind):
    # given a citizen or a business representative
    user = UserFactory(**{kind: True})
    before = database_state()

    # when a role is granted to them
    with pytest.raises(ValidationError):
        membership_grant(actor=actor, user=user, agency=tree.department, role=Role.SPECIALIST)

    # then nothing is written
    assert database_state() == before


def test_membership_grant_refuses_the_same_open_role_twice(actor, tree):
    # given an official holding a role
    membership = MembershipFactory(agency=tree.department, role=Role.SPECIALIST)
    before = database_state()

    # when the same role is granted again in the same agency
    with pytest.raises(ValidationError):
        membership_grant(actor=actor, user=membership.user, agency=tree.department, role=Role.SPECIALIST)

    # then nothing is written
    assert database_state() == before


def test_membership_grant_allows_the_role_again_after_the_first_ended(actor, tree):
    # given an official whose role ended
    ended = MembershipFactory(agency=tree.department, role=Role.SPECIALIST, ended=True)

    # when the same role is granted again
    membership_grant(actor=actor, user=ended.user, agency=tree.department, role=Role.SPECIALIST)

    # then the official holds it twice in history, once open
    assert Membership.objects.filter(user=ended.user).count() == 2
    assert Membership.objects.filter(user=ended.user, valid_to__isnull=True).count() == 1


def test_membership_end_ends_the_role_and_audits_old_and_new_end(actor, tree):
    # given an open role, and one already set to end at the end of the year
    today = timezone.localdate()
    open_role = MembershipFactory(agency=tree.department)
    ending = MembershipFactory(agency=tree.department, valid_to=date(2030, 12, 31))

    # when both are ended
    membership_end(actor=actor, membership=open_role)
    membership_end(actor=actor, membership=ending, valid_to=date(2030, 6, 30))

    # then each ends on its day and each event holds the end it replaced
    assert Membership.objects.get(pk=open_role.pk).valid_to == today
    assert Membership.objects.get(pk=ending.pk).valid_to == date(2030, 6, 30)
    assert audit_trail() == [
        (
            "membership.ended",
            "accounts.membership",
            str(open_role.pk),
            {"valid_to": [None, today.isoformat()]},
        ),
        (
            "membership.ended",
            "accounts.membership",
            str(ending.pk),
            {"valid_to": ["2030-12-31", "2030-06-30"]},
        ),
    ]


# user_create ------------------------------------------------------------------------------------------


def test_user_create_saves_a_citizen_with_a_password_and_audits_it(actor):
    # when a citizen is created
    user = user_create(
        actor=actor,
        username="037090001234",
        password="mat-khau-dai-du",
        kind=User.Kind.CITIZEN,
        full_name="Nguyễn Văn An",
        personal_id="037090001234",
    )

    # then the citizen can sign in and the creation is audited without personal data
    user.refresh_from_db()
    assert user.check_password("mat-khau-dai-du") is True
    assert audit_trail() == [
        (
            "user.created",
            "accounts.user",
            str(user.pk),
            {"username": [None, "037090001234"], "kind": [None, "citizen"]},
        )
    ]


def test_user_create_without_password_makes_an_unusable_one(actor):
    # when an official is created without a password
    user = user_create(actor=actor, username="canbo", password=None, kind=User.Kind.OFFICIAL)

    # then nobody can sign in with a password, and an official has no personal ID stored as ""
    assert user.has_usable_password() is False
    assert User.objects.get(pk=user.pk).personal_id is None


@pytest.mark.parametrize(
    ("fields", "invalid_field"),
    [
        ({"kind": User.Kind.CITIZEN, "personal_id": "003090001234"}, "personal_id"),
        ({"kind": User.Kind.CITIZEN, "personal_id": "037299001234"}, "personal_id"),
        ({"kind": User.Kind.BUSINESS, "tax_code": "0100112438"}, "tax_code"),
    ],
)
def test_user_create_refuses_an_invalid_identity_number_and_changes_nothing(actor, fields, invalid_field):
    before = database_state()

    # when a user is created with a wrong identity number
    with pytest.raises(ValidationError) as raised:
        user_create(actor=actor, username="moi", password=None, **fields)

    # then it is refused on that field and nothing is written
    assert list(raised.value.error_dict) == [invalid_field]
    assert database_state() == before


def test_user_create_refuses_a_business_without_tax_code(actor):
    before = database_state()

    # when a business representative is created without the tax code
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        user_create(actor=actor, username="doanhnghiep", password=None, kind=User.Kind.BUSINESS)

    # then the constraint refuses it and nothing is written
    assert raised.value.messages == ["A business representative needs the business's tax code."]
    assert database_state() == before


def test_user_create_refuses_a_personal_id_already_taken(actor):
    # given a citizen
    citizen = UserFactory(citizen=True)
    before = database_state()

    # when another user is created with the same personal ID
    with pytest.raises(ValidationError) as raised:
        user_create(actor=actor, username="khac", password=None, personal_id=citizen.personal_id)

    # then it is refused and nothing is written
    assert list(raised.value.error_dict) == ["personal_id"]
    assert database_state() == before
