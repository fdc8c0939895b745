from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models.base import TimeStampedModel
from egov.identity.models.sign_up import PendingSignUp
from egov.notifications.channels import Channel


class OneTimeCode(TimeStampedModel):
    """A 6-digit code sent by SMS or e-mail. Only its keyed hash is stored (services.py)."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("Confirm a sign-up")
        SIGN_IN = "sign_in", _("Second step of signing in")

    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    code_hash = models.CharField(_("code hash"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sign_up = models.ForeignKey(
        PendingSignUp,
        verbose_name=_("sign-up"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="codes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(sign_up__isnull=False) & Q(user__isnull=True))
                | (Q(sign_up__isnull=True) & Q(user__isnull=False)),
                name="one_time_code_for_sign_up_or_user",
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="one_time_code_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"
