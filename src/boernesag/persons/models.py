"""Children and the persons around them."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.persons.constants import RelationKind, Sex


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


class RelationQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="RelationHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Relation(models.Model):
    """``person`` is ``kind`` of ``child`` over a period (e.g. custody holder of)."""

    child = models.ForeignKey(
        Person, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="relations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="relations_to"
    )
    kind = models.CharField(_("relation"), max_length=30, choices=RelationKind.choices)
    valid_from = models.DateField(_("fra"), null=True, blank=True)
    valid_to = models.DateField(_("til"), null=True, blank=True)

    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relationer")
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
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()}"
