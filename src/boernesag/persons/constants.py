from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Mand")
    FEMALE = "F", _("Kvinde")


class RelationKind(models.TextChoices):
    CUSTODY_HOLDER = "custody_holder", _("Forældremyndighedsindehaver")
    PARENT_WITHOUT_CUSTODY = "parent_without_custody", _("Forælder uden forældremyndighed")
    SIBLING = "sibling", _("Søskende")
    GRANDPARENT = "grandparent", _("Bedsteforælder")
    OTHER_FAMILY = "other_family", _("Anden familie")
    NETWORK_PERSON = "network_person", _("Netværks-/ressourceperson")
    FOSTER_FAMILY = "foster_family", _("Plejefamilie")
