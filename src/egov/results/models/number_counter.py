from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultNumberCounter(models.Model):
    """The last document number an agency gave a result or notice in a year (Decree 30/2020 Art. 15:
    numbers run from 01 on 1 January). Locked while a number is taken, so numbers are unique and, since
    the number is taken in the transaction that signs and stores the document, gapless."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("result number series")
        verbose_name_plural = _("result number series")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="result_number_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.last_number}"
