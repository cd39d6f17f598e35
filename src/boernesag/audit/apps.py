from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "boernesag.audit"
    label = "audit"
    verbose_name = "Adgangslog"
