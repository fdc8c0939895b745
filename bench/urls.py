"""The site's URLs plus the benchmarks' own: ``/bench/bare`` and ``/bench/worker`` (bench/bare.py)."""

from django.urls import include, path

from bench.bare import bare, worker

urlpatterns = [
    path("bench/bare", bare, name="bench-bare"),
    path("bench/worker", worker, name="bench-worker"),
    path("", include("egov.urls")),
]

# Handlers are read from the root URLconf only.
handler403 = "egov.core.views.error_403"
handler404 = "egov.core.views.error_404"
handler500 = "egov.core.views.error_500"
