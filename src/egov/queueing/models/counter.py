from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Counter(TimeStampedModel):
    """A desk (quầy) of a one-stop centre where an officer calls tickets. It serves the lines whose every
    field it serves, or every line when it serves all fields (``egov.queueing.selectors.lines_served_by``)."""

    centre = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("one-stop centre"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "one_stop_centre"},
    )
    number = models.PositiveSmallIntegerField(_("counter number"))
    name = models.CharField(_("name"), max_length=255, blank=True)
    serves_all_fields = models.BooleanField(
        _("serves every field"), default=False, help_text=_("Calls tickets of every line of the centre.")
    )
    fields = models.ManyToManyField(
        "catalog.Field", verbose_name=_("fields of procedures served"), blank=True, related_name="+"
    )
    is_open = models.BooleanField(_("open"), default=False)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["centre", "number"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="queueing_counter_number_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return gettext("Counter %(number)s") % {"number": self.number}
