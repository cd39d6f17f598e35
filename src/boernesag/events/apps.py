from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "boernesag.events"
    label = "events"
    verbose_name = "Hændelser"

    def ready(self):
        # Import the catalogue so every kind is registered before anything writes.
        from boernesag.events import catalogue  # noqa: F401
