"""Demo Kommune's closed cases: a few investigations that ended without measures, closed by
their caseworkers through the closure checklist (dialogue, status, final assessment, who was
told, each running deadline explained) — one of them reopened since, when the school called
again — and two youth steps that start a deadline (a request for substance-abuse treatment
and police documentation followed by the network meeting). Written through the services,
deterministic and idempotent (nothing is added when a checklist closure exists)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

CLOSE = 4

HOW_CHILD = [
    "Samtale med {name} i hjemmet uden forældrene til stede",
    "Børnesamtale på skolen med AKT-læreren i nærheden",
    "Samtale med {name} på en gåtur",
]
HOW_PARENTS = [
    "Afslutningsmøde på forvaltningen med begge forældre",
    "Telefonsamtale med mor og hjemmebesøg hos far",
]
SCHOOL = ["Klasselærer, {school}", "AKT-lærer, {school}", "Pædagogisk leder, {school}"]
ASSESSMENTS = [
    "{name} trives i klassen og fraværet er under 5 %. Forældrene har fået støtte fra "
    "netværket og har selv taget kontakt til PPR. Der er ikke længere grundlag for at "
    "yde særlig støtte.",
    "Bekymringen fra underretningen er ikke bekræftet. {name} fortæller om en god hverdag, "
    "og skolen oplever ingen bekymring. Familien ved, hvor de kan henvende sig.",
]
EXPLAIN = {
    "assessment_duration": "Undersøgelsen er afsluttet uden behov for indsats; "
    "konklusionen er noteret i journalen.",
    "report_triage": "Underretningen er indgået i undersøgelsen.",
}
EXPLAIN_OTHER = "Fristen bortfalder, da sagen afsluttes uden indsats."


def _candidates():
    """Open demo cases in the investigation with no decision and no measure: closing them
    needs no measure ended, whatever other apps' checks say."""
    from boernesag.cases.constants import Phase
    from boernesag.cases.models import Case
    from boernesag.events.models import Event

    busy = Event.objects.filter(kind__in=["decision_made", "measure_started", "plan_made"]).values(
        "case_id"
    )
    return list(
        Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False, phase=Phase.ASSESSMENT)
        .exclude(pk__in=busy)
        .select_related("child", "caseworker")
        .order_by("opened_at", "pk")
    )


def _close(case, rng: random.Random) -> bool:
    from boernesag.cases import services
    from boernesag.cases.closure import explain_items

    name = case.child.first_name
    today = timezone.localdate()
    school = case.child.institution or "skolen"
    answers = {
        "child_dialogue": "yes",
        "child_dialogue_on": today - timedelta(days=rng.randint(3, 10)),
        "child_dialogue_how": rng.choice(HOW_CHILD).format(name=name),
        "parents_dialogue": "yes",
        "parents_dialogue_on": today - timedelta(days=rng.randint(2, 9)),
        "parents_dialogue_how": rng.choice(HOW_PARENTS),
        "school_status": "yes",
        "school_status_on": today - timedelta(days=rng.randint(5, 14)),
        "school_status_source": rng.choice(SCHOOL).format(school=school)[:200],
        "provider_status": "no",
        "provider_status_why_not": "Sagen har ikke haft en indsats med en leverandør.",
        "final_assessment": rng.choice(ASSESSMENTS).format(name=name),
        "parties_told_on": today - timedelta(days=1),
        "notifier_told": rng.choice(["told", "not_relevant"]),
        "provider_told": "not_relevant",
    }
    items = explain_items(case)
    if any(not item.explainable for found in items.values() for item in found):
        return False  # a deadline the closure does not end: this case is not closed here
    explanations = {
        (key, item.ref): EXPLAIN.get(item.ref.split(":")[0], EXPLAIN_OTHER)
        for key, found in items.items()
        for item in found
    }
    try:
        with transaction.atomic():
            services.case_close_checked(
                case=case,
                by=case.caseworker,
                reason=rng.choice(["Ingen behov for indsats", "Bekymringen er ikke bekræftet"]),
                answers=answers,
                explanations=explanations,
                expected_version=case.version,
            )
    except services.ClosureIncomplete:
        return False  # another app's check is not met on this case
    return True


@transaction.atomic
def demo_closure_seed(*, seed: int = 1313) -> dict[str, int]:
    from boernesag.cases import services
    from boernesag.cases.models import Case, CaseClosure, CaseStep, StepKind

    # this seed's closures end cases that had no measure (provider status "no"); the cases
    # closed after their measure ended (demo/measures.py) are closed while written
    if CaseClosure.objects.filter(case__child__cpr_is_test=True, provider_status="no").exists():
        return {}
    rng = random.Random(seed)
    candidates = _candidates()
    closed = []
    for case in candidates:
        if len(closed) == CLOSE:
            break
        if _close(case, rng):
            closed.append(case)
    reopened = 0
    if closed:
        case = closed[0]
        case.refresh_from_db()
        services.case_reopen(
            case=case,
            by=case.caseworker,
            reason="Skolen har ringet igen: fraværet er steget de sidste tre uger.",
            expected_version=case.version,
        )
        reopened = 1
    # youth steps on open cases of young people (14 and over): deadlines that run now
    steps = 0
    youth = [
        c
        for c in Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False)
        .exclude(pk__in=[c.pk for c in closed])
        .select_related("child", "caseworker")
        .order_by("opened_at", "pk")
        if (c.child.age or 0) >= 14
    ][:2]
    today = timezone.localdate()
    if youth:
        services.step_record(
            case=youth[0],
            by=youth[0].caseworker,
            kind=StepKind.TREATMENT_REQUEST,
            occurred_on=today - timedelta(days=4),
            note="Den unge beder selv om hjælp til at stoppe med hash.",
        )
        steps += 1
    if len(youth) > 1:
        services.step_record(
            case=youth[1],
            by=youth[1].caseworker,
            kind=StepKind.POLICE_DOCUMENTATION,
            occurred_on=today - timedelta(days=6),
            note="Politiets rapport om røveri begået sammen med to ældre unge.",
        )
        services.step_record(
            case=youth[1],
            by=youth[1].caseworker,
            kind=StepKind.NETWORK_MEETING,
            occurred_on=today - timedelta(days=2),
            note="Netværksmøde med forældrene, skolen, SSP og politiet. Foreløbig plan: "
            "fast kontaktperson, daglig fremmøde i skolen, ingen færden i midtbyen om aftenen.",
        )
        steps += 2
    assert CaseStep.objects.filter(case__child__cpr_is_test=True).count() == steps
    return {"closures": len(closed), "reopened": reopened, "youth_steps": steps}
