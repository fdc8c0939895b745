from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.core.calendar.models import CalendarOverride
from egov.core.calendar.services import calendar_override_remove, calendar_override_set


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Days off and make-up working days announced each year; saved through the audited services."""

    list_display = ["date", "kind", "reason", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["reason", "legal_basis"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            calendar_override_remove(actor=request.user, day=form.initial["date"])
        saved = calendar_override_set(
            actor=request.user, day=obj.date, kind=obj.kind, reason=obj.reason, legal_basis=obj.legal_basis
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_remove(actor=request.user, day=obj.date)
