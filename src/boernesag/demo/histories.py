"""Plausible case histories for Demo Kommune (and, at scale, for benchmarks).

``plan_history`` decides what happens in one case and when, the way practice does it: a
report arrives and is triaged within hours; the receipt goes out within a few weekdays; an
investigation concludes within four months in most cases; the decision is followed by the
measure and the plan within three months (sometimes the plan is made first); follow-ups come
when they are due and set the next date; placed children get supervision visits. Most
deadlines are kept; a few are late or overdue by days or weeks — never by years.

The steps are written by ``demo.writers`` — through the real services and event
constructors for Demo Kommune, or in bulk (with the same constructors) for benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from boernesag.cases.constants import JournalKind

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


@dataclass(order=True)
class Step:
    at: datetime
    order: int
    action: str = field(compare=False)
    data: dict = field(default_factory=dict, compare=False)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekdays_after(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _add_months(day: date, months: int) -> date:
    from boernesag.deadlines.calendar import add_months

    return add_months(day, months)


def _birthday(born: date, years: int, months: int = 0) -> date:
    return _add_months(born, years * 12 + months)


@dataclass
class CasePlan:
    opened: datetime
    professional: bool
    outcome: str
    steps: list[Step]


def plan_history(
    rng: random.Random, *, opened: datetime, born: date, now: datetime, has_parents: bool
) -> CasePlan:
    """The steps of one case, from the report to today (nothing after ``now``)."""
    steps: list[Step] = []
    counter = iter(range(10_000))
    today = now.date()

    def add(moment: datetime, action: str, **data) -> bool:
        if moment > now:
            return False
        steps.append(Step(moment, next(counter), action, data))
        return True

    def late(share: float) -> bool:
        return rng.random() < share

    professional = rng.random() < 0.65
    flagged = rng.random() < 0.06
    add(opened, "receive", professional=professional, flagged=flagged)
    day0 = opened.date()
    # 24-hour triage: usually within a few hours; now and then the next morning, rarely late
    triaged = opened + timedelta(
        hours=rng.choice([2, 3, 4, 5, 20]) if not late(0.04) else rng.choice([27, 30, 36])
    )
    progress = rng.random()
    if progress < 0.12:
        outcome = rng.choice(["advice", "no_action"])
    elif progress < 0.22:
        outcome = rng.choice(["early_support", "exploration"])
    else:
        outcome = "investigation"
    add(triaged, "triage", outcome=outcome, flagged=flagged)
    if professional:
        # receipt within 6 weekdays: mostly 1–3, a few late
        days = rng.choice([1, 1, 2, 2, 3, 4]) if not late(0.06) else rng.choice([8, 9, 11])
        sent = at(_weekdays_after(day0, days), 11)
        if not ((now - sent).days < 10 and late(0.3)):  # a recent one may still be missing
            add(sent, "receipt")
    if outcome in ("advice", "no_action"):
        return CasePlan(opened, professional, outcome, sorted(steps))

    notes_day = triaged.date()
    for _ in range(rng.randint(2, 5)):
        notes_day += timedelta(days=rng.randint(3, 30))
        add(at(notes_day, 15), "journal", text=rng.randrange(len(JOURNAL_TEXTS)))
    if has_parents and rng.random() < 0.85:
        add(at(day0 + timedelta(days=rng.randint(2, 15)), 11), "consent", oral=rng.random() < 0.3)

    if outcome != "investigation":
        # early support or exploration: a few notes, sometimes closed after some months
        if rng.random() < 0.5:
            add(at(day0 + timedelta(days=rng.randint(60, 150)), 12), "close")
        return CasePlan(opened, professional, outcome, sorted(steps))

    start = triaged
    meeting_day = start.date() + timedelta(days=rng.randint(10, 35))
    add(start + timedelta(hours=2), "meeting_plan", held_at=at(meeting_day, 13))
    add(at(meeting_day, 16), "meeting_finish")
    # now and then support starts alongside the investigation (BL § 32, stk. 4)
    acute = rng.random() < 0.08
    started = None
    measure_kind = "support"
    if acute:
        decision = at(start.date() + timedelta(days=rng.randint(3, 10)), 10)
        add(decision, "decision", measure_kind=measure_kind)
        add(decision + timedelta(days=1), "decision_sent")
        add(decision + timedelta(days=rng.randint(30, 70)), "plan")
        started = decision + timedelta(days=2)
        add(started, "measure_start", measure_kind=measure_kind)
    # conclusion: within 4 months for most; a few late by weeks
    duration = rng.randint(55, 112) if not late(0.08) else rng.randint(125, 140)
    concluded = at(start.date() + timedelta(days=duration), 14)
    if not add(concluded, "assessment_concluded"):
        return CasePlan(opened, professional, outcome, sorted(steps))
    first_due = None
    if acute:
        # BL § 95, stk. 2: the first follow-up when the parallel investigation concludes
        next_due = _next_due(rng, concluded)
        add(concluded + timedelta(hours=1), "follow_up", next_due=next_due)
        first_due = next_due
    elif rng.random() < 0.25:
        add(at(concluded.date() + timedelta(days=rng.randint(20, 90)), 12), "close")
        return CasePlan(opened, professional, outcome, sorted(steps))
    else:
        measure_kind = rng.choice(
            ["support"] * 6 + ["placement_with_consent"] * 2 + ["placement_without_consent"]
        )
        decision = at(concluded.date() + timedelta(days=rng.randint(5, 25)), 11)
        plan_first = measure_kind == "placement_without_consent" or rng.random() < 0.3
        if plan_first:
            add(decision - timedelta(days=rng.randint(1, 6)), "plan")
        if not add(decision, "decision", measure_kind=measure_kind):
            return CasePlan(opened, professional, outcome, sorted(steps))
        add(decision + timedelta(days=rng.randint(1, 3)), "decision_sent")
        if rng.random() < 0.04:
            appealed = decision + timedelta(days=rng.randint(8, 20))
            add(appealed, "appeal")
            add(appealed + timedelta(days=rng.randint(10, 25)), "appeal_reconsidered")
        if not plan_first:
            # within 3 months of the decision: mostly weeks, a few late
            gap = rng.randint(20, 75) if not late(0.06) else rng.randint(95, 110)
            add(decision + timedelta(days=gap), "plan")
        started = at(decision.date() + timedelta(days=rng.randint(3, 14)), 10)
        if not add(started, "measure_start", measure_kind=measure_kind):
            return CasePlan(opened, professional, outcome, sorted(steps))
    ends_on = None
    if rng.random() < 0.25:
        ends_on = started.date() + timedelta(days=rng.randint(200, 420))
    stop = min(now, at(ends_on, 9)) if ends_on else now

    # follow-ups: the first within 3 months (BL § 95, stk. 2), then on the date set
    due = first_due or _add_months(started.date(), 3)
    while True:
        if due < today and (today - due).days <= 40 and late(0.3):
            break  # this one is overdue right now (by days or weeks)
        slack = rng.randint(-25, -2) if not late(0.06) else rng.randint(3, 20)
        held = at(due + timedelta(days=slack), 10)
        if held > stop:
            break
        if held > started:
            due = _next_due(rng, held)
            add(held, "follow_up", next_due=due)
        else:
            due = _add_months(due, 1)
    # supervision visits for placed children: at least every 6 months
    if measure_kind != "support":
        due = _add_months(started.date(), 6)
        while True:
            if due < today and (today - due).days <= 40 and late(0.25):
                break
            slack = rng.randint(-60, -5) if not late(0.05) else rng.randint(3, 21)
            visit = at(due + timedelta(days=slack), 11)
            if visit > stop:
                break
            add(max(visit, started + timedelta(days=1)), "supervision")
            due = _add_months(max(visit, started).date(), 6)
    # youth: a position on a youth plan by 16 + 3 months; youth support by 18 − 6 months
    for action, years, months in (("youth_plan", 16, 3), ("youth_support", 17, 6)):
        by = _birthday(born, years, months)
        if by < started.date():
            decided = started + timedelta(hours=3)  # already that old: decided at once
        else:
            decided = at(by - timedelta(days=rng.randint(10, 70)), 12)
        if decided <= stop:
            add(max(decided, started + timedelta(hours=3)), action)
    if ends_on:
        end = at(ends_on, 9)
        if add(end, "measure_end"):
            add(end + timedelta(days=rng.randint(7, 20), hours=3), "close")
    return CasePlan(opened, professional, outcome, sorted(steps))


def _next_due(rng: random.Random, held: datetime) -> date:
    """The next follow-up date the municipality sets at a follow-up (with reasons)."""
    return _add_months(held.date(), rng.choice([3, 4, 6, 6, 6]))
