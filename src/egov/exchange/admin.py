"""The exchange in the back office: connected systems (suspend and resume), the outbox and inbox (read
only, with retry and re-process actions that go through the services), the sharing log (read only,
searchable: Decree 47/2020 Art. 45)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from egov.exchange import services
from egov.exchange.models import InboxMessage, OutboxMessage, Peer, SharingLogEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _pretty(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if len(text) > 20000:
        text = text[:20000] + "\n…"
    return format_html("<pre style='white-space:pre-wrap'>{}</pre>", text)


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_suspended", "suspended_reason"]
    fields = ["code", "name", "is_suspended", "suspended_reason"]
    readonly_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # peers come from the settings (EXCHANGE_PEERS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Peer, form: Any, change: bool) -> None:
        services.peer_suspend(
            actor=request.user, peer=obj, is_suspended=obj.is_suspended, reason=obj.suspended_reason
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "peer", "service", "subject", "sequence", "state", "attempts", "created_at", "next_attempt_at",
        "delivered_at", "last_status",
    ]  # fmt: skip
    list_filter = ["peer", "state", "message_type"]
    search_fields = ["subject", "idempotency_key", "ordering_key"]
    date_hierarchy = "created_at"
    list_select_related = ["peer"]
    readonly_fields = ["facts_pretty", "body_pretty"]
    exclude = ["facts", "body"]
    actions = ["retry", "discard"]

    @admin.display(description=_("facts"))
    def facts_pretty(self, obj: OutboxMessage) -> str:
        return _pretty(obj.facts)

    @admin.display(description=_("body sent"))
    def body_pretty(self, obj: OutboxMessage) -> str:
        body = json.loads(json.dumps(obj.body)) if obj.body else None
        data = (body or {}).get("data") or {}
        if isinstance(data, dict) and isinstance(data.get("TepKetQua"), dict):
            data["TepKetQua"]["NoiDungBase64"] = "…"
        return _pretty(body)

    @admin.action(description=_("Send the selected dead letters again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = 0
        for message in queryset.filter(state=OutboxMessage.State.DEAD):
            services.outbox_retry(actor=request.user, message=message)
            count += 1
        self.message_user(
            request, _("%(count)s messages are queued again.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Discard the selected dead letters"))
    def discard(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = 0
        for message in queryset.filter(state=OutboxMessage.State.DEAD):
            services.outbox_discard(
                actor=request.user, message=message, reason=str(_("Discarded in the admin"))
            )
            count += 1
        self.message_user(request, _("%(count)s messages discarded.") % {"count": count}, messages.SUCCESS)


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "peer", "service", "subject", "state", "reason_code", "received_at", "duplicates"]
    list_filter = ["peer", "state", "service", "reason_code"]
    search_fields = ["subject", "idempotency_key", "reason"]
    date_hierarchy = "received_at"
    list_select_related = ["peer"]
    readonly_fields = ["payload_pretty", "result_pretty"]
    exclude = ["payload", "result"]
    actions = ["reprocess"]

    @admin.display(description=_("content"))
    def payload_pretty(self, obj: InboxMessage) -> str:
        return _pretty(obj.payload)

    @admin.display(description=_("result returned"))
    def result_pretty(self, obj: InboxMessage) -> str:
        return _pretty(obj.result)

    @admin.action(description=_("Process the selected messages again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        applied = 0
        waiting = [InboxMessage.State.PARKED, InboxMessage.State.DEFERRED, InboxMessage.State.FAILED]
        for message in queryset.filter(state__in=waiting):
            done = services.inbox_reprocess(actor=request.user, message=message)
            applied += done.state == InboxMessage.State.APPLIED
        self.message_user(request, _("%(count)s messages applied.") % {"count": applied}, messages.SUCCESS)


@admin.register(SharingLogEntry)
class SharingLogEntryAdmin(ReadOnlyAdmin):
    """Decree 47/2020 Art. 45: time, form, requester, request, response status, data shared."""

    list_display = [
        "at", "direction", "peer", "requester", "service", "subject", "response_status", "is_success",
        "data_shared_text",
    ]  # fmt: skip
    list_filter = ["direction", "peer", "is_success", "service"]
    search_fields = ["subject", "idempotency_key", "requester", "service", "request", "error"]
    date_hierarchy = "at"
    list_select_related = ["peer"]

    @admin.display(description=_("data shared"))
    def data_shared_text(self, obj: SharingLogEntry) -> str:
        return "; ".join(str(item) for item in obj.data_shared)
