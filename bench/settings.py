"""Settings for the HTTP benchmarks: production's, runnable on a developer's machine over plain HTTP.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=sqlite:////tmp/egov-bench.sqlite3 \
        PYTHONPATH=src:. .venv/bin/python -m granian --interface wsgi --workers 2 bench.wsgi:application

What differs from ``egov.conf.production``, and why (docs/benchmarks.md):
- a fixed, long secret key and DEBUG forced off, so that production's start-up check passes;
- no redirect to HTTPS and no HSTS: the benchmark talks plain HTTP on 127.0.0.1;
- logs at WARNING: one JSON line per request would measure the terminal, not the server;
- plain static files storage: production runs ``collectstatic`` first (``manage.py serve``); the benchmark
  does not write into the shared ``var/static``;
- ``bench.urls``: the site's URLs plus ``/bench/bare``, the floor every page is compared with.
"""

from __future__ import annotations

import os

# Read by egov.conf.base at import (the production check and the logging set-up run there), so set first.
BENCH_SECRET_KEY = "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
os.environ["DEBUG"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"

from egov.conf.production import *  # noqa: E402, F403

ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"

# The public lookup refuses an address or a code that has used up its wrong guesses (egov.dossiers.lookup
# IP_LIMIT, CODE_LIMIT: module constants, no setting). The benchmark sends right guesses only, which are not
# counted; the limits are raised anyway, in the benchmark's server process only (bench.wsgi), so that a
# change in what counts shows as slower lookups rather than as a table of 429 answers. The check itself (a
# read of the counters) still runs on every request.
BENCH_LOOKUP_LIMITS = {"IP_LIMIT": 1_000_000_000, "CODE_LIMIT": 1_000_000_000}
