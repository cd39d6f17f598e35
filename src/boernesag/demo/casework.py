"""Children, families and case histories for Demo Kommune – and, at scale, for benchmarks.

One generator for both: ``generate(children=150)`` for the demo, ``generate(children=15000,
events_per_case=125)`` for a municipality of the largest size. It is deterministic (seeded),
inserts in bulk, and derives each case's phase and latest activity from the events it writes,
exactly as ``cases.events.event_record`` would.

All people are fictitious. CPR numbers are valid dates with serials chosen by the CPR
century rules, and every person is marked ``cpr_is_test``.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, Unit
from boernesag.cases.constants import (
    PHASE_AFTER_EVENT,
    ConsentForm,
    ConsentScope,
    EventKind,
    JournalKind,
    MeetingKind,
)
from boernesag.cases.models import Case, Consent, JournalEntry, Meeting
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

JOURNAL_TEXTS = [
    (
        "Telefonsamtale med mor",
        JournalKind.PHONE_CALL,
        "Mor ringede og fortalte, at morgenerne fortsat er svære. Aftalt at vi taler igen "
        "efter mødet med skolen.",
    ),
    (
        "Samtale med barnet",
        JournalKind.CHILD_CONVERSATION,
        "Samtale på skolen uden forældre til stede. Barnet fortæller, at det er glad for sin "
        "lærer, men ofte er træt om morgenen og savner at være mere sammen med sin far.",
    ),
    (
        "Hjemmebesøg",
        JournalKind.HOME_VISIT,
        "Anmeldt hjemmebesøg. Hjemmet fremstod ryddeligt. Vi talte om rutiner ved sengetid og "
        "om familiens netværk.",
    ),
    (
        "Oplysninger fra skolen",
        JournalKind.NOTE,
        "Klasselæreren oplyser om stigende fravær (ca. 15 % dette kvartal) og uro i timerne. "
        "Skolen har iværksat en støtteperson i dansk og matematik.",
    ),
    (
        "Notat om fagmøde",
        JournalKind.NOTE,
        "Sagen drøftet på fagmøde. Vurdering: der er behov for en børnefaglig undersøgelse "
        "med fokus på skolegang og familiens trivsel.",
    ),
    (
        "E-mail fra sundhedsplejersken",
        JournalKind.EMAIL,
        "Sundhedsplejersken bekræfter, at barnet følger sin vækstkurve, og at mor har taget "
        "imod tilbud om ekstra besøg.",
    ),
    (
        "Telefonsamtale med far",
        JournalKind.PHONE_CALL,
        "Far ønsker at være mere involveret og deltager gerne i næste møde. Oplyst om "
        "muligheden for at have en bisidder med.",
    ),
]


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


def _copy_events(events: list[tuple]) -> None:
    """COPY is an order of magnitude faster than INSERT for millions of events."""
    columns = "case_id, kind, occurred_at, recorded_at, actor_id, subject_type, payload"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor
        with raw.copy(f"COPY cases_caseevent ({columns}) FROM STDIN") as copy:
            for case_id, kind, occurred_at, actor, payload in events:
                copy.write_row(
                    (case_id, kind, occurred_at, occurred_at, actor, "", json.dumps(payload))
                )


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
    "cases.Meeting:insert_insert",
    "cases.Consent:insert_insert",
]


@transaction.atomic
def generate(
    *, children: int, seed: int = 2026, events_per_case: int = 0, today: date | None = None
) -> dict[str, int]:
    """Create ``children`` children in families, cases for most of them, and timelines.

    ``events_per_case`` > 0 pads every case with extra journal entries and events (for
    benchmarks). Generated rows are bulk loads, not edits: the change-history triggers are
    skipped for them, and for large loads the journal's full-text index is rebuilt once at
    the end instead of row by row."""
    import pgtrigger

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


def _generate(
    *, children: int, seed: int = 2026, events_per_case: int = 0, today: date | None = None
) -> dict[str, int]:
    """Create ``children`` children in families, cases for ~80 % of them, and timelines.

    ``events_per_case`` > 0 pads every case with extra journal entries and events (for
    benchmarks). Returns counts of what was created."""
    rng = random.Random(seed)
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
    if not case_teams:
        raise RuntimeError("Demo organisation missing: run demo_seed first.")
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

    # Cases: one child in most families, sometimes two.
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
                opened = today - timedelta(days=rng.randint(3, 720))
                # very new cases are still with the intake team
                if (today - opened).days < 20 and workers.get("modtagelsen"):
                    code = "modtagelsen"
                plans.append((child, [persons[p] for p in parents], code, opened))
    cases = [
        Case(
            child=child,
            team=teams[code],
            caseworker_id=rng.choice(workers[code]),
            opened_at=_aware(opened, 9),
            last_activity_at=_aware(opened, 9),
        )
        for child, _parents, code, opened in plans
    ]
    Case.objects.bulk_create(cases, batch_size=2000)

    # (case id, kind, occurred_at, actor id, payload): plain tuples, written with COPY
    events: list[tuple] = []
    journal: list[tuple[Case, JournalEntry]] = []
    meetings: list[Meeting] = []
    consents: list[tuple[Case, Consent, int]] = []
    closures: dict[int, datetime] = {}
    for case, (_child, parents, _code, opened) in zip(cases, plans, strict=True):
        actor = case.caseworker_id

        def ev(kind, day, hour=10, payload=None, case=case, actor=actor):
            if day <= today:
                events.append((case.pk, kind, _aware(day, hour), actor, payload or {}))

        def note(day, title, kind, text, case=case, actor=actor):
            if day <= today:
                entry = JournalEntry(
                    case=case,
                    kind=kind,
                    title=title,
                    text=text,
                    occurred_on=day,
                    author_id=actor,
                    created_at=_aware(day, 15),
                )
                journal.append((case, entry))
                ev(EventKind.JOURNAL_WRITTEN, day, 15, {"kind": kind, "title": title})

        ev(EventKind.CASE_OPENED, opened, 9, {"reason": "Underretning", "demo": True})
        professional = rng.random() < 0.65
        ev(EventKind.REPORT_RECEIVED, opened, 9, {"notifier_professional": professional})
        if professional and rng.random() < 0.9:
            # most receipts go out in time, some late (6 weekdays ≈ 8–9 calendar days)
            ev(EventKind.RECEIPT_SENT, opened + timedelta(days=rng.choice([1, 2, 3, 5, 12])), 11)
        day = opened + timedelta(days=rng.choice([0, 1, 1, 2]))
        ev(EventKind.REPORT_ASSESSED, day, 14, {"demo": True})
        note(
            day,
            "Vurdering af underretningen",
            JournalKind.NOTE,
            "Underretningen er vurderet inden for 24 timer. Barnets sundhed og udvikling "
            "vurderes ikke at være akut truet. Sagen fordeles til videre afklaring.",
        )
        for _ in range(rng.randint(2, 5)):
            day += timedelta(days=rng.randint(3, 30))
            title, kind, text = rng.choice(JOURNAL_TEXTS)
            note(day, title, kind, text)
        if parents and rng.random() < 0.8:
            form = ConsentForm.ORAL if rng.random() < 0.3 else ConsentForm.WRITTEN
            cday = opened + timedelta(days=rng.randint(2, 20))
            if cday <= today:
                consents.append(
                    (
                        case,
                        Consent(
                            case=case,
                            given_by=parents[0],
                            scope=rng.choice(ConsentScope.values[:4]),
                            form=form,
                            given_on=cday,
                            valid_until=cday + timedelta(days=365),
                            recorded_by_id=actor,
                        ),
                        len(events),
                    )
                )
                ev(EventKind.CONSENT_GIVEN, cday, 11, {"form": form})
                if form == ConsentForm.ORAL:
                    note(
                        cday,
                        f"Mundtligt samtykke fra {parents[0].full_name}",
                        JournalKind.CONSENT_NOTE,
                        "Samtykket blev givet mundtligt under telefonsamtale. Forælderen "
                        "blev orienteret om, hvad oplysningerne skal bruges til.",
                    )
        progress = rng.random()
        if progress > 0.15:
            start = opened + timedelta(days=rng.randint(3, 14))
            ev(EventKind.ASSESSMENT_STARTED, start)
            mday = start + timedelta(days=rng.randint(10, 40))
            meeting = Meeting(
                case=case,
                kind=MeetingKind.DIALOGUE_MEETING,
                held_at=_aware(mday, 13),
                created_by_id=actor,
                agenda="1. Velkomst\n2. Undersøgelsens fokus\n3. Aftaler",
                other_participants="Klasselærer",
            )
            meetings.append(meeting)
            ev(EventKind.MEETING_PLANNED, start, 12, {"kind": meeting.kind})
            if mday <= today:
                meeting.minutes = (
                    "Familien og skolen deltog. Vi aftalte fokus på skolegang "
                    "og søvn. Næste møde om seks uger."
                )
                meeting.finished_at = _aware(mday, 16)
                ev(EventKind.MEETING_HELD, mday, 13, {"kind": meeting.kind})
                note(mday, "Referat: Dialogmøde", JournalKind.MEETING_MINUTES, meeting.minutes)
            # Some investigations run late (past 4 months) – realistic for the deadlines.
            conclude = start + timedelta(days=rng.choice([45, 70, 100, 115, 140, 160]))
            if progress > 0.35:
                ev(EventKind.ASSESSMENT_CONCLUDED, conclude)
            if progress > 0.5:
                ev(EventKind.PLAN_MADE, conclude + timedelta(days=rng.randint(5, 30)))
                dday = conclude + timedelta(days=rng.randint(10, 40))
                measure_kind = rng.choice(
                    ["support"] * 6 + ["placement_with_consent"] * 2 + ["placement_without_consent"]
                )
                ev(
                    EventKind.DECISION_MADE,
                    dday,
                    11,
                    {"outcome": "grant", "measure_kind": measure_kind},
                )
                sday = dday + timedelta(days=rng.randint(3, 20))
                ev(EventKind.MEASURE_STARTED, sday, 10, {"measure_kind": measure_kind})
                if measure_kind != "support":
                    vday = sday + timedelta(days=rng.choice([90, 170, 200]))
                    while vday <= today and rng.random() < 0.85:
                        ev(EventKind.SUPERVISION_VISIT_HELD, vday)
                        vday += timedelta(days=rng.choice([120, 170, 190]))
                fday = dday + timedelta(days=rng.choice([80, 90, 95, 120]))
                while fday <= today and rng.random() < 0.8:
                    gap = rng.choice([150, 180, 200])
                    # Barnets Lov § 95: the next follow-up date is set, with reasons
                    ev(
                        EventKind.FOLLOW_UP_HELD,
                        fday,
                        10,
                        {
                            "next_follow_up_due": (fday + timedelta(days=180)).isoformat(),
                            "reason": "Stabil udvikling; opfølgning om et halvt år",
                        },
                    )
                    fday += timedelta(days=gap)
                if progress > 0.85:
                    end = fday - timedelta(days=rng.randint(1, 20))
                    ev(EventKind.MEASURE_ENDED, end)
                    if end + timedelta(days=10) <= today:
                        closures[case.pk] = _aware(end + timedelta(days=10), 12)
                        ev(
                            EventKind.CASE_CLOSED,
                            end + timedelta(days=10),
                            12,
                            {"reason": "Målene er nået"},
                        )
        for n in range(events_per_case):
            pday = opened + timedelta(days=rng.randint(0, max((today - opened).days, 0)))
            if n % 10 == 0:
                title, kind, text = rng.choice(JOURNAL_TEXTS)
                note(pday, title, kind, text)
            else:
                kind = EventKind.DOCUMENT_ADDED if n % 2 else EventKind.JOURNAL_CORRECTED
                ev(kind, pday, 10 + n % 8, {"title": "Bilag"})

    JournalEntry.objects.bulk_create([e for _, e in journal], batch_size=5000)
    for meeting in meetings:
        meeting.case_id = meeting.case.pk
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    Consent.objects.bulk_create([c for _, c, _ in consents], batch_size=2000)
    _copy_events(events)

    # Derive phase, latest activity and closure from the events, as event_record does
    # (ties on occurred_at go to the later insert, i.e. the higher id).
    latest: dict[int, tuple] = {}
    phase_event: dict[int, tuple] = {}
    for order, (case_id, kind, occurred_at, _actor, _payload) in enumerate(events):
        key = (occurred_at, order)
        if case_id not in latest or key >= latest[case_id][0]:
            latest[case_id] = (key, kind)
        if kind in PHASE_AFTER_EVENT and (
            case_id not in phase_event or key >= phase_event[case_id][0]
        ):
            phase_event[case_id] = (key, kind)
    for case in cases:
        if case.pk in latest:
            (occurred_at, _), kind = latest[case.pk]
            case.last_activity_at, case.last_activity_kind = occurred_at, kind
        if case.pk in phase_event:
            case.phase = PHASE_AFTER_EVENT[phase_event[case.pk][1]]
        case.closed_at = closures.get(case.pk)
    Case.objects.bulk_update(
        cases, ["last_activity_at", "last_activity_kind", "phase", "closed_at"], batch_size=2000
    )
    return {
        "persons": len(persons),
        "children": children,
        "cases": len(cases),
        "events": len(events),
        "journal_entries": len(journal),
        "meetings": len(meetings),
        "consents": len(consents),
    }
