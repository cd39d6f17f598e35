from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "boernesag.decisions"
    label = "decisions"
    verbose_name = "Afgørelser og klager"

    def ready(self) -> None:
        from boernesag.decisions import services  # noqa: F401  (registers the letter hook)
