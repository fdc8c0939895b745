"""Admin for delegations: while an officer is away, a colleague holds their work in that agency. Heads
of the agency and administrators of agencies' roles set them; every save and deletion is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.accounts.selectors import agencies_where_permitted, user_has_permission
from egov.core.audit.services import audit_record, changes_between, snapshot
from egov.core.permissions import Permission
from egov.dossiers.models import Delegation

AUDITED = ("agency_id", "absent_id", "delegate_id", "valid_from", "valid_to")


def delegation_agencies(user: Any) -> set[int]:
    """Where ``user`` may set delegations: agencies they head or whose roles they manage."""
    if not isinstance(user, User):
        return set()
    return agencies_where_permitted(
        user=user, permission=Permission.DOSSIER_APPROVE
    ) | agencies_where_permitted(user=user, permission=Permission.MEMBERSHIP_MANAGE)


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["agency", "absent", "delegate", "valid_from", "valid_to"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, absent, delegate = data.get("agency"), data.get("absent"), data.get("delegate")
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if agency is not None and agency.pk not in delegation_agencies(self.user):
            self.add_error("agency", _("You may not set delegations for this agency."))
        if absent is not None and delegate is not None and absent.pk == delegate.pk:
            self.add_error("delegate", _("Choose someone other than the absent officer."))
        if valid_from and valid_to and valid_to <= valid_from:
            self.add_error("valid_to", _("The delegation must end after it starts."))
        if (
            agency is not None
            and delegate is not None
            and not user_has_permission(user=delegate, permission=Permission.DOSSIER_VIEW, agency=agency)
        ):
            self.add_error("delegate", _("The delegate must hold a role in this agency."))
        return data


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationForm
    list_display = ["absent", "delegate", "agency", "valid_from", "valid_to", "created_by"]
    list_filter = ["agency"]
    search_fields = ["absent__username", "absent__full_name", "delegate__username", "delegate__full_name"]
    autocomplete_fields = ["agency", "absent", "delegate"]
    readonly_fields = ["created_by"]
    date_hierarchy = "valid_from"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithUser(form_class):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delegation]:
        queryset = super().get_queryset(request).select_related("agency", "absent", "delegate", "created_by")
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(agency_id__in=delegation_agencies(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(delegation_agencies(request.user)) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(delegation_agencies(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def _manages(self, request: HttpRequest, obj: Any) -> bool:
        agencies = delegation_agencies(request.user)
        return bool(agencies) if obj is None else obj.agency_id in agencies

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        before = snapshot(Delegation.objects.get(pk=obj.pk), AUDITED) if change else {}
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"delegation.{'updated' if change else 'created'}",
                target=obj,
                changes=changes_between(before, snapshot(obj, AUDITED)),
            )

    def delete_model(self, request: HttpRequest, obj: Delegation) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action="delegation.deleted", target=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        with transaction.atomic():
            for delegation in queryset:
                audit_record(actor=request.user, action="delegation.deleted", target=delegation)
            super().delete_queryset(request, queryset)
