"""The clock engine: clocks are computed from a case's events.

One function, ``compute_clocks``, turns a case's events (in the order they occurred) into its
clocks. The event hook recomputes the clocks of the case in the same transaction as the
event; ``deadlines_rebuild`` recomputes every case. Both use the same function, so a rebuild
gives exactly the clocks the incremental path gave.

- A clock opens on a start event when a rule version is in force on that date and its
  conditions hold; it records the rule key and version.
- Stop events close it (met, on time or late); cancel events cancel it (e.g. case closed).
- With ``restart_on_stop`` a new clock opens at the stop (recurring follow-ups); its due date
  may come from the stop event's payload (Barnets Lov § 95: the municipality sets the next
  follow-up with reasons).
- ``clock_paused``/``clock_resumed`` events (payload: rule key and reason) pause a clock; the
  due time moves by the paused duration and the pause shows in the figures.
- A start event with a subject (e.g. one concern report) opens one clock per subject; a stop
  event with the same subject closes that clock, a stop without subject the oldest open one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from boernesag.cases.constants import EventKind
from boernesag.deadlines.calendar import TZ, add_months, due_at, end_of_day
from boernesag.deadlines.rules import Rule, RuleVersion, load_rules, relevant_kinds


@dataclass
class Ev:
    id: int
    kind: str
    occurred_at: datetime
    subject: str
    payload: dict


@dataclass
class ClockState:
    rule_key: str
    rule_version: int
    law: str
    sequence: int
    subject: str
    start_event_id: int
    started_at: datetime
    due_at: datetime
    local_due_at: datetime
    stop_event_id: int | None = None
    stopped_at: datetime | None = None
    cancelled_at: datetime | None = None
    paused_since: datetime | None = None
    paused_seconds: int = 0
    pause_reason: str = ""
    version_obj: RuleVersion | None = field(default=None, repr=False, compare=False)

    def natural_key(self):
        return (self.rule_key, self.sequence)

    def comparable(self) -> tuple:
        return (
            self.rule_key,
            self.rule_version,
            self.law,
            self.sequence,
            self.subject,
            self.start_event_id,
            self.started_at,
            self.due_at,
            self.local_due_at,
            self.stop_event_id,
            self.stopped_at,
            self.cancelled_at,
            self.paused_since,
            self.paused_seconds,
            self.pause_reason,
        )


@dataclass(frozen=True)
class LocalRule:
    rule_key: str
    amount: int
    unit: str
    valid_from: date


def _conditions_met(version: RuleVersion, ev: Ev, birth_date: date | None) -> bool:
    cond = version.conditions
    for key, expected in (cond.get("payload_equals") or {}).items():
        if ev.payload.get(key) != expected:
            return False
    for key, allowed in (cond.get("payload_in") or {}).items():
        if ev.payload.get(key) not in allowed:
            return False
    if "child_age_at_least" in cond:
        if birth_date is None:
            return False
        day = ev.occurred_at.astimezone(TZ).date()
        age = (
            day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
        )
        if age < cond["child_age_at_least"]:
            return False
    return True


def _payload_due(value, *, exact: bool = False) -> datetime | None:
    if not value:
        return None
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=TZ)
        day = parse_date(value)
        if day is not None and not exact:
            return end_of_day(day)
    return None


def version_due(
    version: RuleVersion,
    start: datetime,
    *,
    payload: dict | None = None,
    birth_date: date | None = None,
) -> datetime | None:
    """The legal due time for a clock of this version started at ``start``."""
    if version.due_from_payload:
        due = _payload_due((payload or {}).get(version.due_from_payload))
        if due is not None:
            return due
    if version.due_from_birthday:
        if birth_date is None:
            return None
        years, months = version.due_from_birthday
        due = end_of_day(add_months(birth_date, years * 12 + months))
        return max(due, end_of_day(start.astimezone(TZ).date()))
    if version.duration is not None:
        return due_at(start, version.duration.amount, version.duration.unit)
    return None


def local_due(
    rule_key: str,
    version: RuleVersion,
    start: datetime,
    legal: datetime,
    local_rules: list[LocalRule],
) -> datetime:
    """A local standard in force on the start date may only make the deadline earlier."""
    day = start.astimezone(TZ).date()
    applicable = [lr for lr in local_rules if lr.rule_key == rule_key and lr.valid_from <= day]
    if not applicable or version.duration is None:
        return legal
    latest = max(applicable, key=lambda lr: lr.valid_from)
    return min(legal, due_at(start, latest.amount, latest.unit))


def compute_clocks(
    events: list[Ev],
    *,
    birth_date: date | None,
    local_rules: list[LocalRule],
    rules: dict[str, Rule] | None = None,
) -> list[ClockState]:
    rules = rules or load_rules()
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules.values():
        if rule.scope != "case":
            continue
        kinds = set()
        for v in rule.versions:
            kinds.update(v.start, v.stop, v.cancel)
        for kind in kinds:
            by_kind.setdefault(kind, []).append(rule)
    clocks: list[ClockState] = []
    open_clocks: dict[str, list[ClockState]] = {}
    sequence: dict[str, int] = {}

    def open_clock(rule: Rule, ev: Ev) -> None:
        version = rule.version_for(ev.occurred_at)
        if version is None or not _conditions_met(version, ev, birth_date):
            return
        start = ev.occurred_at
        if version.start_from_payload:
            # e.g. Barnets Lov § 20, stk. 3: from when the municipality became aware
            start = _payload_due(ev.payload.get(version.start_from_payload), exact=True) or start
        legal = version_due(version, start, payload=ev.payload, birth_date=birth_date)
        if legal is None:
            return
        sequence[rule.key] = sequence.get(rule.key, 0) + 1
        clock = ClockState(
            rule_key=rule.key,
            rule_version=version.version,
            law=version.law,
            sequence=sequence[rule.key],
            subject=ev.subject,
            start_event_id=ev.id,
            started_at=start,
            due_at=legal,
            local_due_at=local_due(rule.key, version, start, legal, local_rules),
            version_obj=version,
        )
        clocks.append(clock)
        open_clocks.setdefault(rule.key, []).append(clock)

    def close(rule_key: str, clock: ClockState) -> None:
        open_clocks[rule_key].remove(clock)

    for ev in events:
        if ev.kind in (EventKind.CLOCK_PAUSED, EventKind.CLOCK_RESUMED):
            for clock in open_clocks.get(ev.payload.get("rule", ""), []):
                if ev.kind == EventKind.CLOCK_PAUSED and clock.paused_since is None:
                    clock.paused_since = ev.occurred_at
                    clock.pause_reason = ev.payload.get("reason", "")
                elif ev.kind == EventKind.CLOCK_RESUMED and clock.paused_since is not None:
                    paused = max(ev.occurred_at - clock.paused_since, timedelta(0))
                    clock.paused_seconds += int(paused.total_seconds())
                    clock.due_at += paused
                    clock.local_due_at += paused
                    clock.paused_since = None
            continue
        for rule in by_kind.get(ev.kind, ()):
            running = open_clocks.get(rule.key, [])
            target = None
            if running:
                same = [c for c in running if ev.subject and c.subject == ev.subject]
                target = (
                    same[0]
                    if same
                    else (
                        running[0]
                        if not ev.subject or not any(c.subject for c in running)
                        else None
                    )
                )
            if target is not None and ev.kind in target.version_obj.cancel:
                target.cancelled_at = ev.occurred_at
                close(rule.key, target)
                continue
            if target is not None and ev.kind in target.version_obj.stop:
                target.stopped_at = ev.occurred_at
                target.stop_event_id = ev.id
                if target.paused_since is not None:
                    paused = max(ev.occurred_at - target.paused_since, timedelta(0))
                    target.paused_seconds += int(paused.total_seconds())
                    target.due_at += paused
                    target.local_due_at += paused
                    target.paused_since = None
                close(rule.key, target)
                if target.version_obj.restart_on_stop:
                    open_clock(rule, Ev(ev.id, ev.kind, ev.occurred_at, "", ev.payload))
                continue
            version = rule.version_for(ev.occurred_at)
            if version is not None and ev.kind in version.start and (ev.subject or not running):
                open_clock(rule, ev)
    return clocks


def _local_rules() -> list[LocalRule]:
    from boernesag.deadlines.models import LocalStandard

    return [
        LocalRule(ls.rule_key, ls.amount, ls.unit, ls.valid_from)
        for ls in LocalStandard.objects.all()
    ]


def _events_for(case_id: int) -> list[Ev]:
    from boernesag.cases.models import CaseEvent

    rows = (
        CaseEvent.objects.filter(case_id=case_id, kind__in=relevant_kinds())
        .order_by("occurred_at", "id")
        .values_list("id", "kind", "occurred_at", "subject_type", "subject_id", "payload")
    )
    return [Ev(i, k, t, f"{st}:{sid}" if st and sid else "", p) for i, k, t, st, sid, p in rows]


COMPARED = (
    "rule_key",
    "rule_version",
    "law",
    "sequence",
    "subject",
    "start_event_id",
    "started_at",
    "due_at",
    "local_due_at",
    "stop_event_id",
    "stopped_at",
    "cancelled_at",
    "paused_since",
    "paused_seconds",
    "pause_reason",
)


def _save(case_id: int, clocks: list[ClockState]) -> None:
    """Write only what changed: most events open or close one clock."""
    from boernesag.deadlines.models import Clock

    existing = {
        row[1:]: row[0]
        for row in Clock.objects.filter(case_id=case_id).values_list("id", *COMPARED)
    }
    wanted = {c.comparable(): c for c in clocks}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        Clock.objects.filter(pk__in=stale).delete()
    new = [Clock.from_state(case_id, c) for key, c in wanted.items() if key not in existing]
    if new:
        Clock.objects.bulk_create(new)


@transaction.atomic
def case_clocks_refresh(case_id: int) -> list[ClockState]:
    from boernesag.cases.models import Case

    birth_date = Case.objects.filter(pk=case_id).values_list("child__birth_date", flat=True).first()
    clocks = compute_clocks(_events_for(case_id), birth_date=birth_date, local_rules=_local_rules())
    _save(case_id, clocks)
    return clocks


def on_case_event(event) -> None:
    """Event hook: only events that some rule reacts to cost anything."""
    if event.kind in relevant_kinds():
        case_clocks_refresh(event.case_id)


def rebuild_all(*, chunk: int = 2000) -> int:
    """Recompute every case's clocks from its events. Returns the number of clocks."""
    from django.db import connection

    from boernesag.cases.models import Case, CaseEvent
    from boernesag.deadlines.models import Clock

    local_rules = _local_rules()
    rules = load_rules()
    kinds = list(relevant_kinds())
    births = dict(Case.objects.values_list("id", "child__birth_date"))
    total = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
            # DELETE, not TRUNCATE: the application's database role has no TRUNCATE
            # privilege anywhere (docs/security.md "Databaseroller").
            cursor.execute("DELETE FROM deadlines_clock")
        batch: list = []
        current, events = None, []

        def flush_case():
            nonlocal total
            if current is None:
                return
            states = compute_clocks(
                events, birth_date=births.get(current), local_rules=local_rules, rules=rules
            )
            batch.extend(Clock.from_state(current, s) for s in states)
            total += len(states)

        rows = (
            CaseEvent.objects.filter(kind__in=kinds)
            .order_by("case_id", "occurred_at", "id")
            .values_list(
                "case_id", "id", "kind", "occurred_at", "subject_type", "subject_id", "payload"
            )
            .iterator(chunk_size=20000)
        )
        for case_id, i, k, t, st, sid, p in rows:
            if case_id != current:
                flush_case()
                current, events = case_id, []
                if len(batch) >= chunk:
                    Clock.objects.bulk_create(batch)
                    batch = []
            events.append(Ev(i, k, t, f"{st}:{sid}" if st and sid else "", p))
        flush_case()
        if batch:
            Clock.objects.bulk_create(batch)
    return total
