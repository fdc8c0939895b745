from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel
from egov.core.permissions import Role


class Membership(TimeStampedModel):
    """An official holds a role in an agency for a period. Ended memberships stay as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="memberships"
    )
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("role in an agency")
        verbose_name_plural = _("roles in agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(valid_to__isnull=True),
                name="membership_one_open_per_role",
                violation_error_message=_("This person already holds this role in this agency."),
            )
        ]
        indexes = [models.Index(fields=["user", "valid_to"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
