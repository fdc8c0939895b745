from datetime import date, timedelta

import pytest
from django.utils import timezone

from egov.accounts.selectors import (
    active_memberships,
    agencies_active,
    agency_ancestor_ids,
    agency_current_successor,
    agency_descendant_ids,
    agency_name_on,
    agency_parent_map,
    users_of_agency,
)
from egov.accounts.services import agency_update
from egov.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from egov.core.permissions import Role

pytestmark = pytest.mark.django_db


# Tree -------------------------------------------------------------------------------------------------


def test_parent_map_gives_every_agencys_parent(tree):
    assert agency_parent_map() == {
        tree.province.pk: None,
        tree.department.pk: tree.province.pk,
        tree.division.pk: tree.department.pk,
        tree.other_department.pk: tree.province.pk,
        tree.commune.pk: tree.province.pk,
        tree.one_stop_centre.pk: tree.commune.pk,
    }


def test_ancestors_run_from_the_agency_up_to_the_root(tree):
    assert agency_ancestor_ids(agency_id=tree.one_stop_centre.pk) == [
        tree.one_stop_centre.pk,
        tree.commune.pk,
        tree.province.pk,
    ]
    assert agency_ancestor_ids(agency_id=tree.province.pk) == [tree.province.pk]


def test_ancestors_stop_on_a_cycle_instead_of_looping():
    # given two agencies made each other's parent behind the services' back
    first = AgencyFactory()
    second = AgencyFactory(parent=first)
    first.parent = second
    first.save()

    # when the ancestors are read, then each appears once
    assert agency_ancestor_ids(agency_id=first.pk) == [first.pk, second.pk]


def test_descendants_are_the_whole_subtree(tree):
    assert agency_descendant_ids(agency_id=tree.province.pk) == {agency.pk for agency in tree.all}
    assert agency_descendant_ids(agency_id=tree.department.pk) == {tree.department.pk, tree.division.pk}
    assert agency_descendant_ids(agency_id=tree.commune.pk, include_self=False) == {tree.one_stop_centre.pk}
    assert agency_descendant_ids(agency_id=tree.division.pk) == {tree.division.pk}


def test_agencies_active_on_a_day_leave_out_the_ended_and_the_not_yet_started(tree):
    # given an agency that ended on 30/06/2025 and one that starts on 01/07/2025
    ended = AgencyFactory(ended=True, parent=tree.province)
    new = AgencyFactory(parent=tree.province, valid_from=date(2025, 7, 1))
    before = {agency.pk for agency in tree.all} | {ended.pk}
    after = {agency.pk for agency in tree.all} | {new.pk}

    # when the active agencies are read on each side of the change, then each has its own
    assert set(agencies_active(on=date(2025, 6, 30)).values_list("pk", flat=True)) == before
    assert set(agencies_active(on=date(2025, 7, 1)).values_list("pk", flat=True)) == after
    assert set(agencies_active().values_list("pk", flat=True)) == after


def test_current_successor_follows_a_chain_of_mergers():
    # given A merged into B, itself later merged into C
    last = AgencyFactory()
    middle = AgencyFactory(valid_to=date(2025, 12, 31), successor=last)
    first = AgencyFactory(ended=True, successor=middle)

    # when the current successor is asked for, then it is the end of the chain
    assert agency_current_successor(agency=first) == last
    assert agency_current_successor(agency=last) == last


# Former names ---------------------------------------------------------------------------------------


def test_agency_name_on_gives_each_name_for_the_period_it_was_used(tree):
    # given a department renamed on 01/03/2025 and again on 01/07/2025
    agency = tree.department
    agency_update(actor=None, agency=agency, name="Sở Kế hoạch và Đầu tư", renamed_on=date(2025, 3, 1))
    agency_update(actor=None, agency=agency, name="Sở Tài chính", renamed_on=date(2025, 7, 1))
    first_name = agency.name
    agency.refresh_from_db()

    # when its name is asked for on various days, then each day gets the name it carried
    assert agency_name_on(agency=agency, day=date(2020, 1, 1)) == first_name
    assert agency_name_on(agency=agency, day=date(2025, 2, 28)) == first_name
    assert agency_name_on(agency=agency, day=date(2025, 3, 1)) == "Sở Kế hoạch và Đầu tư"
    assert agency_name_on(agency=agency, day=date(2025, 6, 30)) == "Sở Kế hoạch và Đầu tư"
    assert agency_name_on(agency=agency, day=date(2025, 7, 1)) == "Sở Tài chính"
    assert agency_name_on(agency=agency, day=timezone.localdate()) == "Sở Tài chính"


# Memberships ------------------------------------------------------------------------------------------


def test_active_memberships_are_those_whose_period_covers_the_day(tree):
    today = timezone.localdate()
    user = UserFactory(official=True)
    current = MembershipFactory(user=user, agency=tree.department)
    ending_today = MembershipFactory(user=user, agency=tree.commune, valid_to=today)
    MembershipFactory(user=user, agency=tree.province, ended=True)
    upcoming = MembershipFactory(user=user, agency=tree.division, upcoming=True)
    MembershipFactory(agency=tree.department)  # someone else's

    # when the user's active memberships are read
    memberships = set(active_memberships(user=user))

    # then only those covering today count, the last day included
    assert memberships == {current, ending_today}
    assert set(active_memberships(user=user, on=today + timedelta(days=1))) == {current, upcoming}


def test_users_of_agency_are_those_holding_a_role_there_today(tree):
    today = timezone.localdate()
    specialist = MembershipFactory(agency=tree.department, role=Role.SPECIALIST).user
    clerk = MembershipFactory(agency=tree.department, role=Role.CLERK).user
    leaving_soon = MembershipFactory(agency=tree.department, valid_to=today + timedelta(days=3)).user
    MembershipFactory(agency=tree.department, ended=True)
    MembershipFactory(agency=tree.department, upcoming=True)
    MembershipFactory(agency=tree.other_department)

    # when the people of the department are read, all and by role
    everyone = set(users_of_agency(agency=tree.department))
    clerks = set(users_of_agency(agency=tree.department, roles=[Role.CLERK]))

    # then those holding a role today are listed, with a role ending later still counted
    assert everyone == {specialist, clerk, leaving_soon}
    assert clerks == {clerk}
