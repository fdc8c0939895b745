from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A message to a connected system, written in the same transaction as the change that causes it and
    delivered afterwards by the worker (``exchange.services.outbox_deliver``), in order per
    ``ordering_key``, retried with exponential backoff, and carrying ``idempotency_key`` so that the peer
    applies it once however often it arrives."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be delivered")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Undeliverable (dead letter)")
        DISCARDED = "discarded", _("Discarded by an operator")

    peer = models.ForeignKey("exchange.Peer", verbose_name=_("connected system"), on_delete=models.PROTECT)
    message_type = models.CharField(_("message type"), max_length=64)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, unique=True)
    ordering_key = models.CharField(
        _("ordering key"), max_length=128, help_text=_("Messages with the same key are delivered in order.")
    )
    sequence = models.PositiveIntegerField(_("sequence within the ordering key"))
    subject = models.CharField(_("subject"), max_length=128, blank=True, db_index=True)
    facts = models.JSONField(_("facts"), default=dict, help_text=_("What happened, as it was at the change."))
    body = models.JSONField(
        _("body sent"),
        null=True,
        blank=True,
        help_text=_("Built at the first attempt and sent unchanged after."),
    )
    service = models.CharField(_("service"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    dead_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "ordering_key", "sequence"], name="outbox_sequence_unique"
            )
        ]
        indexes = [
            models.Index(fields=["peer", "state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["peer", "ordering_key", "id"], name="outbox_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.subject} #{self.sequence}"
