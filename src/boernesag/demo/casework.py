"""Children, families and case histories for Demo Kommune – and, at scale, for benchmarks.

One generator for both: ``generate(children=150, through_services=True)`` for the demo (every
history written by the real services and event constructors, see demo/writers.py), and
``generate(children=15000, events_per_case=125)`` for a municipality of the largest size (the
same histories in bulk; derived state from ``projections_rebuild``). Deterministic (seeded).

All people are fictitious. CPR numbers are valid dates with serials chosen by the CPR
century rules, and every person is marked ``cpr_is_test``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, Unit
from boernesag.cases.models import Case
from boernesag.persons.constants import RelationKind
from boernesag.persons.models import Person, Relation

GIRLS = [
    "Emma",
    "Ida",
    "Clara",
    "Freja",
    "Alma",
    "Ella",
    "Sofia",
    "Anna",
    "Laura",
    "Karla",
    "Agnes",
    "Olivia",
    "Josefine",
    "Nora",
    "Asta",
    "Maja",
    "Liva",
    "Mathilde",
    "Sara",
    "Aya",
    "Zainab",
    "Victoria",
    "Lærke",
    "Signe",
    "Caroline",
]
BOYS = [
    "William",
    "Noah",
    "Oscar",
    "Lucas",
    "Carl",
    "Alfred",
    "Emil",
    "Aksel",
    "Malthe",
    "Valdemar",
    "Oliver",
    "Magnus",
    "Frederik",
    "Elias",
    "Anton",
    "Villads",
    "August",
    "Mohammed",
    "Ali",
    "Mikkel",
    "Jonas",
    "Sebastian",
    "Tobias",
    "Storm",
    "Bertram",
]
ADULT_WOMEN = [
    "Mette",
    "Louise",
    "Camilla",
    "Maria",
    "Sara",
    "Julie",
    "Line",
    "Pernille",
    "Stine",
    "Heidi",
    "Fatma",
    "Nadia",
    "Charlotte",
    "Susanne",
    "Tina",
    "Rikke",
]
ADULT_MEN = [
    "Jesper",
    "Martin",
    "Thomas",
    "Michael",
    "Anders",
    "Rasmus",
    "Kasper",
    "Jens",
    "Henrik",
    "Ahmed",
    "Omar",
    "Nikolaj",
    "Brian",
    "Lars",
    "Morten",
    "Søren",
]
SURNAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Karimi",
    "Yilmaz",
    "Ahmadi",
    "Østergaard",
    "Dahl",
    "Lund",
    "Holm",
    "Bach",
]
STREETS = [
    "Skolevej",
    "Birkealle",
    "Møllegade",
    "Engvej",
    "Kirkestræde",
    "Søndergade",
    "Rosenvænget",
    "Bøgevej",
    "Parkvej",
    "Stationsvej",
    "Havnegade",
    "Lærkevej",
]
TOWNS = [("9990", "Demoby"), ("9991", "Demoby Nord"), ("9992", "Skovlund"), ("9993", "Havbo")]
SCHOOLS = [
    "Demoby Skole",
    "Nordskolen",
    "Skovlund Skole",
    "Havbo Friskole",
    "Børnehuset Mælkebøtten",
    "Vuggestuen Solsikken",
    "Demoby Gymnasium",
    "10. klassecenter Demoby",
    "Specialskolen Kernen",
]
DISTRICTS = {"distrikt-nord": "Nord", "distrikt-syd": "Syd", "distrikt-vest": "Vest"}


def _cpr(rng: random.Random, born: date, female: bool, used: set[str]) -> str:
    yy = born.year % 100
    if born.year >= 2000:
        first = 4 if yy <= 36 else rng.choice([5, 6, 7, 8])
    else:
        first = rng.choice([0, 1, 2, 3])
    while True:
        serial = f"{first}{rng.randint(0, 99):02d}"
        last = rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
        number = f"{born:%d%m}{yy:02d}{serial}{last}"
        if number not in used:
            used.add(number)
            return number


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _staff():
    """Caseworkers per team code (from the demo organisation)."""
    teams = {u.code: u for u in Unit.objects.filter(kind="team")}
    workers: dict[str, list[int]] = defaultdict(list)
    for unit_code, user_id in RoleAssignment.objects.filter(role=Role.CASEWORKER).values_list(
        "unit__code", "user_id"
    ):
        workers[unit_code].append(user_id)
    return teams, workers


HISTORY_TRIGGERS = [
    "persons.Person:insert_insert",
    "persons.Relation:insert_insert",
    "cases.Case:insert_insert",
    "cases.Case:update_update",
    "cases.JournalEntry:insert_insert",
]


@transaction.atomic
def generate(
    *,
    children: int,
    seed: int = 2026,
    events_per_case: int = 0,
    today: date | None = None,
    through_services: bool = False,
) -> dict[str, int]:
    """Create ``children`` children in families, cases for most of them, and their
    histories (demo/histories.py).

    ``through_services``: every history is written by the real services at the moment it
    happened (Demo Kommune). Otherwise (benchmarks) the same histories are loaded in bulk
    with the same event constructors, the change-history triggers are skipped for the bulk
    load, and derived state is computed by ``projections_rebuild`` afterwards.
    ``events_per_case`` > 0 pads every bulk case with extra events (documents, journal)."""
    import pgtrigger

    if through_services:
        return _generate(
            children=children, seed=seed, events_per_case=0, today=today, through_services=True
        )
    large = children * max(events_per_case, 10) > 200_000
    with pgtrigger.ignore(*HISTORY_TRIGGERS):
        if large:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS journal_search")
        counts = _generate(
            children=children, seed=seed, events_per_case=events_per_case, today=today
        )
        if large:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
                cursor.execute(
                    "CREATE INDEX journal_search ON cases_journalentry USING gin (search)"
                )
    return counts


def _families(rng: random.Random, children: int, today: date):
    used = set(Person.objects.filter(cpr__isnull=False).values_list("cpr", flat=True))
    persons: list[Person] = []
    family_of: list[tuple[list[int], list[int], list[int]]] = []  # (children, parents, network)
    while sum(len(f[0]) for f in family_of) < children:
        surname = rng.choice(SURNAMES)
        postcode, city = rng.choice(TOWNS)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        protected = rng.random() < 0.03
        district = rng.choice(list(DISTRICTS.values()))
        n_children = min(rng.choice([1, 1, 2, 2, 3]), children - sum(len(f[0]) for f in family_of))
        kids, parents, network = [], [], []
        for _ in range(n_children):
            female = rng.random() < 0.5
            born = today - timedelta(days=rng.randint(200, 17 * 365 + 300))
            age = (today - born).days // 365
            persons.append(
                Person(
                    cpr=_cpr(rng, born, female, used),
                    cpr_is_test=True,
                    first_name=rng.choice(GIRLS if female else BOYS),
                    last_name=surname,
                    birth_date=born,
                    sex="F" if female else "M",
                    street=street,
                    postcode=postcode,
                    city=city,
                    address_protected=protected,
                    institution=rng.choice(SCHOOLS[4:6] if age < 6 else SCHOOLS[:4] + SCHOOLS[6:]),
                    school_district=district,
                )
            )
            kids.append(len(persons) - 1)
        for female in rng.sample([True, False], k=rng.choice([1, 2, 2])):
            born = today - timedelta(days=rng.randint(22 * 365, 50 * 365))
            persons.append(
                Person(
                    cpr=_cpr(rng, born, female, used),
                    cpr_is_test=True,
                    first_name=rng.choice(ADULT_WOMEN if female else ADULT_MEN),
                    last_name=surname,
                    birth_date=born,
                    sex="F" if female else "M",
                    street=street,
                    postcode=postcode,
                    city=city,
                    address_protected=protected,
                    phone=f"2{rng.randint(0, 9999999):07d}",
                )
            )
            parents.append(len(persons) - 1)
        if rng.random() < 0.4:
            female = rng.random() < 0.6
            persons.append(
                Person(
                    first_name=rng.choice(ADULT_WOMEN if female else ADULT_MEN),
                    last_name=rng.choice(SURNAMES),
                    cpr_is_test=True,
                    sex="F" if female else "M",
                    phone=f"3{rng.randint(0, 9999999):07d}",
                )
            )
            network.append(len(persons) - 1)
        family_of.append((kids, parents, network))
    Person.objects.bulk_create(persons, batch_size=2000)

    relations = []
    for kids, parents, network in family_of:
        for k in kids:
            for i, p in enumerate(parents):
                kind = (
                    RelationKind.CUSTODY_HOLDER
                    if i == 0 or rng.random() < 0.7
                    else RelationKind.PARENT_WITHOUT_CUSTODY
                )
                relations.append(Relation(child=persons[k], person=persons[p], kind=kind))
            for s in kids:
                if s != k:
                    relations.append(
                        Relation(child=persons[k], person=persons[s], kind=RelationKind.SIBLING)
                    )
            for n in network:
                relations.append(
                    Relation(child=persons[k], person=persons[n], kind=RelationKind.NETWORK_PERSON)
                )
    Relation.objects.bulk_create(relations, batch_size=5000)
    # the local CPR register knows the same fictitious people (integrations, docs/people.md)
    from boernesag.demo.people import register_mirror

    register_mirror(persons, relations)
    return persons, family_of


def _generate(
    *,
    children: int,
    seed: int,
    events_per_case: int,
    today: date | None,
    through_services: bool = False,
) -> dict[str, int]:
    from boernesag.accounts.models import User
    from boernesag.demo.histories import plan_history
    from boernesag.demo.writers import BulkHistory, write_through_services

    rng = random.Random(seed)
    now = timezone.now()
    today = today or timezone.localdate()
    teams, workers = _staff()
    case_teams = [
        code
        for code in (
            "distrikt-nord",
            "distrikt-syd",
            "distrikt-vest",
            "ungeteamet",
            "handicapteamet",
        )
        if workers.get(code)
    ]
    if not case_teams or "modtagelsen" not in teams:
        raise RuntimeError("Demo organisation missing: run demo_seed first.")
    coordinators = list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.filter(role=Role.INTAKE_COORDINATOR).values("user_id")
        ).order_by("pk")
    )
    persons, family_of = _families(rng, children, today)

    # Cases: one child in most families, sometimes two. Reports arrived over two years;
    # very new ones are still being handled.
    plans = []
    for kids, parents, _network in family_of:
        for idx, k in enumerate(kids):
            if (idx == 0 and rng.random() < 0.95) or (idx > 0 and rng.random() < 0.55):
                child = persons[k]
                age = (today - child.birth_date).days // 365
                code = (
                    "ungeteamet"
                    if age >= 15 and "ungeteamet" in case_teams
                    else rng.choice([c for c in case_teams if c != "ungeteamet"])
                )
                opened_day = today - timedelta(days=rng.randint(3, 720))
                opened = _aware(opened_day, rng.randint(8, 14))
                if opened_day < child.birth_date + timedelta(days=30):
                    opened = _aware(child.birth_date + timedelta(days=60), 10)
                if opened >= now - timedelta(days=2):
                    continue
                worker = rng.choice(workers[code])
                history = plan_history(
                    rng,
                    opened=opened,
                    born=child.birth_date,
                    now=now - timedelta(hours=1),
                    has_parents=bool(parents),
                )
                plans.append((child, [persons[p] for p in parents], code, worker, history))

    counts = {"persons": len(persons), "children": children, "cases": len(plans)}
    if through_services:
        from boernesag.demo.measures import choose

        users = User.objects.in_bulk({w for *_x, w, _h in plans})
        # a bounded set of histories get real measures (decisions, follow-ups with goal
        # scores, visits, the end, the closure checklist) — docs/measures.md
        measures = choose([history for *_x, history in plans])
        for i, (child, parents, code, worker, history) in enumerate(plans):
            write_through_services(
                history,
                rng=rng,
                child=child,
                parents=parents,
                team=teams[code],
                caseworker=users[worker],
                coordinators=coordinators,
                measure=measures.get(i),
            )
        return counts

    cases = [
        Case(
            child=child,
            team=teams[code],
            caseworker_id=worker,
            opened_at=history.opened,
            opened_reason="Underretning",
            last_activity_at=history.opened,
        )
        for child, _parents, code, worker, history in plans
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    bulk = BulkHistory(intake_team_id=teams["modtagelsen"].pk, coordinator_id=coordinators[0].pk)
    for case, (_child, _parents, _code, worker, history) in zip(cases, plans, strict=True):
        bulk.add(history, case=case, caseworker_id=worker, pad=events_per_case, rng=rng)
    counts["events"] = bulk.write()
    counts["journal_entries"] = len(bulk.journal)
    return counts
