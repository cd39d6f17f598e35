"""The timeline simulator: a typed-in case timeline → the clocks the product would compute.

Used by ``manage.py deadlines_simulate FILE`` (JSON) and by "Prøv et forløb" on the
calculator page (JSON or a short line format). It validates every event against the event
catalogue exactly as ``event_write`` does and runs ``engine.compute_clocks`` — the engine
the product itself uses. The format is documented in docs/deadlines.md.

JSON::

    {"birth_date": "2012-05-01",              // optional, for age-based rules
     "now": "2026-06-01T12:00",               // optional, the moment status is judged at
     "local_standards": [{"rule": "assessment_duration", "amount": 2,
                          "unit": "months", "valid_from": "2026-01-01"}],   // optional
     "events": [{"kind": "measure_started", "occurred_at": "2026-01-15T10:00",
                 "payload": {"measure_kind": "support"}, "subject": "x"}]}

Line format (one event per line; ``#`` starts a comment)::

    født 2012-05-01
    nu 2026-06-01 12:00
    2026-01-15 10:00 measure_started measure_kind=support
    2026-04-01 follow_up_held next_follow_up_due=2026-09-30

Times without an offset are Danish local time. A malformed timeline raises
``SimulationError`` naming the line and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from boernesag.deadlines.calendar import TZ, UNITS
from boernesag.deadlines.engine import LOCAL_RULE_MAX, Ev, LocalRule, compute_clocks
from boernesag.deadlines.rules import LAWS, RuleError, load_rules, rule_get
from boernesag.events import catalogue
from boernesag.events.constants import Scope
from boernesag.events.payload import FIRST_DAY, LAST_DAY, PayloadError

TOP = {"birth_date", "now", "local_standards", "events"}
EVENT_KEYS = {"kind", "occurred_at", "payload", "subject"}
# A timeline is for checking one case by hand: bounded, so a pasted or generated text cannot
# keep a web worker busy. The page refuses longer text with a message (it never truncates);
# the command, run by someone with a shell on the server, reads files up to FILE_MAX_CHARS.
MAX_CHARS = 20_000
FILE_MAX_CHARS = 2_000_000
MAX_EVENTS = 500


class SimulationError(ValueError):
    def __init__(self, message: str, *, line: int | None = None, field: str = ""):
        self.line, self.field, self.detail = line, field, message
        where = ", ".join(p for p in [f"linje {line}" if line else "", field] if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Simulation:
    clocks: list[dict]
    now: datetime

    def as_json(self) -> dict:
        return {"now": self.now.isoformat(), "clocks": self.clocks}


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _window(day: date, *, line, field) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise SimulationError(
            f"skal ligge mellem {FIRST_DAY.year} og {LAST_DAY.year}", line=line, field=field
        )


def _moment(value, *, line, field) -> datetime:
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None and isinstance(value, str) and len(value) == 10:
            moment = parse_datetime(f"{value}T00:00")
    except ValueError:  # well-formed but impossible: 2026-02-30, or an offset of 30 hours
        moment = None
    if moment is None:
        raise SimulationError(
            f"ugyldigt tidspunkt {_shown(value)} (brug ÅÅÅÅ-MM-DDTTT:MM)", line=line, field=field
        )
    _window(moment.date(), line=line, field=field)
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _day(value, *, line, field) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise SimulationError(
            f"ugyldig dato {_shown(value)} (brug ÅÅÅÅ-MM-DD)", line=line, field=field
        ) from None
    _window(day, line=line, field=field)
    return day


def _lines_of(text: str) -> dict:
    """Line numbers of the JSON's mappings, via the YAML loader (JSON is YAML)."""
    import yaml

    from boernesag.deadlines.rules import _LineLoader

    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}


def _too_long(limit: int) -> SimulationError:
    return SimulationError(f"forløbet er for langt (højst {limit:,} tegn)".replace(",", "."))


def parse_json(text: str, *, limit: int = MAX_CHARS) -> dict:
    if len(text) > limit:
        raise _too_long(limit)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SimulationError(
            f"ugyldig JSON: {exc.msg} (kolonne {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise SimulationError("ugyldig JSON: for dybt indlejret", line=1) from None
    marked = _lines_of(text)
    if isinstance(data, dict) and isinstance(marked, dict):
        events = marked.get("events")
        if isinstance(events, list) and isinstance(data.get("events"), list):
            for raw, mark in zip(data["events"], events, strict=False):
                if isinstance(raw, dict) and isinstance(mark, dict):
                    raw["__line__"] = mark.get("__line__")
        data["__line__"] = marked.get("__line__", 1)
    return data


def _value(text: str):
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text


def parse_lines(text: str) -> dict:
    """The short line format of "Prøv et forløb" → the JSON structure."""
    if len(text) > MAX_CHARS:
        raise _too_long(MAX_CHARS)
    data: dict = {"events": []}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0].lower() in ("født", "foedt", "birth_date"):
            if len(words) != 2:
                raise SimulationError("skriv: født ÅÅÅÅ-MM-DD", line=number, field="birth_date")
            data["birth_date"] = words[1]
            continue
        if words[0].lower() in ("nu", "now"):
            data["now"] = "T".join(words[1:3]) if len(words) > 2 else words[1]
            continue
        day, rest = words[0], words[1:]
        try:
            date.fromisoformat(day)
        except ValueError:
            raise SimulationError(
                f"linjen skal begynde med en dato (ÅÅÅÅ-MM-DD), ikke {_shown(day)}",
                line=number,
                field="occurred_at",
            ) from None
        moment = day
        if rest and ":" in rest[0] and "=" not in rest[0]:
            moment, rest = f"{day}T{rest[0]}", rest[1:]
        if not rest:
            raise SimulationError("mangler hændelsen efter tidspunktet", line=number, field="kind")
        payload = {}
        for pair in rest[1:]:
            if "=" not in pair:
                raise SimulationError(
                    f"'{pair}' skal skrives felt=værdi", line=number, field="payload"
                )
            key, value = pair.split("=", 1)
            payload[key] = _value(value)
        data["events"].append(
            {"kind": rest[0], "occurred_at": moment, "payload": payload, "__line__": number}
        )
    return data


def simulate(data: dict, *, now: datetime | None = None) -> Simulation:
    """Validate a timeline (dict from ``parse_json``/``parse_lines``) and compute its clocks."""
    top_line = data.get("__line__") if isinstance(data, dict) else None
    if not isinstance(data, dict):
        raise SimulationError("forløbet skal være et JSON-objekt med 'events'", line=1)
    unknown = sorted(set(data) - TOP - {"__line__"})
    if unknown:
        raise SimulationError("ukendt felt", line=top_line, field=unknown[0])
    birth = data.get("birth_date")
    birth_date = _day(birth, line=top_line, field="birth_date") if birth else None
    at = data.get("now")
    now = _moment(at, line=top_line, field="now") if at else (now or timezone.now())
    standards = []
    for i, raw in enumerate(data.get("local_standards") or []):
        field = f"local_standards[{i}]"
        if not isinstance(raw, dict) or set(raw) != {"rule", "amount", "unit", "valid_from"}:
            raise SimulationError(
                "skal have rule, amount, unit og valid_from", line=top_line, field=field
            )
        try:
            rule_key = rule_get(raw["rule"]).key if isinstance(raw["rule"], str) else None
        except RuleError:
            rule_key = None
        if rule_key is None:
            raise SimulationError(
                f"ukendt regel {_shown(raw['rule'])}", line=top_line, field=f"{field}.rule"
            )
        unit, amount = raw["unit"], raw["amount"]
        if unit not in UNITS:
            raise SimulationError(
                f"ukendt enhed {_shown(unit)} (brug {', '.join(UNITS)})",
                line=top_line,
                field=f"{field}.unit",
            )
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise SimulationError("skal være et heltal", line=top_line, field=f"{field}.amount")
        if not 0 <= amount <= LOCAL_RULE_MAX[unit]:
            raise SimulationError(
                f"skal ligge mellem 0 og {LOCAL_RULE_MAX[unit]}",
                line=top_line,
                field=f"{field}.amount",
            )
        standards.append(
            LocalRule(
                rule_key,
                amount,
                unit,
                _day(raw["valid_from"], line=top_line, field=f"{field}.valid_from"),
            )
        )
    raw_events = data.get("events")
    if not isinstance(raw_events, list) or not raw_events:
        raise SimulationError("skriv mindst én hændelse", line=top_line, field="events")
    if len(raw_events) > MAX_EVENTS:
        raise SimulationError(
            f"højst {MAX_EVENTS} hændelser i et forløb", line=top_line, field="events"
        )
    events = []
    for index, raw in enumerate(raw_events):
        field = f"events[{index}]"
        line = raw.get("__line__") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            raise SimulationError("en hændelse skal være et objekt", line=line, field=field)
        extra = sorted(set(raw) - EVENT_KEYS - {"__line__"})
        if extra:
            raise SimulationError("ukendt felt", line=line, field=f"{field}.{extra[0]}")
        kind = raw.get("kind")
        if not isinstance(kind, str) or catalogue.canonical(kind) not in catalogue.REGISTRY:
            raise SimulationError(
                f"ukendt hændelse {_shown(kind)}", line=line, field=f"{field}.kind"
            )
        cls = catalogue.kind_class(kind)
        if cls.scope != Scope.CASE:
            raise SimulationError(
                f"'{kind}' er en organisationshændelse og hører ikke til et sagsforløb",
                line=line,
                field=f"{field}.kind",
            )
        if "occurred_at" not in raw:
            raise SimulationError("mangler", line=line, field=f"{field}.occurred_at")
        moment = _moment(raw["occurred_at"], line=line, field=f"{field}.occurred_at")
        payload = raw.get("payload") or {}
        if not isinstance(payload, dict):
            raise SimulationError("skal være et objekt", line=line, field=f"{field}.payload")
        payload = dict(payload)
        for name, spec in cls.specs.items():  # local time where no offset is given
            value = payload.get(name)
            if spec.base == "datetime" and isinstance(value, str):
                try:
                    local = parse_datetime(value)
                except ValueError:
                    local = None  # the catalogue names the field below
                if local is not None and local.tzinfo is None:
                    payload[name] = local.replace(tzinfo=TZ).isoformat()
        try:
            typed = cls.from_payload(payload)
        except PayloadError as exc:
            raise SimulationError(
                exc.detail, line=line, field=f"{field}.payload.{exc.field}".rstrip(".")
            ) from None
        subject = raw.get("subject") or ""
        if not isinstance(subject, str | int) or len(str(subject)) > 100:
            raise SimulationError(
                "skal være et kort navn eller tal", line=line, field=f"{field}.subject"
            )
        events.append((moment, index, cls.kind, str(subject), typed.to_payload()))
    events.sort(key=lambda e: (e[0], e[1]))
    engine_events = [
        Ev(i + 1, kind, moment, subject, payload)
        for i, (moment, _index, kind, subject, payload) in enumerate(events)
    ]
    rules = load_rules()
    states = compute_clocks(engine_events, birth_date=birth_date, local_rules=standards)
    clocks = []
    for state in states:
        rule = rules[state.rule_key]
        version = state.version_obj
        status = state.outcome(now=now)
        if status == "missed" and rule.window:
            status = "expired"
        clocks.append(
            {
                "rule": rule.key,
                "title": rule.title,
                "sequence": state.sequence,
                "version": version.version,
                "law": version.law,
                "law_name": LAWS.get(version.law, version.law),
                "reference": version.reference,
                "verified": version.verified,
                "started": state.started_at.astimezone(TZ).isoformat(),
                "due": state.due_at.astimezone(TZ).isoformat(),
                "local_due": state.local_due_at.astimezone(TZ).isoformat(),
                "stopped": state.stopped_at.astimezone(TZ).isoformat()
                if state.stopped_at
                else None,
                "cancelled": state.cancelled_at.astimezone(TZ).isoformat()
                if state.cancelled_at
                else None,
                "status": status,
            }
        )
    return Simulation(clocks=clocks, now=now)


def simulate_text(text: str, *, now: datetime | None = None) -> Simulation:
    """JSON (starting with ``{``) or the line format."""
    stripped = text.strip()
    if not stripped:
        raise SimulationError("skriv et forløb", line=1)
    data = parse_json(stripped) if stripped.startswith("{") else parse_lines(text)
    return simulate(data, now=now)
