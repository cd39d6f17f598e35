"""A small world for the people tests: the case world of ``cases.tests.factories`` plus a
family in the local CPR register around its child."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from boernesag.integrations.population import (
    FictitiousPerson,
    family_generate,
    register_store,
    register_store_family,
)


def fictitious(
    cpr: str,
    first: str,
    last: str,
    *,
    born: date | None = None,
    street: str = "Engvej 4",
    protected: bool = False,
    status_code: str = "01",
    status_date: date | None = None,
) -> FictitiousPerson:
    from boernesag.persons.cpr import parse_cpr

    parsed = parse_cpr(cpr)
    return FictitiousPerson(
        cpr=parsed.number,
        first_name=first,
        last_name=last,
        birth_date=born or parsed.birth_date,
        sex=parsed.sex,
        street=street,
        postcode="9990",
        city="Demoby",
        address_protected=protected,
        status_code=status_code,
        status_date=status_date,
    )


@dataclass
class RegisterFamily:
    mother: FictitiousPerson
    father: FictitiousPerson
    sister: FictitiousPerson
    half_brother: FictitiousPerson
    stepmother: FictitiousPerson
    grandmother: FictitiousPerson


def register_family_of(child) -> RegisterFamily:
    """The register's family of a Børnesag child: mother and father (both custody holders),
    a full sister, a half-brother by the father's new partner, a grandmother."""
    mother = fictitious("0101851234", "Mette", "Hansen")  # also in Børnesag (factories)
    father = fictitious("0202831235", "Jonas", "Hansen", street="Havnegade 2")
    sister = fictitious("0504164218", "Ida", "Hansen")
    stepmother = fictitious("0303884218", "Sara", "Holm", street="Havnegade 2")
    half_brother = fictitious("0606204219", "Bo", "Holm", street="Havnegade 2")
    grandmother = fictitious("0707553210", "Inger", "Hansen", street="Kirkestræde 9")
    register_store_family(
        children=[child, sister], mother=mother, father=father, custody_holders=[mother, father]
    )
    register_store_family(
        children=[half_brother],
        mother=stepmother,
        father=father,
        custody_holders=[stepmother, father],
    )
    register_store_family(children=[mother], mother=grandmother)
    return RegisterFamily(mother, father, sister, half_brother, stepmother, grandmother)


def random_register(families: int = 3, seed: int = 11) -> list:
    rng = random.Random(seed)
    used: set[str] = set()
    generated = [
        family_generate(rng, today=timezone.localdate(), used=used) for _ in range(families)
    ]
    register_store(generated)
    return generated
