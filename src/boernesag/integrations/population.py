"""A fictitious population for the local CPR register, shared by the demo and the tests.

Every person is invented and every CPR number is a *test* number: a real date with a serial
chosen by the CPR office's century rules, never checked against modulus 11. Deterministic
for a given random generator.

- ``family_generate(rng, today=…, used=…)``: a family (children, mother, father, who holds
  custody, sometimes a half-sibling from the father's earlier relationship, sometimes a
  grandparent), as plain data;
- ``register_store(families)``: writes families into the local register
  (``RegisterPerson``/``RegisterRelation``) in bulk;
- ``register_store_family(children=…, mother=…, father=…, custody_holders=…)``: the same for
  one family of any person-like objects (``persons.Person`` rows included — the demo mirrors
  its families into the register this way).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

GIRLS = ["Emma", "Ida", "Clara", "Freja", "Alma", "Ella", "Sofia", "Anna", "Laura", "Karla"]
BOYS = ["William", "Noah", "Oscar", "Lucas", "Carl", "Alfred", "Emil", "Aksel", "Malthe", "Elias"]
WOMEN = ["Mette", "Louise", "Camilla", "Maria", "Julie", "Line", "Pernille", "Stine", "Nadia"]
MEN = ["Jesper", "Martin", "Thomas", "Michael", "Anders", "Kasper", "Jens", "Omar", "Lars"]
SURNAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Larsen", "Madsen", "Holm"]
STREETS = ["Skolevej", "Birkealle", "Møllegade", "Engvej", "Kirkestræde", "Rosenvænget"]
TOWNS = [("9990", "Demoby"), ("9991", "Demoby Nord"), ("9992", "Skovlund"), ("9993", "Havbo")]


def test_cpr(rng: random.Random, born: date, female: bool, used: set[str]) -> str:
    """A fictitious CPR number for ``born``: the 7th digit gives the right century, the
    last digit the legal sex; unique within ``used`` (which it extends)."""
    yy = born.year % 100
    if born.year >= 2000:
        first = 4 if yy <= 36 else rng.choice([5, 6, 7, 8])
    elif born.year >= 1900:
        first = rng.choice([0, 1, 2, 3])
    else:
        first = rng.choice([5, 6, 7, 8])
    while True:
        serial = f"{first}{rng.randint(0, 99):02d}"
        last = rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
        number = f"{born:%d%m}{yy:02d}{serial}{last}"
        if number not in used:
            used.add(number)
            return number


@dataclass
class FictitiousPerson:
    cpr: str
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    address_protected: bool = False
    status_code: str = "01"
    status_date: date | None = None
    phone: str = ""


@dataclass
class FictitiousFamily:
    children: list[FictitiousPerson]
    mother: FictitiousPerson | None
    father: FictitiousPerson | None
    custody_holders: list[FictitiousPerson]
    # children of the father with someone else (the children's half-siblings)
    half_siblings: list[FictitiousPerson] = field(default_factory=list)
    other_mother: FictitiousPerson | None = None
    grandparent: FictitiousPerson | None = None

    @property
    def persons(self) -> list[FictitiousPerson]:
        people = [*self.children, *self.half_siblings]
        people += [p for p in (self.mother, self.father, self.other_mother, self.grandparent) if p]
        return people


def _person(rng, *, born, female, used, names, last_name, home, protected=False):
    street, postcode, city = home
    return FictitiousPerson(
        cpr=test_cpr(rng, born, female, used),
        first_name=rng.choice(names),
        last_name=last_name,
        birth_date=born,
        sex="F" if female else "M",
        street=street,
        postcode=postcode,
        city=city,
        address_protected=protected,
        phone=f"2{rng.randint(0, 9999999):07d}",
    )


def _home(rng) -> tuple[str, str, str]:
    postcode, city = rng.choice(TOWNS)
    return f"{rng.choice(STREETS)} {rng.randint(1, 120)}", postcode, city


def family_generate(
    rng: random.Random,
    *,
    today: date,
    used: set[str],
    children: int | None = None,
    protected: bool = False,
    separated: bool | None = None,
) -> FictitiousFamily:
    """One fictitious family. ``separated``: the father lives elsewhere and (usually) has no
    custody; he may have a child with someone else (a half-sibling)."""
    surname = rng.choice(SURNAMES)
    home = _home(rng)
    n = children if children is not None else rng.choice([1, 1, 2, 2, 3])
    separated = rng.random() < 0.35 if separated is None else separated
    mother_born = today - timedelta(days=rng.randint(24 * 365, 48 * 365))
    mother = _person(
        rng,
        born=mother_born,
        female=True,
        used=used,
        names=WOMEN,
        last_name=surname,
        home=home,
        protected=protected,
    )
    father_home = _home(rng) if separated else home
    father = _person(
        rng,
        born=mother_born - timedelta(days=rng.randint(-900, 2500)),
        female=False,
        used=used,
        names=MEN,
        last_name=surname if not separated else rng.choice(SURNAMES),
        home=father_home,
        protected=protected and not separated,
    )
    kids = []
    for _ in range(n):
        female = rng.random() < 0.5
        born = today - timedelta(days=rng.randint(200, 17 * 365 + 300))
        kids.append(
            _person(
                rng,
                born=born,
                female=female,
                used=used,
                names=GIRLS if female else BOYS,
                last_name=surname,
                home=home,
                protected=protected,
            )
        )
    custody = [mother] if separated and rng.random() < 0.7 else [mother, father]
    family = FictitiousFamily(children=kids, mother=mother, father=father, custody_holders=custody)
    if separated and rng.random() < 0.5:
        family.other_mother = _person(
            rng,
            born=mother_born + timedelta(days=rng.randint(-1500, 1500)),
            female=True,
            used=used,
            names=WOMEN,
            last_name=father.last_name,
            home=father_home,
        )
        female = rng.random() < 0.5
        family.half_siblings.append(
            _person(
                rng,
                born=today - timedelta(days=rng.randint(200, 12 * 365)),
                female=female,
                used=used,
                names=GIRLS if female else BOYS,
                last_name=father.last_name,
                home=father_home,
            )
        )
    if rng.random() < 0.4:
        family.grandparent = _person(
            rng,
            born=mother_born - timedelta(days=rng.randint(22 * 365, 32 * 365)),
            female=rng.random() < 0.6,
            used=used,
            names=WOMEN + MEN,
            last_name=surname,
            home=_home(rng),
        )
    return family


def register_store(families: Iterable[FictitiousFamily]) -> int:
    """Write families into the local register (in bulk); returns the number of persons."""
    count = 0
    for family in families:
        count += register_store_family(
            children=family.children,
            mother=family.mother,
            father=family.father,
            custody_holders=family.custody_holders,
        )
        if family.half_siblings:
            count += register_store_family(
                children=family.half_siblings,
                mother=family.other_mother,
                father=family.father,
                custody_holders=[p for p in (family.other_mother, family.father) if p],
            )
        if family.grandparent is not None:
            count += register_store_family(
                children=[family.mother],
                mother=family.grandparent,
                father=None,
                custody_holders=[],
            )
    return count


def register_store_family(
    *,
    children: Sequence,
    mother=None,
    father=None,
    custody_holders: Sequence = (),
) -> int:
    """Write one family into the local register: every person with a CPR number that is not
    there yet (``persons.Person`` rows and ``FictitiousPerson`` alike), the children's mother
    and father, and who holds custody of the children. Returns the number of persons added."""
    from boernesag.integrations.models import (
        RegisterPerson,
        RegisterRelation,
        RegisterRelationKind,
    )

    people = [p for p in [*children, mother, father, *custody_holders] if p is not None]
    people = [p for p in {p.cpr: p for p in people if getattr(p, "cpr", None)}.values()]
    existing = set(
        RegisterPerson.objects.filter(cpr__in=[p.cpr for p in people]).values_list("cpr", flat=True)
    )
    RegisterPerson.objects.bulk_create(
        [
            RegisterPerson(
                cpr=p.cpr,
                first_name=p.first_name,
                last_name=p.last_name,
                street=p.street,
                postcode=p.postcode,
                city=p.city,
                address_protected=p.address_protected,
                status_code=getattr(p, "status_code", "01"),
                status_date=getattr(p, "status_date", None),
            )
            for p in people
            if p.cpr not in existing
        ]
    )
    ids = dict(
        RegisterPerson.objects.filter(cpr__in=[p.cpr for p in people]).values_list("cpr", "pk")
    )
    rows = []
    for child in children:
        if not getattr(child, "cpr", None):
            continue
        for parent, kind in (
            (mother, RegisterRelationKind.MOTHER),
            (father, RegisterRelationKind.FATHER),
        ):
            if parent is not None and getattr(parent, "cpr", None):
                rows.append((ids[child.cpr], ids[parent.cpr], kind))
        for holder in custody_holders:
            if getattr(holder, "cpr", None):
                rows.append((ids[child.cpr], ids[holder.cpr], RegisterRelationKind.CUSTODY_HOLDER))
    RegisterRelation.objects.bulk_create(
        [RegisterRelation(child_id=c, person_id=p, kind=k) for c, p, k in rows],
        ignore_conflicts=True,
    )
    return len(people) - len(existing)
