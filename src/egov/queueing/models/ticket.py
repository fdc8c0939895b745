from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Ticket(models.Model):
    """A queue number taken at the kiosk (số thứ tự): numbered per line and day without gaps, then called
    to a counter, served, and finished or marked as not present. Changes only through
    ``egov.queueing.services``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("Not present")

    centre = models.ForeignKey(
        "accounts.Agency", verbose_name=_("one-stop centre"), on_delete=models.PROTECT, related_name="+"
    )
    line = models.ForeignKey(
        "queueing.TicketLine", verbose_name=_("line"), on_delete=models.PROTECT, related_name="tickets"
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("ticket number"), max_length=12, help_text=_("Letter and number, e.g. A012."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    taken_at = models.DateTimeField(_("taken at"))
    counter = models.ForeignKey(
        "queueing.Counter",
        verbose_name=_("counter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(
        _("times called"), default=0, help_text=_("1 when first called; each recall adds one.")
    )
    serving_started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-day", "taken_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "line", "day", "number"], name="queueing_ticket_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(counter__isnull=False, called_at__isnull=False),
                name="queueing_ticket_called_has_counter",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "day", "status", "taken_at"], name="queueing_ticket_queue_idx"),
            models.Index(fields=["counter", "status"], name="queueing_ticket_counter_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class TicketSequence(models.Model):
    """The last number given per centre, line and day; locked while a ticket is taken, so numbers are
    unique and gapless even when two kiosks print at the same instant (like ``DossierCodeCounter``)."""

    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey("queueing.TicketLine", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "line", "day"], name="queueing_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%y%m%d} #{self.last_number}"
