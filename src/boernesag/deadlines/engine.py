"""The clock engine: clocks are computed from events, by one pure function.

``compute_clocks`` turns events (in the order they occurred) into clocks. The projections
``clocks`` (per case) and ``organisation_clocks`` (deadlines/projections.py) call it for the
incremental update in the event's transaction, for ``projections_rebuild`` and for
``projections_verify``; ``deadlines_simulate`` and "Prøv et forløb" call it on a typed-in
timeline. One function, so all of them agree.

Semantics, all driven by the rule data (deadlines/rules/*.yaml, docs/deadlines.md):

- A clock opens on a start event when a rule version is in force on that date and its
  conditions hold on the start event's payload; it records the rule key and version.
- Stop events close it (met, on time or late); cancel events cancel it (case closed …).
- ``restart_on_stop``: a new clock opens at every stop, whatever the stop event's payload
  (the conditions were checked when the chain started). Its due time comes from the stop
  event's payload (``due_from_payload``), else ``then_every``, else ``duration``; the version
  is the one in force on the stop's date.
- ``stop_may_precede_start``: a stop that happened before (or at) the start, and has not
  satisfied another clock since, satisfies the clock at once (a plan made before the
  decision). A cancel event forgets such earlier stops.
- ``first_due_by_stop_of: R``: if a clock of rule R runs when this clock starts, this clock is
  due no later than the end of the day that clock stops (Barnets Lov § 95, stk. 2).
- ``duration_from_payload``: the amount comes from the start (or stop) event's payload, the
  ``duration`` is the longest it may be (a catalogue service's own revision interval).
- ``clock_paused``/``clock_resumed`` (payload: rule key and pause row) pause a clock; the due
  time moves by the paused duration and the pause shows in the figures.
- ``track: measure``: the clock runs for every record (measure) whose start met the rule's
  conditions; a cancel event naming one of them (``measure_ended`` with ``measure``) ends the
  clock only when none is left — one of two measures ending does not stop the follow-up or
  supervision of the other. A cancel event naming none (``case_closed``) ends it at once.
- A start event with a subject (e.g. one concern report) opens one clock per subject; a stop
  with the same subject closes that clock, a stop without subject the oldest open one.
- Case clocks record the team and caseworker responsible when the clock started, when it
  stopped, and — for compliance — when it was decided: at the stop if that came first,
  otherwise at the due time. Reassigning a case later never moves past figures.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.utils.dateparse import parse_date, parse_datetime

from boernesag.deadlines.calendar import TZ, add_months, due_at, end_of_day, is_weekday
from boernesag.deadlines.rules import Rule, RuleVersion, load_rules
from boernesag.events import catalogue
from boernesag.events.catalogue import canonical
from boernesag.events.constants import Scope

# the subject of an event about the whole case (case_closed): it reaches every clock
CASE_SUBJECT = "cases.case:"


def _same_kind(a: str, b: str) -> bool:
    """Two subjects ("app.model:id") about the same kind of object."""
    return bool(a and b) and a.split(":", 1)[0] == b.split(":", 1)[0]


def cancelled_after_due(clock, due) -> bool:
    """A clock cancelled (case closed with an explanation, measure ended …) after its due
    time was missed: the deadline had already passed when the work stopped being owed. A
    clock paused before its due time ran no longer while paused, so it is missed only if it
    was already overdue when the pause began."""
    end = clock.cancelled_at
    if clock.paused_since is not None:
        end = min(end, clock.paused_since)
    return end > due


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
    pause_id: int | None = None
    start_team_id: int | None = None
    start_caseworker_id: int | None = None
    stop_team_id: int | None = None
    stop_caseworker_id: int | None = None
    team_id: int | None = None
    caseworker_id: int | None = None
    version_obj: RuleVersion | None = field(default=None, repr=False, compare=False)
    bound_to: ClockState | None = field(default=None, repr=False, compare=False)
    # ``track``: the records (e.g. measures) the clock runs for; it ends when the last ends
    active: set | None = field(default=None, repr=False, compare=False)

    def natural_key(self):
        return (self.rule_key, self.sequence)

    def comparable(self) -> tuple:
        return tuple(getattr(self, name) for name in COMPARED)

    def outcome(self, *, local: bool = False, now: datetime) -> str:
        due = self.local_due_at if local else self.due_at
        if self.cancelled_at:
            rule = load_rules().get(self.rule_key)
            if not (rule and rule.window) and cancelled_after_due(self, due):
                return "missed_closed"
            return "cancelled"
        if self.stopped_at:
            return "met" if self.stopped_at <= due else "late"
        if self.paused_since:
            return "paused"
        return "missed" if now > due else "open"


# The stored columns of a case clock, in the order ``comparable`` gives them.
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
    "pause_id",
    "start_team_id",
    "start_caseworker_id",
    "stop_team_id",
    "stop_caseworker_id",
    "team_id",
    "caseworker_id",
)
# Organisation clocks have no responsibility columns.
ORG_COMPARED = COMPARED[:12]


# The longest a local standard may be, per unit: longer could not be stricter than any rule
# (the longest is 24 months), and huge amounts would make the date arithmetic loop or
# overflow. Forms, the service and the simulator all refuse more.
LOCAL_RULE_MAX = {
    "hours": 24 * 366,
    "days": 1_100,
    "weekdays": 800,
    "working_days": 800,
    "months": 36,
}


@dataclass(frozen=True)
class LocalRule:
    rule_key: str
    amount: int
    unit: str
    valid_from: date


@lru_cache(maxsize=512)
def _payload_default(kind: str, key: str):
    """The catalogue's default for a payload field (``DecisionMade.outcome`` is "grant"), so
    a payload stored before the field existed, or typed in without it, reads as the
    constructor would have written it."""
    cls = catalogue.REGISTRY.get(canonical(kind))
    if cls is None:
        return None
    for f in dataclasses.fields(cls):
        if f.name == key and f.default is not dataclasses.MISSING:
            return f.default
    return None


def _payload_value(ev: Ev, key: str):
    return ev.payload[key] if key in ev.payload else _payload_default(ev.kind, key)


def conditions_met(version: RuleVersion, ev: Ev, birth_date: date | None) -> bool:
    cond = version.conditions
    for key, expected in (cond.get("payload_equals") or {}).items():
        if _payload_value(ev, key) != expected:
            return False
    for key, allowed in (cond.get("payload_in") or {}).items():
        if _payload_value(ev, key) not in allowed:
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


_conditions_met = conditions_met  # the calculator's name for it


def _payload_moment(value, *, exact: bool = False) -> datetime | None:
    if not value:
        return None
    if isinstance(value, str):
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:  # a date: due at the end of that day
            return None if exact else end_of_day(day)
        moment = parse_datetime(value)
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=TZ)
    return None


def version_due(
    version: RuleVersion,
    start: datetime,
    *,
    payload: dict | None = None,
    birth_date: date | None = None,
    first: bool = True,
) -> tuple[datetime | None, bool]:
    """The legal due time for a clock of this version started at ``start``, and whether it
    came from the rule's ``duration`` (only then may a local standard tighten it)."""
    payload = payload or {}
    if version.due_from_payload:
        due = _payload_moment(payload.get(version.due_from_payload))
        if due is not None:
            return due, False
    if version.due_from_birthday:
        if birth_date is None:
            return None, False
        years, months = version.due_from_birthday
        due = end_of_day(add_months(birth_date, years * 12 + months))
        floor = end_of_day(start.astimezone(TZ).date())
        if version.min_after_start is not None:
            # e.g. Barnets Lov § 108, stk. 3: a young person already 16 when the measure is
            # decided gets the youth plan within 3 months of that, not on the same day
            floor = max(
                floor,
                due_at(start, version.min_after_start.amount, version.min_after_start.unit),
            )
        return max(due, floor), False
    if not first and version.then_every is not None:
        return due_at(start, version.then_every.amount, version.then_every.unit), False
    if version.duration is not None:
        due = due_at(start, version.duration.amount, version.duration.unit)
        own = version.duration_from_payload
        if own is not None and isinstance(payload.get(own.key), int) and payload[own.key] >= 0:
            amount = payload[own.key]
            if own.unit == version.duration.unit:  # the rule's duration is the longest
                amount = min(amount, version.duration.amount)
            due = min(due, due_at(start, amount, own.unit))
        if version.ends_on_weekday:
            due = _to_weekday(due)
        return due, first
    return None, False


def _to_weekday(due: datetime) -> datetime:
    """A deadline ending on a Saturday, Sunday or public holiday runs to the end of the next
    weekday (hverdag)."""
    day = due.astimezone(TZ).date()
    if is_weekday(day):
        return due
    while not is_weekday(day):
        day += timedelta(days=1)
    return end_of_day(day)


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


class _Responsibility:
    """Who was responsible when: from case_opened and case_reassigned, in event order."""

    def __init__(self):
        self.times: list[datetime] = []
        self.holders: list[tuple[int | None, int | None]] = []

    def add(self, ev: Ev) -> None:
        p = ev.payload
        if ev.kind == "case_opened":
            holder = (p.get("team"), p.get("caseworker"))
        else:
            holder = (p.get("to_team"), p.get("to_caseworker"))
        self.times.append(ev.occurred_at)
        self.holders.append(holder)

    def at(self, moment: datetime) -> tuple[int | None, int | None]:
        if not self.holders:
            return (None, None)
        index = bisect.bisect_right(self.times, moment) - 1
        return self.holders[max(index, 0)]


def _index(rules: dict[str, Rule], scope: str) -> dict[str, list[Rule]]:
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules.values():
        if rule.scope == scope:
            for kind in rule.kinds:
                by_kind.setdefault(kind, []).append(rule)
    return by_kind


def compute_clocks(
    events: list[Ev],
    *,
    birth_date: date | None,
    local_rules: list[LocalRule],
    rules: dict[str, Rule] | None = None,
    scope: str = Scope.CASE,
) -> list[ClockState]:
    """Every clock the events give, in the order they were opened."""
    rules = rules or load_rules()
    by_kind = _index(rules, scope)
    clocks: list[ClockState] = []
    running: dict[str, list[ClockState]] = {}
    sequence: dict[str, int] = {}
    earlier_stops: dict[str, list[Ev]] = {}
    used_stops: set[int] = set()
    responsibility = _Responsibility()

    def open_clock(rule: Rule, ev: Ev, *, restart: bool, after: ClockState | None = None) -> None:
        version = rule.version_for(ev.occurred_at)
        if version is None:
            return
        if not restart and not conditions_met(version, ev, birth_date):
            return
        start = ev.occurred_at
        if not restart and version.start_from_payload:
            # e.g. Barnets Lov § 20, stk. 3: from when the municipality became aware — which
            # can only be earlier: a later "aware" time never buys the case more time
            aware = _payload_moment(ev.payload.get(version.start_from_payload), exact=True)
            start = min(aware, start) if aware is not None else start
        legal, from_duration = version_due(
            version, start, payload=ev.payload, birth_date=birth_date, first=not restart
        )
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
            local_due_at=(
                local_due(rule.key, version, start, legal, local_rules) if from_duration else legal
            ),
            version_obj=version,
        )
        if version.track:
            carried = after.active if restart and after is not None else None
            clock.active = set(carried) if carried is not None else {ev.payload.get(version.track)}
        clocks.append(clock)
        if not restart and version.stop_may_precede_start:
            for stop in reversed(earlier_stops.get(rule.key, [])):
                if stop.id in used_stops:
                    continue
                if stop.subject and clock.subject and stop.subject != clock.subject:
                    continue
                clock.stopped_at, clock.stop_event_id = stop.occurred_at, stop.id
                used_stops.add(stop.id)
                earlier_stops[rule.key].remove(stop)
                return
        if not restart and version.first_due_by_stop_of:
            parallel = running.get(version.first_due_by_stop_of, [])
            clock.bound_to = parallel[0] if parallel else None
        running.setdefault(rule.key, []).append(clock)

    def settle_pause(clock: ClockState, until: datetime) -> None:
        paused = max(until - clock.paused_since, timedelta(0))
        clock.paused_seconds += int(paused.total_seconds())
        clock.due_at += paused
        clock.local_due_at += paused
        clock.paused_since = None

    def close(rule_key: str, clock: ClockState) -> None:
        running[rule_key].remove(clock)
        end = clock.stopped_at or clock.cancelled_at
        for others in running.values():
            for other in others:
                if other.bound_to is clock and clock.stopped_at is not None:
                    limit = end_of_day(end.astimezone(TZ).date())
                    other.due_at = min(other.due_at, limit)
                    other.local_due_at = min(other.local_due_at, limit)
                    other.bound_to = None

    for ev in events:
        if ev.kind in ("case_opened", "case_reassigned"):
            responsibility.add(ev)
        if ev.kind in ("clock_paused", "clock_resumed"):
            for clock in running.get(ev.payload.get("rule", ""), []):
                if ev.kind == "clock_paused" and clock.paused_since is None:
                    clock.paused_since = ev.occurred_at
                    clock.pause_id = ev.payload.get("pause")
                elif ev.kind == "clock_resumed" and clock.paused_since is not None:
                    settle_pause(clock, ev.occurred_at)
            continue
        for rule in by_kind.get(ev.kind, ()):
            open_now = running.get(rule.key, [])
            target = None
            if open_now:
                same = [c for c in open_now if ev.subject and c.subject == ev.subject]
                if same:
                    target = same[0]
                elif not ev.subject or not any(_same_kind(c.subject, ev.subject) for c in open_now):
                    # subjects tell clocks apart only among objects of one kind (report A
                    # from report B); a stop about another kind of object reaches the oldest
                    # open clock — the investigation's conclusion (subject: the
                    # investigation) stops the clock the triage started (subject: the report)
                    target = open_now[0]
            if (
                open_now
                and ev.subject.startswith(CASE_SUBJECT)
                and any(ev.kind in c.version_obj.cancel for c in open_now)
            ):
                # an event about the whole case (case_closed) cancels every clock of the rule,
                # whatever each clock's own subject (e.g. one per concern report) — but only
                # the clocks it knew of: a clock started by an event recorded after the
                # closure (a report received before the closure, registered after it: its
                # 24 hours run from the receipt, BL § 136) is not cancelled by it. Event ids
                # follow the order of recording.
                for clock in list(open_now):
                    if ev.kind in clock.version_obj.cancel and clock.start_event_id < ev.id:
                        clock.cancelled_at = ev.occurred_at
                        close(rule.key, clock)
                earlier_stops.pop(rule.key, None)
                continue
            if target is not None and ev.kind in target.version_obj.cancel:
                track = target.version_obj.track
                ref = ev.payload.get(track) if track else None
                if ref is not None and target.active is not None:
                    # e.g. one of two measures ended: the clock runs on for the other
                    if ref not in target.active:
                        continue
                    target.active.discard(ref)
                    if target.active:
                        continue
                target.cancelled_at = ev.occurred_at
                close(rule.key, target)
                earlier_stops.pop(rule.key, None)
                continue
            if target is not None and ev.kind in target.version_obj.stop:
                target.stopped_at = ev.occurred_at
                target.stop_event_id = ev.id
                used_stops.add(ev.id)
                if target.paused_since is not None:
                    settle_pause(target, ev.occurred_at)
                close(rule.key, target)
                if target.version_obj.restart_on_stop:
                    open_clock(rule, ev, restart=True, after=target)
                continue
            version = rule.version_for(ev.occurred_at)
            if version is not None and ev.kind in version.start and (ev.subject or not open_now):
                open_clock(rule, ev, restart=False)
                continue
            if (
                target is not None
                and version is not None
                and version.track
                and target.active is not None
                and ev.kind in version.start
                and conditions_met(version, ev, birth_date)
            ):
                target.active.add(ev.payload.get(version.track))  # a second measure joins
                continue
            if target is None and any(ev.kind in v.cancel for v in rule.versions):
                earlier_stops.pop(rule.key, None)
            elif target is None and any(ev.kind in v.stop for v in rule.versions):
                earlier_stops.setdefault(rule.key, []).append(ev)

    if scope == Scope.CASE:
        for clock in clocks:
            clock.start_team_id, clock.start_caseworker_id = responsibility.at(clock.started_at)
            end = clock.stopped_at or clock.cancelled_at
            if end is not None:
                clock.stop_team_id, clock.stop_caseworker_id = responsibility.at(end)
            decided = min(end, clock.due_at) if end is not None else clock.due_at
            clock.team_id, clock.caseworker_id = responsibility.at(decided)
    return clocks


def events_from_rows(rows) -> list[Ev]:
    """(id, kind, occurred_at, subject_type, subject_id, payload) rows → engine events, with
    kinds stored under an old name read as the catalogue's current name. Payloads from a raw
    cursor arrive as JSON text."""
    return [
        Ev(
            i,
            canonical(k),
            t,
            f"{st}:{sid}" if st and sid else "",
            (json.loads(p) if isinstance(p, str) else p) or {},
        )
        for i, k, t, st, sid, p in rows
    ]
