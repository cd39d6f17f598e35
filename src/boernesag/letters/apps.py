from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "boernesag.letters"
    label = "letters"
    verbose_name = "Breve"
