"""The shipped rules: every file validates, and golden examples per rule."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.engine import Ev, LocalRule, compute_clocks
from boernesag.deadlines.rules import RuleError, load_rules, parse_rule_file

DOMAIN_ROWS = {
    "report_triage",
    "report_triage_unidentified",
    "notifier_receipt",
    "assessment_duration",
    "plan_after_support_decision",
    "plan_placement_with_consent",
    "plan_placement_without_consent",
    "youth_plan_at_16",
    "youth_support_decision",
    "measure_follow_up",
    "supervision_visits",
    "youth_crime_network_meeting",
    "substance_treatment",
    "access_request_decision",
    "appeal_window",
    "appeal_reconsideration",
    "casework_standard_review",
    "catalogue_service_revision",
}
# Rules from the municipalities' practice in the seeds (DOMAIN.md §3), not from the law table.
PRACTICE_ROWS = {"resource_person_follow_up"}  # Slagelse: 3 months, then at least yearly


def t(y, m, d, h=12, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def test_every_row_of_the_domain_table_ships_as_a_rule():
    assert set(load_rules()) == DOMAIN_ROWS | PRACTICE_ROWS


def test_unverified_references_are_marked_in_the_data():
    unverified = {
        (r.key, v.version) for r in load_rules().values() for v in r.versions if not v.verified
    }
    assert ("notifier_receipt", 2) in unverified
    assert ("youth_crime_network_meeting", 2) in unverified
    assert all(
        "verificér" in v.reference
        for r in load_rules().values()
        for v in r.versions
        if not v.verified
    )


def test_version_applies_by_the_start_events_date():
    rule = load_rules()["assessment_duration"]
    assert rule.version_for(t(2023, 12, 31, 23, 59)).law == "SEL"
    assert rule.version_for(t(2024, 1, 1, 0, 0)).law == "BL"


# (rule, start event, extra payload, stop kind, start time, expected due (local date))
GOLDEN = [
    (
        "report_triage",
        "report_received",
        {},
        "report_triaged",
        t(2026, 3, 27, 19),
        t(2026, 3, 28, 19),
    ),
    (
        "report_triage",
        "report_received",
        {},
        "report_triaged",
        t(2023, 12, 31, 20),
        t(2024, 1, 1, 20),
    ),  # Serviceloven: the start event's date decides
    (
        "notifier_receipt",
        "report_received",
        {"notifier_professional": True},
        "receipt_sent",
        t(2026, 3, 27, 19),
        t(2026, 4, 9, 23, 59),
    ),  # Friday evening before Easter
    (
        "assessment_duration",
        "assessment_started",
        {},
        "assessment_concluded",
        t(2026, 1, 31, 9),
        t(2026, 5, 31, 23, 59),
    ),
    (
        "assessment_duration",
        "assessment_started",
        {},
        "assessment_concluded",
        t(2023, 6, 1, 9),
        t(2023, 10, 1, 23, 59),
    ),
    (
        "plan_after_support_decision",
        "decision_made",
        {"measure_kind": "support"},
        "plan_made",
        t(2026, 2, 10),
        t(2026, 5, 10, 23, 59),
    ),
    (
        "plan_after_support_decision",
        "decision_made",
        {"measure_kind": "support"},
        "plan_made",
        t(2023, 2, 10),
        t(2023, 6, 10, 23, 59),
    ),
    (
        "plan_placement_with_consent",
        "decision_made",
        {"measure_kind": "placement_with_consent"},
        "plan_made",
        t(2026, 2, 10),
        t(2026, 5, 10, 23, 59),
    ),
    (
        "plan_placement_without_consent",
        "decision_made",
        {"measure_kind": "placement_without_consent"},
        "plan_made",
        t(2026, 2, 10),
        t(2026, 2, 10, 23, 59),
    ),
    (
        "measure_follow_up",
        "measure_started",
        {},
        "follow_up_held",
        t(2026, 1, 15),
        t(2026, 4, 15, 23, 59),
    ),
    (
        "supervision_visits",
        "measure_started",
        {"measure_kind": "placement_with_consent"},
        "supervision_visit_held",
        t(2026, 1, 15),
        t(2026, 7, 15, 23, 59),
    ),
    (
        "youth_crime_network_meeting",
        "police_documentation_received",
        {},
        "network_meeting_held",
        t(2026, 6, 1),
        t(2026, 6, 8, 23, 59),
    ),
    (
        "substance_treatment",
        "treatment_requested",
        {},
        "treatment_offered",
        t(2026, 6, 1),
        t(2026, 6, 15, 23, 59),
    ),
    (
        "access_request_decision",
        "access_requested",
        {},
        "access_request_decided",
        t(2026, 6, 1),
        t(2026, 6, 11, 23, 59),
    ),  # 2,3,4,8,9,10,11: 5 June is not a working day
    (
        "appeal_window",
        "decision_sent",
        {},
        "appeal_received",
        t(2026, 6, 1),
        t(2026, 6, 29, 23, 59),
    ),
    (
        "appeal_reconsideration",
        "appeal_received",
        {},
        "appeal_reconsidered",
        t(2026, 6, 1),
        t(2026, 6, 29, 23, 59),
    ),
    (
        "youth_plan_at_16",
        "measure_started",
        {},
        "youth_plan_decided",
        t(2026, 1, 15),
        t(2026, 6, 10, 23, 59),
    ),  # born 10 March 2010: 16 + 3 months
    (
        "youth_support_decision",
        "measure_started",
        {},
        "youth_support_decided",
        t(2026, 1, 15),
        t(2027, 9, 10, 23, 59),
    ),  # born 10 March 2010: 18th birthday − 6 months
    (
        "resource_person_follow_up",
        "resource_person_agreement_made",
        {"relation": 1},
        "resource_person_followed_up",
        t(2026, 1, 31),
        t(2026, 4, 30, 23, 59),
    ),  # Slagelse (local practice): 3 months, then at least yearly
]
BIRTH = date(2010, 3, 10)


def run(rule_key, events, birth=BIRTH):
    clocks = compute_clocks(events, birth_date=birth, local_rules=[])
    return [c for c in clocks if c.rule_key == rule_key]


@pytest.mark.parametrize(
    ("rule", "start_kind", "payload", "stop_kind", "start", "due"),
    GOLDEN,
    ids=[g[0] for g in GOLDEN],
)
def test_golden_start_met_late_missed(rule, start_kind, payload, stop_kind, start, due):
    # start → due
    (clock,) = run(rule, [Ev(1, start_kind, start, "", payload)])
    assert clock.due_at.replace(second=0, microsecond=0) == due.replace(second=0, microsecond=0)
    assert clock.law == load_rules()[rule].version_for(start).law
    # no stop → still open, missed once the due time has passed
    assert clock.stopped_at is None
    # stop in time → met
    (met, *_) = run(
        rule,
        [
            Ev(1, start_kind, start, "", payload),
            Ev(2, stop_kind, clock.due_at - timedelta(minutes=1), "", {}),
        ],
    )
    assert met.stopped_at <= met.due_at
    # stop late → late
    (late, *_) = run(
        rule,
        [
            Ev(1, start_kind, start, "", payload),
            Ev(2, stop_kind, clock.due_at + timedelta(minutes=1), "", {}),
        ],
    )
    assert late.stopped_at > late.due_at


def test_receipts_only_for_professional_notifiers():
    for payload in ({"notifier_professional": False}, {}):
        assert run("notifier_receipt", [Ev(1, "report_received", t(2026, 1, 5), "", payload)]) == []


def test_cancel_events_cancel_running_clocks():
    (clock,) = run(
        "assessment_duration",
        [
            Ev(1, "assessment_started", t(2026, 1, 5), "", {}),
            Ev(2, "case_closed", t(2026, 2, 1), "", {}),
        ],
    )
    assert clock.cancelled_at == t(2026, 2, 1)


def test_follow_ups_recur_with_the_date_the_municipality_set():
    events = [
        Ev(1, "measure_started", t(2026, 1, 15), "", {}),
        Ev(2, "follow_up_held", t(2026, 4, 1), "", {"next_follow_up_due": "2026-09-30"}),
        Ev(3, "follow_up_held", t(2026, 9, 20), "", {}),
    ]
    first, second, third = run("measure_follow_up", events)
    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert second.due_at.date() == date(2026, 9, 30)
    assert third.due_at.date() == date(2026, 12, 20)  # no date set: 3 months
    assert third.stopped_at is None


def test_serviceloven_follow_up_first_within_3_months_then_at_least_every_6():
    """Serviceloven § 70, stk. 2: first follow-up no later than 3 months after the start,
    then at least every 6 months (not every 3)."""
    first, second, third = run(
        "measure_follow_up",
        [
            Ev(1, "measure_started", t(2023, 1, 15), "", {"measure_kind": "support"}),
            Ev(2, "follow_up_held", t(2023, 4, 1), "", {"next_follow_up_due": "2024-09-30"}),
            Ev(3, "follow_up_held", t(2023, 9, 20), "", {}),
        ],
    )
    assert first.law == second.law == third.law == "SEL"
    assert first.due_at.date() == date(2023, 4, 15)
    assert second.due_at.date() == date(2023, 10, 1)  # 6 months; SEL ignores a set date
    assert third.due_at.date() == date(2024, 3, 20)  # a 6-month SEL clock started in 2023


def test_one_clock_per_report_and_the_assessment_closes_its_own():
    events = [
        Ev(1, "report_received", t(2026, 3, 2, 9), "intake.report:1", {}),
        Ev(2, "report_received", t(2026, 3, 2, 10), "intake.report:2", {}),
        Ev(3, "report_triaged", t(2026, 3, 2, 15), "intake.report:2", {}),
    ]
    first, second = run("report_triage", events)
    assert first.stopped_at is None and second.stopped_at == t(2026, 3, 2, 15)


def test_pause_moves_the_due_time_and_is_recorded():
    events = [
        Ev(1, "assessment_started", t(2026, 1, 5), "", {}),
        Ev(2, "clock_paused", t(2026, 2, 1), "", {"rule": "assessment_duration", "pause": 7}),
        Ev(3, "clock_resumed", t(2026, 2, 11), "", {"rule": "assessment_duration", "pause": 7}),
    ]
    (clock,) = run("assessment_duration", events)
    assert clock.paused_seconds == 10 * 24 * 3600
    assert clock.due_at.date() == date(2026, 5, 15)
    (paused,) = run("assessment_duration", events[:2])
    assert paused.paused_since == t(2026, 2, 1) and paused.pause_id == 7  # the reason's row


def test_local_standard_tightens_from_its_date():
    local = [LocalRule("assessment_duration", 2, "months", date(2026, 1, 1))]
    before = compute_clocks(
        [Ev(1, "assessment_started", t(2025, 12, 20), "", {})], birth_date=None, local_rules=local
    )[0]
    after = compute_clocks(
        [Ev(1, "assessment_started", t(2026, 1, 20), "", {})], birth_date=None, local_rules=local
    )[0]
    assert before.local_due_at == before.due_at
    assert after.local_due_at.date() == date(2026, 3, 20)
    assert after.due_at.date() == date(2026, 5, 20)


RULE_TEMPLATE = """key: {key}
title: Test
explanation: Test
versions:
  - version: 1
    law: BL
    reference: x
    valid_from: 2024-01-01
    start: [{start}]
    stop: [report_triaged]
    duration: {{amount: {amount}, unit: hours}}
{extra}"""


@pytest.mark.parametrize(
    ("start", "amount", "extra", "message"),
    [
        ("report_recieved", 24, "", "test_rule.yaml, linje 9: ukendt hændelse 'report_recieved'"),
        ("report_received", -3, "", "test_rule.yaml, linje 11: varigheden må ikke være negativ"),
        (
            "report_received",
            24,
            """  - version: 2
    law: BL
    reference: y
    valid_from: 2025-01-01
    start: [report_received]
    duration: {amount: 1, unit: hours}
""",
            "test_rule.yaml, linje 12: version 2 overlapper version 1",
        ),
    ],
)
def test_bad_rule_files_fail_with_file_and_line(tmp_path: Path, start, amount, extra, message):
    path = tmp_path / "test_rule.yaml"
    path.write_text(RULE_TEMPLATE.format(key="test_rule", start=start, amount=amount, extra=extra))
    with pytest.raises(RuleError) as error:
        parse_rule_file(path)
    assert str(error.value).startswith(message)


def test_rule_key_must_match_file_name(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(
        RULE_TEMPLATE.format(key="test_rule", start="report_received", amount=1, extra="")
    )
    with pytest.raises(RuleError, match="skal være filens navn"):
        parse_rule_file(path)


def test_investigation_runs_from_when_the_municipality_became_aware():
    aware = t(2026, 1, 10, 8)
    (clock,) = run(
        "assessment_duration",
        [Ev(1, "assessment_started", t(2026, 1, 20), "", {"aware_at": aware.isoformat()})],
    )
    assert clock.started_at == aware
    assert clock.due_at.date() == date(2026, 5, 10)
