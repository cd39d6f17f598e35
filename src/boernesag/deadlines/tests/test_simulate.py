"""deadlines_simulate: a typed-in timeline → the product's clocks; malformed input → exit 2
naming the line and the field."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.simulate import MAX_CHARS, SimulationError, simulate_text

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


EVIL = [
    ('{"events": ' + "[" * 5000 + "]" * 5000 + "}", "linje 1: ugyldig JSON: for dybt indlejret"),
    ("2026-01-01 measure_started measure_kind=" + "[" * 5000, "payload.measure_kind"),
    ("9999-12-31 23:00 measure_started measure_kind=support", "occurred_at: skal ligge mellem"),
    ("0001-01-01 report_received", "occurred_at: skal ligge mellem 1900 og 2199"),
    ("født 9999-01-01\n2026-01-01 measure_started measure_kind=support", "birth_date: skal ligge"),
    ("nu 9999-12-31 23:00\n2026-01-01 access_requested", "now: skal ligge mellem"),
    ("2026-01-01 assessment_started aware_at=0001-01-01T00:00", "payload.aware_at: skal ligge"),
    ("2026-01-01 assessment_started aware_at=2026-02-30T10:00", "payload.aware_at: skal være"),
    (
        '{"events": [{"kind": "access_requested", "occurred_at": "2026-02-30T10:00"}]}',
        "occurred_at",
    ),
    (
        '{"events": [{"kind": "follow_up_held", "occurred_at": "2026-01-01T10:00",'
        ' "payload": {"next_follow_up_due": "9999-01-01"}}]}',
        "next_follow_up_due: skal ligge mellem",
    ),
    (
        '{"local_standards": [{"rule": "assessment_duration", "amount": -5, "unit": "months",'
        ' "valid_from": "2020-01-01"}], "events": [{"kind": "assessment_started",'
        ' "occurred_at": "2026-01-01T10:00"}]}',
        "local_standards[0].amount: skal ligge mellem 0 og 36",
    ),
    (
        '{"local_standards": [{"rule": "access_request_decision", "amount": 10000000,'
        ' "unit": "working_days", "valid_from": "2020-01-01"}], "events": [{"kind":'
        ' "access_requested", "occurred_at": "2026-01-01T10:00"}]}',
        "local_standards[0].amount: skal ligge mellem 0 og 800",
    ),
    (
        '{"local_standards": [{"rule": ["x"], "amount": 1, "unit": "days", "valid_from":'
        ' "2020-01-01"}], "events": [{"kind": "access_requested", "occurred_at": "2026-01-01"}]}',
        "local_standards[0].rule: ukendt regel",
    ),
    (
        '{"events": [{"kind": "access_requested", "occurred_at": "2026-01-01",'
        ' "subject": {"a": 1}}]}',
        "events[0].subject",
    ),
    ("2026-01-01 access_requested\n<b>x</b>", "linje 2, occurred_at: linjen skal begynde med"),
    ("2026-01-01 access_requested\n" * 800, "for langt (højst 20.000 tegn)"),
    (
        '{"events": ['
        + ",".join(['{"kind": "plan_made", "occurred_at": "2026-01-01"}'] * 501)
        + "]}",
        "for langt",
    ),
]


@pytest.mark.parametrize(("text", "message"), EVIL, ids=range(len(EVIL)))
def test_hostile_timelines_are_refused_with_a_message_never_a_crash(text, message):
    """Deep nesting, impossible or far-away dates, huge local standards, over-long text: each
    is a SimulationError naming what is wrong (the page shows it; the command exits 2) —
    none reaches the engine to overflow, recurse or loop for minutes."""
    with pytest.raises(SimulationError) as error:
        simulate_text(text)
    assert message in str(error.value), str(error.value)


def test_at_most_500_events(tmp_path):
    many = [{"kind": "plan_made", "occurred_at": "2026-01-01"}] * 501
    with pytest.raises(CommandError) as error:
        run(tmp_path, json.dumps({"events": many}))
    assert error.value.returncode == 2
    assert "events: højst 500 hændelser" in str(error.value)
    assert len(run(tmp_path, json.dumps({"events": many[:500]}))["clocks"]) == 0


def test_the_page_posts_the_timeline_escapes_it_and_refuses_too_long_text_keeping_it(db):
    w = build_world(phase_event=None)
    client = Client()
    client.force_login(w.caseworker)
    hostile = "2026-01-01 <script>alert(1)</script>"
    page = client.post("/frister/beregn/", {"forloeb": hostile}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "ukendt hændelse &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in page
    long_text = "2026-01-01 access_requested\n" * (MAX_CHARS // 20)
    response = client.post("/frister/beregn/", {"forloeb": long_text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "forløbet er for langt (højst 20.000 tegn)" in page
    assert long_text.strip() in page  # nothing typed is lost
    ok = client.post("/frister/beregn/", {"forloeb": "2026-01-01 access_requested"})
    assert "Afgørelse om aktindsigt inden for 7 arbejdsdage" in ok.content.decode()
