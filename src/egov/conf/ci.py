"""Tests and CI: fast password hashing, tasks run immediately, quiet logs."""

from egov.conf.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "notifications", "exchange"],
    }
}

# Each test run gets its own SQLite file, so that parallel runs (xdist workers add their own suffix,
# developers' concurrent runs differ by process id) never share one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"egov-test-{os.getpid()}.sqlite3")
    }
# On PostgreSQL the tests close connections after each request, as the pool did: threads of the code
# under test (the live server's, the national-portal simulator's) must not keep the test database open
# when it is dropped at the end.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests send e-mails to django.core.mail.outbox and text messages to LoggingSmsBackend.outbox; the SMTP
# test points EMAIL_BACKEND at a local aiosmtpd server itself.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "logging"
