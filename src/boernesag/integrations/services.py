"""Looking persons up in the CPR register and importing them into Børnesag.

    record = register_lookup(cpr="0101851234")          # RegisterRecord | None
    person, created = person_from_register(record=record, by=user)
    relation = register_relation_import(case=case, by=user, cpr=…, kind="grandparent")
    relations = child_relations_from_register(case=case, by=user, kinds={"custody_holder"})

A person imported from the register is marked ``source=register`` with the time of the
look-up (``register_updated_at``); the register's name, address, address protection and
status (dead, emigrated, disappeared) are copied, and an address-protected person stays
masked everywhere (``persons.display``). Persons not in the register are entered by hand
(``persons.services.person_create``, ``source=manual``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.integrations.cpr import (
    RegisterPersonRef,
    RegisterRecord,
    RegisterUnavailable,
    register,
)
from boernesag.persons.constants import PersonSource, RelationKind
from boernesag.persons.cpr import CprError, parse_cpr
from boernesag.persons.models import Person, Relation
from boernesag.persons.services import person_create, relation_add

NOT_FOUND = _(
    "CPR-nummeret findes ikke i CPR-registeret. Kontrollér nummeret, eller opret personen manuelt."
)


def register_lookup(*, cpr: str, field: str = "cpr") -> RegisterRecord | None:
    """The register's record of a CPR number (``None``: not in the register). An invalid
    number or an unreachable register is a ``ValidationError`` on ``field`` in Danish."""
    try:
        parsed = parse_cpr(cpr)
    except CprError as exc:
        raise ValidationError({field: str(exc)}) from None
    if parsed.birth_date > timezone.localdate():
        raise ValidationError(
            {field: _("CPR-nummerets fødselsdato ligger i fremtiden. Kontrollér nummeret.")}
        )
    try:
        return register().lookup(parsed.number)
    except RegisterUnavailable as exc:
        raise ValidationError(
            {field: str(exc) or _("CPR-registeret svarer ikke lige nu.")}
        ) from None


def _register_fields(record: RegisterRecord) -> dict:
    return {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "street": record.street,
        "postcode": record.postcode,
        "city": record.city,
        "address_protected": record.address_protected,
        "register_status": record.status,
        "register_status_date": record.status_date,
        "register_updated_at": record.fetched_at,
        "source": PersonSource.REGISTER,
    }


@transaction.atomic
def person_from_register(*, record: RegisterRecord, by) -> tuple[Person, bool]:
    """Create the person from the register's record, or bring an existing person (also one
    entered by hand) up to date with it. Writes the organisation event ``person_imported``.
    Returns ``(person, created)``."""
    fields = _register_fields(record)
    person = Person.objects.filter(cpr=record.cpr).first()
    created = person is None
    if created:
        person = person_create(
            cpr=record.cpr,
            is_test=record.is_test,
            **fields,
        )
    else:
        Person.objects.filter(pk=person.pk).update(version=F("version") + 1, **fields)
        person.refresh_from_db()
    event_write(
        ev.PersonImported(
            register_status=record.status,
            address_protected=record.address_protected,
            updated=not created,
        ),
        actor=by,
        subject=person,
    )
    return person, created


def person_refresh_from_register(*, person: Person, by) -> Person:
    """Update a person with a CPR number from the register (address moved, protection
    added, died …)."""
    if not person.cpr:
        raise ValidationError(
            _("Personen har intet CPR-nummer og kan ikke opdateres fra registeret.")
        )
    record = register_lookup(cpr=person.cpr)
    if record is None:
        raise ValidationError(NOT_FOUND)
    return person_from_register(record=record, by=by)[0]


def _custody_cprs(case) -> set[str] | None:
    """The CPR numbers of the child's custody holders according to the register (``None``
    if the register does not know the child)."""
    child = case.child
    if not child.cpr:
        return None
    record = register_lookup(cpr=child.cpr)
    return None if record is None else {p.cpr for p in record.custody_holders}


@transaction.atomic
def register_relation_import(
    *,
    case,
    by,
    cpr: str,
    kind: str,
    valid_from=None,
    valid_to=None,
    professional_role: str = "",
    description: str = "",
    lives_with_child: bool = False,
) -> Relation:
    """Look a person up by CPR number and register them around the case's child as
    ``kind``. Custody (forældremyndighed) is a fact of the register: a person the register
    does not list as the child's custody holder is refused as custody holder."""
    record = register_lookup(cpr=cpr)
    if record is None:
        raise ValidationError({"cpr": NOT_FOUND})
    if record.cpr == case.child.cpr:
        raise ValidationError({"cpr": _("Det er barnets eget CPR-nummer.")})
    if kind == RelationKind.CUSTODY_HOLDER:
        holders = _custody_cprs(case)
        if holders is not None and record.cpr not in holders:
            raise ValidationError(
                {
                    "kind": _(
                        "Ifølge CPR-registeret har %(name)s ikke forældremyndigheden over "
                        "barnet. Vælg en anden relation."
                    )
                    % {"name": record.full_name}
                }
            )
    person, _created = person_from_register(record=record, by=by)
    return relation_add(
        child=case.child,
        person=person,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        by=by,
        case=case,
        professional_role=professional_role,
        description=description,
        lives_with_child=lives_with_child,
        source=PersonSource.REGISTER,
    )


@dataclass(frozen=True)
class Relative:
    """A person the register relates to the child, and what they would be registered as."""

    ref: RegisterPersonRef
    kind: str
    registered: bool  # already registered around the child with this kind

    @property
    def kind_label(self) -> str:
        return str(RelationKind(self.kind).label)


def register_relatives(*, record: RegisterRecord, child: Person) -> list[Relative]:
    """The child's custody holders, parents without custody, siblings and half-siblings as
    the register knows them."""
    holders = {p.cpr for p in record.custody_holders}
    rows: list[tuple[RegisterPersonRef, str]] = [
        (p, RelationKind.CUSTODY_HOLDER) for p in record.custody_holders
    ]
    rows += [
        (p, RelationKind.PARENT_WITHOUT_CUSTODY) for p in record.parents if p.cpr not in holders
    ]
    rows += [(p, RelationKind.SIBLING) for p in record.siblings]
    rows += [(p, RelationKind.HALF_SIBLING) for p in record.half_siblings]
    known = set(
        Relation.objects.active_on(timezone.localdate())
        .filter(child=child, person__cpr__in=[p.cpr for p, _k in rows])
        .values_list("person__cpr", "kind")
    )
    return [Relative(ref=p, kind=k, registered=(p.cpr, k) in known) for p, k in rows]


@transaction.atomic
def child_relations_from_register(
    *,
    case,
    by,
    cprs: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    update_child: bool = True,
) -> list[Relation]:
    """Bring the case's child up to date with the register and register the relatives the
    register knows (custody holders, parents, siblings, half-siblings) — those named in
    ``cprs``, or all of the ``kinds`` given — skipping anyone already registered in that
    role. Returns the relations added."""
    child = case.child
    if not child.cpr:
        raise ValidationError(_("Barnet har intet CPR-nummer og kan ikke slås op i registeret."))
    record = register_lookup(cpr=child.cpr)
    if record is None:
        raise ValidationError(_("Barnet findes ikke i CPR-registeret."))
    if update_child:
        person_from_register(record=record, by=by)
        case.child.refresh_from_db()
    wanted_cprs = set(cprs) if cprs is not None else None
    wanted_kinds = set(kinds) if kinds is not None else None
    added = []
    for relative in register_relatives(record=record, child=child):
        if relative.registered:
            continue
        if wanted_cprs is not None and relative.ref.cpr not in wanted_cprs:
            continue
        if wanted_kinds is not None and relative.kind not in wanted_kinds:
            continue
        other = register_lookup(cpr=relative.ref.cpr)
        if other is None:
            continue
        person, _created = person_from_register(record=other, by=by)
        added.append(
            relation_add(
                child=child,
                person=person,
                kind=relative.kind,
                by=by,
                case=case,
                lives_with_child=(
                    other.street == record.street
                    and other.postcode == record.postcode
                    and bool(record.street)
                ),
                source=PersonSource.REGISTER,
            )
        )
    return added


@transaction.atomic
def person_manual_add(
    *,
    case,
    by,
    kind: str,
    first_name: str,
    last_name: str,
    cpr: str = "",
    birth_date=None,
    organisation: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
    phone: str = "",
    email: str = "",
    professional_role: str = "",
    description: str = "",
    valid_from=None,
    valid_to=None,
    lives_with_child: bool = False,
) -> Relation:
    """Register someone around the case's child by hand — a professional, a neighbour, a
    person not in the CPR register — marked ``source=manual``. A CPR number already known
    in Børnesag uses that person; a CPR number the register knows is refused here with the
    way to import it (so the register's data, protection included, is not typed over)."""
    person = None
    if (cpr or "").strip():
        try:
            number = parse_cpr(cpr).number
        except CprError as exc:
            raise ValidationError({"cpr": str(exc)}) from None
        person = Person.objects.filter(cpr=number).first()
        if person is None and register_lookup(cpr=number) is not None:
            raise ValidationError(
                {
                    "cpr": _(
                        'Personen findes i CPR-registeret. Brug "Slå op i CPR-registeret", så '
                        "navn, adresse og eventuel adressebeskyttelse kommer derfra."
                    )
                }
            )
    if person is None:
        person = person_create(
            cpr=(cpr or "").strip() or None,
            first_name=first_name,
            last_name=last_name,
            source=PersonSource.MANUAL,
            birth_date=birth_date,
            organisation=(organisation or "").strip(),
            street=(street or "").strip(),
            postcode=(postcode or "").strip(),
            city=(city or "").strip(),
            phone=(phone or "").strip(),
            email=(email or "").strip(),
        )
    return relation_add(
        child=case.child,
        person=person,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        by=by,
        case=case,
        professional_role=professional_role,
        description=description,
        lives_with_child=lives_with_child,
        source=PersonSource.MANUAL if person.source == PersonSource.MANUAL else None,
    )
