from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models.base import TimeStampedModel
from egov.notifications.channels import Channel


class PendingSignUp(TimeStampedModel):
    """What a person typed on the sign-up page, until they confirm the one-time code.

    No user exists before then, so an unconfirmed sign-up never holds a personal identification number
    or a tax code against its real owner. The password is kept hashed, as on a user. The row is deleted
    when the account is created; unconfirmed rows are purged after a day (``manage.py identity_purge``).
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business representative")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=255)
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    password_hash = models.CharField(_("password"), max_length=128)
    channel = models.CharField(_("code sent by"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("pending sign-up")
        verbose_name_plural = _("pending sign-ups")

    def __str__(self) -> str:
        return self.full_name

    @property
    def username(self) -> str:
        """Citizens sign in as their personal identification number, businesses as their tax code."""
        return self.tax_code if self.kind == self.Kind.BUSINESS else self.personal_id

    @property
    def recipient(self) -> str:
        return self.phone if self.channel == Channel.SMS else self.email
