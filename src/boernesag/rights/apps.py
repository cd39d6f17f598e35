from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "boernesag.rights"
    label = "rights"
    verbose_name = "Adgangsændringer"
