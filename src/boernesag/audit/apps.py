from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "boernesag.audit"
    label = "audit"
    verbose_name = "Adgangslog"

    def ready(self) -> None:
        from boernesag.audit import checks  # noqa: F401  (registers the system checks)
        from boernesag.audit.append_only import append_only_post_migrate

        # Once per migrate/flush, after every app's migrations: guards and grants.
        post_migrate.connect(append_only_post_migrate, sender=self)
