"""Factories for sign-in tests. ``CitizenFactory`` has a personal ID as username, a mobile phone and an
e-mail; ``OfficialFactory`` an official with a username; both use ``PASSWORD``."""

from __future__ import annotations

import factory

from egov.accounts.models import User

PASSWORD = "Mat-khau-thu-nghiem-2026"


def personal_id_for(n: int) -> str:
    """A valid, unique personal identification number (province 037, born 1990, male)."""
    return f"037090{n + 100000:06d}"


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.LazyAttribute(lambda o: o.personal_id)
    personal_id = factory.Sequence(personal_id_for)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    phone = factory.Sequence(lambda n: f"091{n + 1000000:07d}")
    email = factory.Sequence(lambda n: f"cong.dan{n}@example.vn")
    password = factory.django.Password(PASSWORD)
    kind = User.Kind.CITIZEN
    is_active = True

    class Params:
        business = factory.Trait(
            kind=User.Kind.BUSINESS,
            personal_id=None,
            username="0100112437",
            tax_code="0100112437",
            organisation_name="Công ty TNHH Thử nghiệm",
        )


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Trần Thị Cán Bộ {n}")
    email = factory.Sequence(lambda n: f"can.bo{n}@example.gov.vn")
    password = factory.django.Password(PASSWORD)
    kind = User.Kind.OFFICIAL
    is_staff = True
    is_active = True
