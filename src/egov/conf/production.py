"""Production: refuses to start with DEBUG on or with the development secret key."""

from django.core.exceptions import ImproperlyConfigured

from egov.conf.base import *  # noqa: F403
from egov.conf.base import DEBUG, SECRET_KEY, SECRET_KEY_DEFAULT
from egov.conf.env import config


def check_production_settings(*, debug: bool, secret_key: str) -> None:
    """Raise if the deployment is unsafe; called at import so the server never starts that way."""
    if debug:
        raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=0).")
    if secret_key == SECRET_KEY_DEFAULT or len(secret_key) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 40 characters.")


check_production_settings(debug=DEBUG, secret_key=SECRET_KEY)

SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", True, description="Redirect HTTP to HTTPS (production).")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", 31536000, description="HSTS max-age in production.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
