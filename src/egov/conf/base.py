"""Settings shared by every environment. Every value that differs per deployment comes from the
environment through :func:`egov.conf.env.config`; docs/configuration.md lists them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from egov.conf.env import BASE_DIR, config, database_from_url
from egov.conf.safety import SECRET_KEY_DEFAULT
from egov.core.logging import configure_logging

SECRET_KEY = config(
    "SECRET_KEY", SECRET_KEY_DEFAULT, description="Django secret key; required in production."
)
DEBUG = config("DEBUG", False, description="Show debug pages. Never on in production.")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost"], description="Comma-separated host names served."
)
CSRF_TRUSTED_ORIGINS: list[str] = config(
    "CSRF_TRUSTED_ORIGINS", [], cast=list, description="Comma-separated origins (scheme://host) for CSRF."
)

VAR_DIR = BASE_DIR / "var"
DATABASE_URL = config(
    "DATABASE_URL",
    "sqlite:///var/egov.sqlite3",
    description="sqlite:///relative/path or postgres://user:password@host:port/name[?pool=true].",
)
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "egov.core",
    "egov.core.audit",
    "egov.core.calendar",
    "egov.accounts",
    "egov.catalog",
    "egov.estore",
    "egov.dossiers",
    "egov.portal",
    "egov.queueing",
]

MIDDLEWARE = [
    "egov.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/tai-khoan/dang-nhap/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "egov.dossiers.context_processors.officer_menu",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available (developers' guide).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "egov" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = config(
    "UPLOAD_MAX_BYTES", 10 * 1024 * 1024, description="Largest file a person may upload, in bytes."
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ONLINE_INTAKE_ENABLED = config(
    "ONLINE_INTAKE_ENABLED",
    True,
    description="Take online applications through this portal (off: the national portal is the only door).",
)
MEDIA_ROOT = config(
    "MEDIA_ROOT", str(BASE_DIR / "var" / "media"), description="Where uploaded files are kept."
)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "exchange"],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions and model backend, with their per-request reads in plain SQL.
SESSION_ENGINE = "egov.accounts.sessions"
AUTHENTICATION_BACKENDS = ["egov.accounts.sessions.AccountBackend"]
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Working-day calendar (core/calendar): the sessions of a working day. One working day counts as 8
# working hours whatever the sessions add up to (spec §1: "1 day = 8 h, e.g. 30 days = 240 h").
WORKING_SESSIONS = config(
    "WORKING_SESSIONS",
    ["07:30-11:30", "13:30-17:00"],
    cast=list,
    description="Comma-separated working sessions of a day, HH:MM-HH:MM.",
)
CALENDAR_FIRST_YEAR = config("CALENDAR_FIRST_YEAR", 2015, description="First year the calendar precomputes.")
CALENDAR_LAST_YEAR = config("CALENDAR_LAST_YEAR", 2040, description="Last year the calendar precomputes.")

LOG_LEVEL = config("LOG_LEVEL", "INFO", description="Minimum level of the JSON logs.")
LOG_FORMAT = config("LOG_FORMAT", "json", description="json (production) or console (development).")

# structlog renders every log line (ours and Django's) as JSON with the request id (core/logging.py).
LOGGING_CONFIG = None
configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)

# --- Sign-in, one-time codes and notifications (docs/identity.md) ---------------------------------------
INSTALLED_APPS += ["egov.notifications", "egov.identity"]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "identity:account"

EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend",
    description="Django e-mail backend; the console backend prints e-mails (development).",
)
EMAIL_HOST = config("EMAIL_HOST", "localhost", description="SMTP server host.")
EMAIL_PORT = config("EMAIL_PORT", 25, description="SMTP server port.")
EMAIL_HOST_USER = config("EMAIL_HOST_USER", "", description="SMTP user name (empty: no authentication).")
EMAIL_HOST_PASSWORD = config("EMAIL_HOST_PASSWORD", "", description="SMTP password.")
EMAIL_USE_TLS = config("EMAIL_USE_TLS", False, description="STARTTLS on the SMTP connection.")
EMAIL_USE_SSL = config("EMAIL_USE_SSL", False, description="Implicit TLS (SMTPS, usually port 465).")
EMAIL_TIMEOUT = config("EMAIL_TIMEOUT", 10, description="Seconds before an SMTP connection gives up.")
DEFAULT_FROM_EMAIL = config(
    "DEFAULT_FROM_EMAIL", "egov-vn <no-reply@localhost>", description="Sender of e-mails to people."
)
SMS_BACKEND = config(
    "SMS_BACKEND", "logging", description="Registered SMS backend name or dotted path; logging = development."
)

SIGN_IN_RATE_LIMIT_PER_IP = config(
    "SIGN_IN_RATE_LIMIT_PER_IP",
    30,
    description="Attempts per client address per 15 minutes on each citizen sign-in, sign-up and code page.",
)
OFFICIAL_SIGN_IN_IP_LIMIT = config(
    "OFFICIAL_SIGN_IN_IP_LIMIT",
    30,
    description="Failed officials' sign-ins from one address within 15 minutes before it is refused.",
)

OIDC_ISSUER = config("OIDC_ISSUER", "", description="VNeID (OpenID Connect) issuer URL; empty hides VNeID.")
OIDC_CLIENT_ID = config("OIDC_CLIENT_ID", "", description="OpenID Connect client id of this site.")
OIDC_CLIENT_SECRET = config("OIDC_CLIENT_SECRET", "", description="OpenID Connect client secret.")
OIDC_SCOPES = config(
    "OIDC_SCOPES", ["openid", "profile"], cast=list, description="Comma-separated scopes to request."
)
OIDC_PERSONAL_ID_CLAIM = config(
    "OIDC_PERSONAL_ID_CLAIM",
    "personal_id",
    description="ID-token claim with the personal identification number (else sub, if 12 digits).",
)

PUBLIC_BASE_URL = config(
    "PUBLIC_BASE_URL",
    "http://127.0.0.1:8000",
    description="Public address of the site, without a trailing slash; printed in the QR code on slips.",
)

# --- Signed results (docs/results-and-signing.md) --------------------------------------------------------
INSTALLED_APPS += ["egov.signing", "egov.results"]
DOCUMENT_SIGNING_BACKEND = config(
    "DOCUMENT_SIGNING_BACKEND",
    "local_ca",
    description="Registered signing backend name or dotted path of a Signer; local_ca = development test CA.",
)

# --- Integration platform and the national portal (docs/exchange.md, docs/national-portal.md) -----------
INSTALLED_APPS += ["egov.payments", "egov.exchange", "egov.exchange.contrib.national_portal"]
EXCHANGE_RETRY_BASE_SECONDS = config(
    "EXCHANGE_RETRY_BASE_SECONDS",
    30,
    description="Wait after a first failed delivery; doubles after each.",
)
EXCHANGE_RETRY_MAX_SECONDS = config(
    "EXCHANGE_RETRY_MAX_SECONDS", 3600, description="Longest wait between two delivery attempts."
)
EXCHANGE_MAX_ATTEMPTS = config(
    "EXCHANGE_MAX_ATTEMPTS", 24, description="Delivery attempts before a message becomes a dead letter."
)
EXCHANGE_CLOCK_SKEW_SECONDS = config(
    "EXCHANGE_CLOCK_SKEW_SECONDS", 300, description="How far a signed request's time may be from ours."
)
EXCHANGE_MAX_BODY_BYTES = config(
    "EXCHANGE_MAX_BODY_BYTES", 60 * 1024 * 1024, description="Largest message a connected system may send."
)
# Connected systems: each connector's address and the connection accounts on both sides (Decree 47/2020
# Art. 40) come from the environment only. A peer without an address or secret is simply not connected.
EXCHANGE_PEERS = {
    "national_portal": {
        "connector": "national_portal",
        "url": config("NATIONAL_PORTAL_URL", "", description="Where the national portal takes our messages."),
        "client_id": config(
            "NATIONAL_PORTAL_CLIENT_ID", "", description="Our connection account at the national portal."
        ),
        "client_secret": config(
            "NATIONAL_PORTAL_CLIENT_SECRET",
            "",
            description="Secret our messages to the portal are signed with.",
        ),
        "inbound_key_id": config(
            "NATIONAL_PORTAL_INBOUND_KEY_ID",
            "dvcqg",
            description="The portal's connection account here.",
        ),
        "inbound_secret": config(
            "NATIONAL_PORTAL_INBOUND_SECRET",
            "",
            description="Secret the portal signs its calls with.",
        ),
        "inbound_secret_previous": config(
            "NATIONAL_PORTAL_INBOUND_SECRET_PREVIOUS",
            "",
            description="The previous inbound secret, still accepted while the secret is being rotated.",
        ),
        "timeout": config(
            "NATIONAL_PORTAL_TIMEOUT",
            15.0,
            description="Seconds before a call to the portal gives up.",
        ),
    }
}
NATIONAL_PORTAL_RECONCILE_DAYS = config(
    "NATIONAL_PORTAL_RECONCILE_DAYS",
    30,
    description="Days of submissions the nightly reconciliation with the national portal compares.",
)

# Evaluation of how dossiers are handled: the 2/1/0 scoring of TT 01/2018/TT-VPCP Art. 13 (spec §3,
# egov.dossiers.scoring, docs/statistics.md). Newer guidance may change the thresholds: hence settings.
EVALUATION_SCORING = {
    "online_procedures_full": config(
        "EVALUATION_ONLINE_PROCEDURES_FULL",
        0.20,
        description="Indicator 9: share of a unit's procedures offered online needed for 2 points.",
    ),
    "online_dossiers_full": config(
        "EVALUATION_ONLINE_DOSSIERS_FULL",
        0.30,
        description="Indicator 9: share of a unit's dossiers received online needed for 2 points.",
    ),
    "online_dossiers_partial": config(
        "EVALUATION_ONLINE_DOSSIERS_PARTIAL",
        0.15,
        description="Indicator 9: share of a unit's dossiers received online needed for 1 point.",
    ),
    "officer_full": config(
        "EVALUATION_OFFICER_FULL", 5.0, description="Officer total from which tasks count as 100% completed."
    ),
    "officer_partial": config(
        "EVALUATION_OFFICER_PARTIAL", 3.5, description="Officer total from which tasks count as 70–<100%."
    ),
    "unit_excellent": config("EVALUATION_UNIT_EXCELLENT", 15.0, description="Unit total graded excellent."),
    "unit_good": config("EVALUATION_UNIT_GOOD", 12.0, description="Unit total graded good."),
    "unit_fair": config("EVALUATION_UNIT_FAIR", 9.0, description="Unit total graded fair."),
    "unit_average": config("EVALUATION_UNIT_AVERAGE", 6.0, description="Unit total graded average."),
    "grade_partial": config(
        "EVALUATION_GRADE_PARTIAL",
        False,
        description="Grade totals even when some indicators cannot be computed from the data yet.",
    ),
}

# --- Reports: Decision 766 indicators, dashboards, open data (docs/reports.md) ----------------------------
INSTALLED_APPS += ["egov.reports"]
# Where the national formula description leaves a choice, or the points are not confirmed (spec §4 [S]).
REPORTS = {
    "points": config(
        "REPORTS_INDICATOR_POINTS",
        [
            *["1.1:6", "1.2:4", "1.3:2", "1.4:6", "2.1:20", "2.2:0", "3.1:4", "3.2:4", "3.3:4", "3.5:5"],
            *["3.6:5", "4.1:4", "4.2:6", "4.3:6", "4.4:3", "4.5:3", "5.1:0", "5.2:6", "5.3:6", "5.4:6"],
        ],
        cast=list,
        description="Points of each Decision 766 indicator: indicator:points pairs separated by commas.",
    ),
    "full_points_at": config(
        "REPORTS_FULL_POINTS_AT",
        ["3.1:0.80", "3.3:0.50", "3.5:0.80", "4.2:0.80", "4.3:0.80", "5.4:0.90"],
        cast=list,
        description="Rate from which an indicator earns all its points (pro rata below), as indicator:rate.",
    ),
    "on_time_includes_in_progress": config(
        "REPORTS_ON_TIME_INCLUDES_IN_PROGRESS",
        False,
        description="Indicator 2.1 also counts dossiers in progress within the time limit (national text).",
    ),
    "online_needs_e_result": config(
        "REPORTS_ONLINE_NEEDS_E_RESULT",
        True,
        description="Indicator 3.3 leaves out online dossiers resolved without an electronic result.",
    ),
    "apply_after_commit": config(
        "REPORTS_APPLY_AFTER_COMMIT",
        False,
        description="Count each dossier change right after its commit instead of in the 30-second job.",
    ),
    "open_data_rate_limit": config(
        "REPORTS_OPEN_DATA_RATE_LIMIT",
        120,
        description="Open-data and public statistics requests per client address per minute.",
    ),
}
