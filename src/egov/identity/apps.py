from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "egov.identity"
    label = "identity"
    verbose_name = _("Sign-in and identity")

    def ready(self) -> None:
        from datetime import time

        from django.core.management import call_command

        from egov.core.schedule import Job, register_job

        register_job(
            Job(name="identity.purge", run=lambda: call_command("identity_purge"), daily_at=time(3, 0))
        )
