from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "boernesag.intake"
    label = "intake"
    verbose_name = "Modtagelse"

    def ready(self):
        # The receipt/feedback events are written when a letter is actually sent; letters
        # (a lower layer) calls intake back through its hook registry, not a signal.
        from boernesag.intake.services import notifier_letter_sent
        from boernesag.letters.services import on_letter_sent

        on_letter_sent(notifier_letter_sent)
