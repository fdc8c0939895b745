"""Setting up a centre's lines and counters; tickets are read-only here (they change at the counter)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from egov.core.audit.services import audit_record, changes_between, snapshot
from egov.queueing.models import Counter, Ticket, TicketLine


class _AuditedAdmin(admin.ModelAdmin):
    """Saves from the admin write an audit event in the same transaction (many-to-many fields included)."""

    audit_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audit_fields) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"queue_{obj._meta.model_name}.{'updated' if change else 'created'}",
                target=obj,
                changes=changes_between(before, snapshot(obj, self.audit_fields)),
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = sorted(form.instance.fields.values_list("pk", flat=True)) if change else []
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            after = sorted(form.instance.fields.values_list("pk", flat=True))
            if before != after:
                audit_record(
                    actor=request.user,
                    action=f"queue_{form.instance._meta.model_name}.fields_changed",
                    target=form.instance,
                    changes={"fields": [before, after]},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=f"queue_{obj._meta.model_name}.deleted", target=obj)
            super().delete_model(request, obj)


@admin.register(TicketLine)
class TicketLineAdmin(_AuditedAdmin):
    audit_fields = ("centre_id", "letter", "name", "order", "is_active")
    list_display = ["letter", "name", "centre", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "letter", "centre__name", "centre__code"]
    autocomplete_fields = ["centre"]
    filter_horizontal = ["fields"]


@admin.register(Counter)
class CounterAdmin(_AuditedAdmin):
    audit_fields = ("centre_id", "number", "name", "serves_all_fields", "is_open")
    list_display = ["number", "name", "centre", "serves_all_fields", "is_open"]
    list_filter = ["is_open", "serves_all_fields"]
    search_fields = ["name", "centre__name", "centre__code"]
    autocomplete_fields = ["centre"]
    filter_horizontal = ["fields"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["code", "centre", "day", "status", "taken_at", "counter", "called_by", "finished_at"]
    list_filter = ["status", "day"]
    search_fields = ["code", "centre__name", "centre__code"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
