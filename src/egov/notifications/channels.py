from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a message reaches a person."""

    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("E-mail")
