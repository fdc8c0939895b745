from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_DEFAULT = "dev-insecure-secret-key-change-me"


def check_production_settings(*, debug: bool, secret_key: str) -> None:
    """Raise if the deployment is unsafe; production.py calls it at import so the server never starts."""
    if debug:
        raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=0).")
    if secret_key == SECRET_KEY_DEFAULT or len(secret_key) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 40 characters.")
