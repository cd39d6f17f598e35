"""Move every case event from ``cases_caseevent`` into the event store, losing nothing.

- Ids, times, actors and subjects are kept (clocks reference events by id). An event without
  an actor becomes a ``system`` event.
- Kinds renamed in the catalogue are stored under their new name (``report_assessed`` →
  ``report_triaged``).
- Payloads become the catalogue's typed fields. Free text moves to the row that now holds it:
  why a case was opened or closed (``Case.opened_reason``/``closed_reason``), why it was
  reassigned (a ``Reassignment`` row), why a clock was paused (a ``ClockPause`` row). Any
  other value without a typed field (titles, reasons, demo markers) is kept in
  ``events_legacypayloadvalue``, outside the append-only log.
- The counts are compared before the old table is dropped (in cases 0006), and derived state
  (phase, responsibility, clocks) is recomputed with the projections of this release.
"""

from django.db import migrations

RENAMED = {"report_assessed": "report_triaged"}
RULE_RENAMED = {"report_assessment": "report_triage"}
SPECIAL = (
    "case_opened",
    "case_closed",
    "case_reassigned",
    "clock_paused",
    "clock_resumed",
    "access_granted",
)
# old payload key → typed field, per kind (every other key goes to the legacy table)
FIELDS = {
    "journal_written": {"kind": "journal_kind"},
    "journal_addendum": {"to": "to"},
    "document_added": {"kind": "document_kind"},
    "meeting_planned": {"kind": "meeting_kind", "held_at": "held_at"},
    "meeting_held": {"kind": "meeting_kind", "journal_entry": "journal_entry"},
    "consent_given": {"scope": "consent_scope", "form": "form", "given_by": "given_by"},
    "consent_withdrawn": {"scope": "consent_scope"},
    "report_received": {
        "intake_kind": "intake_kind",
        "notifier_professional": "notifier_professional",
        "acute": "acute",
        "flagged": "flagged",
    },
    "report_assessed": {
        "outcome": "outcome",
        "at_risk": "at_risk",
        "acute": "acute",
        "reassessment": "reassessment",
    },
    "assessment_started": {"aware_at": "aware_at"},
    "plan_made": {"plan_kind": "plan_kind"},
    "decision_made": {"outcome": "outcome", "measure_kind": "measure_kind"},
    "measure_started": {"measure_kind": "measure_kind", "measure": "measure"},
    "follow_up_held": {"next_follow_up_due": "next_follow_up_due"},
    "measure_ended": {"measure": "measure"},
    "receipt_sent": {"letter": "letter"},
    "notifier_informed": {"letter": "letter"},
    "decision_sent": {"letter": "letter"},
}
COLUMNS = (
    "id, scope, case_id, kind, occurred_at, recorded_at, actor_kind, actor_id, actor_ref, "
    "subject_type, subject_id, payload"
)


def _copy_plain_kinds(cursor):
    cursor.execute("SELECT DISTINCT kind FROM cases_caseevent WHERE NOT (kind = ANY(%s))", [list(SPECIAL)])
    for (kind,) in cursor.fetchall():
        mapping = FIELDS.get(kind, {})
        parts = ", ".join(f"'{new}', e.payload->'{old}'" for old, new in mapping.items())
        payload = f"jsonb_strip_nulls(jsonb_build_object({parts}))" if parts else "'{}'::jsonb"
        if kind == "document_added":
            payload = (
                "jsonb_build_object('document_kind', COALESCE(e.payload->'kind', '\"other\"'::jsonb))"
            )
        cursor.execute(
            f"INSERT INTO events_event ({COLUMNS}) "  # noqa: S608 - kinds come from the table
            "SELECT e.id, 'case', e.case_id, %s, e.occurred_at, e.recorded_at, "
            "CASE WHEN e.actor_id IS NULL THEN 'system' ELSE 'user' END, e.actor_id, '', "
            f"e.subject_type, e.subject_id, {payload} FROM cases_caseevent e WHERE e.kind = %s",
            [RENAMED.get(kind, kind), kind],
        )
        cursor.execute(
            "INSERT INTO events_legacypayloadvalue (event_id, key, value) "
            "SELECT e.id, p.k, p.v FROM cases_caseevent e, jsonb_each(e.payload) AS p(k, v) "
            "WHERE e.kind = %s AND NOT (p.k = ANY(%s))",
            [kind, list(mapping)],
        )


def _insert(cursor, row, kind, payload):
    import json

    eid, case_id, _kind, occurred_at, recorded_at, actor_id, subject_type, subject_id, _p = row
    cursor.execute(
        f"INSERT INTO events_event ({COLUMNS}) "  # noqa: S608
        "VALUES (%s, 'case', %s, %s, %s, %s, %s, %s, '', %s, %s, %s::jsonb)",
        [
            eid,
            case_id,
            kind,
            occurred_at,
            recorded_at,
            "system" if actor_id is None else "user",
            actor_id,
            subject_type,
            subject_id,
            json.dumps({k: v for k, v in payload.items() if v is not None}),
        ],
    )


def _legacy(cursor, event_id, values: dict):
    import json

    for key, value in values.items():
        cursor.execute(
            "INSERT INTO events_legacypayloadvalue (event_id, key, value) VALUES (%s, %s, %s::jsonb)",
            [event_id, key, json.dumps(value)],
        )


def _copy_special_kinds(apps, cursor):
    import json

    Reassignment = apps.get_model("cases", "Reassignment")
    ClockPause = apps.get_model("deadlines", "ClockPause")
    cursor.execute(
        "SELECT id, case_id, kind, occurred_at, recorded_at, actor_id, subject_type, subject_id, "
        "payload FROM cases_caseevent WHERE kind = ANY(%s) ORDER BY occurred_at, id",
        [list(SPECIAL)],
    )
    last_pause = {}
    for row in cursor.fetchall():
        eid, case_id, kind, occurred_at, _recorded, actor_id, _st, _sid, payload = row
        rest = json.loads(payload) if isinstance(payload, str) else dict(payload or {})
        if kind == "case_opened":
            new = {k: rest.pop(k, None) for k in ("team", "caseworker", "intake_child")}
            if new["team"] is None:
                cursor.execute("SELECT team_id FROM cases_case WHERE id = %s", [case_id])
                new["team"] = cursor.fetchone()[0]
            reason = rest.pop("reason", "")
            if reason:
                cursor.execute(
                    "UPDATE cases_case SET opened_reason = %s WHERE id = %s AND opened_reason = ''",
                    [reason, case_id],
                )
        elif kind == "case_closed":
            new = {}
            reason = rest.pop("reason", "")
            if reason:
                cursor.execute(
                    "UPDATE cases_case SET closed_reason = %s WHERE id = %s AND closed_reason = ''",
                    [reason, case_id],
                )
        elif kind == "case_reassigned" and actor_id is not None:
            before, after = rest.pop("from", None) or {}, rest.pop("to", None) or {}
            move = Reassignment.objects.create(
                case_id=case_id,
                from_team_id=before.get("team") or after.get("team"),
                from_caseworker_id=before.get("caseworker"),
                to_team_id=after.get("team"),
                to_caseworker_id=after.get("caseworker"),
                reason=rest.pop("reason", "") or "",
                by_id=actor_id,
                at=occurred_at,
            )
            new = {
                "reassignment": move.pk,
                "from_team": move.from_team_id,
                "from_caseworker": move.from_caseworker_id,
                "to_team": move.to_team_id,
                "to_caseworker": move.to_caseworker_id,
            }
        elif kind == "clock_paused" and actor_id is not None:
            rule = RULE_RENAMED.get(rest.get("rule", ""), rest.get("rule", ""))
            rest.pop("rule", None)
            pause = ClockPause.objects.create(
                case_id=case_id,
                rule_key=rule,
                reason=rest.pop("reason", "") or "",
                by_id=actor_id,
                paused_at=occurred_at,
            )
            last_pause[(case_id, rule)] = pause.pk
            new = {"rule": rule, "pause": pause.pk}
        elif kind == "clock_resumed":
            rule = RULE_RENAMED.get(rest.get("rule", ""), rest.get("rule", ""))
            rest.pop("rule", None)
            new = {"rule": rule, "pause": last_pause.get((case_id, rule))}
        elif kind == "access_granted":
            reason = rest.pop("reason", None)
            new = {"expires_at": rest.pop("expires_at", None)}
            cursor.execute(
                "SELECT g.id FROM audit_accessgrant g JOIN cases_case c ON c.child_id = g.child_id "
                "WHERE c.id = %s AND g.user_id = %s AND g.reason = %s "
                "ORDER BY g.granted_at DESC LIMIT 1",
                [case_id, actor_id, reason or ""],
            )
            match = cursor.fetchone()
            if match:
                new["grant"] = match[0]
            elif reason:
                rest["reason"] = reason
        else:
            new = {}
        _insert(cursor, row, kind, new)
        _legacy(cursor, eid, rest)


def copy(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_caseevent")
        (before,) = cursor.fetchone()
        if not before:
            return
        _copy_special_kinds(apps, cursor)
        _copy_plain_kinds(cursor)
        cursor.execute("SELECT count(*) FROM events_event WHERE scope = 'case'")
        (after,) = cursor.fetchone()
        if after != before:
            raise RuntimeError(f"copied {after} of {before} case events: stopping")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('events_event', 'id'), "
            "(SELECT max(id) FROM events_event))"
        )
        for old, new in RULE_RENAMED.items():
            for table in ("deadlines_clock", "deadlines_localstandard", "deadlines_escalation"):
                cursor.execute(
                    f"UPDATE {table} SET rule_key = %s WHERE rule_key = %s",  # noqa: S608
                    [new, old],
                )
    # Derived state (phase, responsibility, clocks) from the copied events, with this
    # release's projections.
    from boernesag.events.projections import REGISTRY, rebuild

    for projection in REGISTRY.values():
        rebuild(projection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("cases", "0006_reasons_and_reassignment"),
        ("deadlines", "0002_clocks_from_event_store"),
        ("audit", "0003_append_only"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
