"""Load the demo province: agencies (with those merged in 2025 as history), officials for every role,
citizens and a business. Safe to run again: what exists is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from egov.accounts import demo
from egov.accounts.models import Agency, Membership, User
from egov.accounts.services import agency_create, agency_merge, membership_grant, user_create


class Command(BaseCommand):
    help = "Load the demo province (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = self._agencies() + self._people()
        self.stdout.write(self.style.SUCCESS(f"Demo province ready ({created} records created)."))

    def _agency(self, code: str, name: str, short: str, level: str, parent: str, **extra: Any) -> int:
        if Agency.objects.filter(code=code).exists():
            return 0
        parent_agency = Agency.objects.get(code=parent) if parent else None
        agency_create(
            actor=None, code=code, name=name, short_name=short, level=level, parent=parent_agency, **extra
        )
        return 1

    def _agencies(self) -> int:
        created = self._agency(*demo.PROVINCE, "")
        for code, name, short, level, parent in demo.AGENCIES:
            created += self._agency(code, name, short, level, parent)
        for code, name, short, level, parent, successor in demo.FORMER_AGENCIES:
            if self._agency(code, name, short, level, parent):
                created += 1
                agency_merge(
                    actor=None,
                    sources=[Agency.objects.get(code=code)],
                    successor=Agency.objects.get(code=successor),
                    effective_on=demo.REORGANISED_ON,
                )
        return created

    def _people(self) -> int:
        created = 0
        for username, full_name, agency_code, roles in demo.OFFICIALS:
            user = User.objects.filter(username=username).first()
            if user is None:
                is_admin = username == "quantri"
                user = user_create(
                    actor=None,
                    username=username,
                    password=demo.DEMO_PASSWORD,
                    kind=User.Kind.OFFICIAL,
                    full_name=full_name,
                    email=f"{username}@demo.egov.vn",
                    is_staff=True,
                    is_superuser=is_admin,
                )
                created += 1
            agency = Agency.objects.get(code=agency_code)
            for role in roles:
                if not Membership.objects.filter(
                    user=user, agency=agency, role=role, valid_to__isnull=True
                ).exists():
                    membership_grant(
                        actor=None, user=user, agency=agency, role=role, valid_from=demo.REORGANISED_ON
                    )
                    created += 1
        for username, full_name, personal_id, phone, email, address in demo.CITIZENS:
            if not User.objects.filter(username=username).exists():
                user_create(
                    actor=None,
                    username=username,
                    password=demo.DEMO_PASSWORD,
                    kind=User.Kind.CITIZEN,
                    full_name=full_name,
                    personal_id=personal_id,
                    phone=phone,
                    email=email,
                    address=address,
                )
                created += 1
        for username, full_name, tax_code, organisation in demo.BUSINESSES:
            if not User.objects.filter(username=username).exists():
                user_create(
                    actor=None,
                    username=username,
                    password=demo.DEMO_PASSWORD,
                    kind=User.Kind.BUSINESS,
                    full_name=full_name,
                    tax_code=tax_code,
                    organisation_name=organisation,
                )
                created += 1
        return created
