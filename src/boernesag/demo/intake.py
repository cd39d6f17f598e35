"""Demo intake: every demo case's concern report, some repeated reports over the past two
years, and a live queue of new reports awaiting their 24-hour assessment."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, User
from boernesag.cases.constants import EventKind
from boernesag.cases.models import Case, CaseEvent
from boernesag.intake import services
from boernesag.intake.constants import Outcome
from boernesag.intake.models import IntakeChild, IntakeItem
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
    if IntakeItem.objects.exists():
        return {}
    rng = random.Random(seed)
    staff = _intake_staff()
    if not staff:
        return {}
    # 1. The concern report behind every demo case, as it was received and assessed.
    received = {e.case_id: e for e in CaseEvent.objects.filter(kind=EventKind.REPORT_RECEIVED)}
    assessed = {e.case_id: e for e in CaseEvent.objects.filter(kind=EventKind.REPORT_ASSESSED)}
    items, rows = [], []
    cases = list(Case.objects.filter(pk__in=received).select_related("child"))
    for case in cases:
        event = received[case.pk]
        professional = event.payload.get("notifier_professional", True)
        kind, name, org, address = (
            rng.choice(PROFESSIONALS) if professional else ("private", "", "", "")
        )
        reasons = rng.sample(
            ["neglect", "school_absence", "parent_substance", "mental_health", "development"],
            k=rng.randint(1, 2),
        )
        if rng.random() < 0.06:
            reasons = ["violence"]
        items.append(
            IntakeItem(
                kind="concern_report",
                channel=rng.choice(["phone", "email", "digital", "letter"]),
                received_at=event.occurred_at,
                recorded_at=event.occurred_at,
                notifier_kind=kind if professional else rng.choice(["private", "anonymous"]),
                notifier_name=name,
                notifier_organisation=org,
                notifier_address=address,
                content=rng.choice(CONTENTS),
                reasons=reasons,
                registered_by=staff[0],
            )
        )
    IntakeItem.objects.bulk_create(items)
    for case, item in zip(cases, items, strict=True):
        done = assessed.get(case.pk)
        outcome = (
            Outcome.INVESTIGATION
            if case.phase not in ("inquiry", "triage")
            else rng.choice([Outcome.EXPLORATION, Outcome.EARLY_SUPPORT, Outcome.ADVICE])
        )
        rows.append(
            IntakeChild(
                item=item,
                child=case.child,
                case=case,
                assessed_at=done.occurred_at if done else None,
                assessed_by=staff[rng.randrange(len(staff))] if done else None,
                at_risk=True if done else None,
                acute_needed=False if done else None,
                outcome=outcome if done else "",
                reasons_text="Vurderet ud fra underretningens oplysninger og tidligere kendskab."
                if done
                else "",
                child_conversation_on=done.occurred_at.date()
                if done and "violence" in item.reasons
                else None,
                barnehus="contacted" if done and "violence" in item.reasons else "",
            )
        )
    IntakeChild.objects.bulk_create(rows)
    # 2. Repeated reports for some children (registered through the services, so their
    #    events and clocks are real; they are marked as recorded late).
    now = timezone.now()
    repeated = 0
    for case in rng.sample(cases, k=min(15, len(cases))):
        if case.closed_at:
            continue
        kind, name, org, address = rng.choice(PROFESSIONALS)
        when = max(
            case.opened_at + timedelta(days=rng.randint(20, 200)),
            now - timedelta(days=rng.randint(5, 300)),
        )
        when = min(when, now - timedelta(days=2))
        item = services.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=when,
            notifier_kind=kind,
            notifier_name=name,
            notifier_organisation=org,
            notifier_address=address,
            content=rng.choice(CONTENTS),
            by=staff[0],
            children=[services.ChildRef(case.child.cpr)],
            backdate_reason="Demodata: gentagen underretning registreret ved opsætningen",
            reasons=["neglect"],
        )
        row = item.children.get()
        assessor = next((s for s in staff if not services.has_handled_case(s, case)), None)
        if assessor is not None:
            services.intake_assess(
                intake_child=row,
                by=assessor,
                at_risk=True,
                acute_needed=False,
                outcome=Outcome.ADVICE,
                reasons_text="Gentagen underretning; indgår i den igangværende sag.",
                expected_version=1,
            )
        repeated += 1
    # 3. The live queue: new reports received in the last hours.
    open_cases = [c for c in cases if c.closed_at is None]
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
    # children not known before: fictitious, marked as test data like all demo persons
    for cpr, first, last in [
        ("0208224811", "Liva", "Østergaard"),
        ("1511194913", "Storm", "Østergaard"),
        ("0911154915", "Magnus", "Holm"),
    ]:
        person_create(
            cpr=cpr,
            first_name=first,
            last_name=last,
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
