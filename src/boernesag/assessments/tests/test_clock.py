"""The 4-month clock of Barnets Lov § 20, stk. 3 with the investigation's own events,
through ``deadlines_simulate`` (the engine and rule data the cases use): the decision and the
provisional assessment do not touch the clock; only the conclusion stops it."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command


def simulate(tmp_path, events, *, now):
    path = tmp_path / "forloeb.json"
    path.write_text(json.dumps({"birth_date": "2014-05-01", "now": now, "events": events}))
    out = StringIO()
    call_command("deadlines_simulate", str(path), stdout=out)
    return [c for c in json.loads(out.getvalue())["clocks"] if c["rule"] == "assessment_duration"]


START = [
    {"kind": "report_received", "occurred_at": "2026-02-02T09:00"},
    {
        "kind": "report_triaged",
        "occurred_at": "2026-02-02T15:00",
        "payload": {"outcome": "investigation"},
    },
    {
        "kind": "assessment_started",
        "occurred_at": "2026-02-02T15:05",
        "payload": {"aware_at": "2026-02-02T09:00"},
    },
    {
        "kind": "assessment_decided",
        "occurred_at": "2026-02-05T12:00",
        "payload": {"assessment": 1, "law": "BL", "legal_basis": "bl_20_2", "with_consent": True},
    },
    {
        "kind": "assessment_activity_recorded",
        "occurred_at": "2026-03-01T12:00",
        "payload": {"assessment": 1, "activity_kind": "child_conversation", "held": True},
    },
]


def test_overdue_without_conclusion_and_the_provisional_assessment_does_not_stop_it(tmp_path):
    (clock,) = simulate(tmp_path, START, now="2026-06-10T12:00")
    assert clock["reference"] == "Barnets Lov § 20, stk. 3"
    assert clock["started"] == "2026-02-02T09:00:00+01:00"
    assert clock["due"].startswith("2026-06-02")
    assert clock["status"] == "missed"
    provisional = {
        "kind": "assessment_provisional_recorded",
        "occurred_at": "2026-06-03T10:00",
        "payload": {"assessment": 1},
    }
    (clock,) = simulate(tmp_path, [*START, provisional], now="2026-06-10T12:00")
    assert clock["status"] == "missed" and clock["stopped"] is None


def test_the_conclusion_stops_the_clock(tmp_path):
    concluded = {
        "kind": "assessment_concluded",
        "occurred_at": "2026-05-20T10:00",
        "payload": {"assessment": 1, "needs_support": True},
    }
    (clock,) = simulate(tmp_path, [*START, concluded], now="2026-06-10T12:00")
    assert clock["status"] == "met"
    assert clock["stopped"] == "2026-05-20T10:00:00+02:00"
    late = {**concluded, "occurred_at": "2026-06-08T10:00"}
    (clock,) = simulate(tmp_path, [*START, late], now="2026-06-10T12:00")
    assert clock["status"] in ("missed", "late")
    assert clock["stopped"] == "2026-06-08T10:00:00+02:00"
