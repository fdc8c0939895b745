from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models import TimeStampedModel


class Field(TimeStampedModel):
    """A field of state management (lĩnh vực) that groups procedures, e.g. "Hộ tịch"."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
