"""The CPR register adapter: one interface, shaped like the national service platform's
person look-up (Serviceplatformen, *PersonBaseDataExtended*): name, address, address
protection, status (dead, emigrated, disappeared …), parents, custody holders, children.

``register()`` returns the implementation named by the setting ``CPR_REGISTER`` (default:
``LocalCprRegister``, backed by the fictitious population in ``integrations.models``, which
the demo and the tests share). A production adapter for Serviceplatformen implements the
same ``CprRegister`` protocol and raises ``RegisterUnavailable`` when the service cannot be
reached; nothing else in Børnesag knows which one runs.

A look-up takes a CPR number (validated by the caller with ``persons.cpr.parse_cpr``) and
answers a ``RegisterRecord`` or ``None`` (not in the register). CPR numbers are never
logged here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# CPR status codes (CPR-kontoret): 01/03/05/07 active, 70 disappeared, 80 emigrated,
# 90 dead; 10–60 inactive (reserved, annulled, deleted or changed numbers).
STATUS_BY_CODE = {
    "01": "active",
    "03": "active",
    "05": "active",
    "07": "active",
    "70": "disappeared",
    "80": "emigrated",
    "90": "dead",
}


def status_from_code(code: str) -> str:
    return STATUS_BY_CODE.get(code, "inactive")


class RegisterUnavailable(Exception):
    """The register could not be asked (network, certificate, service down). The message is
    Danish and safe to show."""


@dataclass(frozen=True)
class RegisterPersonRef:
    """A related person as the register names them (parent, custody holder, child)."""

    cpr: str
    first_name: str
    last_name: str
    address_protected: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RegisterRecord:
    cpr: str
    first_name: str
    last_name: str
    birth_date: date
    sex: str  # "M" / "F" (from the CPR number)
    street: str
    postcode: str
    city: str
    address_protected: bool
    status: str  # persons.constants.RegisterStatus value
    status_code: str
    status_date: date | None
    mother: RegisterPersonRef | None = None
    father: RegisterPersonRef | None = None
    custody_holders: tuple[RegisterPersonRef, ...] = ()
    children: tuple[RegisterPersonRef, ...] = ()
    # Siblings (children of the same mother or father): full siblings share both parents.
    siblings: tuple[RegisterPersonRef, ...] = ()
    half_siblings: tuple[RegisterPersonRef, ...] = ()
    is_test: bool = False  # a fictitious person (the local register holds only those)
    fetched_at: datetime = field(default_factory=timezone.now)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def parents(self) -> tuple[RegisterPersonRef, ...]:
        return tuple(p for p in (self.mother, self.father) if p is not None)


class CprRegister(Protocol):
    def lookup(self, cpr: str) -> RegisterRecord | None:
        """The register's record of ``cpr`` (ten digits), or ``None`` if not found."""
        ...


class LocalCprRegister:
    """The fictitious population in ``integrations.RegisterPerson``/``RegisterRelation``."""

    def lookup(self, cpr: str) -> RegisterRecord | None:
        from boernesag.integrations.models import (
            RegisterPerson,
            RegisterRelation,
            RegisterRelationKind,
        )
        from boernesag.persons.cpr import CprError, parse_cpr

        try:
            parsed = parse_cpr(cpr)
        except CprError:
            return None
        person = RegisterPerson.objects.filter(cpr=parsed.number).first()
        if person is None:
            return None
        PARENT_KINDS = [RegisterRelationKind.MOTHER, RegisterRelationKind.FATHER]
        mother = father = None
        custody: list[RegisterPersonRef] = []
        parent_ids: dict[str, set[int]] = {"mother": set(), "father": set()}
        for rel in person.parents.select_related("person"):
            ref = _ref(rel.person)
            if rel.kind == RegisterRelationKind.MOTHER:
                mother = ref
                parent_ids["mother"].add(rel.person_id)
            elif rel.kind == RegisterRelationKind.FATHER:
                father = ref
                parent_ids["father"].add(rel.person_id)
            else:
                custody.append(ref)
        children = tuple(
            _ref(rel.child)
            for rel in person.children.filter(kind__in=PARENT_KINDS).select_related("child")
        )
        # siblings: other children of the same mother or father; the same parents (as far as
        # the register knows them) make full siblings, one shared parent half-siblings
        mine = parent_ids["mother"] | parent_ids["father"]
        parents_of: dict[int, set[int]] = {}
        if mine:
            sharing = (
                RegisterPerson.objects.filter(
                    parents__person_id__in=mine, parents__kind__in=PARENT_KINDS
                )
                .exclude(pk=person.pk)
                .values_list("pk", flat=True)
            )
            for child_id, parent_id in RegisterRelation.objects.filter(
                child_id__in=sharing, kind__in=PARENT_KINDS
            ).values_list("child_id", "person_id"):
                parents_of.setdefault(child_id, set()).add(parent_id)
        others = RegisterPerson.objects.in_bulk(list(parents_of)) if parents_of else {}
        siblings = tuple(_ref(others[pk]) for pk in sorted(parents_of) if parents_of[pk] == mine)
        half = tuple(_ref(others[pk]) for pk in sorted(parents_of) if parents_of[pk] != mine)
        return RegisterRecord(
            cpr=person.cpr,
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=parsed.birth_date,
            sex=parsed.sex,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
            address_protected=person.address_protected,
            status=status_from_code(person.status_code),
            status_code=person.status_code,
            status_date=person.status_date,
            mother=mother,
            father=father,
            custody_holders=tuple(custody),
            children=children,
            siblings=siblings,
            half_siblings=half,
            is_test=True,
        )


def _ref(person) -> RegisterPersonRef:
    return RegisterPersonRef(
        cpr=person.cpr,
        first_name=person.first_name,
        last_name=person.last_name,
        address_protected=person.address_protected,
    )


def register() -> CprRegister:
    """The configured register (setting ``CPR_REGISTER``, a dotted class path)."""
    return import_string(settings.CPR_REGISTER)()
