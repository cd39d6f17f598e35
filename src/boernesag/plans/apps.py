from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "boernesag.plans"
    label = "plans"
    verbose_name = "Barnets plan, ungeplan og handleplan"
