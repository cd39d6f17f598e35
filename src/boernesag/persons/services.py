"""Writes for persons and relations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from boernesag.persons.cpr import CprError, parse_cpr
from boernesag.persons.models import Person, Relation


@transaction.atomic
def person_create(
    *, cpr: str | None, first_name: str, last_name: str, is_test: bool = False, **fields
) -> Person:
    """Create a person. With a CPR number, birth date and legal sex are derived from it."""
    person = Person(
        first_name=first_name.strip(), last_name=last_name.strip(), cpr_is_test=is_test, **fields
    )
    if cpr:
        try:
            parsed = parse_cpr(cpr)
        except CprError as exc:
            raise ValidationError({"cpr": str(exc)}) from None
        if Person.objects.filter(cpr=parsed.number).exists():
            raise ValidationError({"cpr": "Der findes allerede en person med dette CPR-nummer."})
        person.cpr, person.birth_date, person.sex = parsed.number, parsed.birth_date, parsed.sex
    person.save()
    return person


@transaction.atomic
def relation_add(
    *, child: Person, person: Person, kind: str, valid_from=None, valid_to=None
) -> Relation:
    relation = Relation(
        child=child, person=person, kind=kind, valid_from=valid_from, valid_to=valid_to
    )
    relation.full_clean()
    relation.save()
    return relation
