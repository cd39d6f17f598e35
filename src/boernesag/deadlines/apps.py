from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "boernesag.deadlines"
    label = "deadlines"
    verbose_name = "Frister"

    def ready(self):
        # Validate the rule files (also against the event catalogue) at start-up, and
        # register the clocks as projections of the events (events.projections).
        from boernesag.deadlines import closure_checks, rules  # noqa: F401 (registers)
        from boernesag.deadlines.projections import Clocks, OrganisationClocks
        from boernesag.events.projections import register

        rules.load_rules()
        register(Clocks())
        register(OrganisationClocks())
