from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "boernesag.accounts"
    label = "accounts"
    verbose_name = "Organisation og brugere"

    def ready(self) -> None:
        from boernesag.accounts import middleware  # noqa: F401  (the user_logged_in receiver)
