from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "boernesag.assessments"
    label = "assessments"
    verbose_name = "Børnefaglig undersøgelse"
