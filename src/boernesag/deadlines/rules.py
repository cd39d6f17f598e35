"""Legal deadline rules: versioned data in ``deadlines/rules/*.yaml``.

Each file holds one rule (its key is the file name) with one or more versions. The version
applied to a clock is the one in force on the date of the event that starts it (Serviceloven
before 2024-01-01, Barnets Lov from then). Files are validated at start-up and in the tests —
also against the event catalogue (``events.catalogue``): an event kind the catalogue does not
declare, an event of the wrong scope, or a payload key or value a rule reads that the kind
does not declare refuses to load. Every error names the file and the line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from boernesag.deadlines.calendar import TZ, UNITS
from boernesag.events import catalogue
from boernesag.events.constants import Scope

RULES_DIR = Path(__file__).resolve().parent / "rules"
LAWS = {
    "BL": "Barnets Lov",
    "SEL": "Serviceloven",
    "FVL": "Forvaltningsloven",
    "RSL": "Retssikkerhedsloven",
    "LOCAL": "Bekendtgørelse/kommunal praksis",
}
# Pausing is built in (``clock_paused``/``clock_resumed``, payload: rule and pause row).
PAUSE_KINDS = frozenset({"clock_paused", "clock_resumed"})
# Who is responsible when: every case clock records it at start, stop and decision.
RESPONSIBILITY_KINDS = frozenset({"case_opened", "case_reassigned"})


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
        if self.amount == 0 and self.unit == "days":
            return "samme dag"
        one, many = names[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"


@dataclass(frozen=True)
class PayloadDuration:
    """The amount comes from a payload field (e.g. a service's own revision interval); the
    version's ``duration`` is the longest it may be."""

    key: str
    unit: str


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
    then_every: Duration | None = None
    duration_from_payload: PayloadDuration | None = None
    stop_may_precede_start: bool = False
    first_due_by_stop_of: str | None = None
    min_after_start: Duration | None = None
    track: str | None = None
    # a deadline in calendar days that ends on a Saturday, Sunday or public holiday runs to
    # the end of the next weekday (e.g. the 4-week appeal window)
    ends_on_weekday: bool = False
    conditions: dict = field(default_factory=dict, hash=False, compare=False)
    line: int = field(default=0, compare=False)

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def shown_reference(self) -> str:
        """The reference as users see it: without the rule authors' doubt marks
        ("(verificér)"); administrators see ``reference`` and ``verified`` (issue 20)."""
        text = re.sub(r"\s*\((verificér|verificer|unverified)[^)]*\)", "", self.reference)
        text = re.sub(r"[;,]\s*(verificér|verificer|unverified)[^)]*\)", ")", text)
        return text.strip()

    def describe(self) -> str:
        """The deadline in Danish, as the rule data says it (the rules page, for lawyers):
        a recurrence with a different interval after the first says so."""
        parts = []
        if self.due_from_birthday:
            years, months = self.due_from_birthday
            age = f"{years} år" + (f" og {months} måneder" if months else "")
            text = f"når barnet er {age}"
            if self.min_after_start:
                text += f", dog tidligst {self.min_after_start.label()} efter start"
            parts.append(text)
        elif self.duration:
            first = self.duration.label()
            if self.duration_from_payload:
                first += " (eller eget, kortere interval)"
            if self.first_due_by_stop_of:
                first += " eller, hvis tidligere, når en sideløbende undersøgelse afsluttes"
            if self.then_every or (self.due_from_payload and self.restart_on_stop):
                next_ = "den fastsatte dato" if self.due_from_payload else ""
                if self.then_every:
                    every = self.then_every.label()
                    next_ = f"{next_}, ellers {every}" if next_ else every
                parts.append(f"første gang {first}; derefter {next_}")
            else:
                parts.append(first)
                if self.due_from_payload:
                    parts.append("eller den fastsatte dato")
        elif self.due_from_payload:
            parts.append("den fastsatte dato")
        if self.ends_on_weekday:
            parts.append("falder den på en lørdag, søndag eller helligdag, er det næste hverdag")
        if self.restart_on_stop:
            parts.append("gentages")
        if self.stop_may_precede_start:
            parts.append("også opfyldt, hvis det er sket, før fristen startede")
        return "; ".join(parts)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.start) | frozenset(self.stop) | frozenset(self.cancel)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    explanation: str
    scope: str
    compliance: bool
    versions: tuple[RuleVersion, ...]
    source: str
    aliases: tuple[str, ...] = ()
    window: bool = False

    def version_for(self, when: datetime | date) -> RuleVersion | None:
        day = when.astimezone(TZ).date() if isinstance(when, datetime) else when
        for version in self.versions:
            if version.applies_on(day):
                return version
        return None

    @property
    def current(self) -> RuleVersion:
        return self.versions[-1]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset().union(*(v.kinds for v in self.versions))


class _LineLoader(yaml.SafeLoader):
    """Keeps the line of every mapping (``__line__``) and of each of its keys
    (``__lines__``) so errors can point at them."""


def _construct_mapping(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__lines__"] = {
        loader.construct_object(k): k.start_mark.line + 1 for k, _v in node.value
    }
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader, node):
    """A date YAML recognises but cannot build (2024-13-01) is an error with its line, not a
    bare ValueError."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"ugyldig dato {node.value!r} ({exc})", node.start_mark
        ) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

META = {"__line__", "__lines__"}
TOP_KEYS = {"key", "title", "explanation", "scope", "compliance", "versions", "aliases", "window"}
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
    "then_every",
    "duration_from_payload",
    "stop_may_precede_start",
    "first_due_by_stop_of",
    "min_after_start",
    "track",
    "ends_on_weekday",
}
CONDITION_KEYS = {"payload_equals", "payload_in", "child_age_at_least"}


def _fail(path: Path, line, message: str):
    raise RuleError(f"{path.name}, linje {line}: {message}")


def _line(mapping: dict, key: str) -> int:
    return mapping.get("__lines__", {}).get(key, mapping.get("__line__", 1))


def _clean(mapping):
    if isinstance(mapping, dict):
        return {k: _clean(v) for k, v in mapping.items() if k not in META}
    if isinstance(mapping, list):
        return [_clean(v) for v in mapping]
    return mapping


def _duration(path: Path, raw: dict, key: str) -> Duration | None:
    if raw.get(key) is None:
        return None
    d = raw[key]
    dline = d.get("__line__", _line(raw, key)) if isinstance(d, dict) else _line(raw, key)
    if not isinstance(d, dict) or "amount" not in d or "unit" not in d:
        _fail(path, dline, f"{key} skal have 'amount' og 'unit'")
    if set(_clean(d)) != {"amount", "unit"}:
        _fail(path, dline, f"{key} må kun have 'amount' og 'unit'")
    if isinstance(d["amount"], bool) or not isinstance(d["amount"], int):
        _fail(path, dline, f"{key}: amount skal være et heltal, ikke {d['amount']!r}")
    if d["amount"] < 0:
        _fail(path, dline, f"varigheden må ikke være negativ ({d['amount']})")
    if d["unit"] not in UNITS:
        _fail(path, dline, f"ukendt enhed '{d['unit']}' (brug {', '.join(UNITS)})")
    return Duration(d["amount"], d["unit"])


class _Catalogue:
    """What the rule files may read: kinds by scope, and each kind's payload fields."""

    def __init__(self, kinds: dict | None = None):
        # kinds: {kind: (scope, {field: FieldSpec})} — tests may pass their own.
        if kinds is None:
            kinds = {k: (c.scope, c.specs) for k, c in catalogue.REGISTRY.items()}
        self.kinds = kinds

    def check_kind(self, path, line, kind, where, scope):
        if kind in catalogue.ALIASES:
            _fail(
                path,
                line,
                f"hændelsen '{kind}' hedder nu '{catalogue.ALIASES[kind]}' i '{where}'",
            )
        if kind not in self.kinds:
            _fail(path, line, f"ukendt hændelse '{kind}' i '{where}' (findes ikke i kataloget)")
        if kind in PAUSE_KINDS:
            _fail(path, line, f"'{kind}' er indbygget og kan ikke bruges i '{where}'")
        if self.kinds[kind][0] != scope:
            other = "organisation" if scope == Scope.CASE else "sag"
            _fail(
                path,
                line,
                f"hændelsen '{kind}' i '{where}' hører til en {other}, ikke til reglens scope",
            )

    def field(self, kind: str, key: str):
        return self.kinds[kind][1].get(key)


def _check_payload_key(path, line, cat, kinds, key, *, what, types, every=False):
    """``key`` must be a payload field of the given kinds (all of them if ``every``), of one
    of ``types``."""
    declared = [k for k in kinds if cat.field(k, key) is not None]
    missing = [k for k in kinds if cat.field(k, key) is None]
    if not declared or (every and missing):
        names = ", ".join(missing or kinds)
        _fail(path, line, f"{what} læser '{key}', som hændelsen {names} ikke har i kataloget")
    for k in declared:
        spec = cat.field(k, key)
        if spec.base not in types:
            _fail(path, line, f"{what} '{key}' i {k} er {spec.type_label}, ikke {'/'.join(types)}")
    return [cat.field(k, key) for k in declared]


def _check_value(path, line, kind, spec, value):
    from boernesag.events.payload import PayloadError, coerce

    try:
        coerce(kind, spec, value, from_json=True)
    except PayloadError as exc:
        _fail(path, line, f"betingelsen forventer en værdi, {kind} ikke kan have: {exc.detail}")


def _flag(path: Path, raw: dict, key: str, default: bool = False) -> bool:
    """A yes/no field must be YAML true/false: ``verified: "nej"`` must not read as true."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        _fail(path, _line(raw, key), f"{key} skal være true eller false, ikke {value!r}")
    return value


def _text(path: Path, raw: dict, key: str, *, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            _fail(path, raw.get("__line__", 1), f"mangler '{key}'")
        return None
    if not isinstance(value, str):
        _fail(path, _line(raw, key), f"{key} skal være tekst, ikke {value!r}")
    return value


def _day(path: Path, raw: dict, key: str, *, required: bool = False) -> date | None:
    value = raw.get(key)
    if value is None:
        if required:
            _fail(path, raw.get("__line__", 1), f"mangler '{key}'")
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        _fail(path, _line(raw, key), f"{key} skal være en dato (ÅÅÅÅ-MM-DD), ikke {value!r}")
    return value


def _kind_list(path: Path, raw: dict, key: str) -> list[str]:
    values = raw.get(key) or []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        _fail(path, _line(raw, key), f"{key} skal være en liste af hændelser")
    return values


def parse_rule_file(path: Path, *, known_kinds: dict | None = None) -> Rule:
    """Parse and validate one rule file. ``known_kinds`` (tests): {kind: (scope, specs)}."""
    cat = _Catalogue(known_kinds)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        _fail(path, mark.line + 1 if mark else 1, f"ugyldig YAML: {exc}")
    if not isinstance(data, dict):
        _fail(path, 1, "filen skal indeholde én regel")
    line = data["__line__"]
    unknown = set(data) - TOP_KEYS - META
    if unknown:
        bad = sorted(unknown)[0]
        _fail(path, _line(data, bad), f"ukendte felter: {', '.join(sorted(unknown))}")
    for required in ("key", "title", "explanation"):
        _text(path, data, required, required=True)
    if not data.get("versions"):
        _fail(path, line, "mangler 'versions'")
    if not isinstance(data["versions"], list) or not all(
        isinstance(v, dict) for v in data["versions"]
    ):
        _fail(path, _line(data, "versions"), "versions skal være en liste af versioner")
    if data["key"] != path.stem:
        _fail(path, line, f"nøglen '{data['key']}' skal være filens navn '{path.stem}'")
    scope = data.get("scope", Scope.CASE)
    if scope not in (Scope.CASE, Scope.ORGANISATION):
        _fail(path, _line(data, "scope"), "scope skal være 'case' eller 'organisation'")
    aliases = _kind_list(path, data, "aliases")
    compliance = _flag(path, data, "compliance", True)
    window = _flag(path, data, "window", False)
    versions = []
    for raw in data["versions"]:
        vline = raw.get("__line__", line)
        unknown = set(raw) - VERSION_KEYS - META
        if unknown:
            bad = sorted(unknown)[0]
            _fail(path, _line(raw, bad), f"ukendte felter: {', '.join(sorted(unknown))}")
        for required in ("version", "law", "reference", "valid_from", "start"):
            if raw.get(required) in (None, "", []):
                _fail(path, vline, f"mangler '{required}'")
        if isinstance(raw["version"], bool) or not isinstance(raw["version"], int):
            _fail(path, _line(raw, "version"), f"version skal være et heltal: {raw['version']!r}")
        if not isinstance(raw["law"], str) or raw["law"] not in LAWS:
            _fail(path, _line(raw, "law"), f"ukendt lov '{raw['law']}' (brug {', '.join(LAWS)})")
        reference = _text(path, raw, "reference", required=True)
        verified = _flag(path, raw, "verified", True)
        valid_from = _day(path, raw, "valid_from", required=True)
        valid_to = _day(path, raw, "valid_to")
        kinds = {}
        for name in ("start", "stop", "cancel"):
            values = _kind_list(path, raw, name)
            for kind in values:
                cat.check_kind(path, _line(raw, name), kind, name, scope)
            kinds[name] = tuple(values)
        duration = _duration(path, raw, "duration")
        then_every = _duration(path, raw, "then_every")
        min_after_start = _duration(path, raw, "min_after_start")
        recurring = _flag(path, raw, "restart_on_stop")
        stop_first = _flag(path, raw, "stop_may_precede_start")
        weekday_end = _flag(path, raw, "ends_on_weekday")
        bound_to = _text(path, raw, "first_due_by_stop_of")
        if then_every and not recurring:
            _fail(path, _line(raw, "then_every"), "then_every kræver restart_on_stop: true")
        if recurring and not kinds["stop"]:
            _fail(path, _line(raw, "restart_on_stop"), "en gentagen frist skal have stop")
        # kinds whose payload opens a clock: the start events, and the stops of a recurrence
        opening = list(kinds["start"]) + (list(kinds["stop"]) if recurring else [])
        birthday = None
        if raw.get("due_from_birthday") is not None:
            b = raw["due_from_birthday"]
            bline = _line(raw, "due_from_birthday")
            if not isinstance(b, dict) or not set(_clean(b)) <= {"years", "months"}:
                _fail(path, bline, "due_from_birthday skal have 'years' og evt. 'months'")
            numbers = (b.get("years", 0), b.get("months", 0))
            if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
                _fail(path, bline, "due_from_birthday: years og months skal være heltal ≥ 0")
            birthday = numbers
        if min_after_start is not None and birthday is None:
            _fail(
                path,
                _line(raw, "min_after_start"),
                "min_after_start gælder kun frister regnet fra fødselsdatoen",
            )
        due_key = _text(path, raw, "due_from_payload")
        if due_key:
            _check_payload_key(
                path,
                _line(raw, "due_from_payload"),
                cat,
                opening,
                due_key,
                what="due_from_payload",
                types=("date", "datetime"),
            )
        track = _text(path, raw, "track")
        if track:
            # the record each start and (where the kind names it) each cancel refers to
            _check_payload_key(
                path,
                _line(raw, "track"),
                cat,
                list(kinds["start"]),
                track,
                what="track",
                types=("ref",),
                every=True,
            )
            if not any(cat.field(k, track) for k in kinds["cancel"]):
                _fail(path, _line(raw, "track"), f"track: ingen cancel-hændelse har '{track}'")
        start_key = _text(path, raw, "start_from_payload")
        if start_key:
            _check_payload_key(
                path,
                _line(raw, "start_from_payload"),
                cat,
                list(kinds["start"]),
                start_key,
                what="start_from_payload",
                types=("datetime",),
            )
        payload_duration = None
        if raw.get("duration_from_payload") is not None:
            d = raw["duration_from_payload"]
            dline = _line(raw, "duration_from_payload")
            if not isinstance(d, dict) or set(_clean(d)) != {"key", "unit"}:
                _fail(path, dline, "duration_from_payload skal have 'key' og 'unit'")
            if d["unit"] not in UNITS:
                _fail(path, dline, f"ukendt enhed '{d['unit']}'")
            if duration is None:
                _fail(path, dline, "duration_from_payload kræver en duration (den længste frist)")
            if d["unit"] != duration.unit:
                _fail(path, dline, "duration_from_payload skal have samme enhed som duration")
            _check_payload_key(
                path,
                dline,
                cat,
                opening,
                d["key"],
                what="duration_from_payload",
                types=("int",),
                every=True,
            )
            payload_duration = PayloadDuration(d["key"], d["unit"])
        if duration is None and birthday is None and not due_key:
            _fail(
                path,
                vline,
                "en version skal have duration, due_from_birthday eller due_from_payload",
            )
        conditions = raw.get("conditions") or {}
        if not isinstance(conditions, dict):
            _fail(path, _line(raw, "conditions"), "conditions skal være en mapning")
        cline = conditions.get("__line__", vline) if conditions else vline
        bad = set(conditions) - CONDITION_KEYS - META
        if bad:
            _fail(path, cline, f"ukendte betingelser: {', '.join(sorted(bad))}")
        age = conditions.get("child_age_at_least")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
            _fail(path, cline, f"child_age_at_least skal være et heltal ≥ 0, ikke {age!r}")
        for sub in ("payload_equals", "payload_in"):
            if not isinstance(conditions.get(sub) or {}, dict):
                _fail(path, _line(conditions, sub), f"{sub} skal være en mapning")
            for key, expected in (conditions.get(sub) or {}).items():
                if key in META:
                    continue
                kline = _line(conditions[sub], key)
                specs = _check_payload_key(
                    path,
                    kline,
                    cat,
                    list(kinds["start"]),
                    key,
                    what=f"betingelsen {sub}",
                    types=("bool", "literal", "code", "int", "ref"),
                    every=True,
                )
                values = expected if sub == "payload_in" else [expected]
                if sub == "payload_in" and not isinstance(expected, list):
                    _fail(path, kline, f"payload_in.{key} skal være en liste")
                for kind, spec in zip(kinds["start"], specs, strict=False):
                    for value in values:
                        _check_value(path, kline, kind, spec, value)
        if "child_age_at_least" in conditions and scope != Scope.CASE:
            _fail(path, cline, "child_age_at_least gælder kun sager")
        if valid_to is not None and valid_to < valid_from:
            _fail(path, _line(raw, "valid_to"), "valid_to ligger før valid_from")
        versions.append(
            RuleVersion(
                version=raw["version"],
                law=raw["law"],
                reference=reference,
                verified=verified,
                valid_from=valid_from,
                valid_to=valid_to,
                start=kinds["start"],
                stop=kinds["stop"],
                cancel=kinds["cancel"],
                duration=duration,
                due_from_payload=due_key,
                due_from_birthday=birthday,
                restart_on_stop=recurring,
                start_from_payload=start_key,
                then_every=then_every,
                duration_from_payload=payload_duration,
                stop_may_precede_start=stop_first,
                first_due_by_stop_of=bound_to,
                min_after_start=min_after_start,
                track=track,
                ends_on_weekday=weekday_end,
                conditions=_clean(conditions),
                line=vline,
            )
        )
    versions.sort(key=lambda v: v.valid_from)
    for earlier, later in itertools.pairwise(versions):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            _fail(
                path,
                later.line,
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
        compliance=compliance,
        versions=tuple(versions),
        source=path.name,
        aliases=tuple(aliases),
        window=window,
    )


def check_rule_set(rules: dict[str, Rule], directory: Path = RULES_DIR) -> None:
    """Checks across files: aliases are unique, referenced rules exist."""
    seen = {}
    for rule in rules.values():
        for alias in rule.aliases:
            if alias in rules or alias in seen:
                _fail(directory / rule.source, 1, f"aliaset '{alias}' er allerede i brug")
            seen[alias] = rule.key
        for version in rule.versions:
            other = version.first_due_by_stop_of
            if other and (other not in rules or rules[other].scope != rule.scope):
                _fail(
                    directory / rule.source,
                    version.line,
                    f"first_due_by_stop_of: reglen '{other}' findes ikke (med samme scope)",
                )


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    rules = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        rule = parse_rule_file(path)
        rules[rule.key] = rule
    if not rules:
        raise RuleError(f"ingen regler i {RULES_DIR}")
    check_rule_set(rules)
    return rules


@lru_cache(maxsize=1)
def rule_aliases() -> dict[str, str]:
    return {alias: rule.key for rule in load_rules().values() for alias in rule.aliases}


def canonical_rule_key(key: str) -> str:
    return rule_aliases().get(key, key)


def rule_get(key: str) -> Rule:
    try:
        return load_rules()[canonical_rule_key(key)]
    except KeyError:
        raise RuleError(f"ukendt regel '{key}'") from None


@lru_cache(maxsize=1)
def window_rule_keys() -> frozenset[str]:
    """Rules that are windows (the family's appeal window): they end at their due time and
    are never overdue."""
    return frozenset(key for key, rule in load_rules().items() if rule.window)


def rules_for_event_kind(kind: str) -> list[Rule]:
    return [r for r in load_rules().values() if kind in r.kinds]


@lru_cache(maxsize=2)
def relevant_kinds(scope: str = Scope.CASE) -> frozenset[str]:
    """Event kinds the clock engine reads for ``scope`` (as stored, including old names)."""
    kinds = set()
    for rule in load_rules().values():
        if rule.scope == scope:
            kinds.update(rule.kinds)
    if scope == Scope.CASE:
        kinds |= PAUSE_KINDS | RESPONSIBILITY_KINDS
    kinds |= {old for old, new in catalogue.ALIASES.items() if new in kinds}
    return frozenset(kinds)
