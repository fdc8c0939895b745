"""Open-data API: ``/api/v1/open-data/`` (the catalogue, DCAT as JSON-LD) and
``/api/v1/open-data/<dataset>/<year>.csv`` or ``.json`` — aggregated figures only, no personal data; no
sign-in; limited per client address like the public lookup (REPORTS_OPEN_DATA_RATE_LIMIT)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from egov.core.middleware import client_ip
from egov.identity.ratelimit import rate_limit_hit, rate_limit_window_end
from egov.reports.conf import report_setting
from egov.reports.open_data import DATASETS, as_csv, base_url, catalogue, dataset_rows
from egov.reports.periods import FIRST_YEAR, LAST_YEAR

router = Router(tags=["open data"])
CACHE = "public, max-age=300"


def _refused(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    if not rate_limit_hit(
        f"open-data:ip:{client_ip(request)}", int(report_setting("open_data_rate_limit")), 60
    ):
        return None
    retry = max(1, int((rate_limit_window_end(60) - timezone.now()).total_seconds()))
    response = JsonResponse(
        {
            "detail": _("Too many requests from this address; try again in %(seconds)s seconds.")
            % {"seconds": retry}
        },
        status=429,
    )
    response["Retry-After"] = str(retry)
    return response


def _not_found(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=404)


def _checked(slug: str, year: int) -> JsonResponse | None:
    if slug not in DATASETS:
        return _not_found(
            _("There is no dataset “%(slug)s”; see the catalogue at /api/v1/open-data/.") % {"slug": slug}
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _not_found(_("There are no figures for the year %(year)s.") % {"year": year})
    return None


@router.get(
    "/",
    summary="Catalogue of the open datasets (DCAT, JSON-LD)",
    description="Every dataset with its fields and the addresses of its yearly CSV and JSON files.",
)
def open_data_catalogue(request: HttpRequest) -> Any:
    if (refused := _refused(request)) is not None:
        return refused
    response = JsonResponse(catalogue(base_url()), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CACHE
    return response


@router.get(
    "/{slug}/{year}.csv",
    summary="One dataset for one year, as CSV (UTF-8, header of stable field names, N/A as an empty cell)",
)
def open_data_csv(request: HttpRequest, slug: str, year: int) -> Any:
    if (refused := _refused(request) or _checked(slug, year)) is not None:
        return refused
    response = HttpResponse(as_csv(slug, dataset_rows(slug, year)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}-{year}.csv"'
    response["Cache-Control"] = CACHE
    return response


@router.get(
    "/{slug}/{year}.json",
    summary="One dataset for one year, as JSON (its fields, then its rows; N/A as null)",
)
def open_data_json(request: HttpRequest, slug: str, year: int) -> Any:
    if (refused := _refused(request) or _checked(slug, year)) is not None:
        return refused
    dataset = DATASETS[slug]
    body = {
        "dataset": slug,
        "title": dataset.title,
        "year": year,
        "fields": [
            {"name": field.name, "title": field.title, "type": field.kind} for field in dataset.fields
        ],
        "rows": dataset_rows(slug, year),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CACHE
    return response
