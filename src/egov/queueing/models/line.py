from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel

validate_letter = RegexValidator(
    r"^[A-Z]{1,2}$", _("Use one or two capital letters without diacritics, e.g. A."), code="invalid_letter"
)


class TicketLine(TimeStampedModel):
    """A named queue of a one-stop centre that citizens pick at the kiosk ("A – Hộ tịch, chứng thực").
    It groups fields of procedures; its letter starts every ticket code of the line (A012)."""

    centre = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("one-stop centre"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "one_stop_centre"},
    )
    letter = models.CharField(
        _("letter"),
        max_length=2,
        validators=[validate_letter],
        help_text=_("Starts the code of every ticket of this line, e.g. A for A012."),
    )
    name = models.CharField(_("name"), max_length=255)
    fields = models.ManyToManyField(
        "catalog.Field",
        verbose_name=_("fields of procedures"),
        blank=True,
        related_name="+",
        help_text=_(
            "The fields of procedures this line is for; a line without fields is served only by counters "
            "that serve every field."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order on the kiosk"), default=0)
    is_active = models.BooleanField(_("offered at the kiosk"), default=True)

    class Meta:
        verbose_name = _("ticket line")
        verbose_name_plural = _("ticket lines")
        ordering = ["centre", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "letter"], name="queueing_line_letter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.letter} – {self.name}"
