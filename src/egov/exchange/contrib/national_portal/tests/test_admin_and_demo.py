"""The back office pages of the connector, and the demo mappings."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from egov.accounts.models import Agency
from egov.core.audit.models import AuditEvent
from egov.exchange.contrib.national_portal.models import AgencyMapping, ProcedureMapping


@pytest.mark.parametrize(
    "path",
    [
        "/admin/national_portal/proceduremapping/",
        "/admin/national_portal/proceduremapping/add/",
        "/admin/national_portal/agencymapping/",
        "/admin/national_portal/nationaldossier/",
        "/admin/national_portal/reconciliationreport/",
        "/admin/exchange/outboxmessage/",
        "/admin/exchange/inboxmessage/",
        "/admin/exchange/peer/",
        "/admin/payments/payment/",
    ],
)
def test_the_back_office_pages_open_in_vietnamese(admin_client, connected, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_a_mapping_saved_in_the_admin_is_audited(admin_client, connected, procedure, admin_user):
    admin_client.post(
        "/admin/national_portal/proceduremapping/add/",
        {
            "national_code": "1.999999",
            "procedure": procedure.procedure.pk,
            "is_active": "on",
            "note": "Mã cũ",
        },
    )
    mapping = ProcedureMapping.objects.get()
    event = AuditEvent.objects.get(action="proceduremapping.created")
    assert (event.actor, event.target_id) == (admin_user, str(mapping.pk))


def test_the_demo_mappings_are_loaded_once(province, procedure):
    call_command("load_demo_exchange")
    call_command("load_demo_exchange")

    assert list(ProcedureMapping.objects.values_list("national_code", "procedure__national_code")) == [
        ("2.000488", "2.000488")
    ]
    centre = Agency.objects.get(code="H98.01")
    assert list(AgencyMapping.objects.values_list("national_code", "agency")) == [("000.01.H98", centre.pk)]
