from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "boernesag.demo"
    label = "demo"
    verbose_name = "Demokommune"
