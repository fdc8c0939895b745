"""Back-office screens for agencies, people and roles. Saves go through services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from egov.accounts.forms import AgencyAdminForm, AgencyMergeForm
from egov.accounts.models import Agency, AgencyName, ApiToken, Membership, User
from egov.accounts.selectors import user_has_permission
from egov.accounts.services import AGENCY_FIELDS, agency_merge, agency_update
from egov.core.audit.services import audit_record, changes_between, snapshot
from egov.core.permissions import Permission


class AuditedAdminMixin:
    """Every save and delete from the admin writes an audit event in the same transaction."""

    audit_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audit_fields) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'updated' if change else 'created'}",
                target=obj,
                changes=changes_between(before, snapshot(obj, self.audit_fields)),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=f"{obj._meta.model_name}.deleted", target=obj)
            super().delete_model(request, obj)  # type: ignore[misc]


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    readonly_fields = ["name", "used_until"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_fields = AGENCY_FIELDS
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = ["level", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "successor"]
    readonly_fields = ["successor"]
    inlines = [AgencyNameInline]
    actions = ["merge_agencies"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agencies end (valid_to) or merge; they are never deleted

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs.setdefault("form", AgencyAdminForm)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, so that a rename keeps the former name (and the change is audited).
        agency_update(
            actor=request.user, agency=obj, **{name: form.cleaned_data[name] for name in form.changed_data}
        )
        obj.refresh_from_db()

    @admin.action(description=_("Merge the selected agencies into another agency"))
    def merge_agencies(self, request: HttpRequest, queryset: Any) -> Any:
        user = request.user if isinstance(request.user, User) else None
        if not all(
            user_has_permission(user=user, permission=Permission.AGENCY_MANAGE, agency=agency)
            for agency in queryset
        ):
            self.message_user(request, _("You may not merge these agencies."), messages.ERROR)
            return None
        form = AgencyMergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            # The successor receives the roles and the work: the user must manage it as well.
            if not user_has_permission(
                user=user, permission=Permission.AGENCY_MANAGE, agency=form.cleaned_data["successor"]
            ):
                self.message_user(request, _("You may not merge these agencies."), messages.ERROR)
                return None
            try:
                report = agency_merge(
                    actor=request.user,
                    sources=list(queryset),
                    successor=form.cleaned_data["successor"],
                    effective_on=form.cleaned_data["effective_on"],
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _("Merged %(count)s agencies into %(successor)s; %(people)s roles and %(units)s units moved.")
                % {
                    "count": len(report.merged),
                    "successor": report.successor,
                    "people": report.memberships_moved,
                    "units": report.children_moved,
                },
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge agencies"),
            "agencies": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/accounts/agency/merge.html", context)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    audit_fields = (
        "username",
        "kind",
        "full_name",
        "email",
        "phone",
        "is_active",
        "is_staff",
        "is_superuser",
    )
    list_display = ["username", "full_name", "kind", "email", "phone", "is_active"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "phone", "personal_id", "tax_code"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("Identity"),
            {
                "fields": (
                    "kind",
                    "full_name",
                    "personal_id",
                    "tax_code",
                    "organisation_name",
                    "phone",
                    "address",
                )
            },
        ),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_fields = ("user_id", "agency_id", "role", "valid_from", "valid_to")
    list_display = ["user", "agency", "role", "valid_from", "valid_to"]
    list_filter = ["role", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for other systems. A new token is shown once, in the message after saving."""

    list_display = ["name", "user", "prefix", "is_active", "last_used_at", "created_at"]
    list_filter = ["is_active"]
    fields = ["user", "name", "is_active", "prefix", "last_used_at"]
    readonly_fields = ["prefix", "last_used_at"]
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        with transaction.atomic():
            if change:
                super().save_model(request, obj, form, change)
                audit_record(
                    actor=request.user,
                    action="api_token.updated",
                    target=obj,
                    changes={"is_active": [None, obj.is_active]},
                )
                return
            issued, token = ApiToken.issue(user=obj.user, name=obj.name)
            obj.pk = issued.pk
            audit_record(
                actor=request.user,
                action="api_token.issued",
                target=issued,
                changes={"name": [None, obj.name]},
            )
        self.message_user(
            request,
            _("Copy this token now; it will not be shown again: %(token)s") % {"token": token},
            messages.WARNING,
        )
