from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "egov.reports"
    label = "reports"
    verbose_name = _("Reports and indicators")

    def ready(self) -> None:
        from datetime import timedelta

        from egov.core.schedule import Job, register_job
        from egov.dossiers.hooks import register_status_handler
        from egov.reports.rollup import backlog_refresh, catch_up, on_status_change

        # Every status change queues the dossier, in its transaction, to be counted again.
        register_status_handler("reports", on_status_change)
        # Applies the queue; and ratings, results and extensions, which come without a status change.
        register_job(Job(name="reports.catch_up", run=catch_up, every=timedelta(seconds=30)))
        # Dossiers in progress now, and at the end of the month just finished.
        register_job(Job(name="reports.backlog", run=backlog_refresh, every=timedelta(minutes=15)))
