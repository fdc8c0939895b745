"""Telling the applicant what happened to their dossier: at receipt, on a request to supplement, on refusal,
when the result is ready and when the dossier is stopped (Decree 118/2025 Art. 17.2: by e-mail or SMS).

The flow (docs/lookup-and-notifications.md):
1. A service calls :func:`dossier_notify_on_commit` inside its transaction; if that rolls back, nothing
   is queued.
2. After the commit the task ``send_dossier_notification`` makes one :class:`Notification` row per channel
   the applicant can be reached on and the event has an active template for, with the text rendered then
   and frozen; the unique constraint on the row makes a second enqueue of the same event a no-op.
3. :func:`notification_deliver` sends a pending row under a row lock and marks it sent in the same
   transaction; a row already sent is never sent again. A failure is recorded and, by
   :func:`retry_delay`, retried 1, 5 and 30 minutes later; after that the row is marked failed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from egov.dossiers.lookup import lookup_url
from egov.dossiers.models import (
    Dossier,
    DossierEvent,
    Notification,
    NotificationEvent,
    NotificationTemplate,
    Slip,
    Status,
    SupplementRequest,
)
from egov.notifications.channels import Channel
from egov.notifications.services import DeliveryError, notify

logger = structlog.get_logger(__name__)

# A failed message is tried again after these delays (three retries, four attempts in all), then given up.
RETRY_DELAYS: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
LAST_ERROR_LENGTH = 1000

# The status change each event follows; its history row tells two occurrences of an event apart.
EVENT_STATUSES: dict[str, tuple[str, ...]] = {
    NotificationEvent.RECEIVED: (Status.RECEIVED,),
    NotificationEvent.SUPPLEMENT_REQUESTED: (Status.SUPPLEMENT_REQUESTED,),
    NotificationEvent.REFUSED: (Status.REFUSED,),
    NotificationEvent.RESULT_READY: (Status.PROCESSED, Status.RETURNED),
    NotificationEvent.STOPPED: (Status.STOPPED,),
    NotificationEvent.EXTENDED: (),  # happens once per dossier (Art. 19.6), no status change
}

# The variables a template may use, with what they hold (listed in the admin).
TEMPLATE_VARIABLES: dict[str, Any] = {
    "code": _("the dossier code"),
    "procedure": _("the name of the administrative procedure"),
    "receiving_agency": _("the one-stop section that received the dossier"),
    "submitted_at": _("when the dossier was submitted (hh:mm dd/mm/yyyy)"),
    "received_at": _("when the dossier was received (hh:mm dd/mm/yyyy)"),
    "due_at": _("the appointment for the result (hh:mm dd/mm/yyyy)"),
    "items": _("what is to be supplemented, separated by semicolons"),
    "items_lines": _("what is to be supplemented, one per line"),
    "supplement_due_on": _("the last day to supplement (dd/mm/yyyy)"),
    "reason": _("the reason for the request to supplement or for stopping"),
    "reasons": _("the reasons for refusing, separated by semicolons"),
    "reasons_lines": _("the reasons for refusing, one per line"),
    "lookup_url": _("the address of the dossier's lookup page"),
}

# Message texts are plain text, not HTML; and an editable template must not reach beyond its variables,
# so it gets an engine of its own with the built-in tags and filters only (no {% load %}).
_ENGINE = Engine(autoescape=False, libraries={})


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    ALREADY_DONE = "already_done"
    NOT_DUE = "not_due"
    RETRY_SCHEDULED = "retry_scheduled"
    FAILED = "failed"


def retry_delay(failed_attempts: int) -> timedelta | None:
    """How long to wait before trying again after ``failed_attempts`` failures; None: give up."""
    if 1 <= failed_attempts <= len(RETRY_DELAYS):
        return RETRY_DELAYS[failed_attempts - 1]
    return None


def notification_template_render(source: str, context: Mapping[str, Any]) -> str:
    """Render one template string; raises ``TemplateSyntaxError`` on a malformed one."""
    return _ENGINE.from_string(source).render(Context(dict(context), autoescape=False)).strip()


def notification_template_check(source: str) -> str | None:
    """The problem with a template string as officers would write it, or None."""
    try:
        notification_template_render(source, sample_context())
    except TemplateSyntaxError as error:
        return str(error)
    return None


def _moment(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M %d/%m/%Y}" if value else ""


def sample_context() -> dict[str, str]:
    """Example values of every variable: to check and preview a template."""
    return {
        "code": "H99.01.01-261127-0001",
        "procedure": "Cấp Phiếu lý lịch tư pháp",
        "receiving_agency": "Trung tâm Phục vụ hành chính công tỉnh",
        "submitted_at": "08:15 27/11/2026",
        "received_at": "09:00 27/11/2026",
        "due_at": "09:00 04/12/2026",
        "items": "Tờ khai có chữ ký; Bản sao giấy khai sinh",
        "items_lines": "- Tờ khai có chữ ký\n- Bản sao giấy khai sinh",
        "supplement_due_on": "12/12/2026",
        "reason": "Tờ khai chưa ký",
        "reasons": "Không thuộc thẩm quyền giải quyết",
        "reasons_lines": "- Không thuộc thẩm quyền giải quyết",
        "lookup_url": lookup_url("H99.01.01-261127-0001"),
    }


def _lines(values: list[str]) -> str:
    return "\n".join(f"- {value}" for value in values)


def notification_context(dossier: Dossier, event: str) -> dict[str, str]:
    """The values of the template variables for this dossier and event; plain strings only, so that a
    template cannot reach into the models."""
    context = {
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "receiving_agency": dossier.receiving_agency.name,
        "submitted_at": _moment(dossier.submitted_at),
        "received_at": _moment(dossier.received_at),
        # The appointment as it stands: the one extension (form 04) replaces the receipt's.
        "due_at": _moment(getattr(getattr(dossier, "extension", None), "new_due_at", None) or dossier.due_at),
        "items": "",
        "items_lines": "",
        "supplement_due_on": "",
        "reason": "",
        "reasons": "",
        "reasons_lines": "",
        "lookup_url": lookup_url(dossier.code),
    }
    if event == NotificationEvent.SUPPLEMENT_REQUESTED:
        request = SupplementRequest.objects.filter(dossier=dossier).order_by("-requested_at", "-id").first()
        if request is not None:
            items = [str(item) for item in request.items]
            context.update(
                items="; ".join(items),
                items_lines=_lines(items),
                supplement_due_on=f"{request.due_on:%d/%m/%Y}",
                reason=request.reason,
            )
    elif event == NotificationEvent.EXTENDED:
        slip = (
            Slip.objects.filter(dossier=dossier, kind=Slip.Kind.APOLOGY).order_by("-issued_at", "-id").first()
        )
        context.update(reason=(slip.data.get("reason", "") if slip is not None else ""))
    elif event in (NotificationEvent.REFUSED, NotificationEvent.STOPPED):
        kind = Slip.Kind.REFUSAL if event == NotificationEvent.REFUSED else Slip.Kind.STOP_NOTICE
        slip = Slip.objects.filter(dossier=dossier, kind=kind).order_by("-issued_at", "-id").first()
        data = slip.data if slip is not None else {}
        reasons = [str(reason) for reason in data.get("reasons", [])]
        context.update(
            reasons="; ".join(reasons), reasons_lines=_lines(reasons), reason=data.get("reason", "")
        )
    return context


def notification_dedupe_key(*, dossier_id: int, event: str) -> str:
    """Which occurrence of ``event`` this is: the latest history row of the status change it follows."""
    statuses = EVENT_STATUSES.get(event, ())
    event_id = (
        DossierEvent.objects.filter(dossier_id=dossier_id, to_status__in=statuses)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    return f"status-change:{event_id}" if event_id is not None else ""


def dossier_notify_on_commit(dossier_id: int, event: str, *, dedupe_key: str | None = None) -> None:
    """Queue the message about ``event`` once the current transaction commits (and never if it rolls
    back). Call it inside the service's transaction, after the status change."""
    if event not in NotificationEvent.values:
        raise ValueError(f"unknown notification event: {event!r}")
    key = (
        dedupe_key if dedupe_key is not None else notification_dedupe_key(dossier_id=dossier_id, event=event)
    )
    event_value = str(NotificationEvent(event).value)

    def enqueue() -> None:
        from egov.dossiers.tasks import send_dossier_notification

        send_dossier_notification.enqueue(dossier_id, event_value, key)

    # robust: a queue that is down must not turn the officer's committed action into an error page.
    transaction.on_commit(enqueue, robust=True)


def _recipients(dossier: Dossier) -> dict[str, str]:
    recipients = {}
    if dossier.applicant_email:
        recipients[Channel.EMAIL.value] = dossier.applicant_email
    if dossier.applicant_phone:
        recipients[Channel.SMS.value] = dossier.applicant_phone
    return recipients


def notifications_prepare(*, dossier_id: int, event: str, dedupe_key: str = "") -> list[int]:
    """The notification rows for this occurrence of the event, made if missing (text rendered now, in
    Vietnamese); returns the ids of those still to be sent."""
    dossier = (
        Dossier.objects.select_related("procedure_version", "receiving_agency").filter(pk=dossier_id).first()
    )
    if dossier is None:
        return []
    templates = {
        template.channel: template
        for template in NotificationTemplate.objects.filter(event=event, is_active=True)
    }
    recipients = {channel: to for channel, to in _recipients(dossier).items() if channel in templates}
    context: dict[str, str] | None = None
    pending: list[int] = []
    for channel, recipient in recipients.items():
        existing = Notification.objects.filter(
            dossier=dossier, event=event, channel=channel, dedupe_key=dedupe_key
        ).first()
        if existing is None:
            if context is None:
                context = notification_context(dossier, event)
            template = templates[channel]
            try:
                with translation.override("vi"):
                    subject = notification_template_render(template.subject, context)
                    body = notification_template_render(template.body, context)
            except TemplateSyntaxError as error:
                logger.error(
                    "notification_template_invalid",
                    notification_event=event,
                    channel=channel,
                    error=str(error),
                )
                continue
            try:
                with transaction.atomic():
                    existing = Notification.objects.create(
                        dossier=dossier,
                        event=event,
                        channel=channel,
                        dedupe_key=dedupe_key,
                        recipient=recipient,
                        subject=subject.replace("\n", " ")[:255],
                        body=body,
                    )
            except IntegrityError:  # made by a concurrent run of the same task
                existing = Notification.objects.get(
                    dossier=dossier, event=event, channel=channel, dedupe_key=dedupe_key
                )
        if existing.status == Notification.Status.PENDING:
            pending.append(existing.pk)
    return pending


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> DeliveryOutcome:
    """Send one pending notification, at most once: the row is locked while it is sent and marked sent in
    the same transaction. On failure the error and attempt are recorded and a retry is scheduled."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return DeliveryOutcome.ALREADY_DONE
        moment = now or timezone.now()
        if notification.next_attempt_at is not None and notification.next_attempt_at > moment:
            return DeliveryOutcome.NOT_DUE  # a retry is scheduled; an early duplicate must not pre-empt it
        notification.attempts += 1
        try:
            notify(notification.channel, notification.recipient, notification.subject, notification.body)
        except DeliveryError as error:
            delay = retry_delay(notification.attempts)
            notification.last_error = str(error)[:LAST_ERROR_LENGTH]
            notification.status = Notification.Status.PENDING if delay else Notification.Status.FAILED
            notification.next_attempt_at = moment + delay if delay else None
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = moment
            notification.next_attempt_at = None
        notification.save(
            update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error", "updated_at"]
        )
    log = {
        "notification": notification.pk,
        "dossier": notification.dossier_id,
        "notification_event": notification.event,
        "channel": notification.channel,
        "attempts": notification.attempts,
    }
    if notification.status == Notification.Status.SENT:
        logger.info("notification_sent", **log)
        return DeliveryOutcome.SENT
    if notification.status == Notification.Status.FAILED:
        logger.error("notification_failed", **log)
        return DeliveryOutcome.FAILED
    assert notification.next_attempt_at is not None
    notification_schedule_retry(notification_id=notification.pk, run_after=notification.next_attempt_at)
    logger.warning("notification_retry_scheduled", run_after=notification.next_attempt_at.isoformat(), **log)
    return DeliveryOutcome.RETRY_SCHEDULED


def notification_schedule_retry(*, notification_id: int, run_after: datetime) -> bool:
    """Enqueue the next attempt for ``run_after``. A backend that cannot defer (the immediate backend of
    tests and development) would retry at once, in a loop: there the row stays pending with its
    ``next_attempt_at`` and :func:`notifications_retry_due` picks it up."""
    from egov.dossiers.tasks import deliver_notification

    if not deliver_notification.get_backend().supports_defer:
        logger.info("notification_retry_not_deferred", notification=notification_id)
        return False
    deliver_notification.using(run_after=run_after).enqueue(notification_id)
    return True


def notifications_retry_due(*, now: datetime | None = None) -> list[int]:
    """Enqueue every pending notification whose next attempt is due: for a periodic job, and to recover
    retries lost with a queue. Returns the ids enqueued."""
    from egov.dossiers.tasks import deliver_notification

    due = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now or timezone.now()
        ).values_list("id", flat=True)
    )
    for notification_id in due:
        deliver_notification.enqueue(notification_id)
    return due
