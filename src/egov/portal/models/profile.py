from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Profile(TimeStampedModel):
    """What a citizen has already declared, so that no form asks twice (Decree 118/2025 Art. 17.1b)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    declared = models.JSONField(_("other declared data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return str(self.user)
