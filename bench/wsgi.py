"""The WSGI entry point of the benchmarks' server: ``bench.wsgi:application`` with ``bench.settings``."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()


def raise_lookup_limits() -> None:
    """The lookup's rate limits, raised for this process only (bench.settings.BENCH_LOOKUP_LIMITS): they are
    constants of egov.dossiers.lookup, read at each request. Refuses to start if they were renamed, rather
    than measure 429 answers."""
    from egov.dossiers import lookup

    for name, value in getattr(settings, "BENCH_LOOKUP_LIMITS", {}).items():
        if not hasattr(lookup, name):
            raise ImproperlyConfigured(f"egov.dossiers.lookup.{name} is gone: update bench.settings")
        setattr(lookup, name, value)


raise_lookup_limits()
