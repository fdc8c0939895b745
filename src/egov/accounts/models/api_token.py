from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    """A bearer token another system uses to call the API as an account (its roles apply). Only the
    SHA-256 of the token is stored; the token itself is shown once, when it is created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: object, name: str) -> tuple[ApiToken, str]:
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_hash=cls.digest(token), prefix=token[:8]), token
