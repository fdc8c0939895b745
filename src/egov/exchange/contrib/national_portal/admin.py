"""Mappings to the national portal's codes (audited); saving one processes again the dossiers parked for
want of it. The dossiers received from the portal and the reconciliations, read only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.accounts.admin import AuditedAdminMixin
from egov.exchange.admin import ReadOnlyAdmin
from egov.exchange.contrib.national_portal.models import (
    AgencyMapping,
    NationalDossier,
    ProcedureMapping,
    ReconciliationReport,
)
from egov.exchange.contrib.national_portal.services import parked_release

MAPPING_FIELDS = ("national_code", "is_active", "note")


class MappingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        released = parked_release(actor=request.user)
        if released:
            self.message_user(
                request,
                _("%(count)s dossiers that waited for a mapping have been received.") % {"count": released},
                messages.SUCCESS,
            )


@admin.register(ProcedureMapping)
class ProcedureMappingAdmin(MappingAdmin):
    audit_fields = (*MAPPING_FIELDS, "procedure_id")
    list_display = ["national_code", "procedure", "is_active", "note"]
    list_filter = ["is_active"]
    search_fields = ["national_code", "procedure__national_code", "note"]
    autocomplete_fields = ["procedure"]


@admin.register(AgencyMapping)
class AgencyMappingAdmin(MappingAdmin):
    audit_fields = (*MAPPING_FIELDS, "agency_id")
    list_display = ["national_code", "agency", "is_active", "note"]
    list_filter = ["is_active"]
    search_fields = ["national_code", "agency__code", "agency__name", "note"]
    autocomplete_fields = ["agency"]


@admin.register(NationalDossier)
class NationalDossierAdmin(ReadOnlyAdmin):
    list_display = [
        "national_code", "dossier", "procedure_code", "agency_code", "submitted_at", "is_vneid_authenticated",
        "paid_online",
    ]  # fmt: skip
    list_filter = ["is_vneid_authenticated", "paid_online"]
    search_fields = ["national_code", "dossier__code", "procedure_code"]
    date_hierarchy = "submitted_at"
    list_select_related = ["dossier"]


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = [
        "ran_at", "date_from", "date_to", "local_count", "portal_count", "synced_count", "rate", "resent",
        "error",
    ]  # fmt: skip
    date_hierarchy = "ran_at"
