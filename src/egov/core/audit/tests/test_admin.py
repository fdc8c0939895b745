import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from egov.accounts.tests.factories import UserFactory
from egov.core.audit.models import AuditEvent
from egov.core.audit.selectors import ChainReport, audit_chain_verify


@pytest.fixture
def superuser(db):
    return UserFactory(official=True, is_staff=True, is_superuser=True)


def stored_events() -> list[dict]:
    return list(AuditEvent.objects.order_by("sequence").values())


def test_admin_refuses_add_change_and_delete_even_to_a_superuser(five_events, superuser):
    # given the audit event admin and a superuser's request
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = superuser
    event = five_events[0]

    # then events can be viewed but not added, changed or deleted, and no bulk delete is offered
    assert model_admin.has_view_permission(request, event) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, event) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_lists_and_shows_events(client, five_events, superuser):
    # given a superuser in the admin
    client.force_login(superuser)

    # when the list and an event are opened
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    detail = client.get(reverse("admin:audit_auditevent_change", args=[five_events[0].pk]))

    # then both are shown
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert listing.context["cl"].result_count == 5


def test_admin_add_page_is_forbidden(client, five_events, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:audit_auditevent_add"), {"action": "test.forged"})

    assert response.status_code == 403
    assert AuditEvent.objects.count() == 5


def test_post_to_the_delete_page_does_not_delete(client, five_events, superuser):
    # given a superuser in the admin
    client.force_login(superuser)
    before = stored_events()

    # when they confirm the deletion of an event
    response = client.post(
        reverse("admin:audit_auditevent_delete", args=[five_events[2].pk]), {"post": "yes"}
    )

    # then it is forbidden and the event is still there
    assert response.status_code == 403
    assert stored_events() == before
    assert audit_chain_verify() == ChainReport(checked=5)


def test_post_to_the_change_page_does_not_change(client, five_events, superuser):
    client.force_login(superuser)
    before = stored_events()

    response = client.post(
        reverse("admin:audit_auditevent_change", args=[five_events[2].pk]), {"action": "test.forged"}
    )

    assert response.status_code == 403
    assert stored_events() == before


def test_bulk_delete_action_does_not_delete(client, five_events, superuser):
    client.force_login(superuser)
    before = stored_events()

    client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk for event in five_events], "post": "yes"},
    )

    assert stored_events() == before
