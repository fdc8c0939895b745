"""Factories for the queue. Other apps may import these: keep them general.

- ``FieldFactory()`` is a field of procedures (catalog.Field), made here so that the queue's tests need
  nothing from the catalogue's own tests.
- ``TicketLineFactory()`` is an active line of a new one-stop centre, letters A, B, C… in turn; pass
  ``fields=[...]`` to group fields.
- ``CounterFactory()`` is a closed counter of a new one-stop centre that serves nothing yet; traits
  ``open`` and ``serves_all``; pass ``fields=[...]``.
- ``OfficerFactory(centre=...)`` is a one-stop officer of that centre (DOSSIER_RECEIVE there).

Tickets are taken through ``egov.queueing.services.ticket_take`` so that numbering is always real.
"""

from __future__ import annotations

import factory

from egov.accounts.tests.factories import AgencyFactory, MembershipFactory, UserFactory
from egov.catalog.models import Field
from egov.core.permissions import Role
from egov.queueing.models import Counter, TicketLine


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-xep-hang-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực xếp hàng {n}")


class TicketLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketLine
        skip_postgeneration_save = True

    centre = factory.SubFactory(AgencyFactory, one_stop_centre=True)
    letter = factory.Sequence(lambda n: "ABCDEFGHJKLMNPQRSTUVWXYZ"[n % 24])
    name = factory.Sequence(lambda n: f"Hàng thử nghiệm {n}")
    order = factory.Sequence(int)
    is_active = True

    @factory.post_generation
    def fields(self, create: bool, extracted: list[Field] | None, **kwargs: object) -> None:
        if create and extracted:
            self.fields.set(extracted)


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter
        skip_postgeneration_save = True

    centre = factory.SubFactory(AgencyFactory, one_stop_centre=True)
    number = factory.Sequence(lambda n: n + 1)
    name = ""
    serves_all_fields = False
    is_open = False

    class Params:
        open = factory.Trait(is_open=True)
        serves_all = factory.Trait(serves_all_fields=True)

    @factory.post_generation
    def fields(self, create: bool, extracted: list[Field] | None, **kwargs: object) -> None:
        if create and extracted:
            self.fields.set(extracted)


def OfficerFactory(*, centre: object, role: Role = Role.ONE_STOP_OFFICER, **kwargs: object):
    """A new official holding ``role`` (one-stop officer) at ``centre``; returns the user."""
    return MembershipFactory(user=UserFactory(official=True, **kwargs), agency=centre, role=role).user
