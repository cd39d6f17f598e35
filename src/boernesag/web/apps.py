from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "boernesag.web"
    label = "web"
    verbose_name = "Brugerflade"
