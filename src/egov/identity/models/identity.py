from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.models.base import TimeStampedModel


class Identity(TimeStampedModel):
    """How a citizen's or business representative's account has been verified.

    ``is_vneid_authenticated`` says that the person has signed in at least once through the national
    e-ID (VNeID), so the personal identification number is proven; the share of such accounts is a
    reported indicator.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="identity"
    )
    is_vneid_authenticated = models.BooleanField(_("authenticated through VNeID"), default=False)
    vneid_subject = models.CharField(_("VNeID subject"), max_length=255, blank=True)
    vneid_first_at = models.DateTimeField(_("first VNeID sign-in"), null=True, blank=True)
    vneid_last_at = models.DateTimeField(_("last VNeID sign-in"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone number verified at"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return str(self.user)
