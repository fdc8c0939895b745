"""Factories for agencies, people and roles. Other apps import these: keep them general.

- ``AgencyFactory()`` is a top-level department; traits ``province``, ``department`` (under a new
  province), ``commune`` (under a new province), ``one_stop_centre`` (under a new commune) and ``ended``
  (ended on 30/06/2025, the day before the 2025 reorganisation). Pass ``parent=`` to place it.
- ``UserFactory()`` is a citizen without identity numbers; traits ``official``, ``citizen`` (with a valid,
  unique personal identification number) and ``business`` (with a valid, unique tax code).
- ``MembershipFactory()`` gives a new official a role in a new department from 01/07/2025 on, with no end;
  traits ``ended`` (ended yesterday) and ``upcoming`` (starts tomorrow).
"""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from egov.accounts.models import Agency, Membership, User
from egov.core.permissions import Role

TEST_PASSWORD = "egov-test-password"
REORGANISED_ON = date(2025, 7, 1)

# Province-of-birth codes used for generated personal identification numbers (a few real ones).
_BIRTH_PROVINCES = ("001", "037", "036", "035", "079")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def personal_id_for(n: int) -> str:
    """A valid, unique 12-digit personal identification number for ``n`` (born 1960–1999)."""
    province = _BIRTH_PROVINCES[n % len(_BIRTH_PROVINCES)]
    sex_and_century = n % 2  # 0 = male, 1 = female, born in the 1900s
    year = 60 + n % 40
    return f"{province}{sex_and_century}{year:02d}{n:06d}"


def tax_code_for(n: int) -> str:
    """A valid, unique 10-digit tax code for ``n``, with its check digit."""
    base = 100_000_000 + n * 7  # 9 digits; a step of 7 keeps codes apart after skipping
    while True:
        digits = f"{base:09d}"
        remainder = sum(int(digit) * weight for digit, weight in zip(digits, _TAX_WEIGHTS, strict=True)) % 11
        if remainder != 0:  # a remainder of 0 would need check digit 10: such codes are never issued
            return f"{digits}{10 - remainder}"
        base += 1


def _today() -> date:
    return timezone.localdate()


_SELF = "egov.accounts.tests.factories.AgencyFactory"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{n:02d}" if o.parent else f"T{n:02d}")
    name = factory.LazyAttributeSequence(lambda o, n: f"{Agency.Level(o.level).label} {n}")
    short_name = ""
    level = Agency.Level.DEPARTMENT
    parent = None
    valid_from = date(2000, 1, 1)
    valid_to = None
    successor = None

    class Params:
        province = factory.Trait(level=Agency.Level.PROVINCE, parent=None)
        department = factory.Trait(
            level=Agency.Level.DEPARTMENT,
            parent=factory.SubFactory("egov.accounts.tests.factories.AgencyFactory", province=True),
        )
        commune = factory.Trait(
            level=Agency.Level.COMMUNE,
            parent=factory.SubFactory("egov.accounts.tests.factories.AgencyFactory", province=True),
        )
        one_stop_centre = factory.Trait(
            level=Agency.Level.ONE_STOP_CENTRE,
            parent=factory.SubFactory("egov.accounts.tests.factories.AgencyFactory", commune=True),
        )
        ended = factory.Trait(valid_to=REORGANISED_ON - timedelta(days=1))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.django.Password(TEST_PASSWORD)
    kind = User.Kind.CITIZEN
    personal_id = None
    tax_code = ""
    is_active = True

    class Params:
        official = factory.Trait(kind=User.Kind.OFFICIAL, is_staff=True)
        citizen = factory.Trait(kind=User.Kind.CITIZEN, personal_id=factory.Sequence(personal_id_for))
        business = factory.Trait(
            kind=User.Kind.BUSINESS,
            tax_code=factory.Sequence(tax_code_for),
            organisation_name=factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}"),
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, official=True)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.SPECIALIST
    valid_from = REORGANISED_ON
    valid_to = None

    class Params:
        ended = factory.Trait(valid_to=factory.LazyFunction(lambda: _today() - timedelta(days=1)))
        upcoming = factory.Trait(valid_from=factory.LazyFunction(lambda: _today() + timedelta(days=1)))
