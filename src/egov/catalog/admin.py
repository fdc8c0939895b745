"""Back office for the catalogue: drafts are edited here, published versions are read-only, and every
save or publication goes through the audited services."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.catalog.eform import schema_check
from egov.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredPaper, StepTemplate
from egov.catalog.services import procedure_version_new_draft, procedure_version_publish, version_search_text
from egov.core.audit.services import audit_record


def _editable(obj: Any) -> bool:
    version = obj if isinstance(obj, ProcedureVersion) else getattr(obj, "version", None)
    return version is None or version.is_editable


class ReadOnlyWhenPublishedInline:
    """Papers, fees and steps can be changed only while their version is a draft."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class PaperInline(ReadOnlyWhenPublishedInline, admin.StackedInline):
    model = RequiredPaper
    extra = 0


class FeeInline(ReadOnlyWhenPublishedInline, admin.TabularInline):
    model = Fee
    extra = 0


class StepInline(ReadOnlyWhenPublishedInline, admin.TabularInline):
    model = StepTemplate
    extra = 0
    autocomplete_fields = ["agency"]


class VersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        exclude = ["search_text"]  # noqa: DJ006 - every other field is edited here

    def clean_form_schema(self) -> Any:
        schema = self.cleaned_data.get("form_schema") or {}
        problems = schema_check(schema)
        if problems:
            raise ValidationError(problems)
        return schema


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = VersionForm
    list_display = ["name", "procedure", "number", "status", "level", "online_level", "processing_days"]
    list_filter = ["status", "level", "online_level", "field"]
    search_fields = ["name", "procedure__national_code", "search_text"]
    autocomplete_fields = ["implementing_agencies"]
    readonly_fields = ["status", "published_at"]
    inlines = [PaperInline, FeeInline, StepInline]
    actions = ["publish", "start_new_version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # dossiers may refer to any version; drafts are replaced, never deleted

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        with transaction.atomic():
            obj.search_text = version_search_text(obj)
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="procedure.draft_edited" if change else "procedure.draft_created",
                target=obj,
                changes={
                    key: [None, json.dumps(form.cleaned_data.get(key), default=str)]
                    for key in form.changed_data
                },
            )

    @admin.action(description=_("Publish the selected draft versions"))
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        published = 0
        for version in queryset:
            try:
                procedure_version_publish(actor=request.user, version=version)
                published += 1
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
        if published:
            self.message_user(
                request, _("%(count)s versions published.") % {"count": published}, messages.SUCCESS
            )

    @admin.action(description=_("Start a new draft version from the published one"))
    def start_new_version(self, request: HttpRequest, queryset: Any) -> None:
        for version in queryset:
            try:
                draft = procedure_version_new_draft(actor=request.user, procedure=version.procedure)
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Draft version %(n)s created.") % {"n": draft.number}, messages.SUCCESS
                )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["national_code", "current_version"]
    search_fields = ["national_code", "current_version__name"]
    readonly_fields = ["current_version"]
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_urls(self) -> list[Any]:
        from egov.catalog.admin_import import get_import_urls

        return get_import_urls(self.admin_site) + super().get_urls()  # import/ before <object id>/


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
