"""The floor of every page: a view that does nothing, behind the site's whole middleware stack. A page's
requests per second are reported as a share of this view's (docs/benchmarks.md)."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def worker(request: HttpRequest) -> HttpResponse:
    """Which server process answered: the benchmarks wait until every worker has answered once (its
    first request loads the URLconf and the views, seconds on a busy machine) before they measure."""
    return HttpResponse(str(os.getpid()), content_type="text/plain")
