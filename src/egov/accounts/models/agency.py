from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.accounts.validators import validate_agency_code
from egov.core.models import TimeStampedModel


class Agency(TimeStampedModel):
    """A state agency in the province's tree. Never deleted: a merged or dissolved agency gets an end
    date (and a successor), so that what it did keeps its name (docs/agencies.md)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Department or provincial agency")
        BOARD = "board", _("Board")
        DISTRICT = "district", _("District (before 1 July 2025)")
        COMMUNE = "commune", _("Commune or ward")
        ONE_STOP_CENTRE = "one_stop_centre", _("Public administrative service centre")
        DIVISION = "division", _("Division")

    code = models.CharField(
        _("electronic identifier code"),
        max_length=35,
        unique=True,
        validators=[validate_agency_code],
        help_text=_("Mã định danh điện tử of the agency (Decision 20/2020/QĐ-TTg), e.g. H37.21."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), default=date(2000, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone number"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_period",
                violation_error_message=_("An agency cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(valid_to__isnull=False),
                name="agency_successor_only_when_ended",
                violation_error_message=_("Only an agency that has ended can have a successor."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class AgencyName(models.Model):
    """Names an agency carried before its current one, with the period each was used."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="former_names")
    name = models.CharField(_("name"), max_length=255)
    used_until = models.DateField(_("used until"))

    class Meta:
        verbose_name = _("former agency name")
        verbose_name_plural = _("former agency names")
        ordering = ["agency", "used_until"]

    def __str__(self) -> str:
        return self.name
