"""The JSON API, version 1 (OpenAPI at /api/v1/openapi.json, documentation at /api/v1/docs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from egov.catalog.api import router as catalogue_router
from egov.core.calendar.api import router as calendar_router
from egov.dossiers.api_desk import router as desk_router
from egov.dossiers.api_public import router as lookup_router
from egov.dossiers.api_work import router as work_router
from egov.exchange.api import router as exchange_router
from egov.reports.api import router as open_data_router

api = NinjaAPI(
    title="egov-vn API",
    version="1",
    description="Public and inter-agency API of the provincial digital government platform.",
    urls_namespace="api-v1",
)


def _message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This value is required.")
    if kind.startswith("date_") or kind == "date_type":
        return _("Must be a date written as YYYY-MM-DD.")
    if kind.startswith("datetime_"):
        return _("Must be a moment written as YYYY-MM-DDTHH:MM (ISO 8601).")
    if kind.startswith("int_"):
        return _("Must be a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    return _("Invalid value.")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Field-level errors in Vietnamese: which parameter, and what is wrong with it."""
    errors = [
        {
            "field": ".".join(
                str(part) for part in error.get("loc", ()) if part not in {"query", "body", "path"}
            ),
            "message": _message(error),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("The request has invalid parameters."), "errors": errors}, status=422
    )


# The public lookup first: the busiest address, and ninja tries its routes in order.
api.add_router("/lookup/", lookup_router)
api.add_router("/calendar/", calendar_router)
api.add_router("/desk/", desk_router)
api.add_router("/catalogue/", catalogue_router)
api.add_router("/work/", work_router)
api.add_router("/lienthong/", exchange_router)
api.add_router("/open-data/", open_data_router)
