from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Entries of the sharing log are never changed or removed through the application."""


class SharingLogQuerySet(models.QuerySet["SharingLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("sharing log entries cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("sharing log entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("sharing log entries cannot be updated")


class SharingLogEntry(models.Model):
    """One exchange with a connected system, as Decree 47/2020 Art. 45 requires it logged: when, which
    way and in what form, who asked (the connection account), what was asked, how it was answered and
    which data were shared. Append-only."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("Received")
        OUTBOUND = "out", _("Sent")

    at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(
        "exchange.Peer",
        verbose_name=_("connected system"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    form = models.CharField(_("form of sharing"), max_length=64, default="REST/JSON, HMAC-SHA256")
    requester = models.CharField(
        _("requester"), max_length=128, help_text=_("The connection account that made the request.")
    )
    service = models.CharField(_("service"), max_length=64, blank=True)
    request = models.CharField(_("request"), max_length=500, help_text=_("Method and address called."))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=128, blank=True, db_index=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    is_success = models.BooleanField(_("succeeded"))
    data_shared = models.JSONField(_("data shared"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    remote_address = models.GenericIPAddressField(_("remote address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = SharingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing log entry")
        verbose_name_plural = _("sharing log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["peer", "direction", "at"], name="sharing_peer_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.direction} {self.service} {self.response_status or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("sharing log entries cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("sharing log entries cannot be deleted")
