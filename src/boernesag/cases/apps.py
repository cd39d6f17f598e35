from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "boernesag.cases"
    label = "cases"
    verbose_name = "Sager"

    def ready(self):
        # What the case row derives from its events (see cases/projections.py).
        from boernesag.cases.projections import CaseState, Responsibility
        from boernesag.events.projections import register

        register(CaseState())
        register(Responsibility())
