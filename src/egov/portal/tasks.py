"""Background work of the portal: tasks take ids and are safe to run twice."""

from __future__ import annotations

import structlog
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from egov.dossiers.models import Dossier

logger = structlog.get_logger(__name__)


@task(queue_name="notifications")
def send_submission_acknowledgement(dossier_id: int) -> bool:
    """E-mail the applicant that the dossier arrived, with its code and how to follow it."""
    dossier = (
        Dossier.objects.select_related("procedure_version", "receiving_agency").filter(pk=dossier_id).first()
    )
    if dossier is None or not dossier.applicant_email:
        return False
    with translation.override("vi"):
        subject = _("Dossier %(code)s has been submitted") % {"code": dossier.code}
        body = render_to_string("portal/email/submitted.txt", {"dossier": dossier})
    send_mail(subject, body, None, [dossier.applicant_email])
    logger.info("submission_acknowledged", dossier=dossier.code)
    return True
