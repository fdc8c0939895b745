"""Public pages: home with search, browsing by field and agency, the printable procedure page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion
from egov.catalog.selectors import fields_with_procedures, procedure_published_get, published_versions

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    fields = fields_with_procedures().annotate(
        count=Count("procedureversion", filter=Q(procedureversion__status=ProcedureVersion.Status.PUBLISHED))
    )
    return render(request, "portal/home.html", {"fields": fields})


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def procedure_list(request: HttpRequest) -> HttpResponse:
    """Search and filter the catalogue; every filter stays in the URL."""
    from egov.catalog.selectors import procedure_search

    query = request.GET.get("q", "").strip()[:200]
    level = request.GET.get("level") or None
    online_level = request.GET.get("online") or None
    filters: dict[str, Any] = {
        "field_id": _int_or_none(request.GET.get("field")),
        "agency_id": _int_or_none(request.GET.get("agency")),
        "level": level if level in ProcedureVersion.Level.values else None,
        "online_level": online_level if online_level in ProcedureVersion.OnlineLevel.values else None,
    }
    page_number = _int_or_none(request.GET.get("page")) or 1
    result = procedure_search(
        query=query,
        field_id=filters["field_id"],
        agency_id=filters["agency_id"],
        level=filters["level"],
        online_level=filters["online_level"],
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    pages = Paginator(range(result.total), PAGE_SIZE).get_page(page_number)
    context = {
        "query": query,
        "result": result,
        "pages": pages,
        "filters": filters,
        "fields": fields_with_procedures(),
        "levels": ProcedureVersion.Level.choices,
        "online_levels": ProcedureVersion.OnlineLevel.choices,
        "agencies": Agency.objects.filter(
            procedure_versions__status=ProcedureVersion.Status.PUBLISHED
        ).distinct(),
    }
    template = (
        "portal/_procedure_results.html" if getattr(request, "htmx", False) else "portal/procedure_list.html"
    )
    return render(request, template, context)


def procedure_detail(request: HttpRequest, national_code: str) -> HttpResponse:
    version = procedure_published_get(national_code=national_code)
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {"version": version, "online_intake": settings.ONLINE_INTAKE_ENABLED},
    )


def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = (
        Agency.objects.filter(valid_to__isnull=True)
        .annotate(
            count=Count(
                "procedure_versions",
                filter=Q(procedure_versions__status=ProcedureVersion.Status.PUBLISHED),
            )
        )
        .filter(count__gt=0)
        .order_by("code")
    )
    return render(request, "portal/agency_list.html", {"agencies": agencies})


def field_list(request: HttpRequest) -> HttpResponse:
    fields = fields_with_procedures().annotate(
        count=Count("procedureversion", filter=Q(procedureversion__status=ProcedureVersion.Status.PUBLISHED))
    )
    return render(
        request, "portal/field_list.html", {"fields": fields, "total": published_versions().count()}
    )
