"""Demo Kommune's plans: barnets plan / ungeplan / handleplan written through the plans
services at the moment the history says the plan was made — goals and sub-goals, who does
what (the family, the network, a professional, the provider, the caseworker), version 1, a
revision at the first follow-up for some, and the letters for a few (so the outbox shows
them)."""

from __future__ import annotations

import random
from datetime import timedelta

from boernesag.cases.models import Case
from boernesag.catalogue.models import Provider
from boernesag.persons import selectors as people
from boernesag.plans import services
from boernesag.plans.constants import GoalArea, PlanKind, Responsible

GOALS = [
    (
        GoalArea.SCHOOL,
        "{name} møder i skole mindst 9 ud af 10 dage",
        "Skolens fraværsliste, gennemgået med klasselæreren hver måned",
        [("{name} står op kl. 7 med hjælp fra mor eller far", "Familien fortæller ved besøget")],
    ),
    (
        GoalArea.FAMILY,
        "Familien har faste rutiner om morgenen og ved sengetid",
        "Forældrene og familiebehandleren vurderer sammen på en skala fra 1 til 10 – mindst 7",
        [("Aftensmad sammen mindst 5 dage om ugen", "Familiens egen ugeplan")],
    ),
    (
        GoalArea.LEISURE,
        "{name} går til en fritidsaktivitet hver uge",
        "{name} fortæller selv om det ved børnesamtalen",
        [],
    ),
    (
        GoalArea.HEALTH,
        "{name} sover mindst 9 timer om natten",
        "Søvndagbog, som familien fører i to uger før statusmødet",
        [],
    ),
]
YOUTH_GOAL = (
    GoalArea.ADULT_LIFE,
    "{name} er i gang med en ungdomsuddannelse eller et job",
    "Optagelse på skolen eller en ansættelseskontrakt",
    [("{name} har besøgt to uddannelsessteder med UU-vejlederen", "UU-vejlederens notat")],
)


def plan_write(*, case: Case, caseworker, at, rng: random.Random, send: bool):
    """A plan made on ``at`` (under ``demo.clock.simulated_now``)."""
    name = case.child.first_name
    age = case.child.age_on(at.date())
    if at.date() < services.BARNETS_LOV_FROM:
        kind = PlanKind.ACTION
    elif age is not None and age >= 16:
        kind = PlanKind.YOUTH
    else:
        kind = PlanKind.CHILD
    plan = services.plan_create(
        case=case,
        kind=kind,
        by=caseworker,
        purpose=f"{name} skal trives hjemme og i skolen og have en stabil hverdag.",
        basis="Den børnefaglige undersøgelse viste bekymrende fravær, uro hjemme og at "
        f"{name} har brug for voksne, der holder fast.",
        involvement=f"Udkastet er lavet med {name} og forældrene hjemme hos familien. "
        f"{name} ønskede mest at få det godt i klassen igen.",
        drafted_with_family=True,
        expected_duration_months=rng.choice([6, 9, 12]),
    )
    chosen = rng.sample(GOALS, k=rng.randint(1, 3))
    if kind == PlanKind.YOUTH:
        chosen = [YOUTH_GOAL, *chosen[:1]]
    goals = []
    for area, what, measure, subs in chosen:
        due = at.date() + timedelta(days=rng.choice([90, 120, 180]))
        goal = services.goal_add(
            plan=plan,
            by=caseworker,
            area=area,
            what=what.format(name=name),
            measure=measure.format(name=name),
            due_on=due,
        )
        goals.append(goal)
        for sub_what, sub_measure in subs:
            services.goal_add(
                plan=plan,
                by=caseworker,
                area=area,
                what=sub_what.format(name=name),
                measure=sub_measure.format(name=name),
                due_on=due - timedelta(days=30),
                parent=goal,
            )
    parents = people.custody_holders(case.child)
    if parents:
        services.task_add(
            plan=plan,
            by=caseworker,
            responsible=Responsible.FAMILY,
            person=parents[0],
            goal=goals[0],
            what="Hjælper med morgenrutinen og følger op på lektier hver dag",
        )
    provider = Provider.objects.order_by("id").first()
    if provider is not None:
        services.task_add(
            plan=plan,
            by=caseworker,
            responsible=Responsible.PROVIDER,
            provider=provider,
            what="Familiebehandling i hjemmet to gange om ugen",
        )
    services.task_add(
        plan=plan,
        by=caseworker,
        responsible=Responsible.CASEWORKER,
        what="Indkalder til statusmøde og holder børnesamtale før mødet",
    )
    plan.refresh_from_db()
    version = services.plan_make(
        plan=plan, by=caseworker, made_on=at.date(), expected_version=plan.version
    )
    if send and parents:
        services.plan_send(version=version, by=caseworker, family=parents[:2])
    plan.refresh_from_db()
    return plan


def plan_revise_at_follow_up(*, plan, caseworker, at):
    """At the first follow-up the first goal is reached and the plan gets version 2."""
    goal = plan.goals.filter(parent__isnull=True).order_by("position").first()
    if goal is None or plan.case.closed_at is not None:
        return
    services.goal_status_set(
        goal=goal, by=caseworker, expected_version=goal.version, status="achieved"
    )
    plan.refresh_from_db()
    services.plan_revise(
        plan=plan,
        by=caseworker,
        made_on=at.date(),
        changes="Det første mål er nået og markeret som nået.",
        reason="Statusmødet viste, at målet er nået; de øvrige mål fortsætter.",
        expected_version=plan.version,
    )
