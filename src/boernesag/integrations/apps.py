from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "boernesag.integrations"
    label = "integrations"
    verbose_name = "Integrationer"
