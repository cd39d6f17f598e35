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
    # what could not be checked against the law text is marked as such (docs/deadlines.md)
    assert {
        ("notifier_receipt", 1),
        ("notifier_receipt", 2),
        ("youth_crime_network_meeting", 1),
        ("youth_crime_network_meeting", 2),
        ("substance_treatment", 1),
        ("substance_treatment", 2),
        ("assessment_duration", 1),
        ("report_triage", 1),
        ("measure_follow_up", 1),
        ("supervision_visits", 1),
        ("youth_plan_at_16", 1),
        ("casework_standard_review", 1),
    } <= unverified
    # and what was checked (lovguiden.dk, LBK nr. 282 af 17/03/2025) is not
    assert {
        ("assessment_duration", 2),
        ("report_triage", 2),
        ("plan_after_support_decision", 2),
        ("measure_follow_up", 2),
        ("youth_plan_at_16", 2),
        ("youth_support_decision", 2),
        ("supervision_visits", 2),
    }.isdisjoint(unverified)
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
        "youth_plan_at_16",
        "measure_started",
        {},
        "youth_plan_decided",
        t(2026, 9, 1),
        t(2026, 12, 1, 23, 59),
    ),  # already 16½ when the measure starts: 3 months from the start (BL § 108, stk. 3)
    (
        "youth_support_decision",
        "measure_started",
        {"measure_kind": "placement_with_consent"},
        "youth_support_decided",
        t(2026, 1, 15),
        t(2027, 9, 10, 23, 59),
    ),  # born 10 March 2010, placed: 18th birthday − 6 months (BL § 111, stk. 1)
    (
        "plan_placement_with_consent",
        "decision_made",
        {"measure_kind": "placement_with_consent"},
        "plan_made",
        t(2023, 2, 10),
        t(2023, 6, 10, 23, 59),
    ),  # Serviceloven § 140, stk. 1: before the decision, at the latest 4 months after
    (
        "measure_follow_up",
        "measure_started",
        {"measure_kind": "support"},
        "follow_up_held",
        t(2023, 3, 31),
        t(2023, 6, 30, 23, 59),
    ),  # Serviceloven § 70: the first within 3 months (31 March + 3 months = 30 June)
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
    # no stop → open until the due time, missed after it
    assert clock.stopped_at is None
    assert clock.outcome(now=clock.due_at - timedelta(minutes=1)) == "open"
    assert clock.outcome(now=clock.due_at + timedelta(minutes=1)) == "missed"
    # stop in time → met (by that stop, not by anything else)
    (met, *_) = run(
        rule,
        [
            Ev(1, start_kind, start, "", payload),
            Ev(2, stop_kind, clock.due_at - timedelta(minutes=1), "", {}),
        ],
    )
    assert (met.stop_event_id, met.due_at) == (2, clock.due_at)
    assert met.outcome(now=clock.due_at + timedelta(days=400)) == "met"
    # stop late → late
    (late, *_) = run(
        rule,
        [
            Ev(1, start_kind, start, "", payload),
            Ev(2, stop_kind, clock.due_at + timedelta(minutes=1), "", {}),
        ],
    )
    assert (late.stop_event_id, late.due_at) == (2, clock.due_at)
    assert late.outcome(now=clock.due_at + timedelta(days=400)) == "late"


def test_youth_support_decision_is_for_placements_only():
    """Barnets Lov § 111, stk. 1 and Serviceloven § 68, stk. 11: 6 months before a placement
    ends at 18 — not for a young person with other support."""
    for day in (t(2023, 1, 15), t(2026, 1, 15)):
        assert (
            run(
                "youth_support_decision",
                [Ev(1, "measure_started", day, "", {"measure_kind": "support"})],
            )
            == []
        )
        (placed,) = run(
            "youth_support_decision",
            [Ev(1, "measure_started", day, "", {"measure_kind": "placement_without_consent"})],
        )
        assert placed.due_at.date() == date(2027, 9, 10)


def test_youth_plan_for_a_young_person_already_16_is_due_3_months_after_the_start():
    (clock,) = run(
        "youth_plan_at_16",
        [Ev(1, "measure_started", t(2027, 2, 1), "", {"measure_kind": "support"})],
    )
    assert clock.due_at.date() == date(2027, 5, 1)  # not the day the measure started
    (before_16,) = run(
        "youth_plan_at_16",
        [Ev(1, "measure_started", t(2025, 2, 1), "", {"measure_kind": "support"})],
    )
    assert before_16.due_at.date() == date(2026, 6, 10)  # 16 years and 3 months


@pytest.mark.parametrize(
    ("rule", "measure_kind"),
    [
        ("plan_after_support_decision", "support"),
        ("plan_placement_with_consent", "placement_with_consent"),
        ("plan_placement_without_consent", "placement_without_consent"),
    ],
)
@pytest.mark.parametrize("day", [t(2023, 5, 1), t(2026, 5, 1)])
def test_a_refusal_starts_no_plan_deadline(rule, measure_kind, day):
    refusal = {"measure_kind": measure_kind, "outcome": "refusal"}
    assert run(rule, [Ev(1, "decision_made", day, "", refusal)]) == []
    (grant,) = run(rule, [Ev(1, "decision_made", day, "", {**refusal, "outcome": "grant"})])
    assert grant.rule_key == rule


def test_no_plan_deadline_when_the_decision_recorded_that_no_plan_is_needed():
    """Barnets Lov § 91, stk. 1: the municipality takes a position on a plan; only if one is
    to be made must it exist within 3 months. Serviceloven § 140 required one regardless."""
    no_plan = {"measure_kind": "support", "plan_needed": False}
    assert (
        run("plan_after_support_decision", [Ev(1, "decision_made", t(2026, 5, 1), "", no_plan)])
        == []
    )
    for needed in (True, None):
        payload = {**no_plan, "plan_needed": needed}
        (clock,) = run(
            "plan_after_support_decision", [Ev(1, "decision_made", t(2026, 5, 1), "", payload)]
        )
        assert clock.due_at.date() == date(2026, 8, 1)
    (sel,) = run(
        "plan_after_support_decision", [Ev(1, "decision_made", t(2023, 5, 1), "", no_plan)]
    )
    assert sel.law == "SEL"


def test_the_rules_page_describes_the_serviceloven_follow_up_as_3_then_6_months():
    sel, bl = load_rules()["measure_follow_up"].versions
    assert sel.describe() == "første gang 3 måneder; derefter 6 måneder; gentages"
    assert "derefter den fastsatte dato, ellers 3 måneder" in bl.describe()
    assert load_rules()["plan_placement_without_consent"].current.describe().startswith("samme dag")


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
    # an "aware" time after the investigation started is a slip that must not buy time
    (later,) = run(
        "assessment_duration",
        [Ev(1, "assessment_started", t(2026, 1, 20), "", {"aware_at": t(2026, 3, 1).isoformat()})],
    )
    assert later.started_at == t(2026, 1, 20) and later.due_at.date() == date(2026, 5, 20)


BAD_TYPES = """key: typed
title: Test
explanation: Test
versions:
  - version: 1
    law: BL
    reference: x
    valid_from: 2024-01-01
    start: [report_received]
    stop: [report_triaged]
    duration: {amount: 24, unit: hours}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a quoted "nej" must not read as verified
        (("    reference: x\n", '    reference: x\n    verified: "nej"\n'), "linje 8: verified"),
        (("valid_from: 2024-01-01", "valid_from: 2024-13-01"), "linje 8: ugyldig YAML"),
        (("valid_from: 2024-01-01", "valid_from: første januar"), "linje 8: valid_from skal"),
        (("version: 1", "version: en"), "linje 5: version skal være et heltal"),
        (("start: [report_received]", "start: [{kind: x}]"), "linje 9: start skal være en liste"),
        (("amount: 24", "amount: true"), "linje 11: duration: amount skal være et heltal"),
        (("amount: 24, unit: hours", "amount: 24, unit: hours, every: 2"), "kun have 'amount'"),
        (
            ("    duration:", "    restart_on_stop: ja\n    duration:"),
            "linje 11: restart_on_stop skal være true eller false",
        ),
        (
            (
                "    duration: {amount: 24, unit: hours}",
                "    conditions: [a, b]\n    duration: {amount: 24, unit: hours}",
            ),
            "conditions skal være en mapning",
        ),
        (
            ("    duration:", "    conditions: {child_age_at_least: seksten}\n    duration:"),
            "child_age_at_least skal være et heltal",
        ),
        (
            (
                "    duration: {amount: 24, unit: hours}",
                "    due_from_birthday: {years: 16, weeks: 2}",
            ),
            "due_from_birthday skal have 'years'",
        ),
        (
            ("    duration:", "    min_after_start: {amount: 3, unit: months}\n    duration:"),
            "min_after_start gælder kun frister regnet fra fødselsdatoen",
        ),
        (("versions:\n  - version: 1", "versions: en\nx:\n  - version: 1"), "ukendte felter: x"),
    ],
)
def test_a_malformed_rule_file_is_refused_naming_file_and_line(tmp_path: Path, change, message):
    """Every malformed value is refused with the file and line — never a crash, never a
    quoted "nej" silently read as true."""
    path = tmp_path / "typed.yaml"
    old, new = change
    assert old in BAD_TYPES
    path.write_text(BAD_TYPES.replace(old, new, 1))
    with pytest.raises(RuleError) as error:
        parse_rule_file(path)
    assert str(error.value).startswith("typed.yaml, linje "), str(error.value)
    assert message in str(error.value), str(error.value)
    path.write_text(BAD_TYPES)
    assert parse_rule_file(path).key == "typed"  # the unchanged file loads


def test_users_see_references_without_the_authors_doubt():
    from boernesag.deadlines.rules import load_rules

    for rule in load_rules().values():
        for v in rule.versions:
            assert "verific" not in v.shown_reference.lower(), v.reference
            assert v.shown_reference  # something is left to show
