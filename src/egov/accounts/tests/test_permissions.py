"""The one permission check, ``user_has_permission``, and its list form ``agencies_where_permitted``."""

from datetime import timedelta
from itertools import product

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from egov.accounts.selectors import agencies_where_permitted, user_has_permission
from egov.accounts.tests.factories import MembershipFactory, UserFactory
from egov.core.permissions import Permission, Role

pytestmark = pytest.mark.django_db

# What each role may do, written out here on purpose rather than read from ROLE_PERMISSIONS: a change to
# that table fails this test until this copy is updated too, deliberately.
EXPECTED_PERMISSIONS: dict[str, set[str]] = {
    "one_stop_officer": {"dossier.receive", "dossier.view", "result.return"},
    "specialist": {"dossier.view", "dossier.process"},
    "head_of_division": {"dossier.view", "dossier.process", "dossier.approve"},
    "agency_head": {"dossier.view", "dossier.approve", "result.sign", "dashboard.view"},
    "clerk": {"document.register", "result.return"},
    "leader": {"dashboard.view", "dossier.view"},
    "administrator": {
        "agency.manage",
        "membership.manage",
        "calendar.manage",
        "audit.view",
        "dashboard.view",
        "exchange.operate",
    },
}
ALL_PERMISSIONS = {
    "dossier.receive",
    "dossier.view",
    "dossier.process",
    "dossier.approve",
    "result.sign",
    "result.return",
    "document.register",
    "dashboard.view",
    "agency.manage",
    "membership.manage",
    "calendar.manage",
    "audit.view",
    "exchange.operate",
}
# Roles that act for every agency below the one they are held in.
EXPECTED_SUBTREE_ROLES = {"leader", "administrator"}


def test_expected_table_names_every_role_and_permission():
    # a new role or permission must be added to the expected table above before the matrix passes
    assert set(EXPECTED_PERMISSIONS) == {role.value for role in Role}
    assert {permission.value for permission in Permission} == ALL_PERMISSIONS


@pytest.mark.parametrize(("role", "permission"), list(product(Role, Permission)))
def test_role_grants_exactly_the_expected_permissions_in_its_agency(tree, role, permission):
    # given an official holding the role in a department
    user = MembershipFactory(agency=tree.department, role=role).user

    # when the permission is checked for that department (as object and as id)
    allowed = user_has_permission(user=user, permission=permission, agency=tree.department)
    allowed_by_id = user_has_permission(user=user, permission=permission.value, agency=tree.department.pk)

    # then it is granted exactly when the expected table says so
    expected = permission.value in EXPECTED_PERMISSIONS[role.value]
    assert (allowed, allowed_by_id) == (expected, expected)


@pytest.mark.parametrize(("role", "permission"), list(product(Role, Permission)))
def test_role_held_at_the_province_acts_below_only_for_subtree_roles(tree, role, permission):
    # given an official holding the role at the province
    user = MembershipFactory(agency=tree.province, role=role).user

    # when the permission is checked for a department, a commune and the commune's one-stop centre
    below = [
        user_has_permission(user=user, permission=permission, agency=agency)
        for agency in (tree.department, tree.commune, tree.one_stop_centre)
    ]

    # then only leader and administrator act there, and only with their own permissions
    expected = role.value in EXPECTED_SUBTREE_ROLES and permission.value in EXPECTED_PERMISSIONS[role.value]
    assert below == [expected, expected, expected]


@pytest.mark.parametrize("role", list(Role))
def test_role_never_acts_for_a_sibling_or_a_parent(tree, role):
    # given an official holding the role in a department
    user = MembershipFactory(agency=tree.department, role=role).user

    # when any permission is checked for the sibling department or the province above
    sibling = {user_has_permission(user=user, permission=p, agency=tree.other_department) for p in Permission}
    parent = {user_has_permission(user=user, permission=p, agency=tree.province) for p in Permission}

    # then nothing is granted
    assert (sibling, parent) == ({False}, {False})


def test_one_stop_officer_at_the_province_does_not_act_for_a_department(tree):
    # given a one-stop officer of the province
    user = MembershipFactory(agency=tree.province, role=Role.ONE_STOP_OFFICER).user

    # when receiving dossiers is checked
    at_province = user_has_permission(user=user, permission=Permission.DOSSIER_RECEIVE, agency=tree.province)
    at_department = user_has_permission(
        user=user, permission=Permission.DOSSIER_RECEIVE, agency=tree.department
    )

    # then it holds at the province only
    assert (at_province, at_department) == (True, False)


@pytest.mark.parametrize(
    ("role", "permission"),
    [(Role.LEADER, Permission.DASHBOARD_VIEW), (Role.ADMINISTRATOR, Permission.AGENCY_MANAGE)],
)
def test_leader_and_administrator_of_the_province_act_for_the_whole_province(tree, role, permission):
    # given a leader or an administrator of the province
    user = MembershipFactory(agency=tree.province, role=role).user

    # when the permission is checked in every agency of the province
    allowed = [user_has_permission(user=user, permission=permission, agency=agency) for agency in tree.all]

    # then it holds everywhere
    assert allowed == [True] * len(tree.all)


def test_leader_of_a_commune_acts_for_its_centre_but_not_for_the_province(tree):
    # given a commune leader
    user = MembershipFactory(agency=tree.commune, role=Role.LEADER).user

    # when dashboards are checked
    allowed = {
        agency.pk: user_has_permission(user=user, permission=Permission.DASHBOARD_VIEW, agency=agency)
        for agency in tree.all
    }

    # then they hold for the commune and its one-stop centre only
    assert allowed == {
        tree.province.pk: False,
        tree.department.pk: False,
        tree.division.pk: False,
        tree.other_department.pk: False,
        tree.commune.pk: True,
        tree.one_stop_centre.pk: True,
    }


@pytest.mark.parametrize(
    ("starts_in", "ends_in"),
    [(-400, -1), (-800, -400), (1, None), (30, 60)],
    ids=["ended-yesterday", "ended-long-ago", "starts-tomorrow", "starts-next-month"],
)
def test_membership_outside_its_period_grants_nothing(tree, starts_in, ends_in):
    # given a leader of the province whose role has ended or not yet started
    today = timezone.localdate()
    user = MembershipFactory(
        agency=tree.province,
        role=Role.LEADER,
        valid_from=today + timedelta(days=starts_in),
        valid_to=None if ends_in is None else today + timedelta(days=ends_in),
    ).user

    # when the leader's permissions are checked anywhere
    allowed = {user_has_permission(user=user, permission=Permission.DOSSIER_VIEW, agency=a) for a in tree.all}

    # then nothing is granted, also in list form
    assert allowed == {False}
    assert agencies_where_permitted(user=user, permission=Permission.DOSSIER_VIEW) == set()


def test_membership_counts_on_its_first_and_last_day(tree):
    # given a role that started today and one that ends today
    today = timezone.localdate()
    starting = MembershipFactory(agency=tree.department, role=Role.SPECIALIST, valid_from=today).user
    ending = MembershipFactory(agency=tree.department, role=Role.SPECIALIST, valid_to=today).user

    # when they are checked today, then both hold
    assert user_has_permission(user=starting, permission=Permission.DOSSIER_PROCESS, agency=tree.department)
    assert user_has_permission(user=ending, permission=Permission.DOSSIER_PROCESS, agency=tree.department)


def test_inactive_user_gets_nothing(tree):
    # given a deactivated administrator of the province (even a superuser)
    user = MembershipFactory(
        agency=tree.province, role=Role.ADMINISTRATOR, user__is_active=False, user__is_superuser=True
    ).user

    # when permissions are checked, then nothing is granted
    assert {user_has_permission(user=user, permission=p, agency=tree.province) for p in Permission} == {False}
    assert agencies_where_permitted(user=user, permission=Permission.AGENCY_MANAGE) == set()


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_anonymous_gets_nothing(tree, user):
    assert {user_has_permission(user=user, permission=p, agency=tree.province) for p in Permission} == {False}
    assert agencies_where_permitted(user=user, permission=Permission.DOSSIER_VIEW) == set()


def test_citizen_without_roles_gets_nothing(tree):
    user = UserFactory(citizen=True)

    assert {user_has_permission(user=user, permission=p, agency=tree.province) for p in Permission} == {False}
    assert agencies_where_permitted(user=user, permission=Permission.DOSSIER_VIEW) == set()


def test_superuser_gets_everything_everywhere(tree):
    # given a superuser with no role anywhere
    user = UserFactory(official=True, is_superuser=True)

    # when every permission is checked in every agency
    allowed = {
        user_has_permission(user=user, permission=p, agency=a) for p, a in product(Permission, tree.all)
    }

    # then all are granted, also in list form
    assert allowed == {True}
    assert agencies_where_permitted(user=user, permission=Permission.AUDIT_VIEW) == {a.pk for a in tree.all}


def test_unknown_permission_is_never_granted(tree):
    user = MembershipFactory(agency=tree.province, role=Role.ADMINISTRATOR).user

    assert user_has_permission(user=user, permission="dossier.delete", agency=tree.province) is False


def test_roles_in_several_agencies_add_up(tree):
    # given an official who is a specialist in a department and a one-stop officer in a commune's centre
    user = MembershipFactory(agency=tree.department, role=Role.SPECIALIST).user
    MembershipFactory(user=user, agency=tree.one_stop_centre, role=Role.ONE_STOP_OFFICER)

    # when the agencies where dossiers can be seen, processed or received are listed
    view = agencies_where_permitted(user=user, permission=Permission.DOSSIER_VIEW)
    process = agencies_where_permitted(user=user, permission=Permission.DOSSIER_PROCESS)
    receive = agencies_where_permitted(user=user, permission=Permission.DOSSIER_RECEIVE)

    # then each role counts in its own agency
    assert view == {tree.department.pk, tree.one_stop_centre.pk}
    assert process == {tree.department.pk}
    assert receive == {tree.one_stop_centre.pk}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("held_in", ["province", "department", "commune", "one_stop_centre"])
def test_agencies_where_permitted_matches_the_check_for_every_agency(tree, role, held_in):
    # given an official holding a role somewhere in the tree
    user = MembershipFactory(agency=getattr(tree, held_in), role=role).user

    for permission in Permission:
        # when the permitted agencies are listed
        listed = agencies_where_permitted(user=user, permission=permission)

        # then they are exactly those for which the one check says yes
        checked = {a.pk for a in tree.all if user_has_permission(user=user, permission=permission, agency=a)}
        assert listed == checked, permission
