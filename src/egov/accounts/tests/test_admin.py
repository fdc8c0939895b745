from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission as ModelPermission
from django.urls import reverse
from django.utils import timezone

from egov.accounts.models import Agency, AgencyName
from egov.accounts.tests.factories import MembershipFactory, UserFactory
from egov.core.audit.models import AuditEvent
from egov.core.permissions import Role

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_agency_changelist"


def agency_state() -> list[dict]:
    return list(Agency.objects.order_by("pk").values())


def change_form_data(agency: Agency, **changes) -> dict:
    data = {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "level": agency.level,
        "parent": agency.parent_id or "",
        "valid_from": agency.valid_from.isoformat(),
        "valid_to": "",
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
        "former_names-TOTAL_FORMS": "0",
        "former_names-INITIAL_FORMS": "0",
        "former_names-MIN_NUM_FORMS": "0",
        "former_names-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


@pytest.fixture
def department_administrator(tree):
    """A staff administrator of the department only (its division included), allowed to edit agencies."""
    user = MembershipFactory(agency=tree.department, role=Role.ADMINISTRATOR).user
    user.user_permissions.add(*ModelPermission.objects.filter(codename__in=["view_agency", "change_agency"]))
    return user


def test_merge_action_shows_the_form_first(client, tree, department_administrator):
    # given the department's administrator in the admin
    client.force_login(department_administrator)

    # when the merge action is chosen for the division
    response = client.post(
        reverse(CHANGELIST), {"action": "merge_agencies", "_selected_action": [tree.division.pk]}
    )

    # then the merge form is shown and nothing changed yet
    assert response.status_code == 200
    assert response.templates[0].name == "admin/accounts/agency/merge.html"
    assert Agency.objects.get(pk=tree.division.pk).valid_to is None


def test_merge_action_merges_within_the_administrators_subtree(client, tree, department_administrator):
    # given the department's administrator in the admin
    client.force_login(department_administrator)

    # when the division is merged into the department
    client.post(
        reverse(CHANGELIST),
        {
            "action": "merge_agencies",
            "_selected_action": [tree.division.pk],
            "apply": "1",
            "successor": tree.department.pk,
            "effective_on": "01/01/2026",
        },
    )

    # then it is merged
    division = Agency.objects.get(pk=tree.division.pk)
    assert (division.valid_to, division.successor_id) == (date(2025, 12, 31), tree.department.pk)


@pytest.mark.parametrize(
    ("selected", "successor"),
    [
        ("division", "other_department"),  # successor outside the administrator's subtree
        ("other_department", "department"),  # source outside it
        ("division", "province"),  # successor above it
    ],
)
def test_merge_action_refuses_agencies_outside_the_administrators_subtree(
    client, tree, department_administrator, selected, successor
):
    # given the department's administrator in the admin
    client.force_login(department_administrator)
    before = agency_state()

    # when a merge touching an agency outside the department is applied
    client.post(
        reverse(CHANGELIST),
        {
            "action": "merge_agencies",
            "_selected_action": [getattr(tree, selected).pk],
            "apply": "1",
            "successor": getattr(tree, successor).pk,
            "effective_on": "01/01/2026",
        },
    )

    # then nothing changed and nothing was audited
    assert agency_state() == before
    assert AuditEvent.objects.count() == 0


def test_rename_in_the_admin_keeps_the_former_name(client, tree):
    # given a superuser in the admin
    client.force_login(UserFactory(official=True, is_staff=True, is_superuser=True))
    old_name = tree.department.name

    # when the department is renamed through its change form
    response = client.post(
        reverse("admin:accounts_agency_change", args=[tree.department.pk]),
        change_form_data(tree.department, name="Sở Tài chính"),
    )

    # then it is renamed, its former name is kept until yesterday, and the change is audited
    assert response.status_code == 302
    assert Agency.objects.get(pk=tree.department.pk).name == "Sở Tài chính"
    yesterday = timezone.localdate() - timedelta(days=1)
    assert list(AgencyName.objects.values_list("agency", "name", "used_until")) == [
        (tree.department.pk, old_name, yesterday)
    ]
    assert list(AuditEvent.objects.values_list("action", "changes")) == [
        ("agency.updated", {"name": [old_name, "Sở Tài chính"]})
    ]


def test_admin_refuses_to_place_an_agency_under_its_own_unit(client, tree):
    # given a superuser in the admin
    client.force_login(UserFactory(official=True, is_staff=True, is_superuser=True))
    before = agency_state()

    # when the department is placed under its own division
    response = client.post(
        reverse("admin:accounts_agency_change", args=[tree.department.pk]),
        change_form_data(tree.department, parent=tree.division.pk),
    )

    # then the form shows the error and nothing changed
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["parent"]
    assert agency_state() == before
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_new_api_token_is_shown_once_and_only_its_hash_is_stored(admin_client, django_user_model):
    from egov.accounts.models import ApiToken

    system = django_user_model.objects.create_user("he-thong", password="x", kind="official")

    form = {"user": system.pk, "name": "Cổng DVCQG", "is_active": "on"}
    response = admin_client.post("/admin/accounts/apitoken/add/", form, follow=True)

    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) >= 1
    secret = shown[0].rsplit(" ", 1)[-1]
    assert ApiToken.digest(secret) == token.token_hash
    assert secret not in response.content.decode().replace(shown[0], "")
