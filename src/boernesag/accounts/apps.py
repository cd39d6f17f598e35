from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "boernesag.accounts"
    label = "accounts"
    verbose_name = "Organisation og brugere"
