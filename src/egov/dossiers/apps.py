from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from datetime import time, timedelta

        from egov.core.schedule import Job, register_job
        from egov.dossiers.intake import supplements_close_expired
        from egov.dossiers.notify import notifications_retry_due

        # Decree 118/2025 Art. 19.5: close dossiers not supplemented within 15 days, every night.
        register_job(
            Job(name="dossiers.close_unsupplemented", run=supplements_close_expired, daily_at=time(0, 5))
        )
        # Notifications whose retry is due (a deferred task may have been lost with the queue).
        register_job(
            Job(name="dossiers.notifications_retry", run=notifications_retry_due, every=timedelta(minutes=5))
        )
        # Warn holders of steps falling due, escalate overdue steps and late consultation answers.
        from egov.dossiers.processing import steps_warn_and_escalate

        register_job(
            Job(name="dossiers.step_warnings", run=steps_warn_and_escalate, every=timedelta(minutes=15))
        )
        # The public lookup's stories: the triggers forget a dossier's when it changes; this writes them
        # again (docs/lookup-and-notifications.md, "The story kept").
        from egov.dossiers.lookup_answers import lookup_stories_fill

        register_job(
            Job(name="dossiers.lookup_stories_fill", run=lookup_stories_fill, every=timedelta(minutes=5))
        )
