"""Alerting the one-stop desk that an online dossier has arrived: Decree 118/2025 Art. 17.2 gives the
provincial system 2 hours to alert the desk; we alert at once, after the dossier is committed."""

from __future__ import annotations

from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from egov.accounts.selectors import users_of_agency
from egov.core.permissions import Role
from egov.dossiers.models import Dossier
from egov.notifications.services import send_email

logger = structlog.get_logger(__name__)


def desk_alert_on_commit(dossier_id: int) -> None:
    transaction.on_commit(lambda: alert_desk_of_arrival.enqueue(dossier_id))


@task(queue_name="notifications")
def alert_desk_of_arrival(dossier_id: int) -> int:
    """E-mail every one-stop officer of the receiving section; returns how many were alerted."""
    dossier = (
        Dossier.objects.select_related("procedure_version", "receiving_agency").filter(pk=dossier_id).first()
    )
    if dossier is None:
        return 0
    officers = users_of_agency(agency=dossier.receiving_agency, roles=[Role.ONE_STOP_OFFICER]).exclude(
        email=""
    )
    with translation.override("vi"):
        subject = _("New online dossier %(code)s to receive") % {"code": dossier.code}
        due = timezone.localtime(dossier.acceptance_due_at) if dossier.acceptance_due_at else None
        body = _(
            "Dossier %(code)s (%(procedure)s) has arrived at %(agency)s. "
            "Accept it or ask for changes by %(due)s (8 working hours, Decree 118/2025 Art. 17.2)."
        ) % {
            "code": dossier.code,
            "procedure": dossier.procedure_version.name,
            "agency": dossier.receiving_agency.name,
            "due": f"{due:%H:%M %d/%m/%Y}" if due else "—",
        }
    alerted = 0
    for officer in officers:
        send_email(recipient=officer.email, subject=subject, body=body)
        alerted += 1
    logger.info("desk_alerted", dossier=dossier.code, officers=alerted)
    return alerted


def alert_officers(*, step: Any, kind: str, consultation: Any = None) -> int:
    """Tell the step's holder that it falls due soon, or the agency's heads that it (or a consultation
    answer) is late. E-mail, sent by the scheduler's job; returns how many were told."""
    dossier = step.dossier
    with translation.override("vi"):
        due = timezone.localtime(step.due_at) if step.due_at else None
        values = {"code": dossier.code, "step": step.name, "due": f"{due:%H:%M %d/%m/%Y}" if due else "—"}
        if kind == "due_soon":
            subject = _("Dossier %(code)s: step “%(step)s” falls due at %(due)s") % values
            recipients = (
                [step.assignee]
                if step.assignee_id
                else list(users_of_agency(agency=step.agency, roles=[step.role]))
            )
        elif kind == "overdue":
            subject = _("Overdue: dossier %(code)s, step “%(step)s” was due at %(due)s") % values
            recipients = list(
                users_of_agency(agency=step.agency, roles=[Role.HEAD_OF_DIVISION, Role.AGENCY_HEAD])
            )
        else:
            subject = _("Late answer: %(agency)s has not answered the consultation on dossier %(code)s") % {
                "agency": consultation.agency.name,
                "code": dossier.code,
            }
            recipients = list(
                users_of_agency(agency=step.agency, roles=[Role.HEAD_OF_DIVISION, Role.AGENCY_HEAD])
            )
    sent = 0
    for person in recipients:
        if person is not None and person.email:
            send_email(recipient=person.email, subject=subject, body=subject)
            sent += 1
    logger.info("officers_alerted", dossier=dossier.code, kind=kind, officers=sent)
    return sent
