"""Reads of the people around a child — the small API consent, meetings, hearings, letters
and the investigation use.

These functions read persons only; they do not check need-to-know. Callers get the child
(or case) through the gate (``cases.gate``) first, which checks and logs the read. A
sibling's *cases* are read through ``cases.selectors.siblings_with_cases``, which filters
them by what the viewer may see.

    from boernesag.persons import selectors as people

    people.people_around(child)                       # everyone registered, in force today
    people.people_around(child, on=day, kinds={RelationKind.PROFESSIONAL})
    people.custody_holders(child, on=day)             # [Person]
    people.parties(case)                              # custody holders + the child from 10
    people.consent_givers(case, on=day)               # custody holders + the child from 15
    people.meeting_participants(case)                 # the child and everyone around it
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from boernesag.persons.constants import (
    CONSENT_AGE,
    GROUP_OF_KIND,
    PARTY_AGE,
    RelationGroup,
    RelationKind,
)
from boernesag.persons.models import Person, Relation, active_on_q

KIND_ORDER = {kind: index for index, kind in enumerate(RelationKind.values)}


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def people_around(child: Person, *, on: date | None = None, kinds: Iterable[str] | None = None):
    """The relations of ``child`` in force on ``on`` (default today), with their persons,
    ordered by kind (custody holders first) and name. One query, whatever their number."""
    relations = (
        Relation.objects.filter(active_on_q(_today(on)), child=child)
        .select_related("person")
        .order_by("kind", "person__last_name", "person__first_name", "pk")
    )
    if kinds is not None:
        relations = relations.filter(kind__in=list(kinds))
    rows = sorted(relations, key=lambda r: (KIND_ORDER.get(r.kind, 99), r.person.last_name))
    for relation in rows:
        relation.child = child  # known: no query per row for the masking rules
    return rows


def relations_history(child: Person):
    """Every relation of ``child``, also ended ones, newest period first."""
    rows = list(
        Relation.objects.filter(child=child)
        .select_related("person")
        .order_by("-valid_to", "kind", "person__last_name")
    )
    for relation in rows:
        relation.child = child
    return rows


def ended_relations(child: Person, *, on: date | None = None, limit: int = 50) -> list[Relation]:
    """Relations of ``child`` that ended before ``on`` (today), latest first, at most
    ``limit``."""
    rows = list(
        Relation.objects.filter(child=child, valid_to__lt=_today(on))
        .select_related("person")
        .order_by("-valid_to", "-pk")[:limit]
    )
    for relation in rows:
        relation.child = child
    return rows


@dataclass
class Group:
    key: str
    label: str
    relations: list[Relation]


def grouped(relations: Iterable[Relation]) -> list[Group]:
    """Relations in the page's sections (custody and parents, siblings, family, network,
    professionals), each section in kind order; empty sections are kept (with no rows) so
    the page can say so."""
    groups = {g.value: Group(g.value, str(g.label), []) for g in RelationGroup}
    for relation in relations:
        groups[GROUP_OF_KIND.get(relation.kind, RelationGroup.FAMILY)].relations.append(relation)
    return list(groups.values())


def custody_holders(child: Person, *, on: date | None = None) -> list[Person]:
    """Who holds custody (forældremyndighed) of ``child`` on ``on``."""
    return [r.person for r in people_around(child, on=on, kinds=[RelationKind.CUSTODY_HOLDER])]


def parties(case, *, on: date | None = None) -> list[Person]:
    """The parties of a case: the custody holders, and the child from the age of 10, who
    then exercises party rights herself in the matters Barnets Lov § 3 lists (hearing,
    access to files, decisions). Custody holders first."""
    day = _today(on)
    result = custody_holders(case.child, on=day)
    age = case.child.age_on(day)
    if age is not None and age >= PARTY_AGE:
        result.append(case.child)
    return result


def consent_givers(case, *, on: date | None = None) -> list[Person]:
    """Who gives consent on the child's behalf: the custody holders and the young person
    who has turned 15 (Barnets Lov § 22, stk. 2 — the investigation is carried out in
    cooperation with them — and § 46, stk. 1–2 — a placement with consent needs the consent
    of both)."""
    day = _today(on)
    result = custody_holders(case.child, on=day)
    age = case.child.age_on(day)
    if age is not None and age >= CONSENT_AGE:
        result.append(case.child)
    return result


def may_give_consent(case, person: Person, *, on: date | None = None) -> bool:
    return any(p.pk == person.pk for p in consent_givers(case, on=on))


def meeting_participants(case, *, on: date | None = None) -> list[tuple[Person, str]]:
    """(person, what they are to the child) for a meeting: the child first, then everyone
    around the child in force on ``on``."""
    from django.utils.translation import gettext as _

    rows: list[tuple[Person, str]] = [(case.child, _("barnet"))]
    seen = {case.child_id}
    for relation in people_around(case.child, on=on):
        if relation.person_id in seen:
            continue
        seen.add(relation.person_id)
        what = relation.get_kind_display()
        if relation.professional_role:
            what = f"{what}, {relation.get_professional_role_display().lower()}"
        rows.append((relation.person, what))
    return rows


def siblings(child: Person, *, on: date | None = None) -> list[Relation]:
    """Sibling and half-sibling relations of ``child`` in force on ``on``."""
    return people_around(child, on=on, kinds=[RelationKind.SIBLING, RelationKind.HALF_SIBLING])
