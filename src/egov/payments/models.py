from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Payment(TimeStampedModel):
    """A fee or charge of a dossier: asked for during processing (national status 6) and/or paid, with the
    channel it was paid through (Decree 118/2025 Art. 24; indicator 3.6 counts those paid online)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PAID = "paid", _("Paid")

    class Channel(models.TextChoices):
        NATIONAL_PORTAL = "national_portal", _("Payment platform of the national portal")
        LOCAL_GATEWAY = "local_gateway", _("Local payment gateway")
        COUNTER = "counter", _("At the counter")

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="payments"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    items = models.JSONField(_("fee items"), default=list, blank=True)
    reason = models.CharField(_("what it is for"), max_length=500, blank=True)
    channel = models.CharField(_("paid through"), max_length=32, choices=Channel.choices, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["dossier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "reference"], condition=~Q(reference=""), name="payment_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount:,} đ ({self.get_state_display()})".replace(",", ".")
