from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "egov.accounts"
    label = "accounts"
    verbose_name = _("Agencies and people")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from egov.accounts.models import Agency
        from egov.accounts.selectors import agency_tree_changed

        # Not business logic: only the per-process cache of the agency tree is dropped on any change.
        def drop_tree_cache(**kwargs: object) -> None:
            agency_tree_changed()

        post_save.connect(drop_tree_cache, sender=Agency, dispatch_uid="agency_tree_cache_save", weak=False)
        post_delete.connect(
            drop_tree_cache, sender=Agency, dispatch_uid="agency_tree_cache_delete", weak=False
        )
