from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """Hits of one key in one fixed time window (``egov.identity.ratelimit``). The key is stored as a
    SHA-256 digest, so addresses, phone numbers and e-mails are not kept here in clear."""

    key_hash = models.CharField(_("key hash"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    count = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            models.UniqueConstraint(fields=["key_hash", "window_start"], name="rate_limit_one_row_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.key_hash[:12]}… {self.count}"
