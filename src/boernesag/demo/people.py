"""The people around Demo Kommune's children, and its fictitious CPR register.

- ``register_mirror``: every demo person with a CPR number into the local CPR register
  (``integrations``), with mother/father and who holds custody of each child — so a look-up
  of a demo child answers what Børnesag knows (bulk; also at benchmark scale).
- ``demo_people_seed``: through the services, as caseworkers would have done it on the day:
  relatives that exist only in the register (grandparents, absent fathers, half-siblings)
  and some of them imported; professionals (school, daycare, health nurse, PPR, doctor) with
  their organisation; a few resource-person agreements (followed up, due, overdue, ended);
  siblings with cases in other teams (to show need-to-know on the sibling view); one child
  whose address becomes protected in the register and is refreshed from it.

Everyone is fictitious; every CPR number is a test number.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from boernesag.persons.constants import ProfessionalRole, RelationKind

TEACHERS = ["Lærke Vind", "Jens Bonde", "Hanne Kjær", "Mads Lykke", "Bodil Brix", "Asger Dal"]
PEDAGOGUES = ["Maja Lind", "Tove Ask", "Rune Holt", "Sanne Birk"]
NURSES = ["Sundhedsplejerske Grethe Mose", "Sundhedsplejerske Line Fog"]
DOCTORS = [("Lægehuset Demoby", "Læge Peter Kragh"), ("Skovlund Lægecenter", "Læge Aisha Noor")]
PPR = ("PPR Demo Kommune", "Psykolog Karen Brink")
AGREEMENTS = [
    "Henter i skolen om onsdagen og har barnet til aftensmad.",
    "Weekendophold hver anden weekend, så mor kan få aflastning.",
    "Følger barnet til fodbold tirsdag og torsdag.",
    "Lektiehjælp to eftermiddage om ugen.",
    "Ringer til barnet hver søndag og er kontaktperson ved akutte behov.",
]


def _aware(day: date, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def register_mirror(persons, relations) -> int:
    """Demo persons with a CPR number → the local register, in bulk. ``relations``: the demo's
    ``Relation`` objects (custody holder / parent without custody give mother or father by
    legal sex, and custody)."""
    from boernesag.integrations.models import (
        RegisterPerson,
        RegisterRelation,
        RegisterRelationKind,
    )

    existing = set(RegisterPerson.objects.values_list("cpr", flat=True))
    rows = [
        RegisterPerson(
            cpr=p.cpr,
            first_name=p.first_name,
            last_name=p.last_name,
            street=p.street,
            postcode=p.postcode,
            city=p.city,
            address_protected=p.address_protected,
        )
        for p in persons
        if p.cpr and p.cpr not in existing
    ]
    RegisterPerson.objects.bulk_create(rows, batch_size=5000)
    ids = {r.cpr: r.pk for r in rows}
    links = []
    for relation in relations:
        if relation.kind not in (RelationKind.CUSTODY_HOLDER, RelationKind.PARENT_WITHOUT_CUSTODY):
            continue
        child, parent = relation.child, relation.person
        if child.cpr not in ids or parent.cpr not in ids:
            continue
        kind = RegisterRelationKind.MOTHER if parent.sex == "F" else RegisterRelationKind.FATHER
        links.append(
            RegisterRelation(child_id=ids[child.cpr], person_id=ids[parent.cpr], kind=kind)
        )
        if relation.kind == RelationKind.CUSTODY_HOLDER:
            links.append(
                RegisterRelation(
                    child_id=ids[child.cpr],
                    person_id=ids[parent.cpr],
                    kind=RegisterRelationKind.CUSTODY_HOLDER,
                )
            )
    RegisterRelation.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    # Børnesag's demo persons came from the register (as a real installation's would)
    from boernesag.persons.constants import PersonSource, RegisterStatus
    from boernesag.persons.models import Person

    mirrored = [p.pk for p in persons if p.cpr in ids]
    for start in range(0, len(mirrored), 5000):
        Person.objects.filter(pk__in=mirrored[start : start + 5000]).update(
            source=PersonSource.REGISTER,
            register_status=RegisterStatus.ACTIVE,
            register_updated_at=timezone.now(),
        )
    return len(rows)


def _register_only_relatives(rng: random.Random, today: date) -> int:
    """Relatives the register knows and Børnesag does not yet: a grandmother for some
    families, the father for single-parent families, sometimes his child with someone else
    (a half-sibling)."""
    from boernesag.integrations.models import RegisterPerson
    from boernesag.integrations.population import (
        MEN,
        WOMEN,
        FictitiousPerson,
        register_store_family,
        test_cpr,
    )
    from boernesag.persons.models import Person, Relation

    used = set(RegisterPerson.objects.values_list("cpr", flat=True))
    added = 0
    families: dict[tuple, list] = {}
    for relation in (
        Relation.objects.filter(kind=RelationKind.CUSTODY_HOLDER, child__cpr_is_test=True)
        .select_related("child", "person")
        .order_by("child_id", "pk")
    ):
        families.setdefault((relation.child.last_name, relation.child.street), []).append(relation)

    def person(first, last, born, female, street="", postcode="", city=""):
        return FictitiousPerson(
            cpr=test_cpr(rng, born, female, used),
            first_name=first,
            last_name=last,
            birth_date=born,
            sex="F" if female else "M",
            street=street,
            postcode=postcode,
            city=city,
        )

    for (surname, _street), relations in sorted(families.items()):
        children = list({r.child_id: r.child for r in relations}.values())
        holders = list({r.person_id: r.person for r in relations}.values())
        mother = next((h for h in holders if h.sex == "F"), None)
        if mother is not None and mother.birth_date and rng.random() < 0.35:
            grandmother = person(
                rng.choice(WOMEN),
                surname,
                mother.birth_date - timedelta(days=rng.randint(22 * 365, 30 * 365)),
                True,
                f"Kirkestræde {rng.randint(1, 40)}",
                "9992",
                "Skovlund",
            )
            added += register_store_family(children=[mother], mother=grandmother)
        has_father = Person.objects.filter(
            relations_to__child__in=children,
            sex="M",
            relations_to__kind__in=[
                RelationKind.CUSTODY_HOLDER,
                RelationKind.PARENT_WITHOUT_CUSTODY,
            ],
        ).exists()
        if mother is not None and not has_father and rng.random() < 0.6:
            born = (mother.birth_date or today.replace(year=today.year - 35)) - timedelta(
                days=rng.randint(-800, 2000)
            )
            father_last = rng.choice(["Kristensen", "Olsen", "Dahl", "Yilmaz", surname])
            father = person(
                rng.choice(MEN), father_last, born, False, "Havnegade 4", "9993", "Havbo"
            )
            added += register_store_family(
                children=children, mother=mother, father=father, custody_holders=[mother]
            )
            if rng.random() < 0.5:
                stepmother = person(
                    rng.choice(WOMEN), father_last, born, True, "Havnegade 4", "9993", "Havbo"
                )
                half = person(
                    rng.choice(["Alma", "Noah", "Ella", "Oscar"]),
                    father_last,
                    today - timedelta(days=rng.randint(300, 9 * 365)),
                    rng.random() < 0.5,
                    "Havnegade 4",
                    "9993",
                    "Havbo",
                )
                added += register_store_family(
                    children=[half],
                    mother=stepmother,
                    father=father,
                    custody_holders=[stepmother, father],
                )
    return added


def demo_people_seed(*, seed: int = 2611) -> dict[str, int]:
    """The people around Demo Kommune's children, through the services (see module doc)."""
    from boernesag.accounts.models import User
    from boernesag.cases.models import Case
    from boernesag.demo.clock import simulated_now
    from boernesag.integrations import services as register_services
    from boernesag.integrations.models import RegisterPerson
    from boernesag.persons.models import Relation
    from boernesag.persons.services import (
        person_create,
        relation_add,
        resource_person_agreement_end,
        resource_person_agreement_make,
        resource_person_follow_up,
    )

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    counts = {"register_only_relatives": _register_only_relatives(rng, today)}
    mette = User.objects.get(email="mette.hansen@demo-kommune.dk")
    cases = list(
        Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False)
        .select_related("child", "caseworker", "team")
        .order_by("opened_at")
    )

    # professionals, registered when the case was opened
    made: dict[tuple[str, str], object] = {}

    def professional(role, organisation, name):
        key = (role, organisation, name)
        if key not in made:
            first, _sep, last = name.rpartition(" ")
            made[key] = person_create(
                cpr=None,
                first_name=first,
                last_name=last,
                is_test=True,
                organisation=organisation,
                phone=f"7{rng.randint(0, 9999999):07d}",
            )
        return made[key]

    professionals = 0
    for case in cases:
        kid = case.child
        age = kid.age or 0
        at = min(case.opened_at + timedelta(days=3), now - timedelta(minutes=5))
        wanted = []
        if kid.institution:
            role = ProfessionalRole.DAYCARE if age < 6 else ProfessionalRole.SCHOOL
            names = PEDAGOGUES if role == ProfessionalRole.DAYCARE else TEACHERS
            wanted.append((role, kid.institution, rng.choice(names), _school_role(role, age)))
        if age < 2:
            wanted.append(
                (
                    ProfessionalRole.HEALTH_NURSE,
                    "Sundhedsplejen Demo Kommune",
                    rng.choice(NURSES),
                    "",
                )
            )
        if rng.random() < 0.35:
            organisation, name = rng.choice(DOCTORS)
            wanted.append((ProfessionalRole.DOCTOR, organisation, name, "Egen læge"))
        if 6 <= age <= 16 and rng.random() < 0.25:
            wanted.append((ProfessionalRole.PPR, PPR[0], PPR[1], "PPR-psykolog"))
        with simulated_now(at):
            for role, organisation, name, description in wanted:
                relation_add(
                    child=kid,
                    person=professional(role, organisation, name),
                    kind=RelationKind.PROFESSIONAL,
                    professional_role=role,
                    description=description,
                    valid_from=case.opened_at.date(),
                    by=case.caseworker,
                    case=case,
                )
                professionals += 1
    counts["professionals"] = professionals

    # the family from the register: imported on most cases; Mette's left to do in the demo
    imported = 0
    for case in cases:
        if case.caseworker_id == mette.pk:
            continue
        imported += len(
            register_services.child_relations_from_register(
                case=case,
                by=case.caseworker,
                kinds={RelationKind.PARENT_WITHOUT_CUSTODY, RelationKind.HALF_SIBLING},
                update_child=False,
            )
        )
    counts["imported_from_register"] = imported

    # resource-person agreements on cases with network persons: followed up, due, overdue,
    # ended — Mette's cases first. (days ago agreed, followed up, ended)
    candidates = [
        case
        for case in sorted(cases, key=lambda c: (c.caseworker_id != mette.pk, c.opened_at))
        if Relation.objects.filter(child=case.child, kind=RelationKind.NETWORK_PERSON).exists()
    ]
    plans = [(420, 335, None), (260, 175, 20), (150, 65, None), (100, None, None), (40, None, None)]
    agreements = 0
    for ago, follow_up_ago, ended_ago in plans:
        agreed = today - timedelta(days=ago)
        case = next(
            (c for c in candidates if c.opened_at.date() < agreed - timedelta(days=10)), None
        )
        if case is None:
            continue
        candidates.remove(case)
        relation = Relation.objects.filter(
            child=case.child, kind=RelationKind.NETWORK_PERSON
        ).first()
        with simulated_now(_aware(agreed)):
            agreement = resource_person_agreement_make(
                case=case,
                relation=relation,
                by=case.caseworker,
                agreed_on=agreed,
                content=rng.choice(AGREEMENTS),
            )
        if follow_up_ago is not None:
            held = today - timedelta(days=follow_up_ago)
            with simulated_now(_aware(held, 13)):
                resource_person_follow_up(
                    agreement=agreement,
                    by=case.caseworker,
                    held_on=held,
                    note="Aftalen fungerer godt; barnet glæder sig til dagene. Den fortsætter.",
                )
        if ended_ago is not None:
            ended = today - timedelta(days=ended_ago)
            with simulated_now(_aware(ended, 14)):
                resource_person_agreement_end(
                    agreement=agreement,
                    by=case.caseworker,
                    ended_on=ended,
                    reason="Ressourcepersonen er flyttet fra kommunen.",
                    expected_version=None,
                )
        agreements += 1
    counts["resource_person_agreements"] = agreements

    # a half-sibling with a case in another team (need-to-know on the sibling view): the
    # child of Mette's first case has a half-brother living with his father, whose case is
    # in another district
    mine = [c for c in cases if c.caseworker_id == mette.pk]
    if mine:
        case = mine[0]
        related = set(Relation.objects.filter(child=case.child).values_list("person_id", flat=True))
        other = next(
            (
                c
                for c in cases
                if c.team_id != case.team_id
                and c.child_id not in related
                and c.child.last_name != case.child.last_name
                and not Relation.objects.filter(
                    child=c.child, kind__in=[RelationKind.SIBLING, RelationKind.HALF_SIBLING]
                ).exists()
            ),
            None,
        )
        if other is not None:
            relation_add(
                child=case.child,
                person=other.child,
                kind=RelationKind.HALF_SIBLING,
                description="Halvbror, bor hos sin far",
                by=mette,
                case=case,
            )
            counts["sibling_cases_in_other_teams"] = 1

        # one child whose address becomes protected: the register says so, the refresh
        # brings it into Børnesag (the child, and everyone living with it)
        protected = mine[1].child if len(mine) > 1 else case.child
        household = [protected] + [
            r.person
            for r in Relation.objects.filter(child=protected).select_related("person")
            if r.person.street == protected.street
        ]
        RegisterPerson.objects.filter(cpr__in=[p.cpr for p in household if p.cpr]).update(
            address_protected=True
        )
        for person in household:
            if person.cpr:
                register_services.person_refresh_from_register(person=person, by=mette)
        counts["protected_children"] = 1
    return counts


def _school_role(role: str, age: int) -> str:
    if role == ProfessionalRole.DAYCARE:
        return "Pædagog, barnets stue" if age < 3 else "Pædagog, børnehavegruppen"
    return f"Klasselærer i {max(age - 6, 0)}. klasse" if age < 16 else "Kontaktlærer"
