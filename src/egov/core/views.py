"""Pages every deployment has: the landing page, the health check, the deadline calculator, errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from django import forms
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from egov.core.calendar.engine import CalendarRangeError
from egov.core.calendar.selectors import explain_deadline

logger = structlog.get_logger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The application answers and its database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means unhealthy
        logger.error("healthz_database_failed", error=str(error))
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class DeadlineForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Submitted at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    days = forms.IntegerField(
        label=_("Processing time (working days)"), min_value=0, max_value=365, initial=5
    )


def deadline_calculator(request: HttpRequest) -> HttpResponse:
    """When is the appointment if I file now? The public calendar API, as a page."""
    data = request.GET if "start" in request.GET else None
    initial = {"start": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "days": 5}
    form = DeadlineForm(data, initial=initial)
    explanation = None
    if form.is_valid():
        start: datetime = form.cleaned_data["start"]
        try:
            explanation = explain_deadline(start, form.cleaned_data["days"] * 8)
        except CalendarRangeError:
            form.add_error("start", _("This date is outside the years the calendar covers."))
    template = "core/_deadline_result.html" if getattr(request, "htmx", False) else "core/deadline.html"
    return render(request, template, {"form": form, "explanation": explanation})


def _error(request: HttpRequest, status: int, title: Any, message: Any) -> HttpResponse:
    return render(
        request, "core/error.html", {"status": status, "title": title, "message": message}, status=status
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        _("You do not have access to this page"),
        _("Sign in with an account that has the right role."),
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Page not found"),
        _("The address may be wrong, or the page has been moved or removed."),
    )


def error_500(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Something went wrong on our side"),
        _("Nothing you entered has been lost. Please try again in a few minutes."),
    )
