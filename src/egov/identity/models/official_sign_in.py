from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialSignInAttempt(models.Model):
    """One attempt on the officials' sign-in page. Failures are counted per username and per address."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        BAD_CREDENTIALS = "bad_credentials", _("Wrong username or password")
        NOT_OFFICIAL = "not_official", _("Not an official's account")
        LOCKED = "locked", _("Refused: account locked")
        ADDRESS_LIMITED = "address_limited", _("Refused: too many failures from this address")

    # The results that count towards a lockout; refusals while locked do not prolong it.
    FAILURES = (Result.BAD_CREDENTIALS, Result.NOT_OFFICIAL)

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("official sign-in attempt")
        verbose_name_plural = _("official sign-in attempts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="official_attempt_ip_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.result}"


class OfficialLockout(models.Model):
    """Per username (lower-cased): locked until when, and from when failures count again.

    The row is locked (``select_for_update``) while a failure is recorded, so two workers counting the
    fifth failure at once lock the account once.
    """

    username = models.CharField(_("username"), max_length=150, unique=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    counted_from = models.DateTimeField(_("failures counted from"), null=True, blank=True)

    class Meta:
        verbose_name = _("official lockout")
        verbose_name_plural = _("official lockouts")

    def __str__(self) -> str:
        return self.username
