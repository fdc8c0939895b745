from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from datetime import time

        from egov.core.schedule import Job, register_job
        from egov.dossiers.intake import supplements_close_expired

        # Decree 118/2025 Art. 19.5: close dossiers not supplemented within 15 days, every night.
        register_job(
            Job(name="dossiers.close_unsupplemented", run=supplements_close_expired, daily_at=time(0, 5))
        )
