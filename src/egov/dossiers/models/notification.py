"""Messages to the applicant about their dossier (Decree 118/2025 Art. 17.2: by the national portal,
e-mail or SMS): the editable texts, and one row per message so that none is sent twice
(docs/lookup-and-notifications.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel
from egov.notifications.channels import Channel


class NotificationEvent(models.TextChoices):
    """What happened to the dossier that the applicant is told about."""

    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Dossier refused")
    RESULT_READY = "result_ready", _("Result ready")
    STOPPED = "stopped", _("Dossier stopped")
    EXTENDED = "extended", _("Appointment moved, with an apology")


class NotificationTemplate(TimeStampedModel):
    """The Vietnamese text sent for one event on one channel; edited in the admin. ``subject`` and ``body``
    are Django template strings: ``{{ code }}``, ``{{ procedure }}``, ``{{ due_at }}``, ``{{ items }}``,
    ``{{ reasons }}``, ``{{ lookup_url }}``… (``egov.dossiers.notify.TEMPLATE_VARIABLES``)."""

    event = models.CharField(_("event"), max_length=32, choices=NotificationEvent.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    subject = models.CharField(
        _("subject"), max_length=255, blank=True, help_text=_("E-mail subject; text messages have none.")
    )
    body = models.TextField(_("text"))
    is_active = models.BooleanField(
        _("send"), default=True, help_text=_("Untick to stop sending this message on this channel.")
    )

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notification_template_one_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} – {self.get_channel_display()}"


class Notification(TimeStampedModel):
    """One message to one recipient for one event of one dossier. The unique constraint is what makes a
    message go out at most once, however often the task is enqueued; the text is frozen when the row is
    made, so that a retry sends the same words."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=32, choices=NotificationEvent.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    dedupe_key = models.CharField(
        _("occurrence"),
        max_length=64,
        blank=True,
        help_text=_("Tells apart two occurrences of the same event, such as two requests to supplement."),
    )
    recipient = models.CharField(_("recipient"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "event", "channel", "dedupe_key"], name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.event} {self.channel}"
