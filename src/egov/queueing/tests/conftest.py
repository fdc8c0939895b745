"""A one-stop centre with two lines and counters, its officer, and people who may not call tickets.

centre (one-stop centre)
├── line A "Hộ tịch, chứng thực" (fields: Hộ tịch, Chứng thực)
├── line B "Đất đai"             (field: Đất đai)
├── counter 1: serves Hộ tịch and Chứng thực → line A only (open)
└── counter 3: serves every field → lines A and B (open)
other_centre: a second centre with its own officer
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from egov.accounts.models import Agency, User
from egov.accounts.tests.factories import AgencyFactory, UserFactory
from egov.core.permissions import Role
from egov.queueing.models import Counter, TicketLine
from egov.queueing.tests.factories import CounterFactory, FieldFactory, OfficerFactory, TicketLineFactory


@dataclass(frozen=True)
class Hall:
    centre: Agency
    line_a: TicketLine
    line_b: TicketLine
    counter_a: Counter
    counter_all: Counter


def make_hall(code: str = "H99.01.01") -> Hall:
    commune = AgencyFactory(commune=True)
    centre = AgencyFactory(
        code=code, name="Trung tâm Phục vụ hành chính công xã Thử", level="one_stop_centre", parent=commune
    )
    civil, certify, land = (
        FieldFactory(name=f"Hộ tịch {code}"),
        FieldFactory(name=f"Chứng thực {code}"),
        FieldFactory(name=f"Đất đai {code}"),
    )
    return Hall(
        centre=centre,
        line_a=TicketLineFactory(
            centre=centre, letter="A", name="Hộ tịch, chứng thực", order=1, fields=[civil, certify]
        ),
        line_b=TicketLineFactory(centre=centre, letter="B", name="Đất đai", order=2, fields=[land]),
        counter_a=CounterFactory(centre=centre, number=1, open=True, fields=[civil, certify]),
        counter_all=CounterFactory(centre=centre, number=3, open=True, serves_all=True),
    )


@pytest.fixture
def hall(db) -> Hall:
    return make_hall()


@pytest.fixture
def officer(hall) -> User:
    return OfficerFactory(centre=hall.centre, full_name="Lê Thị Hà")


@pytest.fixture
def other_officer(hall) -> User:
    other = make_hall(code="H98.01.01")
    return OfficerFactory(centre=other.centre)


@pytest.fixture
def specialist(hall) -> User:
    """Works at the same centre, but in a role that does not receive dossiers."""
    return OfficerFactory(centre=hall.centre, role=Role.SPECIALIST)


@pytest.fixture
def citizen(db) -> User:
    return UserFactory(citizen=True)


def client_for(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
