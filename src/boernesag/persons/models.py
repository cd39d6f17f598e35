"""Children and the persons around them."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.persons.constants import (
    MAP_NOTE_MAX,
    Lineage,
    MapDistance,
    MapQuality,
    MapSector,
    ParentsRelationship,
    PersonSource,
    ProfessionalRole,
    RegisterStatus,
    RelationKind,
    Sex,
)

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="PersonHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Person(models.Model):
    """A child or any other person (parent, sibling, network, notifier).

    The CPR number is stored without dash. It never appears in URLs: pages use ``pk``."""

    cpr = models.CharField(_("CPR-nummer"), max_length=10, unique=True, null=True, blank=True)
    cpr_is_test = models.BooleanField(
        _("fiktivt CPR-nummer"), default=False, help_text=_("Testdata, ikke en rigtig person.")
    )
    first_name = models.CharField(_("fornavn(e)"), max_length=150)
    last_name = models.CharField(_("efternavn"), max_length=150)
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    sex = models.CharField(_("juridisk køn"), max_length=1, choices=Sex.choices, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("by"), max_length=100, blank=True)
    address_protected = models.BooleanField(
        _("navne- og adressebeskyttelse"),
        default=False,
        help_text=_("Adressen vises kun for brugere med ret til at se beskyttede adresser."),
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    institution = models.CharField(_("skole/dagtilbud"), max_length=200, blank=True)
    school_district = models.CharField(_("skoledistrikt"), max_length=100, blank=True)
    organisation = models.CharField(
        _("arbejdssted"),
        max_length=200,
        blank=True,
        help_text=_("For fagpersoner: skole, dagtilbud, sundhedspleje, PPR, lægepraksis …"),
    )
    # Where the identity data came from (CPR register or typed in) and when the register
    # was last asked (integrations.cpr).
    source = models.CharField(
        _("kilde"), max_length=10, choices=PersonSource.choices, default=PersonSource.MANUAL
    )
    register_updated_at = models.DateTimeField(
        _("senest opdateret fra CPR-registeret"), null=True, blank=True
    )
    register_status = models.CharField(
        _("status i CPR-registeret"), max_length=12, choices=RegisterStatus.choices, blank=True
    )
    register_status_date = models.DateField(_("status siden"), null=True, blank=True)
    name_search = models.GeneratedField(
        expression=SearchVector("first_name", "last_name", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name"]
        indexes = [GinIndex(fields=["name_search"], name="person_name_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpr__isnull=True) | Q(cpr__regex=r"^\d{10}$"), name="person_cpr_digits"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def cpr_formatted(self) -> str:
        return f"{self.cpr[:6]}-{self.cpr[6:]}" if self.cpr else ""

    def age_on(self, day) -> int | None:
        if not self.birth_date:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_inactive_in_register(self) -> bool:
        """Dead, emigrated, disappeared or otherwise inactive in the CPR register."""
        return bool(self.register_status) and self.register_status != RegisterStatus.ACTIVE


def active_on_q(day, prefix: str = "") -> Q:
    """A relation (or anything with ``valid_from``/``valid_to``) in force on ``day``."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class RelationQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(active_on_q(day))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="RelationHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Relation(models.Model):
    """``person`` is ``kind`` of ``child`` over a period (e.g. custody holder of).

    Sibling relations are kept in both directions: the service that adds one adds its
    ``mirror`` (the child as the sibling's sibling) and keeps the two in step. Ending a
    relation sets ``valid_to``; nothing is deleted (the history is in ``RelationHistory``)."""

    child = models.ForeignKey(
        Person, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="relations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="relations_to"
    )
    kind = models.CharField(_("relation"), max_length=30, choices=RelationKind.choices)
    valid_from = models.DateField(_("fra"), null=True, blank=True)
    valid_to = models.DateField(_("til"), null=True, blank=True)
    professional_role = models.CharField(
        _("fagområde"), max_length=20, choices=ProfessionalRole.choices, blank=True
    )
    description = models.CharField(
        _("beskrivelse"),
        max_length=200,
        blank=True,
        help_text=_('Fx "morfar, henter om onsdagen" eller "klasselærer i 4.b".'),
    )
    lives_with_child = models.BooleanField(_("bor sammen med barnet"), default=False)
    source = models.CharField(
        _("kilde"), max_length=10, choices=PersonSource.choices, default=PersonSource.MANUAL
    )
    mirror = models.OneToOneField(
        "self",
        verbose_name=_("spejlet relation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relationer")
        indexes = [
            models.Index(fields=["child", "kind"], name="relation_child_kind"),
            models.Index(fields=["person", "kind"], name="relation_person_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(child=models.F("person")), name="relation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="relation_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=RelationKind.PROFESSIONAL) | Q(professional_role=""),
                name="relation_role_only_for_professionals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()}"

    def is_active_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="ResourcePersonAgreementHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class ResourcePersonAgreement(models.Model):
    """An agreement with a resource person from the child's family or network (Slagelse's
    standard for involving family and network): what the person does for the child. It is
    followed up after 3 months, then at least yearly — the clock is the rule
    ``resource_person_follow_up`` (deadlines/rules), started and stopped by this record's
    events."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("sag"),
        on_delete=models.PROTECT,
        related_name="resource_person_agreements",
    )
    relation = models.ForeignKey(
        Relation,
        verbose_name=_("ressourceperson"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    agreed_on = models.DateField(_("aftalt den"))
    content = models.TextField(_("aftalen"))
    ended_on = models.DateField(_("ophørt den"), null=True, blank=True)
    end_reason = models.TextField(_("begrundelse for ophør"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ressourcepersonaftale")
        verbose_name_plural = _("ressourcepersonaftaler")
        ordering = ["-agreed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("agreed_on")),
                name="agreement_ended_after_agreed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.relation.person} ({self.agreed_on:%d.%m.%Y})"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="ResourcePersonFollowUpHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class ResourcePersonFollowUp(models.Model):
    """One follow-up on a resource-person agreement: how it goes, and whether it continues."""

    agreement = models.ForeignKey(
        ResourcePersonAgreement, on_delete=models.PROTECT, related_name="follow_ups"
    )
    held_on = models.DateField(_("opfølgning holdt den"))
    note = models.TextField(_("hvordan går det?"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("opfølgning på ressourcepersonaftale")
        verbose_name_plural = _("opfølgninger på ressourcepersonaftaler")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.held_on:%d.%m.%Y}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="NetworkMapHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class NetworkMap(models.Model):
    """The child's network map (netværkskort) and genogram as drawn on a case: where each
    person around the child is placed (``NetworkMapPlacement``) and what the genogram adds
    to the relations (the parents' relationship, which side a grandparent belongs to).

    The people themselves are the child's ``Relation`` rows: the map only adds placement,
    closeness and short notes. ``version`` detects concurrent saves."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("sag"), on_delete=models.PROTECT, related_name="network_map"
    )
    parents_relationship = models.CharField(
        _("forældrenes forhold"), max_length=12, choices=ParentsRelationship.choices, blank=True
    )
    saved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("netværkskort")
        verbose_name_plural = _("netværkskort")

    def __str__(self) -> str:
        return f"{self.case_id}: v{self.version}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="NetworkMapPlacementHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class NetworkMapPlacement(models.Model):
    """One person's place on the network map: sector, circle (closeness), what the contact
    is like, a short note — and for the genogram which parent's side (grandparents,
    half-siblings)."""

    network_map = models.ForeignKey(NetworkMap, on_delete=models.PROTECT, related_name="placements")
    relation = models.ForeignKey(
        Relation, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    sector = models.CharField(_("sektor"), max_length=16, choices=MapSector.choices)
    distance = models.PositiveSmallIntegerField(_("afstand"), choices=MapDistance.choices)
    quality = models.CharField(
        _("kontakten"), max_length=12, choices=MapQuality.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=MAP_NOTE_MAX, blank=True)
    lineage = models.CharField(_("slægtsside"), max_length=8, choices=Lineage.choices, blank=True)

    class Meta:
        verbose_name = _("placering på netværkskortet")
        verbose_name_plural = _("placeringer på netværkskortet")
        constraints = [
            models.UniqueConstraint(
                fields=["network_map", "relation"], name="placement_once_per_map"
            ),
            models.CheckConstraint(
                condition=Q(distance__gte=1) & Q(distance__lte=3), name="placement_distance_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relation_id}: {self.sector}/{self.distance}"
