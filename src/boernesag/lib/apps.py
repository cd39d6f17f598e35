from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "boernesag.lib"
    label = "lib"
    verbose_name = "Fælles hjælpefunktioner"

    def ready(self):
        from django.db.backends.signals import connection_created

        from boernesag.lib.db import install_clamping_loaders

        connection_created.connect(install_clamping_loaders, dispatch_uid="lib_clamping_loaders")
