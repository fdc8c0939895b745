"""The leaders' dashboard (/bao-cao/), the dossiers behind a figure, the xlsx exports, the public
statistics page (/thong-ke/) and the method page. Views parse, authorise, call a selector, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egov.accounts.models import Agency
from egov.catalog.models import Procedure
from egov.core.middleware import client_ip
from egov.identity.ratelimit import rate_limit_hit, rate_limit_window_end
from egov.reports.charts import Bar, Point, bar_chart, trend_chart
from egov.reports.conf import report_setting
from egov.reports.dashboard import Dashboard, dashboard
from egov.reports.export import table_xlsx
from egov.reports.indicators import FORMULAS, GROUPS, TITLES, full_points_table, points_table
from egov.reports.periods import Period, parse_period, year_period
from egov.reports.selectors import (
    DRILL_DOWNS,
    ReportRow,
    agencies_for_choice,
    dossier_rows,
    dossiers_behind,
    scope_agency_ids,
    visible_agency_ids,
)
from egov.reports.tables import Table, figure_table, indicator_table, overdue_table

PAGE_SIZE = 50
CHART_ROWS = 20


def leader_required(view: Any) -> Any:
    """Signed in and allowed to see some agency's figures (``dashboard.view``)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        visible = visible_agency_ids(request.user)
        if not visible:
            raise PermissionDenied(_("You may not see the dashboards."))
        request.visible_agencies = visible  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class Filters:
    period: Period
    agency: Agency | None
    procedure: Procedure | None
    scope: set[int] | None  # None: the whole province (public page)
    error: str = ""

    def query(self, **extra: Any) -> str:
        values = {"ky": self.period.slug}
        if self.agency is not None:
            values["co-quan"] = str(self.agency.pk)
        if self.procedure is not None:
            values["thu-tuc"] = self.procedure.national_code
        values.update({key: str(value) for key, value in extra.items() if value not in (None, "")})
        return urlencode(values)

    @property
    def scope_label(self) -> str:
        if self.agency is not None:
            return self.agency.name
        return _("All agencies you may see") if self.scope is not None else _("Whole province")


def _filters(request: HttpRequest, visible: set[int] | None) -> Filters:
    today = timezone.localdate()
    error = ""
    try:
        period = parse_period(request.GET["ky"]) if request.GET.get("ky") else year_period(today.year)
    except ValueError as problem:
        period, error = year_period(today.year), str(problem)
    agency = None
    agency_text = request.GET.get("co-quan", "").strip()
    if agency_text:
        if not agency_text.isdigit():
            raise Http404
        agency = Agency.objects.filter(pk=int(agency_text)).first()
        if agency is None or (visible is not None and agency.pk not in visible):
            raise Http404
    procedure = None
    if code := request.GET.get("thu-tuc", "").strip():
        procedure = Procedure.objects.filter(national_code=code).select_related("current_version").first()
        if procedure is None:
            raise Http404
    if visible is None:
        scope = None if agency is None else scope_agency_ids(visible=_all_agencies(), agency_id=agency.pk)
    else:
        scope = scope_agency_ids(visible=visible, agency_id=agency.pk if agency else None)
    return Filters(period=period, agency=agency, procedure=procedure, scope=scope, error=error)


def _all_agencies() -> set[int]:
    return set(Agency.objects.values_list("pk", flat=True))


def _bars(rows: list[ReportRow]) -> list[Bar]:
    """The worst on-time rates first (what a leader acts on), at most 20."""
    ranked = sorted((row for row in rows if row.resolved), key=lambda row: (row.on_time_rate or 0, row.code))
    return [
        Bar(label=row.label, value=row.on_time_rate, note=str(row.resolved)) for row in ranked[:CHART_ROWS]
    ]


def _charts(board: Dashboard, filters: Filters, *, drill: bool, base: str) -> dict[str, Any]:
    queries: dict[tuple[str, Any], str] = {}

    def link(row: ReportRow, figure: str, group: str) -> str:
        if not drill or figure not in DRILL_DOWNS:
            return ""
        query = queries.get((group, row.key))
        if query is None:  # the row's filters, once per row
            if group == "agency":
                query = Filters(filters.period, _agency(row.key), filters.procedure, filters.scope).query()
            else:
                query = Filters(filters.period, filters.agency, _procedure(row), filters.scope).query()
            queries[(group, row.key)] = query
        return f"{base}?{query}&hinh={figure}"

    target = full_points_table().get("2.1")
    agency_table = figure_table(
        "co-quan",
        _("On-time rate by agency"),
        "agency",
        board.by_agency,
        link=lambda r, f: link(r, f, "agency"),
    )
    procedure_table = figure_table(
        "thu-tuc",
        _("On-time rate by procedure"),
        "procedure",
        board.by_procedure,
        link=lambda r, f: link(r, f, "procedure"),
    )
    trend_table = figure_table("xu-huong", _("Trend by month"), "month", board.trend)
    return {
        "trend_chart": trend_chart(
            chart_id="trend",
            title=str(_("Dossiers received and on-time rate by month")),
            points=[
                Point(label=row.label, count=row.received, value=row.on_time_rate) for row in board.trend
            ],
            count_label=_("Received"),
            rate_label=_("On-time rate"),
        ),
        "agency_chart": bar_chart(
            chart_id="by-agency", title=str(agency_table.title), bars=_bars(board.by_agency), target=target
        ),
        "procedure_chart": bar_chart(
            chart_id="by-procedure",
            title=str(procedure_table.title),
            bars=_bars(board.by_procedure),
            target=target,
        ),
        "tables": {
            "trend": trend_table,
            "agency": agency_table,
            "procedure": procedure_table,
            "indicators": indicator_table(board.card),
        },
    }


def _agency(pk: int | None) -> Agency | None:
    return Agency(pk=pk) if pk is not None else None


def _procedure(row: ReportRow) -> Procedure | None:
    return Procedure(pk=row.key, national_code=row.code) if row.key is not None else None


def _context(request: HttpRequest, filters: Filters, board: Dashboard, *, public: bool) -> dict[str, Any]:
    base = reverse("reports:dossiers")
    context = {
        "filters": filters,
        "board": board,
        "period": filters.period,
        "public": public,
        "query": filters.query(),
        "groups": GROUPS,
        "points": board.card.points,
        "max_points": board.card.max_points,
        **_charts(board, filters, drill=not public, base=base),
    }
    if not public:
        work = reverse("work:queue")
        context["overdue_table"] = overdue_table(board.overdue, link=lambda item: f"{work}ho-so/{item.code}/")
        context["agencies"] = agencies_for_choice(request.visible_agencies)  # type: ignore[attr-defined]
    context["procedures"] = list(
        Procedure.objects.filter(current_version__isnull=False)
        .order_by("national_code")
        .values_list("national_code", "current_version__name")
    )
    context["period_choices"] = _period_choices()
    return context


def _period_choices() -> list[tuple[str, str]]:
    today = timezone.localdate()
    choices: list[Period] = [year_period(today.year), year_period(today.year - 1)]
    for quarter in range(4, 0, -1):
        slug = f"{today.year}-q{quarter}"
        if date(today.year, 3 * quarter - 2, 1) <= today:
            choices.append(parse_period(slug))
    month = today.replace(day=1)
    for _index in range(12):
        choices.append(parse_period(f"{month:%Y-%m}"))
        month = (month - timedelta(days=1)).replace(day=1)
    return [(period.slug, period.label) for period in choices]


@require_GET
@leader_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, request.visible_agencies)  # type: ignore[attr-defined]
    board = dashboard(
        period=filters.period,
        agency_ids=filters.scope,
        procedure_id=filters.procedure.pk if filters.procedure else None,
    )
    context = _context(request, filters, board, public=False)
    template = "reports/_dashboard.html" if getattr(request, "htmx", False) else "reports/dashboard.html"
    return render(request, template, context, status=400 if filters.error else 200)


def _export(table: Table, filters: Filters) -> HttpResponse:
    content = table_xlsx(table, scope=filters.scope_label, period=filters.period.label)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{table.name}-{filters.period.slug}.xlsx"'
    return response


EXPORTS = ("chi-so", "xu-huong", "co-quan", "thu-tuc", "qua-han")


@require_GET
@leader_required
def dashboard_export(request: HttpRequest, name: str) -> HttpResponse:
    if name not in EXPORTS:
        raise Http404
    filters = _filters(request, request.visible_agencies)  # type: ignore[attr-defined]
    board = dashboard(
        period=filters.period,
        agency_ids=filters.scope,
        procedure_id=filters.procedure.pk if filters.procedure else None,
        with_overdue=name == "qua-han",
    )
    if name == "qua-han":
        return _export(overdue_table(board.overdue), filters)
    tables = _charts(board, filters, drill=False, base="")["tables"]
    key = {"chi-so": "indicators", "xu-huong": "trend", "co-quan": "agency", "thu-tuc": "procedure"}[name]
    return _export(tables[key], filters)


FIGURE_LABELS = {
    "received": _("received"),
    "resolved": _("resolved"),
    "early": _("resolved early"),
    "on_time": _("resolved on time"),
    "late": _("resolved late"),
    "refused": _("refused"),
    "withdrawn": _("withdrawn or stopped"),
    "overdue": _("overdue now, to act on"),
}


@require_GET
@leader_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers counted in one figure (drill-down), 50 a page."""
    figure = request.GET.get("hinh", "") or "overdue"
    if figure not in DRILL_DOWNS:
        raise Http404
    filters = _filters(request, request.visible_agencies)  # type: ignore[attr-defined]
    states = dossiers_behind(
        figure=figure,
        period=filters.period,
        agency_ids=filters.scope,
        procedure_id=filters.procedure.pk if filters.procedure else None,
    )
    paginator = Paginator(states, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "reports/dossiers.html",
        {
            "filters": filters,
            "figure": figure,
            "figure_label": FIGURE_LABELS[figure],
            "page": page,
            "rows": dossier_rows(page.object_list),
            "query": filters.query(hinh=figure),
            "back": filters.query(),
        },
    )


# -- public ----------------------------------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    """Anonymous visitors are limited per address (as the public lookup); signed-in people are not."""
    if request.user.is_authenticated:
        return None
    limit = int(report_setting("open_data_rate_limit"))
    if not rate_limit_hit(f"open-data:ip:{client_ip(request)}", limit, 60):
        return None
    retry = max(1, int((rate_limit_window_end(60) - timezone.now()).total_seconds()))
    response = render(
        request,
        "reports/rate_limited.html",
        {"retry_after": retry},
        status=429,
    )
    response["Retry-After"] = str(retry)
    return response


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    """The figures the decree requires published: no sign-in, aggregated only, no personal data."""
    if (refused := _rate_limited(request)) is not None:
        return refused
    filters = _filters(request, None)
    board = dashboard(
        period=filters.period,
        agency_ids=filters.scope,
        procedure_id=filters.procedure.pk if filters.procedure else None,
        with_overdue=False,
    )
    context = _context(request, filters, board, public=True)
    response = render(request, "reports/public.html", context, status=400 if filters.error else 200)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def method_page(request: HttpRequest) -> HttpResponse:
    points, full_at = points_table(), full_points_table()
    rows = [
        {
            "id": key,
            "anchor": "chi-so-" + key.replace(".", "-"),
            "title": title,
            "formula": FORMULAS[key],
            "points": points.get(key),
            "full_at": full_at.get(key),
        }
        for key, title in TITLES.items()
    ]
    return render(request, "reports/method.html", {"rows": rows, "groups": GROUPS})
