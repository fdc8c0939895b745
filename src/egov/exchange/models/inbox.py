from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxMessage(models.Model):
    """A message a connected system sent us, kept once per idempotency key: the same key again is
    acknowledged and ignored. A message that cannot be applied yet is kept (parked or deferred) with the
    reason, never dropped, and can be processed again."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, not yet processed")
        APPLIED = "applied", _("Applied")
        PARKED = "parked", _("Parked: needs a person")
        DEFERRED = "deferred", _("Waiting for an earlier message")
        REJECTED = "rejected", _("Refused")
        IGNORED = "ignored", _("Already done, nothing changed")
        FAILED = "failed", _("Failed: to be processed again")

    peer = models.ForeignKey("exchange.Peer", verbose_name=_("connected system"), on_delete=models.PROTECT)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    service = models.CharField(_("service"), max_length=64)
    payload = models.JSONField(_("content"), default=dict)
    subject = models.CharField(_("subject"), max_length=128, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.RECEIVED)
    reason_code = models.CharField(_("reason code"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    result = models.JSONField(_("result returned"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("times processed"), default=0)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    duplicates = models.PositiveIntegerField(
        _("duplicates received"), default=0, help_text=_("Times the same key arrived again and was ignored.")
    )

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "idempotency_key"], name="inbox_key_unique"),
        ]
        indexes = [models.Index(fields=["peer", "state"], name="inbox_state_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.subject}"
