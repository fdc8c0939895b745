from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính) by its national code. What it requires lives in
    its versions: the law changes, and each dossier keeps the version it was filed under."""

    national_code = models.CharField(
        _("national code"),
        max_length=32,
        unique=True,
        help_text=_("Code in the national database of administrative procedures, e.g. 1.001193."),
    )
    current_version = models.OneToOneField(
        "catalog.ProcedureVersion",
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["national_code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id and self.current_version else ""
        return f"{self.national_code} {name}".strip()
