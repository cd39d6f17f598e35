from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Mand")
    FEMALE = "F", _("Kvinde")


class RelationKind(models.TextChoices):
    CUSTODY_HOLDER = "custody_holder", _("Forældremyndighedsindehaver")
    PARENT_WITHOUT_CUSTODY = "parent_without_custody", _("Forælder uden forældremyndighed")
    SIBLING = "sibling", _("Søskende")
    HALF_SIBLING = "half_sibling", _("Halvsøskende")
    GRANDPARENT = "grandparent", _("Bedsteforælder")
    OTHER_FAMILY = "other_family", _("Anden familie")
    NETWORK_PERSON = "network_person", _("Netværksperson")
    RESOURCE_PERSON = "resource_person", _("Ressourceperson")
    FOSTER_FAMILY = "foster_family", _("Plejefamilie")
    PROFESSIONAL = "professional", _("Fagperson")


class RelationGroup(models.TextChoices):
    """The sections of *Personer omkring barnet*."""

    CUSTODY = "custody", _("Forældremyndighed og forældre")
    SIBLINGS = "siblings", _("Søskende")
    FAMILY = "family", _("Anden familie")
    NETWORK = "network", _("Netværk og ressourcepersoner")
    PROFESSIONALS = "professionals", _("Fagpersoner")


GROUP_OF_KIND = {
    RelationKind.CUSTODY_HOLDER: RelationGroup.CUSTODY,
    RelationKind.PARENT_WITHOUT_CUSTODY: RelationGroup.CUSTODY,
    RelationKind.SIBLING: RelationGroup.SIBLINGS,
    RelationKind.HALF_SIBLING: RelationGroup.SIBLINGS,
    RelationKind.GRANDPARENT: RelationGroup.FAMILY,
    RelationKind.OTHER_FAMILY: RelationGroup.FAMILY,
    RelationKind.FOSTER_FAMILY: RelationGroup.FAMILY,
    RelationKind.NETWORK_PERSON: RelationGroup.NETWORK,
    RelationKind.RESOURCE_PERSON: RelationGroup.NETWORK,
    RelationKind.PROFESSIONAL: RelationGroup.PROFESSIONALS,
}
SIBLING_KINDS = frozenset({RelationKind.SIBLING, RelationKind.HALF_SIBLING})
# A resource-person agreement (Slagelse) is made with someone from the family or network.
AGREEMENT_KINDS = frozenset(
    {
        RelationKind.RESOURCE_PERSON,
        RelationKind.NETWORK_PERSON,
        RelationKind.GRANDPARENT,
        RelationKind.OTHER_FAMILY,
        RelationKind.SIBLING,
        RelationKind.HALF_SIBLING,
        RelationKind.PARENT_WITHOUT_CUSTODY,
    }
)
MAX_CUSTODY_HOLDERS = 2  # forældremyndighed is held by one or two persons together


class ProfessionalRole(models.TextChoices):
    SCHOOL = "school", _("Skole")
    DAYCARE = "daycare", _("Dagtilbud")
    HEALTH_NURSE = "health_nurse", _("Sundhedsplejerske")
    PPR = "ppr", _("PPR")
    DOCTOR = "doctor", _("Læge")
    OTHER = "other", _("Anden fagperson")


# School and daycare point to where the child is every day: masked like the address for a
# child with navne- og adressebeskyttelse (persons/display.py).
LOCATING_ROLES = frozenset({ProfessionalRole.SCHOOL, ProfessionalRole.DAYCARE})


class PersonSource(models.TextChoices):
    REGISTER = "register", _("CPR-registeret")
    MANUAL = "manual", _("Indtastet manuelt")


class RegisterStatus(models.TextChoices):
    """A person's status in the CPR register (CPR status codes 01–07 active, 70
    forsvundet, 80 udrejst, 90 død; others inactive)."""

    ACTIVE = "active", _("Aktiv")
    DISAPPEARED = "disappeared", _("Forsvundet")
    EMIGRATED = "emigrated", _("Udrejst")
    DEAD = "dead", _("Død")
    INACTIVE = "inactive", _("Inaktiv (annulleret eller ændret CPR-nummer)")


# The age above which a CPR number makes no sense for a child's case: support for young
# people (efterværn/ungestøtte, Barnets Lov kap. 13) ends at the latest at 23.
CHILD_CASE_MAX_AGE = 22
CONSENT_AGE = 15  # Barnets Lov § 22, stk. 2, § 46, stk. 1–2 (the young person's own consent)
PARTY_AGE = 10  # Barnets Lov § 3 (partsbeføjelser from 10 years in the listed matters)


# --- the network map (netværkskort) and the genogram (persons/networkmap.py) -------------


class MapSector(models.TextChoices):
    """The sectors of the network map, clockwise from the top left."""

    FAMILY = "family", _("Familie")
    NETWORK = "network", _("Venner og netværk")
    SCHOOL = "school", _("Skole og dagtilbud")
    PROFESSIONALS = "professionals", _("Fagpersoner")


class MapDistance(models.IntegerChoices):
    """The circles of the network map: how close the person is to the child (as the child
    and the family see it)."""

    CLOSEST = 1, _("Inderste cirkel – meget tæt")
    CLOSE = 2, _("Midterste cirkel – tæt")
    FAR = 3, _("Yderste cirkel – mindre tæt")


class MapQuality(models.TextChoices):
    """What the contact is like: drawn as the line from the child to the person."""

    SUPPORTIVE = "supportive", _("Støttende")
    NEUTRAL = "neutral", _("Neutral")
    STRAINED = "strained", _("Belastende eller konfliktfyldt")
    BROKEN = "broken", _("Ingen kontakt")


class Lineage(models.TextChoices):
    """Which parent a grandparent or a half-sibling belongs to in the genogram."""

    MOTHER = "mother", _("Mors side")
    FATHER = "father", _("Fars side")


class ParentsRelationship(models.TextChoices):
    """The parents' relationship, drawn on the genogram's couple line."""

    TOGETHER = "together", _("Gift eller samboende")
    SEPARATED = "separated", _("Separeret eller gået fra hinanden")
    DIVORCED = "divorced", _("Skilt")


# Where a relation is placed on a new map (before anyone has moved it).
SECTOR_OF_KIND = {
    RelationKind.CUSTODY_HOLDER: MapSector.FAMILY,
    RelationKind.PARENT_WITHOUT_CUSTODY: MapSector.FAMILY,
    RelationKind.SIBLING: MapSector.FAMILY,
    RelationKind.HALF_SIBLING: MapSector.FAMILY,
    RelationKind.GRANDPARENT: MapSector.FAMILY,
    RelationKind.OTHER_FAMILY: MapSector.FAMILY,
    RelationKind.FOSTER_FAMILY: MapSector.FAMILY,
    RelationKind.NETWORK_PERSON: MapSector.NETWORK,
    RelationKind.RESOURCE_PERSON: MapSector.NETWORK,
    RelationKind.PROFESSIONAL: MapSector.PROFESSIONALS,
}
MAP_NOTE_MAX = 100  # a short note on the map ("ser hver anden weekend")
LINEAGE_KINDS = frozenset({RelationKind.GRANDPARENT, RelationKind.HALF_SIBLING})
PARENT_KINDS = frozenset({RelationKind.CUSTODY_HOLDER, RelationKind.PARENT_WITHOUT_CUSTODY})
