"""What the case row derives from its events, as registered projections (events.projections).

- ``case_state``: the phase of the case's main course and its latest activity;
- ``responsibility``: the team and caseworker responsible now (``case_opened`` and
  ``case_reassigned`` events).

The phase model (docs/phases.md): a case has one phase, that of its main course. Reports and
their 24-hour triage only move the phase while the case is still in its first two phases; a
new report on a case that has come further (an investigation, a plan, a decision, an active
measure) is handled inside the case — Barnets Lov § 137 re-assessment — and shows as an open
task (its triage deadline), not as a step back to "2. Afklaring". While a measure is active,
only follow-ups, the end of the (last) measure and closure move the phase. A reopened case
(``case_reopened``) starts again from phase 1 (docs/closure.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from boernesag.events.catalogue import canonical
from boernesag.events.constants import PHASE_ORDER, Phase
from boernesag.events.projections import CaseProjection

PHASE_KINDS = frozenset(
    {
        "case_opened",
        "report_received",
        "report_triaged",
        "assessment_started",
        "assessment_concluded",
        "plan_made",
        "decision_made",
        "measure_started",
        "follow_up_held",
        "measure_ended",
        "case_closed",
        "case_reopened",
    }
)
_STORED_PHASE_KINDS = sorted(PHASE_KINDS | {"report_assessed"})


def fold_phase(kinds: Iterable[str]) -> str:
    """The phase after these events (in the order they happened)."""
    phase = Phase.INQUIRY
    measures = 0
    for raw in kinds:
        kind = canonical(raw)
        early = PHASE_ORDER[phase] <= PHASE_ORDER[Phase.TRIAGE]
        if kind == "case_closed":
            phase = Phase.CLOSURE
        elif kind == "case_reopened":
            # a reopened case starts its course again from "1. Henvendelse" (something new
            # came to the municipality's attention) — unless a measure is still active
            # (a case closed before the closure checklist existed), then it is followed up
            phase = Phase.FOLLOW_UP if measures else Phase.INQUIRY
        elif kind == "measure_started":
            if measures == 0:
                phase = Phase.START
            measures += 1
        elif kind == "measure_ended":
            measures = max(measures - 1, 0)
            phase = Phase.FOLLOW_UP
        elif kind == "follow_up_held":
            phase = Phase.FOLLOW_UP
        elif measures:
            continue  # handled inside the active measure's course
        elif kind == "report_received":
            if early:
                phase = Phase.INQUIRY
        elif kind == "report_triaged":
            if early:
                phase = Phase.TRIAGE
        elif kind in ("assessment_started", "assessment_concluded"):
            phase = Phase.ASSESSMENT
        elif kind == "plan_made":
            if phase != Phase.DECISION:
                phase = Phase.PLAN
        elif kind == "decision_made":
            phase = Phase.DECISION
    return phase


class CaseState(CaseProjection):
    name = "case_state"
    label = "Sagens fase og seneste aktivitet"
    kinds = None  # every case event moves the latest activity

    def compute(self, keys):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, opened_at FROM cases_case WHERE id = ANY(%s)", [list(keys)])
            opened = dict(cursor.fetchall())
            cursor.execute(
                "SELECT DISTINCT ON (case_id) case_id, occurred_at, kind FROM events_event "
                "WHERE case_id = ANY(%s) ORDER BY case_id, occurred_at DESC, id DESC",
                [list(keys)],
            )
            latest = {c: (at, kind) for c, at, kind in cursor.fetchall()}
            cursor.execute(
                "SELECT case_id, kind FROM events_event WHERE case_id = ANY(%s) "
                "AND kind = ANY(%s) ORDER BY case_id, occurred_at, id",
                [list(keys), _STORED_PHASE_KINDS],
            )
            kinds = defaultdict(list)
            for case_id, kind in cursor.fetchall():
                kinds[case_id].append(kind)
        result = {}
        for key in keys:
            if key not in opened:
                continue
            at, kind = latest.get(key, (opened[key], ""))
            result[key] = (fold_phase(kinds.get(key, ())), at, canonical(kind))
        return result

    def stored(self, keys):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, phase, last_activity_at, last_activity_kind FROM cases_case "
                "WHERE id = ANY(%s)",
                [list(keys)],
            )
            return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}

    def write(self, changes):
        rows = [(key, new) for key, _old, new in changes if new is not None]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case AS c SET phase = v.phase, last_activity_at = v.at, "
                "last_activity_kind = v.kind FROM unnest(%s::bigint[], %s::text[], "
                "%s::timestamptz[], %s::text[]) AS v(id, phase, at, kind) WHERE c.id = v.id",
                [
                    [k for k, _ in rows],
                    [n[0] for _, n in rows],
                    [n[1] for _, n in rows],
                    [n[2] for _, n in rows],
                ],
            )

    def apply(self, event):
        """Cheap path: the latest activity moves forward in one UPDATE; the phase is folded
        again only for events that can change it (also when recorded late)."""
        kind = canonical(event.kind)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case SET last_activity_at = %s, last_activity_kind = %s "
                "WHERE id = %s AND last_activity_at <= %s",
                [event.occurred_at, kind, event.case_id, event.occurred_at],
            )
            if kind in PHASE_KINDS:
                cursor.execute(
                    "SELECT kind FROM events_event WHERE case_id = %s AND kind = ANY(%s) "
                    "ORDER BY occurred_at, id",
                    [event.case_id, _STORED_PHASE_KINDS],
                )
                phase = fold_phase(k for (k,) in cursor.fetchall())
                cursor.execute(
                    "UPDATE cases_case SET phase = %s WHERE id = %s AND phase <> %s",
                    [phase, event.case_id, phase],
                )

    def describe(self, key, old, new):
        return f"case_state sag #{key}: gemt {_fmt(old)} ≠ beregnet {_fmt(new)}"


class Responsibility(CaseProjection):
    name = "responsibility"
    label = "Ansvarligt team og sagsbehandler"
    kinds = frozenset({"case_opened", "case_reassigned"})

    def compute(self, keys):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (case_id) case_id, kind, payload FROM events_event "
                "WHERE case_id = ANY(%s) AND kind = ANY(%s) "
                "ORDER BY case_id, occurred_at DESC, id DESC",
                [list(keys), sorted(self.kinds)],
            )
            result = {}
            for case_id, kind, raw in cursor.fetchall():
                payload = json.loads(raw) if isinstance(raw, str) else raw
                if kind == "case_opened":
                    result[case_id] = (payload.get("team"), payload.get("caseworker"))
                else:
                    result[case_id] = (payload.get("to_team"), payload.get("to_caseworker"))
            return result

    def stored(self, keys):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, team_id, caseworker_id FROM cases_case WHERE id = ANY(%s)",
                [list(keys)],
            )
            return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}

    def write(self, changes):
        with connection.cursor() as cursor:
            for key, _old, new in changes:
                if new is None:
                    continue
                cursor.execute(
                    "UPDATE cases_case SET team_id = %s, caseworker_id = %s WHERE id = %s",
                    [new[0], new[1], key],
                )

    def describe(self, key, old, new):
        return f"responsibility sag #{key}: gemt (team, sagsbehandler) {old} ≠ beregnet {new}"


def _fmt(state) -> str:
    if state is None:
        return "intet"
    phase, at, kind = state
    return f"({phase}, {at:%Y-%m-%d %H:%M}, {kind or '-'})"
