from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "egov.exchange"
    label = "exchange"
    verbose_name = _("Integration platform (LGSP)")

    def ready(self) -> None:
        from datetime import timedelta

        from egov.core.schedule import Job, register_job
        from egov.exchange import checks  # noqa: F401 - registers the system checks
        from egov.exchange.services import outbox_deliver_due

        # Retries whose time has come (a deferred task may have been lost with the queue, and the
        # development worker cannot defer).
        register_job(Job(name="exchange.deliver_due", run=outbox_deliver_due, every=timedelta(minutes=1)))
