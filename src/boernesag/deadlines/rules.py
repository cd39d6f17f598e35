"""Legal deadline rules: versioned data in ``deadlines/rules/*.yaml``.

Each file holds one rule (its key is the file name) with one or more versions. The version
applied to a clock is the one in force on the start event's date (Serviceloven before
2024-01-01, Barnets Lov from then). Files are validated at start-up and in the tests; an
error names the file and line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from boernesag.cases.constants import EventKind
from boernesag.deadlines.calendar import TZ, UNITS

RULES_DIR = Path(__file__).resolve().parent / "rules"
# Events outside cases (the organisation's standards and catalogue), used by rules with
# scope "organisation".
ORGANISATION_EVENT_KINDS = {
    "standard_approved",
    "standard_reviewed",
    "service_approved",
    "service_revised",
}
LAWS = {
    "BL": "Barnets Lov",
    "SEL": "Serviceloven",
    "FVL": "Forvaltningsloven",
    "RSL": "Retssikkerhedsloven",
    "LOCAL": "Bekendtgørelse/kommunal praksis",
}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str

    def label(self) -> str:
        names = {
            "hours": ("time", "timer"),
            "days": ("dag", "dage"),
            "weekdays": ("hverdag", "hverdage"),
            "working_days": ("arbejdsdag", "arbejdsdage"),
            "months": ("måned", "måneder"),
        }
        one, many = names[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"


@dataclass(frozen=True)
class RuleVersion:
    version: int
    law: str
    reference: str
    verified: bool
    valid_from: date
    valid_to: date | None
    start: tuple[str, ...]
    stop: tuple[str, ...]
    cancel: tuple[str, ...]
    duration: Duration | None
    due_from_payload: str | None
    due_from_birthday: tuple[int, int] | None  # (years, months)
    restart_on_stop: bool
    start_from_payload: str | None = None
    conditions: dict = field(default_factory=dict, hash=False, compare=False)

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    explanation: str
    scope: str
    compliance: bool
    versions: tuple[RuleVersion, ...]
    source: str

    def version_for(self, when: datetime | date) -> RuleVersion | None:
        day = when.astimezone(TZ).date() if isinstance(when, datetime) else when
        for version in self.versions:
            if version.applies_on(day):
                return version
        return None

    @property
    def current(self) -> RuleVersion:
        return self.versions[-1]


class _LineLoader(yaml.SafeLoader):
    """Keeps the line number of every mapping so errors can point at it."""


def _construct_mapping(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

TOP_KEYS = {"key", "title", "explanation", "scope", "compliance", "versions"}
VERSION_KEYS = {
    "version",
    "law",
    "reference",
    "verified",
    "valid_from",
    "valid_to",
    "start",
    "stop",
    "cancel",
    "duration",
    "due_from_payload",
    "due_from_birthday",
    "restart_on_stop",
    "conditions",
    "start_from_payload",
}
CONDITION_KEYS = {"payload_equals", "payload_in", "child_age_at_least"}


def _fail(path: Path, line, message: str):
    raise RuleError(f"{path.name}, linje {line}: {message}")


def parse_rule_file(path: Path, *, known_kinds: set[str] | None = None) -> Rule:
    known = (
        known_kinds
        if known_kinds is not None
        else (set(EventKind.values) | ORGANISATION_EVENT_KINDS)
    )
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        _fail(path, mark.line + 1 if mark else 1, f"ugyldig YAML: {exc}")
    if not isinstance(data, dict):
        _fail(path, 1, "filen skal indeholde én regel")
    line = data["__line__"]
    unknown = set(data) - TOP_KEYS - {"__line__"}
    if unknown:
        _fail(path, line, f"ukendte felter: {', '.join(sorted(unknown))}")
    for required in ("key", "title", "explanation", "versions"):
        if not data.get(required):
            _fail(path, line, f"mangler '{required}'")
    if data["key"] != path.stem:
        _fail(path, line, f"nøglen '{data['key']}' skal være filens navn '{path.stem}'")
    scope = data.get("scope", "case")
    if scope not in ("case", "organisation"):
        _fail(path, line, "scope skal være 'case' eller 'organisation'")
    versions = []
    for raw in data["versions"]:
        vline = raw.get("__line__", line)
        unknown = set(raw) - VERSION_KEYS - {"__line__"}
        if unknown:
            _fail(path, vline, f"ukendte felter: {', '.join(sorted(unknown))}")
        for required in ("version", "law", "reference", "valid_from", "start"):
            if raw.get(required) in (None, "", []):
                _fail(path, vline, f"mangler '{required}'")
        if raw["law"] not in LAWS:
            _fail(path, vline, f"ukendt lov '{raw['law']}' (brug {', '.join(LAWS)})")
        kinds = {}
        for name in ("start", "stop", "cancel"):
            values = raw.get(name) or []
            if isinstance(values, str):
                values = [values]
            for kind in values:
                if kind not in known:
                    _fail(path, vline, f"ukendt hændelse '{kind}' i '{name}'")
            kinds[name] = tuple(values)
        duration = None
        if raw.get("duration") is not None:
            d = raw["duration"]
            dline = d.get("__line__", vline) if isinstance(d, dict) else vline
            if not isinstance(d, dict) or "amount" not in d or "unit" not in d:
                _fail(path, dline, "duration skal have 'amount' og 'unit'")
            if not isinstance(d["amount"], int) or d["amount"] < 0:
                _fail(path, dline, f"varigheden må ikke være negativ ({d['amount']})")
            if d["unit"] not in UNITS:
                _fail(path, dline, f"ukendt enhed '{d['unit']}' (brug {', '.join(UNITS)})")
            duration = Duration(d["amount"], d["unit"])
        birthday = None
        if raw.get("due_from_birthday") is not None:
            b = raw["due_from_birthday"]
            birthday = (int(b.get("years", 0)), int(b.get("months", 0)))
        if duration is None and birthday is None and not raw.get("due_from_payload"):
            _fail(
                path,
                vline,
                "en version skal have duration, due_from_birthday eller due_from_payload",
            )
        conditions = raw.get("conditions") or {}
        conditions.pop("__line__", None)
        bad = set(conditions) - CONDITION_KEYS
        if bad:
            _fail(path, vline, f"ukendte betingelser: {', '.join(sorted(bad))}")
        for sub in ("payload_equals", "payload_in"):
            if sub in conditions:
                conditions[sub].pop("__line__", None)
        valid_to = raw.get("valid_to")
        if valid_to is not None and valid_to < raw["valid_from"]:
            _fail(path, vline, "valid_to ligger før valid_from")
        versions.append(
            RuleVersion(
                version=int(raw["version"]),
                law=raw["law"],
                reference=str(raw["reference"]),
                verified=bool(raw.get("verified", True)),
                valid_from=raw["valid_from"],
                valid_to=valid_to,
                start=kinds["start"],
                stop=kinds["stop"],
                cancel=kinds["cancel"],
                duration=duration,
                due_from_payload=raw.get("due_from_payload"),
                due_from_birthday=birthday,
                restart_on_stop=bool(raw.get("restart_on_stop", False)),
                start_from_payload=raw.get("start_from_payload"),
                conditions=conditions,
            )
        )
        versions[-1].__dict__["_line"] = vline
    versions.sort(key=lambda v: v.valid_from)
    for earlier, later in itertools.pairwise(versions):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            _fail(
                path,
                later.__dict__["_line"],
                f"version {later.version} overlapper version {earlier.version}",
            )
    numbers = [v.version for v in versions]
    if len(numbers) != len(set(numbers)):
        _fail(path, line, "versionsnumrene skal være forskellige")
    return Rule(
        key=data["key"],
        title=data["title"],
        explanation=data["explanation"].strip(),
        scope=scope,
        compliance=bool(data.get("compliance", True)),
        versions=tuple(versions),
        source=path.name,
    )


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    rules = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        rule = parse_rule_file(path)
        rules[rule.key] = rule
    if not rules:
        raise RuleError(f"ingen regler i {RULES_DIR}")
    return rules


def rule_get(key: str) -> Rule:
    try:
        return load_rules()[key]
    except KeyError:
        raise RuleError(f"ukendt regel '{key}'") from None


def rules_for_event_kind(kind: str) -> list[Rule]:
    return [
        r
        for r in load_rules().values()
        if any(kind in v.start or kind in v.stop or kind in v.cancel for v in r.versions)
    ]


def relevant_kinds() -> frozenset[str]:
    kinds = {EventKind.CLOCK_PAUSED, EventKind.CLOCK_RESUMED}
    for rule in load_rules().values():
        for v in rule.versions:
            kinds.update(v.start, v.stop, v.cancel)
    return frozenset(kinds)
