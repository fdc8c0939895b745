"""API authentication: a browser session (with CSRF) for pages, a bearer token for other systems."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from egov.accounts.models import ApiToken

# "Last used" is for the administrator deciding whether a token is still needed: a minute's precision is
# enough, and writing it on every call made each read through the API a write (docs/benchmarks.md).
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.digest(token), is_active=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


SESSION_OR_TOKEN = [TokenAuth(), django_auth]
