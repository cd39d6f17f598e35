from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "boernesag.catalogue"
    label = "catalogue"
    verbose_name = "Indsatskatalog"
