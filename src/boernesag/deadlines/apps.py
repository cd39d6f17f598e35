from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "boernesag.deadlines"
    label = "deadlines"
    verbose_name = "Frister"

    def ready(self):
        # Validate the rule files at start-up and register the clock engine as an event
        # hook (the registry in cases.events; no Django signals).
        from boernesag.cases.events import on_event
        from boernesag.deadlines import engine, rules

        rules.load_rules()
        on_event(engine.on_case_event)
