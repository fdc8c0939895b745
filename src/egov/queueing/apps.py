from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "egov.queueing"
    label = "queueing"
    verbose_name = _("Queue tickets")
