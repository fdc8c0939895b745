from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from egov.accounts import demo
from egov.accounts.models import Agency, AgencyName, Membership, User
from egov.accounts.selectors import agency_current_successor, user_has_permission
from egov.core.audit.models import AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify
from egov.core.permissions import Permission, Role

pytestmark = pytest.mark.django_db


def record_counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "former_names": AgencyName.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def load_demo_province() -> str:
    out = StringIO()
    call_command("load_demo_province", stdout=out)
    return out.getvalue()


def test_demo_province_loads_everything_once():
    # when the demo province is loaded into an empty database
    output = load_demo_province()

    # then every agency, official, citizen, business and role is there
    agencies = 1 + len(demo.AGENCIES) + len(demo.FORMER_AGENCIES)
    users = len(demo.OFFICIALS) + len(demo.CITIZENS) + len(demo.BUSINESSES)
    memberships = sum(len(roles) for *_, roles in demo.OFFICIALS)
    assert record_counts() == {
        "agencies": agencies,
        "former_names": 0,
        "users": users,
        "memberships": memberships,
        # one event per agency, per user and per role, and two per merger
        "audit_events": agencies + users + memberships + 2 * len(demo.FORMER_AGENCIES),
    }
    assert output == f"Demo province ready ({agencies + users + memberships} records created).\n"


def test_demo_province_runs_again_without_duplicating_anything():
    # given the demo province loaded once
    load_demo_province()
    after_first_run = record_counts()

    # when it is loaded again
    output = load_demo_province()

    # then nothing new is created
    assert record_counts() == after_first_run
    assert output == "Demo province ready (0 records created).\n"


def test_demo_province_has_an_official_for_every_role():
    load_demo_province()

    roles = set(Membership.objects.filter(user__kind=User.Kind.OFFICIAL).values_list("role", flat=True))

    assert roles == {role.value for role in Role}


def test_demo_former_agencies_ended_on_30_june_2025_with_their_successors():
    # when the demo province is loaded
    load_demo_province()

    # then the agencies absorbed in the reorganisation ended the day before it, pointing to their successors
    former = {
        code: (valid_to, successor_code)
        for code, valid_to, successor_code in Agency.objects.filter(valid_to__isnull=False).values_list(
            "code", "valid_to", "successor__code"
        )
    }
    assert former == {
        "H35": (date(2025, 6, 30), "H37"),
        "H36": (date(2025, 6, 30), "H37"),
        "H37.21": (date(2025, 6, 30), "H37.33"),
        "H37.22": (date(2025, 6, 30), "H37.30"),
    }
    # and kept their names
    assert Agency.objects.get(code="H35").name == "Ủy ban nhân dân tỉnh Hà Nam"
    assert agency_current_successor(agency=Agency.objects.get(code="H37.22")).code == "H37.30"


def test_demo_officials_act_where_their_roles_say():
    load_demo_province()
    commune_centre = Agency.objects.get(code="H37.30.01")

    # the provincial leader sees a commune's dossiers; the commune's one-stop officer receives them there only
    leader = User.objects.get(username="lanhdao")
    officer = User.objects.get(username="motcua.hoalu")
    assert user_has_permission(user=leader, permission=Permission.DOSSIER_VIEW, agency=commune_centre) is True
    assert (
        user_has_permission(user=officer, permission=Permission.DOSSIER_RECEIVE, agency=commune_centre)
        is True
    )
    assert (
        user_has_permission(
            user=officer, permission=Permission.DOSSIER_RECEIVE, agency=Agency.objects.get(code="H37")
        )
        is False
    )


def test_demo_people_pass_every_validation():
    load_demo_province()

    for user in User.objects.all():
        user.full_clean(exclude=["password"])
    assert set(User.objects.filter(kind=User.Kind.CITIZEN).values_list("personal_id", flat=True)) == {
        personal_id for _, _, personal_id, *_ in demo.CITIZENS
    }


def test_demo_province_audit_chain_verifies_after_two_runs():
    # when the demo province is loaded twice
    load_demo_province()
    load_demo_province()

    # then the audit chain is intact
    assert audit_chain_verify() == ChainReport(checked=AuditEvent.objects.count())
    assert AuditEvent.objects.count() > 0
