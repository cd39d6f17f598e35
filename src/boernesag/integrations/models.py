"""The local CPR register: a fictitious population standing in for the national register
(Serviceplatformen) in development, the demo and the tests.

These tables are *outside* Børnesag's own data: Børnesag's persons (``persons.Person``) are
created from them only through an import (``integrations.services``), exactly as a
production installation imports from the real register. Every number here is a test CPR
number of a fictitious person."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegisterPerson(models.Model):
    cpr = models.CharField(_("CPR-nummer"), max_length=10, unique=True)
    first_name = models.CharField(_("fornavn(e)"), max_length=150)
    last_name = models.CharField(_("efternavn"), max_length=150)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("by"), max_length=100, blank=True)
    address_protected = models.BooleanField(_("navne- og adressebeskyttelse"), default=False)
    # CPR status code: 01 active …, 70 disappeared, 80 emigrated, 90 dead.
    status_code = models.CharField(_("CPR-status"), max_length=2, default="01")
    status_date = models.DateField(_("status siden"), null=True, blank=True)

    class Meta:
        verbose_name = _("person i det lokale CPR-register")
        verbose_name_plural = _("personer i det lokale CPR-register")
        constraints = [
            models.CheckConstraint(condition=Q(cpr__regex=r"^\d{10}$"), name="register_cpr_digits")
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RegisterRelationKind(models.TextChoices):
    MOTHER = "mother", _("Mor")
    FATHER = "father", _("Far")
    CUSTODY_HOLDER = "custody_holder", _("Forældremyndighedsindehaver")


class RegisterRelation(models.Model):
    """``person`` is mother, father or custody holder of ``child`` (as the register's
    ``barnrelation`` and ``foraeldremyndighedrelation``)."""

    child = models.ForeignKey(RegisterPerson, on_delete=models.CASCADE, related_name="parents")
    person = models.ForeignKey(RegisterPerson, on_delete=models.CASCADE, related_name="children")
    kind = models.CharField(max_length=20, choices=RegisterRelationKind.choices)
    valid_from = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("relation i det lokale CPR-register")
        verbose_name_plural = _("relationer i det lokale CPR-register")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "person", "kind"], name="register_relation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.child_id}"
