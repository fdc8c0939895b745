from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EStoreConfig(AppConfig):
    name = "egov.estore"
    label = "estore"
    verbose_name = _("Personal e-store")
