"""The story part of the public lookup's answer, kept per dossier (docs/lookup-and-notifications.md,
"The story kept").

The lookup is the busiest read of the system. Most of its time went into reading a dossier's story (the
control slip's rows and the status history) and writing it out as JSON; the story changes only when a
row is added to it, so it is written out once and kept, and the lookup reads it with the dossier.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupStory(models.Model):
    """A dossier's story as its public lookup answers it: JSON members, in the site's language.

    Kept right by construction: triggers on the control slip's rows, the status history and the agencies'
    names (migration 0013) delete a dossier's story whenever what it shows changes, whoever writes; the
    periodic job ``dossiers.lookup_stories_fill`` (egov.dossiers.lookup_answers) writes the missing ones
    again, and a lookup that finds none, or one written with other labels (``stamp``), computes its
    answer from the tables.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stamp = models.CharField(_("labels"), max_length=64)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    story = models.TextField(_("story"))

    class Meta:
        verbose_name = _("public lookup story")
        verbose_name_plural = _("public lookup stories")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.dossier_id)
