"""API authentication: a browser session (with CSRF) for pages, a bearer token for other systems."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from egov.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.digest(token), is_active=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


SESSION_OR_TOKEN = [TokenAuth(), django_auth]
