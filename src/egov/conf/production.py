"""Production: refuses to start with DEBUG on or with the development secret key."""

from egov.conf.base import *  # noqa: F403
from egov.conf.base import DEBUG, SECRET_KEY
from egov.conf.env import config
from egov.conf.safety import check_production_settings

check_production_settings(debug=DEBUG, secret_key=SECRET_KEY)
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", True, description="Redirect HTTP to HTTPS (production).")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", 31536000, description="HSTS max-age in production.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
