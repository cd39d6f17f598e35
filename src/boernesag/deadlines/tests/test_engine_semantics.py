"""Golden tests of the engine semantics the law needs (issue 10, item 6), each driven by rule
data: recurrences (also across the Serviceloven → Barnets Lov switch), a stop before the
start, the first follow-up bound to a parallel investigation, organisation clocks, windows,
and responsibility at the time. Pure: no database."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.engine import Ev, compute_clocks
from boernesag.deadlines.rules import RuleError, load_rules, parse_rule_file, rule_get
from boernesag.deadlines.tests.test_rules import GOLDEN
from boernesag.events.constants import Scope


def t(y, m, d, h=12, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def clocks(events, rule=None, *, birth=date(2012, 3, 10), scope=Scope.CASE):
    result = compute_clocks(events, birth_date=birth, local_rules=[], scope=scope)
    return [c for c in result if rule is None or c.rule_key == rule]


# --- every rule has golden examples -----------------------------------------------------

ORG_GOLDEN = {
    "catalogue_service_revision": (
        [
            Ev(
                1,
                "service_approved",
                t(2026, 2, 1),
                "catalogue.service:1",
                {"version": 1, "revision_interval_months": 12},
            )
        ],
        date(2027, 2, 1),
    ),
    "casework_standard_review": (
        [Ev(1, "standard_approved", t(2026, 2, 1), "policies.caseworkstandard:1", {})],
        date(2028, 2, 1),
    ),
    "report_triage_unidentified": (
        [Ev(1, "unidentified_report_received", t(2026, 2, 1, 22), "intake.intakechild:9", {})],
        date(2026, 2, 2),
    ),
}


def test_every_shipped_rule_has_golden_examples():
    case_rules = {g[0] for g in GOLDEN}
    assert case_rules | set(ORG_GOLDEN) == set(load_rules())


@pytest.mark.parametrize("rule", sorted(ORG_GOLDEN))
def test_golden_organisation_rules(rule):
    events, due = ORG_GOLDEN[rule]
    (clock,) = clocks(events, rule, scope=Scope.ORGANISATION)
    assert clock.due_at.astimezone(TZ).date() == due
    assert clock.subject == events[0].subject


SWITCHING = sorted(
    key for key, rule in load_rules().items() if {v.law for v in rule.versions} >= {"SEL", "BL"}
)


@pytest.mark.parametrize("rule_key", SWITCHING)
def test_serviceloven_until_31_december_2023_barnets_lov_from_1_january_2024(rule_key):
    rule = load_rules()[rule_key]
    before, after = rule.version_for(t(2023, 12, 31, 23, 59)), rule.version_for(t(2024, 1, 1, 0))
    assert (before.law, after.law) == ("SEL", "BL")
    start_kind = before.start[0]
    payload = {}
    for key, values in (before.conditions.get("payload_in") or {}).items():
        payload[key] = values[0]
    payload.update(before.conditions.get("payload_equals") or {})
    old = clocks(
        [Ev(1, start_kind, t(2023, 12, 31, 23, 30), "", payload)], rule_key, scope=rule.scope
    )
    new = clocks([Ev(1, start_kind, t(2024, 1, 1, 0, 30), "", payload)], rule_key, scope=rule.scope)
    assert [c.law for c in old] == ["SEL"] and [c.law for c in new] == ["BL"]


# --- recurrences ----------------------------------------------------------------------------


def test_barnets_lov_follow_ups_first_3_months_then_the_date_set_else_3_months():
    first, second, third = clocks(
        [
            Ev(1, "measure_started", t(2026, 1, 15), "", {"measure_kind": "support"}),
            Ev(2, "follow_up_held", t(2026, 4, 1), "", {"next_follow_up_due": "2026-09-30"}),
            Ev(3, "follow_up_held", t(2026, 9, 20), "", {"next_follow_up_due": None}),
        ],
        "measure_follow_up",
    )
    assert first.due_at.date() == date(2026, 4, 15)
    assert second.due_at.date() == date(2026, 9, 30)  # the date the municipality set
    assert third.due_at.date() == date(2026, 12, 20)  # none recorded: Børnesag's default


def test_follow_ups_across_the_switch_take_the_version_in_force_at_each_follow_up():
    first, second, third = clocks(
        [
            Ev(1, "measure_started", t(2023, 9, 1), "", {"measure_kind": "support"}),
            Ev(2, "follow_up_held", t(2023, 11, 20), "", {"next_follow_up_due": "2024-02-01"}),
            Ev(3, "follow_up_held", t(2024, 2, 1), "", {"next_follow_up_due": "2024-08-01"}),
        ],
        "measure_follow_up",
    )
    assert (first.law, second.law, third.law) == ("SEL", "SEL", "BL")
    assert second.due_at.date() == date(2024, 5, 20)  # SEL: 6 months after the follow-up
    assert third.due_at.date() == date(2024, 8, 1)  # BL: the date set at that follow-up


def test_supervision_visits_recur_whatever_the_visits_payload():
    started = Ev(
        1, "measure_started", t(2026, 1, 15), "", {"measure_kind": "placement_with_consent"}
    )
    visits = [
        Ev(i + 2, "supervision_visit_held", t(2026, 1 + 5 * (i + 1), 1), "", {}) for i in range(2)
    ]
    chain = clocks([started, *visits], "supervision_visits")
    assert [c.sequence for c in chain] == [1, 2, 3]
    assert chain[1].due_at.date() == date(2026, 12, 1)  # 6 months after the first visit
    assert chain[2].stopped_at is None and chain[2].due_at.date() == date(2027, 5, 1)
    # conditions are checked once, on the start: support gives no supervision clock
    assert (
        clocks(
            [Ev(1, "measure_started", t(2026, 1, 15), "", {"measure_kind": "support"})],
            "supervision_visits",
        )
        == []
    )


def test_catalogue_revision_recurs_at_the_services_own_interval_at_most_yearly():
    service = "catalogue.service:4"
    chain = clocks(
        [
            Ev(
                1,
                "service_approved",
                t(2025, 3, 1),
                service,
                {"version": 1, "revision_interval_months": 6},
            ),
            Ev(
                2,
                "service_revised",
                t(2025, 8, 20),
                service,
                {"revision": 1, "decision": "continue", "revision_interval_months": 24},
            ),
            Ev(
                3,
                "service_approved",
                t(2026, 1, 5),
                service,
                {"version": 2, "revision_interval_months": 12},
            ),
            Ev(4, "service_closed", t(2026, 3, 1), service, {}),
        ],
        "catalogue_service_revision",
        scope=Scope.ORGANISATION,
    )
    assert [c.due_at.date() for c in chain] == [
        date(2025, 9, 1),
        date(2026, 8, 20),
        date(2027, 1, 5),
    ]
    assert chain[1].stopped_at == t(2026, 1, 5)  # a new approved version counts as revised
    assert chain[2].cancelled_at == t(2026, 3, 1)  # closing the service ends it


def test_casework_standards_reviewed_at_least_every_second_year():
    std = "policies.caseworkstandard:2"
    chain = clocks(
        [
            Ev(1, "standard_approved", t(2024, 5, 1), std, {"review_interval_months": 12}),
            Ev(2, "standard_reviewed", t(2025, 4, 1), std, {"review_interval_months": None}),
        ],
        "casework_standard_review",
        scope=Scope.ORGANISATION,
    )
    assert [c.due_at.date() for c in chain] == [date(2025, 5, 1), date(2027, 4, 1)]


def test_organisation_clocks_are_per_subject():
    chain = clocks(
        [
            Ev(
                1,
                "service_approved",
                t(2026, 1, 1),
                "catalogue.service:1",
                {"version": 1, "revision_interval_months": 12},
            ),
            Ev(
                2,
                "service_approved",
                t(2026, 2, 1),
                "catalogue.service:2",
                {"version": 1, "revision_interval_months": 12},
            ),
            Ev(
                3,
                "service_revised",
                t(2026, 3, 1),
                "catalogue.service:2",
                {"revision": 1, "decision": "continue", "revision_interval_months": 12},
            ),
        ],
        "catalogue_service_revision",
        scope=Scope.ORGANISATION,
    )
    by_subject = {(c.subject, c.sequence): c for c in chain}
    assert by_subject[("catalogue.service:1", 1)].stopped_at is None
    assert by_subject[("catalogue.service:2", 2)].stopped_at == t(2026, 3, 1)


# --- several measures at once ----------------------------------------------------------------


def test_one_of_two_measures_ending_does_not_end_the_others_follow_up_or_supervision():
    """A support measure for the family and a placement of the child: ending the support
    must not cancel the placed child's supervision visits or the follow-up, and ending the
    placement ends the supervision (but the follow-up runs on for the support)."""
    support = Ev(1, "measure_started", t(2026, 1, 5), "", {"measure_kind": "support", "measure": 1})
    placed = Ev(
        2,
        "measure_started",
        t(2026, 2, 1),
        "",
        {"measure_kind": "placement_with_consent", "measure": 2},
    )
    support_ends = Ev(3, "measure_ended", t(2026, 3, 1), "", {"measure": 1})
    (follow_up,) = clocks([support, placed, support_ends], "measure_follow_up")
    (visit,) = clocks([support, placed, support_ends], "supervision_visits")
    (youth,) = clocks([support, placed, support_ends], "youth_support_decision")
    assert follow_up.cancelled_at is None and visit.cancelled_at is None
    assert youth.cancelled_at is None  # the placement still ends at 18
    placement_ends = Ev(3, "measure_ended", t(2026, 3, 1), "", {"measure": 2})
    (follow_up,) = clocks([support, placed, placement_ends], "measure_follow_up")
    (visit,) = clocks([support, placed, placement_ends], "supervision_visits")
    assert follow_up.cancelled_at is None  # the support measure still runs
    assert visit.cancelled_at == t(2026, 3, 1)  # no placed child to visit
    both = [
        support,
        placed,
        support_ends,
        Ev(4, "measure_ended", t(2026, 5, 1), "", {"measure": 2}),
    ]
    assert [c.cancelled_at for c in clocks(both, "measure_follow_up")] == [t(2026, 5, 1)]
    # a measure ended without saying which (as before measures were recorded), or the case
    # closed: everything ends
    unnamed = [support, placed, Ev(3, "measure_ended", t(2026, 3, 1), "", {})]
    assert clocks(unnamed, "supervision_visits")[0].cancelled_at == t(2026, 3, 1)
    closed = [support, placed, Ev(3, "case_closed", t(2026, 3, 1), "", {})]
    assert clocks(closed, "measure_follow_up")[0].cancelled_at == t(2026, 3, 1)


def test_the_measures_a_recurring_clock_runs_for_carry_over_its_restarts():
    events = [
        Ev(1, "measure_started", t(2026, 1, 5), "", {"measure_kind": "support", "measure": 1}),
        Ev(2, "measure_started", t(2026, 1, 20), "", {"measure_kind": "support", "measure": 2}),
        Ev(3, "follow_up_held", t(2026, 3, 1), "", {}),
        Ev(4, "measure_ended", t(2026, 4, 1), "", {"measure": 1}),
        Ev(5, "follow_up_held", t(2026, 5, 1), "", {}),
        Ev(6, "measure_ended", t(2026, 6, 1), "", {"measure": 2}),
    ]
    chain = clocks(events, "measure_follow_up")
    assert [c.stopped_at for c in chain] == [t(2026, 3, 1), t(2026, 5, 1), None]
    assert chain[2].cancelled_at == t(2026, 6, 1)


# --- a stop before the start ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "measure_kind"),
    [
        ("plan_after_support_decision", "support"),
        ("plan_placement_with_consent", "placement_with_consent"),
        ("plan_placement_without_consent", "placement_without_consent"),
    ],
)
def test_a_plan_made_before_the_decision_satisfies_the_plan_deadline(rule, measure_kind):
    (clock,) = clocks(
        [
            Ev(1, "plan_made", t(2026, 3, 1), "", {}),
            Ev(2, "decision_made", t(2026, 3, 5), "", {"measure_kind": measure_kind}),
        ],
        rule,
    )
    assert clock.stopped_at == t(2026, 3, 1) and clock.stop_event_id == 1
    assert clock.stopped_at <= clock.due_at  # met
    # a plan at the very moment of the decision counts too
    (same,) = clocks(
        [
            Ev(1, "decision_made", t(2026, 3, 5), "", {"measure_kind": measure_kind}),
            Ev(2, "plan_made", t(2026, 3, 5), "", {}),
        ],
        rule,
    )
    assert same.stopped_at == t(2026, 3, 5)


def test_an_earlier_plan_counts_once_and_not_after_the_measure_ended():
    first, second = clocks(
        [
            Ev(1, "plan_made", t(2026, 1, 1), "", {}),
            Ev(2, "decision_made", t(2026, 1, 5), "", {"measure_kind": "support"}),
            Ev(3, "decision_made", t(2026, 2, 5), "", {"measure_kind": "support"}),
        ],
        "plan_after_support_decision",
    )
    assert first.stopped_at == t(2026, 1, 1)
    assert second.stopped_at is None  # the plan already satisfied the first decision
    (after_end,) = clocks(
        [
            Ev(1, "plan_made", t(2026, 1, 1), "", {}),
            Ev(2, "measure_ended", t(2026, 1, 3), "", {}),
            Ev(3, "decision_made", t(2026, 1, 5), "", {"measure_kind": "support"}),
        ],
        "plan_after_support_decision",
    )
    assert after_end.stopped_at is None


def test_other_rules_are_not_met_by_a_stop_before_their_start():
    (clock,) = clocks(
        [
            Ev(1, "assessment_concluded", t(2026, 1, 1), "", {}),
            Ev(2, "assessment_started", t(2026, 1, 5), "", {}),
        ],
        "assessment_duration",
    )
    assert clock.stopped_at is None


# --- Barnets Lov § 95, stk. 2 ----------------------------------------------------------------


def test_first_follow_up_when_a_parallel_investigation_concludes_if_that_is_earlier():
    events = [
        Ev(1, "assessment_started", t(2026, 1, 5), "", {}),
        Ev(2, "measure_started", t(2026, 1, 20), "", {"measure_kind": "support"}),
        Ev(3, "assessment_concluded", t(2026, 3, 10, 14), "", {}),
    ]
    (follow_up,) = clocks(events, "measure_follow_up")
    assert follow_up.due_at == datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=TZ)
    # concluding after 3 months changes nothing: the earlier of the two
    late = [*events[:2], Ev(3, "assessment_concluded", t(2026, 5, 10), "", {})]
    (follow_up,) = clocks(late, "measure_follow_up")
    assert follow_up.due_at.date() == date(2026, 4, 20)
    # a measure started after the investigation is simply 3 months
    after = [
        events[0],
        events[2],
        Ev(4, "measure_started", t(2026, 3, 20), "", {"measure_kind": "support"}),
    ]
    (follow_up,) = clocks(after, "measure_follow_up")
    assert follow_up.due_at.date() == date(2026, 6, 20)


# --- responsibility at the time --------------------------------------------------------------


def test_clocks_record_responsibility_at_start_stop_and_when_decided():
    opened = Ev(1, "case_opened", t(2026, 1, 1), "", {"team": 10, "caseworker": 100})
    start = Ev(2, "assessment_started", t(2026, 1, 5), "", {})
    moved_before_due = Ev(
        3,
        "case_reassigned",
        t(2026, 3, 1),
        "",
        {"reassignment": 1, "from_team": 10, "to_team": 20, "to_caseworker": 200},
    )
    (clock,) = clocks([opened, start, moved_before_due], "assessment_duration")
    assert (clock.start_team_id, clock.start_caseworker_id) == (10, 100)
    assert (clock.team_id, clock.caseworker_id) == (20, 200)  # the new team holds it when due
    moved_after_due = Ev(
        3,
        "case_reassigned",
        t(2026, 6, 1),
        "",
        {"reassignment": 1, "from_team": 10, "to_team": 20, "to_caseworker": 200},
    )
    (missed,) = clocks([opened, start, moved_after_due], "assessment_duration")
    assert (missed.team_id, missed.caseworker_id) == (10, 100)  # missed by the first team
    concluded = Ev(4, "assessment_concluded", t(2026, 2, 1), "", {})
    (met,) = clocks([opened, start, concluded, moved_before_due], "assessment_duration")
    assert (met.stop_team_id, met.team_id) == (10, 10)


# --- windows ------------------------------------------------------------------------------------


def test_the_appeal_window_is_a_window_not_a_duty():
    rule = rule_get("appeal_window")
    assert rule.window and not rule.compliance


def test_old_rule_keys_are_aliases():
    assert rule_get("report_assessment").key == "report_triage"


# --- rule files are validated against the event catalogue ---------------------------------


BASE = """key: bad
title: Test
explanation: Test
{scope}versions:
  - version: 1
    law: BL
    reference: x
    valid_from: 2024-01-01
    start: [{start}]
    stop: [{stop}]
    duration: {{amount: 3, unit: months}}
{extra}"""


@pytest.mark.parametrize(
    ("start", "stop", "extra", "scope", "line", "message"),
    [
        (
            "decision_made",
            "plan_made",
            "    conditions:\n      payload_equals: {measure_type: support}\n",
            "",
            13,
            "betingelsen payload_equals læser 'measure_type', som hændelsen decision_made ikke har",
        ),
        (
            "decision_made",
            "plan_made",
            "    conditions:\n      payload_in: {measure_kind: [support, foster_care]}\n",
            "",
            13,
            "ukendt værdi 'foster_care'",
        ),
        (
            "measure_started",
            "follow_up_held",
            "    due_from_payload: next_date\n",
            "",
            12,
            "due_from_payload læser 'next_date'",
        ),
        (
            "assessment_started",
            "assessment_concluded",
            "    start_from_payload: aware\n",
            "",
            12,
            "start_from_payload læser 'aware'",
        ),
        (
            "report_assessed",
            "report_triaged",
            "",
            "",
            9,
            "hændelsen 'report_assessed' hedder nu 'report_triaged'",
        ),
        (
            "service_approved",
            "service_revised",
            "",
            "",
            9,
            "hører til en organisation",
        ),
        (
            "report_received",
            "report_triaged",
            "",
            "scope: organisation\n",
            10,
            "hører til en sag",
        ),
        (
            "measure_started",
            "follow_up_held",
            "    then_every: {amount: 6, unit: months}\n",
            "",
            12,
            "then_every kræver restart_on_stop",
        ),
        (
            "measure_started",
            "follow_up_held",
            "    cancel: [measure_ended]\n    track: measure_kind\n",
            "",
            13,
            "track 'measure_kind' i measure_started er en af",
        ),
        (
            "measure_started",
            "follow_up_held",
            "    cancel: [case_closed]\n    track: measure\n",
            "",
            13,
            "track: ingen cancel-hændelse har 'measure'",
        ),
    ],
)
def test_a_rule_reading_what_the_catalogue_does_not_declare_refuses_to_load(
    tmp_path: Path, start, stop, extra, scope, line, message
):
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.format(start=start, stop=stop, extra=extra, scope=scope))
    with pytest.raises(RuleError) as error:
        parse_rule_file(path)
    assert str(error.value).startswith(f"bad.yaml, linje {line}: "), str(error.value)
    assert message in str(error.value)


def test_every_shipped_rule_reads_only_declared_payload_fields():
    from boernesag.events.catalogue import REGISTRY

    for rule in load_rules().values():
        for version in rule.versions:
            for kind in version.start:
                for cond in ("payload_equals", "payload_in"):
                    for key in version.conditions.get(cond) or {}:
                        assert key in REGISTRY[kind].specs, (rule.key, kind, key)


def test_restarted_clock_keeps_counting_from_the_stop():
    start = t(2026, 1, 15)
    _first, second = clocks(
        [
            Ev(1, "measure_started", start, "", {"measure_kind": "placement_without_consent"}),
            Ev(2, "supervision_visit_held", start + timedelta(days=30), "", {}),
        ],
        "supervision_visits",
    )
    assert second.started_at == start + timedelta(days=30)
    assert second.start_event_id == 2


def test_closing_the_case_cancels_the_clocks_of_every_report_not_just_one_without_subject():
    """Two concern reports (one clock each, subject = the report) and the case is closed
    before they are triaged: both 24-hour clocks end as cancelled, none stays running."""
    report = {"intake_kind": "concern_report", "notifier_professional": False}
    events = [
        Ev(1, "report_received", t(2026, 3, 2, 9), "intake.intakechild:1", report),
        Ev(2, "report_received", t(2026, 3, 2, 10), "intake.intakechild:2", report),
        Ev(3, "case_closed", t(2026, 3, 2, 11), "cases.case:7", {}),
    ]
    result = clocks(events, "report_triage")
    assert len(result) == 2
    assert [c.cancelled_at for c in result] == [t(2026, 3, 2, 11)] * 2
    assert all(c.stopped_at is None for c in result)


def test_the_conclusion_stops_the_investigation_clock_the_triage_started():
    """The triage starts the 4-month clock with the report as subject (intake); the
    conclusion is written about the investigation (assessments). Subjects of different kinds
    do not tell clocks apart: the conclusion stops that clock (Barnets Lov § 20, stk. 3) —
    found by the whole-case browser test, where the clock ran on after the conclusion."""
    aware = t(2026, 3, 2, 9)
    events = [
        Ev(1, "assessment_started", aware, "intake.intakechild:4", {"aware_at": aware}),
        Ev(2, "assessment_concluded", t(2026, 5, 1), "assessments.assessment:3", {}),
    ]
    (clock,) = clocks(events, "assessment_duration")
    assert clock.stopped_at == t(2026, 5, 1) and clock.stop_event_id == 2


def test_a_triage_of_one_report_does_not_stop_the_clock_of_another():
    """Subjects of the same kind still tell clocks apart: report 2's triage never stops
    report 1's 24 hours (Barnets Lov § 136)."""
    report = {"intake_kind": "concern_report", "notifier_professional": False}
    events = [
        Ev(1, "report_received", t(2026, 3, 2, 9), "intake.intakechild:1", report),
        Ev(2, "report_triaged", t(2026, 3, 2, 10), "intake.intakechild:2", {}),
    ]
    (clock,) = clocks(events, "report_triage")
    assert clock.stopped_at is None
