from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Peer(TimeStampedModel):
    """A connected system (the national portal, later the payment gateway, the population database…).
    Its address and connection accounts come from the environment (``exchange.peers``); this row is what
    the messages and the sharing log point to, and the switch to suspend the connection (Decree 47/2020
    Art. 43)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    is_suspended = models.BooleanField(
        _("suspended"),
        default=False,
        help_text=_(
            "While suspended nothing is sent to this system (messages wait in the queue) and its calls "
            "are refused (Decree 47/2020 Art. 43)."
        ),
    )
    suspended_reason = models.CharField(_("reason for suspending"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("connected system")
        verbose_name_plural = _("connected systems")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
