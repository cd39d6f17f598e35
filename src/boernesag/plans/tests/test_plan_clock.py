"""The plan deadlines (Barnets Lov § 91, stk. 1–2, § 108; Serviceloven § 140) with plans:
through ``deadlines_simulate`` (the engine and rule data the cases use), and on a real case
through the services — a plan made before the decision never shows a false overdue."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.models import Clock
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.plans import services
from boernesag.plans.tests.helpers import draft_plan, made_plan


def simulate(tmp_path, events, *, now="2026-12-01T12:00", birth_date="2014-05-01"):
    path = tmp_path / "forloeb.json"
    path.write_text(json.dumps({"birth_date": birth_date, "now": now, "events": events}))
    out = StringIO()
    call_command("deadlines_simulate", str(path), stdout=out)
    return json.loads(out.getvalue())["clocks"]


def clocks_of(result, rule):
    return [c for c in result if c["rule"] == rule]


def support_decision(at, subject="afgoerelse-1", **payload):
    return {
        "kind": "decision_made",
        "occurred_at": at,
        "payload": {"measure_kind": "support", **payload},
        "subject": subject,  # a decision with its own subject: the plan still reaches it
    }


def test_a_plan_made_before_the_decision_satisfies_it_and_is_never_overdue(tmp_path):
    result = simulate(
        tmp_path,
        [
            {
                "kind": "plan_made",
                "occurred_at": "2026-03-02T10:00",
                "payload": {"plan_kind": "child", "plan": 7},
            },
            support_decision("2026-03-20T10:00"),
        ],
    )
    (clock,) = clocks_of(result, "plan_after_support_decision")
    assert clock["status"] == "met"
    assert clock["stopped"] == "2026-03-02T10:00:00+01:00"
    assert clock["reference"] == "Barnets Lov § 91, stk. 1"


def test_a_plan_within_three_months_of_the_decision_is_on_time_and_none_is_missed(tmp_path):
    on_time = simulate(
        tmp_path,
        [
            support_decision("2026-03-20T10:00"),
            {
                "kind": "plan_made",
                "occurred_at": "2026-06-19T10:00",
                "payload": {"plan_kind": "child", "plan": 7},
            },
        ],
    )
    (clock,) = clocks_of(on_time, "plan_after_support_decision")
    assert clock["status"] == "met"
    assert clock["due"].startswith("2026-06-20")
    missing = simulate(tmp_path, [support_decision("2026-03-20T10:00")])
    (clock,) = clocks_of(missing, "plan_after_support_decision")
    assert clock["status"] == "missed"


def test_a_decision_recording_no_plan_starts_no_plan_clock(tmp_path):
    result = simulate(tmp_path, [support_decision("2026-03-20T10:00", plan_needed=False)])
    assert clocks_of(result, "plan_after_support_decision") == []


def test_a_revision_counts_as_the_plan_for_a_later_decision(tmp_path):
    # the first plan satisfied the support decision; a placement follows, and the plan is
    # revised for it — before or after the placement decision
    base = [
        {
            "kind": "plan_made",
            "occurred_at": "2026-02-01T10:00",
            "payload": {"plan_kind": "child", "plan": 7},
        },
        support_decision("2026-02-10T10:00"),
    ]
    placement = {
        "kind": "decision_made",
        "occurred_at": "2026-06-01T10:00",
        "payload": {"measure_kind": "placement_with_consent"},
        "subject": "afgoerelse-2",
    }
    revised_after = {
        "kind": "plan_revised",
        "occurred_at": "2026-07-15T10:00",
        "payload": {"plan_kind": "child", "plan": 7, "number": 2},
    }
    revised_before = dict(revised_after, occurred_at="2026-05-28T10:00")
    after = simulate(tmp_path, [*base, placement, revised_after])
    (clock,) = clocks_of(after, "plan_placement_with_consent")
    assert (clock["status"], clock["stopped"]) == ("met", "2026-07-15T10:00:00+02:00")
    before = simulate(tmp_path, [*base, revised_before, placement])
    (clock,) = clocks_of(before, "plan_placement_with_consent")
    assert (clock["status"], clock["stopped"]) == ("met", "2026-05-28T10:00:00+02:00")
    # without any plan after the first one, the placement's plan is missing
    none = simulate(tmp_path, [*base, placement])
    (clock,) = clocks_of(none, "plan_placement_with_consent")
    assert clock["status"] == "missed"


def test_a_placement_without_consent_needs_the_plan_before_the_decision(tmp_path):
    decision = {
        "kind": "decision_made",
        "occurred_at": "2026-04-01T10:00",
        "payload": {"measure_kind": "placement_without_consent"},
    }
    plan = {
        "kind": "plan_made",
        "occurred_at": "2026-03-30T10:00",
        "payload": {"plan_kind": "child", "plan": 3},
    }
    (clock,) = clocks_of(simulate(tmp_path, [plan, decision]), "plan_placement_without_consent")
    assert clock["status"] == "met"
    late = dict(plan, occurred_at="2026-04-03T10:00")
    (clock,) = clocks_of(simulate(tmp_path, [decision, late]), "plan_placement_without_consent")
    assert clock["status"] == "late"


def test_a_youth_plan_stops_the_youth_plan_clock(tmp_path):
    events = [
        {
            "kind": "measure_started",
            "occurred_at": "2026-01-05T10:00",
            "payload": {"measure_kind": "support", "measure": 1},
        },
        {
            "kind": "plan_made",
            "occurred_at": "2026-06-01T10:00",
            "payload": {"plan_kind": "youth", "plan": 9},
        },
        {"kind": "youth_plan_decided", "occurred_at": "2026-06-01T10:00", "payload": {"plan": 9}},
    ]
    (clock,) = clocks_of(simulate(tmp_path, events, birth_date="2010-04-01"), "youth_plan_at_16")
    assert clock["status"] == "met"
    assert clock["due"].startswith("2026-07-01")  # 16 years and 3 months


def test_a_serviceloven_handleplan_made_before_the_decision_satisfies_section_140(tmp_path):
    result = simulate(
        tmp_path,
        [
            {
                "kind": "plan_made",
                "occurred_at": "2023-05-01T10:00",
                "payload": {"plan_kind": "action", "plan": 2},
            },
            support_decision("2023-05-10T10:00"),
        ],
        now="2023-12-01T12:00",
    )
    (clock,) = clocks_of(result, "plan_after_support_decision")
    assert (clock["status"], clock["law"]) == ("met", "SEL")
    assert clock["reference"] == "Serviceloven § 140, stk. 1"


@pytest.mark.django_db
def test_on_a_case_the_plan_made_through_the_service_before_the_decision_shows_no_overdue():
    w = build_world()
    plan = draft_plan(w)
    services.plan_make(
        plan=plan,
        by=w.caseworker,
        made_on=timezone.localdate() - timedelta(days=3),
        expected_version=plan.version,
    )
    event_write(
        ev.DecisionMade(measure_kind="support", outcome="grant"),
        case=w.case,
        actor=w.caseworker,
        subject=w.case,
    )
    clock = Clock.objects.get(case=w.case, rule_key="plan_after_support_decision")
    assert clock.stopped_at is not None
    assert clock.stopped_at < clock.started_at  # met by the earlier plan
    assert (
        not Clock.objects.filter(case=w.case, rule_key="plan_after_support_decision")
        .running()
        .exists()
    )


@pytest.mark.django_db
def test_on_a_case_a_revision_after_a_new_decision_stops_its_plan_clock():
    w = build_world()
    plan = made_plan(w)
    event_write(ev.DecisionMade(measure_kind="support"), case=w.case, actor=w.caseworker)
    event_write(
        ev.DecisionMade(measure_kind="placement_with_consent"), case=w.case, actor=w.caseworker
    )
    running = Clock.objects.get(case=w.case, rule_key="plan_placement_with_consent")
    assert running.stopped_at is None
    plan.refresh_from_db()
    services.plan_revise(
        plan=plan,
        by=w.caseworker,
        made_on=timezone.localdate(),
        changes="Anbringelsen er skrevet ind",
        reason="Afgørelse om anbringelse",
        expected_version=plan.version,
    )
    # the projection recomputes the case's clocks (rows are rewritten): read it again
    stopped = Clock.objects.get(case=w.case, rule_key="plan_placement_with_consent")
    assert stopped.stopped_at is not None and stopped.outcome() == "met"
