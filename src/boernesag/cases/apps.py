from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "boernesag.cases"
    label = "cases"
    verbose_name = "Sager"
