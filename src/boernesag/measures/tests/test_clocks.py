"""The follow-up and supervision clocks of the deadline engine, opened and stopped by the
measures services (not by hand-written events): Serviceloven § 70, stk. 2 before 2024,
Barnets Lov § 95, stk. 2–3 and § 156, stk. 5 from 2024."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.calendar import TZ, add_months
from boernesag.deadlines.models import Clock
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.measures import services
from boernesag.measures.tests.helpers import granted, placement_granted, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def _clocks(case, rule):
    return list(Clock.objects.filter(case=case, rule_key=rule).order_by("sequence", "id"))


def _due(clock) -> date:
    return clock.due_at.astimezone(TZ).date()


def _follow_up(w, measure, held_on, next_on, **kw):
    follow_up = services.follow_up_plan(
        measure=measure,
        by=w.caseworker,
        held_at=datetime.combine(held_on, time(10, 0), tzinfo=TZ),
        agenda="Status",
    )
    return services.follow_up_record(
        follow_up=follow_up,
        by=w.caseworker,
        expected_version=follow_up.version,
        held_on=held_on,
        decision="continue",
        scores={},
        next_follow_up_on=next_on,
        interval_reasons="Fast interval",
        child_not_talked_reason="Barnet var syg",
        **kw,
    )


def test_serviceloven_first_within_3_months_then_at_least_every_6(w, cat):
    started = date(2023, 3, 10)
    measure = start(w, granted(w, cat, on=date(2023, 3, 1)), starts_on=started)
    [clock] = _clocks(w.case, "measure_follow_up")
    assert (clock.law, clock.rule_version) == ("SEL", 1)
    assert _due(clock) == date(2023, 6, 10)
    # a next follow-up more than 6 months ahead is refused under Serviceloven
    with pytest.raises(ValidationError) as exc:
        _follow_up(w, measure, date(2023, 6, 1), date(2024, 1, 2))
    assert "mindst hver 6. måned (senest 1. december 2023)" in " ".join(exc.value.messages)
    measure.refresh_from_db()
    _follow_up(w, measure, date(2023, 6, 1), date(2023, 11, 1))
    first, second = _clocks(w.case, "measure_follow_up")
    assert first.stopped_at is not None and first.outcome() == "met"
    # then at least every 6 months from the follow-up held (the rule's then_every)
    assert second.is_running and _due(second) == date(2023, 12, 1)


def test_barnets_lov_first_by_the_running_investigations_end_then_the_date_set(w, cat):
    # build_world's case has an investigation running (assessment_started 20 days ago)
    measure = start(w, granted(w, cat))
    today = timezone.localdate()
    [clock] = _clocks(w.case, "measure_follow_up")
    assert (clock.law, clock.rule_version) == ("BL", 2)
    assert _due(clock) == add_months(today, 3)
    # § 95, stk. 2: the investigation concludes today — the first follow-up is due today
    event_write(ev.AssessmentConcluded(), case=w.case, actor=w.caseworker)
    [clock] = _clocks(w.case, "measure_follow_up")  # the projection rewrites its rows
    assert _due(clock) == today
    # § 95, stk. 3: the follow-up sets the next date, and the clock runs to it
    next_on = today + timedelta(days=150)
    _follow_up(w, measure, today, next_on)
    first, second = _clocks(w.case, "measure_follow_up")
    assert first.outcome() == "met"
    assert second.is_running and _due(second) == next_on


def test_the_follow_up_clock_runs_while_any_measure_runs(w, cat):
    one = start(w, granted(w, cat))
    two = start(w, granted(w, cat, hours_per_week=2), volume=2)
    assert len(_clocks(w.case, "measure_follow_up")) == 1  # the second joins the first
    today = timezone.localdate()
    services.measure_end(
        measure=one,
        by=w.caseworker,
        ended_on=today,
        reason="goal_met",
        final_attainment="met",
        expected_version=one.version,
    )
    [clock] = _clocks(w.case, "measure_follow_up")
    assert clock.is_running
    services.measure_end(
        measure=two,
        by=w.caseworker,
        ended_on=today,
        reason="consent_withdrawn",
        final_attainment="partly",
        expected_version=two.version,
    )
    [clock] = _clocks(w.case, "measure_follow_up")
    assert clock.cancelled_at is not None and not clock.is_running


def test_a_placement_starts_the_supervision_clock_and_a_visit_restarts_it(w, cat):
    support = start(w, granted(w, cat))
    assert _clocks(w.case, "supervision_visits") == []  # support measures have no supervision
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    today = timezone.localdate()
    [clock] = _clocks(w.case, "supervision_visits")
    assert (clock.law, _due(clock)) == ("BL", add_months(today, 6))  # twice a year
    services.supervision_visit_record(
        measure=placement, by=w.caseworker, visited_on=today, talked_alone=True
    )
    first, second = _clocks(w.case, "supervision_visits")
    assert first.outcome() == "met"
    assert second.is_running and _due(second) == add_months(today, 6)
    # ending the placement ends its supervision, though the support measure runs on
    services.measure_end(
        measure=placement,
        by=w.caseworker,
        ended_on=today,
        reason="goal_met",
        final_attainment="met",
        expected_version=placement.version,
    )
    second = _clocks(w.case, "supervision_visits")[-1]
    assert second.cancelled_at is not None
    assert any(c.is_running for c in _clocks(w.case, "measure_follow_up"))
    assert support.is_active


def test_the_same_events_give_the_same_clocks_in_deadlines_simulate(w, cat):
    """The engine's simulator, fed the events the services wrote, computes the clocks the
    case has (one engine, two entry points)."""
    from boernesag.deadlines.simulate import simulate
    from boernesag.events.models import Event

    measure = start(w, granted(w, cat, on=date(2023, 3, 1)), starts_on=date(2023, 3, 10))
    _follow_up(w, measure, date(2023, 6, 1), date(2023, 11, 1))
    events = [
        {
            "kind": e.kind,
            "occurred_at": e.occurred_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M"),
            "payload": e.payload,
        }
        for e in Event.objects.filter(
            case=w.case, kind__in=["measure_started", "follow_up_held"]
        ).order_by("occurred_at", "id")
    ]
    simulated = [
        (c["sequence"], c["law"], c["due"])
        for c in simulate({"events": events}).clocks
        if c["rule"] == "measure_follow_up"
    ]
    stored = [
        (c.sequence, c.law, c.due_at.astimezone(TZ).isoformat())
        for c in _clocks(w.case, "measure_follow_up")
    ]
    assert simulated == stored
    assert len(stored) == 2


# --- review 13, P2 13: every clock through deadlines_simulate; P2 5: the talk at a visit ------


def _simulated_equals_stored(w, rule):
    """The engine's simulator, fed every event the case has, computes the ``rule`` clocks
    the case has; returns them."""
    from boernesag.deadlines.simulate import simulate
    from boernesag.events.models import Event

    events = [
        {
            "kind": e.kind,
            "occurred_at": e.occurred_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M"),
            "payload": e.payload,
        }
        for e in Event.objects.filter(
            case=w.case,
            kind__in=[
                "measure_started",
                "measure_ended",
                "follow_up_held",
                "supervision_visit_held",
                "assessment_started",
                "assessment_concluded",
            ],
        ).order_by("occurred_at", "id")
    ]
    simulated = [
        (c["sequence"], c["law"], c["due"])
        for c in simulate({"events": events}).clocks
        if c["rule"] == rule
    ]
    stored = [
        (c.sequence, c.law, c.due_at.astimezone(TZ).isoformat()) for c in _clocks(w.case, rule)
    ]
    assert simulated == stored
    return stored


def _backdated_placement(w, cat, on):
    """A placement granted and approved on ``on`` (before 2024: Serviceloven). Approvals are
    append-only, so the backdated approval is written as its row (not through the service,
    which approves today)."""
    from boernesag.cases.services import consent_record
    from boernesag.decisions.constants import DecisionStatus
    from boernesag.decisions.models import Approval, Decision

    consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope="placement",
        form="written",
        given_on=timezone.localdate(),
    )
    decision = granted(
        w,
        cat,
        kind="placement_with_consent",
        service=cat.placement,
        hours_per_week=None,
        duration_weeks=52,
        legal_sections=[cat.s46],
    )
    moment = timezone.make_aware(datetime.combine(on, time(9, 0)))
    if decision.status == DecisionStatus.AWAITING_APPROVAL:
        Approval.objects.create(
            decision=decision,
            level=decision.required_level,
            approved=True,
            reasons="Nødvendig",
            by=w.leader_a,
            at=moment,
        )
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.DECIDED, decided_at=moment)
    decision.refresh_from_db()
    return decision


def test_barnets_lov_follow_up_in_deadlines_simulate(w, cat):
    today = timezone.localdate()
    measure = start(w, granted(w, cat))
    _follow_up(w, measure, today, today + timedelta(days=150))
    stored = _simulated_equals_stored(w, "measure_follow_up")
    assert [(s, law) for s, law, _due in stored] == [(1, "BL"), (2, "BL")]
    assert stored[1][2].startswith((today + timedelta(days=150)).isoformat())


def test_barnets_lov_supervision_in_deadlines_simulate(w, cat):
    today = timezone.localdate()
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    services.supervision_visit_record(
        measure=placement, by=w.caseworker, visited_on=today, talk="alone"
    )
    stored = _simulated_equals_stored(w, "supervision_visits")
    assert [(s, law) for s, law, _due in stored] == [(1, "BL"), (2, "BL")]
    assert stored[1][2].startswith(add_months(today, 6).isoformat())


def test_serviceloven_supervision_in_deadlines_simulate(w, cat):
    started = date(2023, 3, 10)
    placement = start(
        w,
        _backdated_placement(w, cat, date(2023, 3, 1)),
        starts_on=started,
        volume=7,
        unit="days_per_week",
    )
    [clock] = _clocks(w.case, "supervision_visits")
    assert clock.law == "SEL"
    services.supervision_visit_record(
        measure=placement, by=w.caseworker, visited_on=date(2023, 6, 1), talk="alone"
    )
    stored = _simulated_equals_stored(w, "supervision_visits")
    assert [(s, law) for s, law, _due in stored] == [(1, "SEL"), (2, "SEL")]


def test_a_visit_without_a_talk_is_recorded_but_the_supervision_clock_runs_on(w, cat):
    """Barnets Lov § 156, stk. 5: a talk with the child at each visit. "Did not talk" (or a
    visit not at the placement) is recorded, writes no supervision_visit_held and leaves the
    clock running to its first due date; a talk with staff present (with the reason) meets
    the duty."""
    from boernesag.events.models import Event
    from boernesag.measures.models import SupervisionVisit

    today = timezone.localdate()
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    with pytest.raises(ValidationError) as exc:
        services.supervision_visit_record(
            measure=placement, by=w.caseworker, visited_on=today, talk="not_talked"
        )
    assert exc.value.message_dict["not_alone_reason"] == [
        "Skriv hvorfor der ikke blev talt med barnet (Barnets Lov § 156, stk. 5)."
    ]
    visit = services.supervision_visit_record(
        measure=placement,
        by=w.caseworker,
        visited_on=today,
        talk="not_talked",
        not_alone_reason="Barnet sov",
    )
    assert (visit.talk, visit.meets_duty, visit.at_placement) == ("not_talked", False, True)
    away = services.supervision_visit_record(
        measure=placement,
        by=w.caseworker,
        visited_on=today,
        talk="alone",
        at_placement=False,
    )
    assert (away.meets_duty, away.at_placement) == (False, False)
    assert not Event.objects.filter(case=w.case, kind="supervision_visit_held").exists()
    [clock] = _clocks(w.case, "supervision_visits")
    assert clock.is_running and _due(clock) == add_months(today, 6)
    services.supervision_visit_record(
        measure=placement,
        by=w.caseworker,
        visited_on=today,
        talk="with_staff",
        not_alone_reason="Barnet ønskede plejemor med",
    )
    first, second = _clocks(w.case, "supervision_visits")
    assert first.outcome() == "met" and second.is_running
    assert SupervisionVisit.objects.filter(measure=placement).count() == 3
