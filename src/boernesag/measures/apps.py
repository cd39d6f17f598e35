from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "boernesag.measures"
    label = "measures"
    verbose_name = "Indsatser, opfølgning og ophør"
