"""deadlines_simulate: a typed-in timeline → the product's clocks; malformed input → exit 2
naming the line and the field."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from boernesag.deadlines.simulate import SimulationError, simulate_text

TIMELINE = """{
  "birth_date": "2010-03-10",
  "now": "2026-09-01T12:00",
  "events": [
    {"kind": "report_received", "occurred_at": "2026-03-27T19:00",
     "payload": {"intake_kind": "concern_report", "notifier_professional": true}},
    {"kind": "report_triaged", "occurred_at": "2026-03-28T10:00",
     "payload": {"outcome": "investigation"}},
    {"kind": "assessment_started", "occurred_at": "2026-03-28T10:05",
     "payload": {"aware_at": "2026-03-27T19:00"}},
    {"kind": "plan_made", "occurred_at": "2026-07-01T10:00"},
    {"kind": "decision_made", "occurred_at": "2026-07-03T10:00",
     "payload": {"measure_kind": "support"}}
  ]
}
"""


def run(tmp_path: Path, text: str):
    path = tmp_path / "forloeb.json"
    path.write_text(text)
    out = StringIO()
    call_command("deadlines_simulate", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_simulate_prints_the_clocks_the_engine_computes(tmp_path):
    result = run(tmp_path, TIMELINE)
    clocks = {c["rule"]: c for c in result["clocks"]}
    assert clocks["report_triage"]["due"] == "2026-03-28T19:00:00+01:00"
    assert clocks["report_triage"]["status"] == "met"
    assert clocks["notifier_receipt"]["due"] == "2026-04-09T23:59:59.999999+02:00"
    assert clocks["notifier_receipt"]["status"] == "missed"
    assert clocks["assessment_duration"]["started"] == "2026-03-27T19:00:00+01:00"
    assert clocks["assessment_duration"]["due"].startswith("2026-07-27")
    assert clocks["assessment_duration"]["status"] == "missed"  # not concluded by 27 July
    plan = clocks["plan_after_support_decision"]
    assert (plan["status"], plan["stopped"]) == ("met", "2026-07-01T10:00:00+02:00")
    assert set(plan) >= {
        "rule",
        "version",
        "law",
        "reference",
        "started",
        "due",
        "stopped",
        "status",
    }
    assert (plan["law"], plan["reference"]) == ("BL", "Barnets Lov § 91, stk. 1")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{\n  "events": [\n    {"kind": "plan_made",}\n  ]\n}', "linje 3: ugyldig JSON"),
        (
            '{\n "events": [\n  {"kind": "plan_madee", "occurred_at": "2026-01-01"}\n ]\n}',
            "linje 3, events[0].kind: ukendt hændelse 'plan_madee'",
        ),
        (
            '{"events": [\n {"kind": "plan_made", "occurred_at": "2026-01-01"},\n'
            ' {"kind": "decision_made", "occurred_at": "2026-01-02",\n'
            '  "payload": {"measure_kind": "plejefamilie"}}]}',
            "linje 3, events[1].payload.measure_kind: ukendt værdi 'plejefamilie'",
        ),
        (
            '{"events": [\n {"kind": "decision_made", "occurred_at": "2026-01-02",\n'
            '  "payload": {"reason": "Mor ønsker det"}}]}',
            "linje 2, events[0].payload.reason: feltet findes ikke i kataloget",
        ),
        (
            '{"events": [\n {"kind": "service_approved", "occurred_at": "2026-01-02"}]}',
            "events[0].kind: 'service_approved' er en organisationshændelse",
        ),
        ('{"events": [\n {"kind": "plan_made"}]}', "linje 2, events[0].occurred_at: mangler"),
        (
            '{"events": [\n {"kind": "plan_made", "occurred_at": "i går"}]}',
            "linje 2, events[0].occurred_at: ugyldigt tidspunkt",
        ),
        ('{"birthday": "2010-01-01", "events": []}', "birthday: ukendt felt"),
        ('{"events": []}', "events: skriv mindst én hændelse"),
    ],
)
def test_a_malformed_timeline_exits_2_naming_line_and_field(tmp_path, text, where):
    with pytest.raises(CommandError) as error:
        run(tmp_path, text)
    assert error.value.returncode == 2
    assert str(error.value).startswith("forloeb.json, "), str(error.value)
    assert where in str(error.value), str(error.value)


def test_a_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("deadlines_simulate", str(tmp_path / "nope.json"), stdout=StringIO())
    assert error.value.returncode == 2


def test_the_line_format_gives_the_same_clocks_as_json():
    lines = """født 2010-03-10
nu 2026-09-01 12:00
2026-03-27 19:00 report_received intake_kind=concern_report notifier_professional=true
2026-03-28 10:00 report_triaged outcome=investigation
2026-03-28 10:05 assessment_started aware_at=2026-03-27T19:00
2026-07-01 10:00 plan_made   # before the decision
2026-07-03 10:00 decision_made measure_kind=support
"""
    assert simulate_text(lines).as_json() == simulate_text(TIMELINE).as_json()
    with pytest.raises(
        SimulationError, match="linje 2, payload: 'hurtigt' skal skrives felt=værdi"
    ):
        simulate_text("2026-01-01 plan_made\n2026-01-02 decision_made hurtigt")
