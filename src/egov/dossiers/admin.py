from typing import Any

from django.contrib import admin
from django.http import HttpRequest

import egov.dossiers.admin_processing  # noqa: F401 - registers the delegation admin
from egov.dossiers import admin_notifications  # noqa: F401 - registers the notification admin
from egov.dossiers.models import Dossier, DossierEvent, DossierPaper


class DossierPaperInline(admin.TabularInline):
    model = DossierPaper
    extra = 0
    readonly_fields = ["name", "required_paper", "file", "estore_item", "from_national_database"]
    can_delete = False


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "at", "actor", "note"]
    can_delete = False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only here: dossiers change only through the one-stop desk and its services."""

    list_display = [
        "code",
        "applicant_name",
        "procedure_version",
        "receiving_agency",
        "channel",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["code", "applicant_name", "applicant_personal_id"]
    inlines = [DossierPaperInline, DossierEventInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
