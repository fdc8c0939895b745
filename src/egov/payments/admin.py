from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments are written by the services (requests during processing, confirmations from
    the payment platforms), never edited by hand."""

    list_display = ["dossier", "state", "amount", "channel", "reference", "requested_at", "paid_at"]
    list_filter = ["state", "channel"]
    search_fields = ["dossier__code", "dossier__national_code", "reference"]
    date_hierarchy = "created_at"
    list_select_related = ["dossier"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
