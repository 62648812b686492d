from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KolhubConfig(AppConfig):
    name = "kolhub"
    verbose_name = "KOL Hub platform"

    def ready(self) -> None:
        from .tenancy import rls

        # Every migrate (and every test-database flush) re-applies roles, grants and the
        # row-level-security policy to every tenant table, so a new table cannot miss it.
        post_migrate.connect(rls.apply_after_migrate, dispatch_uid="kolhub-rls")
