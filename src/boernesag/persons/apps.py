from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "boernesag.persons"
    label = "persons"
    verbose_name = "Børn og personer"
