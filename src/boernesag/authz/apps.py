from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "boernesag.authz"
    label = "authz"
    verbose_name = "Adgangskontrol"

    def ready(self) -> None:
        from boernesag.authz.registry import autodiscover

        autodiscover()
