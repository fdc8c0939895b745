"""What administrators add to the statutory calendar: the Prime Minister's yearly announcements."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class CalendarOverride(TimeStampedModel):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("As the announcement says it, e.g. 'Nghỉ Tết Nguyên đán bù' or 'Làm bù cho ngày 02/01'."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.reason}"
