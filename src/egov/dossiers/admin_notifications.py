"""Admin for the messages to applicants: the texts are edited here; the messages sent are only read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from egov.dossiers.models import Notification, NotificationTemplate
from egov.dossiers.notify import (
    TEMPLATE_VARIABLES,
    notification_template_check,
    notification_template_render,
    sample_context,
)


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "subject", "body", "is_active"]

    def _checked(self, name: str) -> str:
        source = self.cleaned_data.get(name, "")
        problem = notification_template_check(source)
        if problem:
            raise forms.ValidationError(
                _("This text cannot be used: %(problem)s"), params={"problem": problem}, code="invalid"
            )
        return source

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event", "channel", "subject", "is_active", "updated_at"]
    list_filter = ["event", "channel", "is_active"]
    readonly_fields = ["variables", "preview"]
    fieldsets = [
        (None, {"fields": ["event", "channel", "is_active", "subject", "body"]}),
        (_("Help"), {"fields": ["variables", "preview"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The event and channel name the template; change what is sent, not what it is for.
        fixed = ["event", "channel"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # untick "send" instead: a deleted text would silently stop the messages

    @admin.display(description=_("Variables"))
    def variables(self, obj: NotificationTemplate | None) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{{{{ {} }}}}</code>: {}</li>",
                ((name, str(text)) for name, text in TEMPLATE_VARIABLES.items()),
            ),
        )

    @admin.display(description=_("Preview with example values"))
    def preview(self, obj: NotificationTemplate | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        context = sample_context()
        problem = notification_template_check(obj.body) or notification_template_check(obj.subject)
        if problem:
            return problem
        subject = notification_template_render(obj.subject, context)
        body = notification_template_render(obj.body, context)
        return format_html(
            '<p><strong>{}</strong></p><pre style="white-space: pre-wrap">{}</pre>', subject, body
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent to whom, and what failed; read-only but for "try again"."""

    list_display = ["dossier", "event", "channel", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    actions = ["try_again"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Try sending the selected failed messages again"))
    def try_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        from egov.dossiers.tasks import deliver_notification

        ids = list(queryset.filter(status=Notification.Status.FAILED).values_list("id", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=None
        )
        for notification_id in ids:
            deliver_notification.enqueue(notification_id)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
