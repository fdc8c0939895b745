"""Back-office views of identities and officials' sign-in attempts; unlocking goes through a service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from egov.identity.models import Identity, OfficialLockout, OfficialSignInAttempt
from egov.identity.services import official_lockout_clear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Identity)
class IdentityAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "is_vneid_authenticated",
        "vneid_last_at",
        "phone_verified_at",
        "email_verified_at",
    ]
    list_filter = ["is_vneid_authenticated"]
    search_fields = ["user__username", "user__full_name", "user__personal_id"]
    list_select_related = ["user"]


@admin.register(OfficialSignInAttempt)
class OfficialSignInAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "ip_address", "result"]
    list_filter = ["result"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"


@admin.register(OfficialLockout)
class OfficialLockoutAdmin(ReadOnlyAdmin):
    list_display = ["username", "locked_until"]
    search_fields = ["username"]
    actions = ["unlock"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The unlock action needs change permission; the form itself stays read-only (no fields editable).
        return bool(request.user.has_perm("identity.change_officiallockout"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["username", "locked_until", "counted_from"]

    @admin.action(description=_("Unlock the selected usernames now"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[OfficialLockout]) -> None:
        unlocked = sum(official_lockout_clear(actor=request.user, username=row.username) for row in queryset)
        self.message_user(
            request,
            ngettext("%(count)d username unlocked.", "%(count)d usernames unlocked.", unlocked)
            % {"count": unlocked},
            messages.SUCCESS,
        )
