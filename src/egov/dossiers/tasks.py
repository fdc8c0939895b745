"""Background work of the dossiers app: tasks take ids, are safe to run twice, and call
egov.dossiers.notify."""

from __future__ import annotations

from django_tasks import task

from egov.dossiers import notify


@task(queue_name="notifications")
def send_dossier_notification(dossier_id: int, event: str, dedupe_key: str = "") -> list[str]:
    """Tell the applicant about ``event`` on every channel they can be reached on; a second run for the
    same occurrence sends nothing more. Returns what happened to each message."""
    pending = notify.notifications_prepare(dossier_id=dossier_id, event=event, dedupe_key=dedupe_key)
    return [notify.notification_deliver(notification_id=notification_id).value for notification_id in pending]


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    """One more attempt at one message (the retries)."""
    return notify.notification_deliver(notification_id=notification_id).value
