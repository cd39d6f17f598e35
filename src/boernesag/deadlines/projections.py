"""Clocks as registered projections of the events (see events/projections.py).

- ``clocks``: every case's clocks, including responsibility at the time;
- ``organisation_clocks``: the organisation's clocks (catalogue revision, standards review,
  reports about children not yet identified).

Both compute with ``engine.compute_clocks`` — the incremental update in the event's
transaction, ``projections_rebuild`` and ``projections_verify`` alike.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from boernesag.deadlines.engine import (
    COMPARED,
    ORG_COMPARED,
    LocalRule,
    compute_clocks,
    events_from_rows,
)
from boernesag.deadlines.rules import relevant_kinds
from boernesag.events.constants import Scope
from boernesag.events.projections import CaseProjection, Projection

ORG_KEY = "organisation"
_EVENT_COLUMNS = ("id", "kind", "occurred_at", "subject_type", "subject_id", "payload")


def local_rules() -> list[LocalRule]:
    from boernesag.deadlines.models import LocalStandard

    return [
        LocalRule(rule_key, amount, unit, valid_from)
        for rule_key, amount, unit, valid_from in LocalStandard.objects.values_list(
            "rule_key", "amount", "unit", "valid_from"
        )
    ]


def _show(value) -> str:
    from datetime import datetime

    from boernesag.deadlines.calendar import TZ

    if isinstance(value, datetime):
        return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    return repr(value)


def _diff_lines(name: str, key, old: dict | None, new: dict | None, columns) -> str:
    old, new = old or {}, new or {}
    parts = []
    for natural in sorted(set(old) | set(new)):
        if natural not in old:
            parts.append(f"mangler {natural[0]}#{natural[1]}")
        elif natural not in new:
            parts.append(f"overskydende {natural[0]}#{natural[1]}")
        elif old[natural] != new[natural]:
            fields = [
                f"{col}: {_show(a)} → {_show(b)}"
                for col, a, b in zip(columns, old[natural], new[natural], strict=True)
                if a != b
            ]
            parts.append(f"{natural[0]}#{natural[1]} ({'; '.join(fields)})")
    where = f"sag #{key}" if key != ORG_KEY else "organisationen"
    return f"{name} {where}: " + ", ".join(parts)


class Clocks(CaseProjection):
    name = "clocks"
    label = "Frister i sagerne"

    def reacts_to(self, kind: str) -> bool:
        return kind in relevant_kinds(Scope.CASE)

    def compute(self, keys):
        from boernesag.cases.models import Case

        births = dict(Case.objects.filter(pk__in=keys).values_list("pk", "child__birth_date"))
        standards = local_rules()
        rows = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT case_id, {', '.join(_EVENT_COLUMNS)} FROM events_event "  # noqa: S608
                "WHERE case_id = ANY(%s) AND kind = ANY(%s) ORDER BY case_id, occurred_at, id",
                [list(keys), sorted(relevant_kinds(Scope.CASE))],
            )
            for case_id, *row in cursor.fetchall():
                rows[case_id].append(row)
        result = {}
        for key in keys:
            if key not in births:
                result[key] = {}
                continue
            states = compute_clocks(
                events_from_rows(rows.get(key, ())),
                birth_date=births[key],
                local_rules=standards,
            )
            result[key] = {s.natural_key(): s.comparable() for s in states}
        return result

    def stored(self, keys):
        from boernesag.deadlines.models import Clock

        result = {key: {} for key in keys}
        for case_id, *values in Clock.objects.filter(case_id__in=keys).values_list(
            "case_id", *COMPARED
        ):
            result[case_id][(values[0], values[3])] = tuple(values)
        return result

    def write(self, changes):
        from boernesag.deadlines.models import Clock

        stale_case, stale_rule, stale_seq, new = [], [], [], []
        for case_id, old, wanted in changes:
            old, wanted = old or {}, wanted or {}
            for natural, values in old.items():
                if wanted.get(natural) != values:
                    stale_case.append(case_id)
                    stale_rule.append(natural[0])
                    stale_seq.append(natural[1])
            for natural, values in wanted.items():
                if old.get(natural) != values:
                    new.append(Clock(case_id=case_id, **dict(zip(COMPARED, values, strict=True))))
        if stale_case:
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM deadlines_clock AS c USING unnest(%s::bigint[], %s::text[], "
                    "%s::int[]) AS s(case_id, rule_key, sequence) WHERE c.case_id = s.case_id "
                    "AND c.rule_key = s.rule_key AND c.sequence = s.sequence",
                    [stale_case, stale_rule, stale_seq],
                )
        if new:
            Clock.objects.bulk_create(new, batch_size=2000)

    def describe(self, key, old, new):
        return _diff_lines(self.name, key, old, new, COMPARED)


class OrganisationClocks(Projection):
    name = "organisation_clocks"
    label = "Organisationens frister (katalog, standarder, modtagelse)"
    scope = Scope.ORGANISATION

    def reacts_to(self, kind: str) -> bool:
        return kind in relevant_kinds(Scope.ORGANISATION)

    def key_chunks(self):
        yield [ORG_KEY]

    def compute(self, keys):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events_event "  # noqa: S608
                "WHERE scope = 'organisation' AND kind = ANY(%s) ORDER BY occurred_at, id",
                [sorted(relevant_kinds(Scope.ORGANISATION))],
            )
            events = events_from_rows(cursor.fetchall())
        states = compute_clocks(
            events, birth_date=None, local_rules=local_rules(), scope=Scope.ORGANISATION
        )
        return {ORG_KEY: {s.natural_key(): s.comparable()[: len(ORG_COMPARED)] for s in states}}

    def stored(self, keys):
        from boernesag.deadlines.models import OrganisationClock

        return {
            ORG_KEY: {
                (values[0], values[3]): tuple(values)
                for values in OrganisationClock.objects.values_list(*ORG_COMPARED)
            }
        }

    def write(self, changes):
        from boernesag.deadlines.models import OrganisationClock

        for _key, old, wanted in changes:
            old, wanted = old or {}, wanted or {}
            stale = [n for n, v in old.items() if wanted.get(n) != v]
            for rule_key, seq in stale:
                OrganisationClock.objects.filter(rule_key=rule_key, sequence=seq).delete()
            OrganisationClock.objects.bulk_create(
                [
                    OrganisationClock(**dict(zip(ORG_COMPARED, values, strict=True)))
                    for n, values in wanted.items()
                    if old.get(n) != values
                ]
            )

    def apply(self, event):
        self.refresh([ORG_KEY])

    def describe(self, key, old, new):
        return _diff_lines(self.name, key, old, new, ORG_COMPARED)
