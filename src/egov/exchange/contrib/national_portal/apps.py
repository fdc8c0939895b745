from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "egov.exchange.contrib.national_portal"
    label = "national_portal"
    verbose_name = _("National Public Service Portal")

    def ready(self) -> None:
        from datetime import time

        from egov.core.schedule import Job, register_job
        from egov.dossiers.hooks import register_status_handler
        from egov.exchange.connectors import register_connector
        from egov.exchange.contrib.national_portal.connector import connector
        from egov.exchange.contrib.national_portal.outbound import on_result_issued, on_status_change
        from egov.exchange.contrib.national_portal.reconciliation import reconcile_recent
        from egov.results.hooks import register_result_handler

        register_connector(connector)
        # Decree 118/2025 Art. 26.1d, 27.2: every status change and every result goes to the portal.
        register_status_handler("national_portal", on_status_change)
        register_result_handler("national_portal", on_result_issued)
        # Decision 766 indicator 1.4: compare with the portal every night and report the sync rate.
        register_job(Job(name="national_portal.reconcile", run=reconcile_recent, daily_at=time(1, 30)))
