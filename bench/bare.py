"""The floor of every page: a view that does nothing, behind the site's whole middleware stack. A page's
requests per second are reported as a share of this view's (docs/benchmarks.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
