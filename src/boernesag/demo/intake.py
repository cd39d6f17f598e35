"""Demo intake: every demo case's concern report, some repeated reports over the past two
years, and a live queue of new reports awaiting their 24-hour assessment."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, User
from boernesag.cases.constants import Phase
from boernesag.cases.models import Case
from boernesag.demo.clock import simulated_now
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.intake import services
from boernesag.intake.constants import Outcome
from boernesag.intake.models import IntakeItem
from boernesag.persons.services import person_create

PROFESSIONALS = [
    ("school", "Klasselærer Jonas Friis", "Demoby Skole", "Skolevej 2\n9990 Demoby"),
    ("daycare", "Pædagog Maja Lind", "Børnehuset Mælkebøtten", "Engvej 10\n9991 Demoby Nord"),
    (
        "health_visitor",
        "Sundhedsplejerske Eva Krog",
        "Sundhedsplejen",
        "Rådhustorvet 1\n9999 Demoby",
    ),
    ("police", "Politiassistent Kim Bøgh", "Demo Politi", "Politigården\n9999 Demoby"),
    ("doctor", "Læge Nina Stær", "Lægehuset Havbo", "Havnegade 3\n9993 Havbo"),
]
CONTENTS = [
    "Barnet er ofte sultent og uden madpakke, og har meget fravær de seneste uger.",
    "Barnet fortæller, at der er mange skænderier derhjemme, og virker bange for at gå hjem.",
    "Forældrene virker påvirkede ved afhentning. Barnet er trist og trækker sig fra legen.",
    "Barnet har blå mærker på overarmene og vil ikke fortælle, hvordan det er sket.",
    "Barnet udebliver fra undersøgelser og vaccinationer trods flere henvendelser.",
]


def _intake_staff():
    ids = RoleAssignment.objects.filter(role=Role.INTAKE_COORDINATOR).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def demo_intake_seed(*, seed: int = 11) -> dict[str, int]:
    """Repeated reports on cases with an active measure (triaged, Barnets Lov § 137, by a
    coordinator who has not handled the case — inside the case, the phase stays), and a
    live queue of reports awaiting their 24-hour triage. Every demo case's first report
    was registered and triaged through intake when its history was written."""
    if IntakeItem.objects.filter(children__unknown_description__startswith="Pige ca.").exists():
        return {}
    rng = random.Random(seed)
    staff = _intake_staff()
    if not staff:
        return {}
    now = timezone.now()
    cases = list(
        Case.objects.open()
        .filter(phase__in=[Phase.START, Phase.FOLLOW_UP])
        .select_related("child")
        .order_by("pk")
    )
    # 2. Repeated reports on cases with a measure, triaged inside the case (§ 137).
    repeated = 0
    for case in rng.sample(cases, k=min(8, len(cases))):
        kind, name, org, address = rng.choice(PROFESSIONALS)
        received = max(
            case.opened_at + timedelta(days=150),
            now - timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 6)),
        )
        if received > now - timedelta(days=3):
            continue
        with simulated_now(received + timedelta(minutes=10)):
            item = services.intake_register(
                kind="concern_report",
                channel="phone",
                received_at=received,
                notifier_kind=kind,
                notifier_name=name,
                notifier_organisation=org,
                notifier_address=address,
                content=rng.choice(CONTENTS),
                by=staff[0],
                children=[services.ChildRef(case.child.cpr)],
                reasons=["neglect"],
            )
        row = item.children.get()
        # the receipt to the professional notifier goes out within a few weekdays
        with simulated_now(received + timedelta(days=rng.randint(1, 3))):
            event_write(ev.ReceiptSent(), case=case, actor=staff[0], subject=row)
        triager = next((s for s in staff if not services.has_handled_case(s, case)), None)
        if triager is not None:
            with simulated_now(received + timedelta(hours=rng.randint(2, 6))):
                services.intake_triage(
                    intake_child=row,
                    by=triager,
                    at_risk=False,
                    acute_needed=False,
                    outcome=Outcome.ADVICE,
                    reasons_text="Gentagen underretning; indgår i den igangværende sag og "
                    "drøftes ved næste opfølgning.",
                    expected_version=row.version,
                )
        repeated += 1
    open_cases = cases or list(Case.objects.open().select_related("child").order_by("pk"))
    # 3. The live queue: new reports received in the last hours.
    live_reports = [
        (2, ["neglect"], "school"),
        (5, ["violence"], "police"),
        (20, ["school_absence"], "school"),
    ]
    for live, (hours, reasons, kind) in enumerate(live_reports):
        case = open_cases[live % len(open_cases)]
        _k, name, org, address = next(p for p in PROFESSIONALS if p[0] == kind)
        services.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=now - timedelta(hours=hours),
            notifier_kind=kind,
            notifier_name=name,
            notifier_organisation=org,
            notifier_address=address,
            content=rng.choice(CONTENTS),
            by=staff[0],
            children=[services.ChildRef(case.child.cpr)],
            reasons=reasons,
            backdate_reason="Modtaget telefonisk, registreret efterfølgende",
        )
    # children not known in Børnesag before: two siblings the (fictitious) CPR register
    # knows — registering the report imports them with their custody holders — and a boy
    # known from an earlier contact. Everyone is fictitious, with test CPR numbers.
    from boernesag.integrations.population import FictitiousPerson, register_store_family

    def register_person(cpr, first, last, born, sex, street="Parkvej 12"):
        return FictitiousPerson(
            cpr=cpr,
            first_name=first,
            last_name=last,
            birth_date=born,
            sex=sex,
            street=street,
            postcode="9990",
            city="Demoby",
        )

    mother = register_person("1403904216", "Pernille", "Østergaard", date(1990, 3, 14), "F")
    father = register_person("2206884217", "Nikolaj", "Østergaard", date(1988, 6, 22), "M")
    register_store_family(
        children=[
            register_person("0208224811", "Liva", "Østergaard", date(2022, 8, 2), "M"),
            register_person("1511194913", "Storm", "Østergaard", date(2019, 11, 15), "M"),
        ],
        mother=mother,
        father=father,
        custody_holders=[mother, father],
    )
    person_create(
        cpr="0911154915",
        first_name="Magnus",
        last_name="Holm",
        is_test=True,
        street="Parkvej 12",
        postcode="9990",
        city="Demoby",
    )
    services.intake_register(
        kind="concern_report",
        channel="email",
        received_at=now - timedelta(minutes=40),
        notifier_kind="daycare",
        notifier_name="Pædagog Maja Lind",
        notifier_organisation="Børnehuset Mælkebøtten",
        notifier_address="Engvej 10\n9991 Demoby Nord",
        content="Søskendeparret hentes ofte sent, og forældrene har svært ved at samarbejde.",
        by=staff[0],
        reasons=["neglect"],
        children=[
            services.ChildRef("0208224811", "Liva", "Østergaard"),
            services.ChildRef("1511194913", "Storm", "Østergaard"),
        ],
    )
    services.intake_register(
        kind="concern_report",
        channel="phone",
        received_at=now - timedelta(minutes=15),
        notifier_kind="anonymous",
        content="En nabo fortæller om en pige på ca. 8 år, der ofte er alene hjemme om aftenen.",
        by=staff[0],
        unknown_description="Pige ca. 8 år, bor i opgang på Parkvej i Demoby",
    )
    services.intake_register(
        kind="application",
        channel="in_person",
        received_at=now - timedelta(minutes=5),
        notifier_kind="family",
        notifier_name="Sara Holm",
        content="Mor søger om aflastning til sin søn med autisme.",
        by=staff[-1],
        children=[services.ChildRef("0911154915", "Magnus", "Holm")],
    )
    return {"intake_items": IntakeItem.objects.count(), "repeated_reports": repeated}
