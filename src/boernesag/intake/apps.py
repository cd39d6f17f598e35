from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "boernesag.intake"
    label = "intake"
    verbose_name = "Modtagelse"
