from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.accounts.validators import validate_personal_id, validate_tax_code


class User(AbstractUser):
    """Everybody who signs in: officials, citizens and representatives of businesses."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business representative")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_personal_id],
        help_text=_("The 12-digit number on the citizen identity card (số định danh cá nhân)."),
    )
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("Enterprise or tax code of the business represented: 10 or 13 digits."),
    )
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="business") | ~Q(tax_code=""),
                name="business_has_tax_code",
                violation_error_message=_("A business representative needs the business's tax code."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.personal_id == "":
            self.personal_id = None
        super().save(*args, **kwargs)

    @property
    def is_official(self) -> bool:
        return self.kind == self.Kind.OFFICIAL
