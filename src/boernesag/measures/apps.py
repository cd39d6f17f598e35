from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "boernesag.measures"
    label = "measures"
    verbose_name = "Indsatser, opfølgning og ophør"

    def ready(self):
        from boernesag.measures import closure_checks  # noqa: F401 (registers)
