from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class EStoreItem(TimeStampedModel):
    """A paper or result in a person's e-store (kho quản lý dữ liệu điện tử, Decree 45/2020 Art. 16),
    kept against their personal identification number so that later procedures can reuse it."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Result issued by an agency")
        PAPER = "paper", _("Paper the person supplied")

    owner_personal_id = models.CharField(
        _("owner's personal identification number"), max_length=12, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=500)
    result_type_code = models.CharField(_("result type code"), max_length=32, blank=True, db_index=True)
    e_result_code = models.CharField(_("e-result code"), max_length=64, blank=True)
    file = models.ForeignKey("core.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT)
    issuer = models.ForeignKey(
        "accounts.Agency", verbose_name=_("issued by"), on_delete=models.PROTECT, null=True, blank=True
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-store item")
        verbose_name_plural = _("e-store items")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
