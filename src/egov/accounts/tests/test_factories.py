from datetime import date, timedelta

import pytest
from django.utils import timezone

from egov.accounts.models import Agency, User
from egov.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from egov.core.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("trait", "level", "parent_level"),
    [
        ("province", Agency.Level.PROVINCE, None),
        ("department", Agency.Level.DEPARTMENT, Agency.Level.PROVINCE),
        ("commune", Agency.Level.COMMUNE, Agency.Level.PROVINCE),
        ("one_stop_centre", Agency.Level.ONE_STOP_CENTRE, Agency.Level.COMMUNE),
    ],
)
def test_agency_traits_build_a_valid_agency_in_its_place(trait, level, parent_level):
    # when an agency is made with a level trait
    agency = AgencyFactory(**{trait: True})

    # then it is valid, active and under a parent of the expected level
    agency.full_clean()
    assert agency.level == level
    assert (agency.parent.level if agency.parent else None) == parent_level
    assert agency.valid_to is None
    assert agency.is_active_on(timezone.localdate()) is True


def test_agency_given_a_parent_gets_a_code_below_the_parents_code():
    # given a province
    province = AgencyFactory(province=True, code="H99")

    # when a department is made under it
    department = AgencyFactory(department=True, parent=province)

    # then it is placed there, with no extra province made
    assert department.parent == province
    assert department.code.startswith("H99.")
    assert Agency.objects.count() == 2


def test_ended_agency_ended_the_day_before_the_reorganisation():
    # when an ended agency is made
    agency = AgencyFactory(ended=True)

    # then it ended on 30/06/2025
    agency.full_clean()
    assert agency.valid_to == date(2025, 6, 30)
    assert agency.is_active_on(date(2025, 7, 1)) is False


@pytest.mark.parametrize(
    ("trait", "kind"),
    [("official", User.Kind.OFFICIAL), ("citizen", User.Kind.CITIZEN), ("business", User.Kind.BUSINESS)],
)
def test_user_traits_build_a_valid_user(trait, kind):
    # when two users are made with the trait
    first, second = UserFactory(**{trait: True}), UserFactory(**{trait: True})

    # then both pass every model validation (identity numbers included) and are distinct
    first.full_clean()
    second.full_clean()
    assert (first.kind, second.kind) == (kind, kind)
    assert first.username != second.username


def test_citizen_gets_a_personal_id_and_business_a_tax_code():
    # when a citizen and a business are made
    citizen = UserFactory(citizen=True)
    business = UserFactory(business=True)

    # then each has its identity number, and the password works
    assert len(citizen.personal_id) == 12
    assert citizen.tax_code == ""
    assert len(business.tax_code) == 10
    assert business.personal_id is None
    assert citizen.check_password("egov-test-password") is True


def test_membership_is_active_today_and_traits_move_its_period():
    today = timezone.localdate()

    # when memberships are made
    active = MembershipFactory()
    ended = MembershipFactory(ended=True)
    upcoming = MembershipFactory(upcoming=True)

    # then the default holds a role in an agency from 01/07/2025 with no end
    assert active.user.kind == User.Kind.OFFICIAL
    assert active.role == Role.SPECIALIST
    assert (active.valid_from, active.valid_to) == (date(2025, 7, 1), None)
    assert ended.valid_to == today - timedelta(days=1)
    assert upcoming.valid_from == today + timedelta(days=1)
