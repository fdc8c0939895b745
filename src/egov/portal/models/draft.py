from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class ApplicationDraft(TimeStampedModel):
    """An online application being prepared: saved at every step, so the person can come back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    receiving_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("where to file"), on_delete=models.PROTECT, null=True, blank=True
    )
    # required paper id (as text) → {"file": stored file id} or {"estore": e-store item id}
    papers = models.JSONField(_("papers"), default=dict, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.procedure_version}"

    @property
    def is_submitted(self) -> bool:
        return self.dossier_id is not None
