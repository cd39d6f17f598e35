"""Typed, validated event payloads.

A payload is a frozen dataclass whose fields may only have these types:

- ``bool``, ``int``, ``date``, ``datetime`` (timezone-aware);
- ``Literal[...]`` of codes (the allowed values are part of the declaration);
- ``Code``: a short identifier such as a choice value (``phone_call``, ``placement``);
- ``Ref``: the id of the record that holds the details (a journal entry, a reassignment);
- any of these ``| None``.

Plain ``str`` is refused when the class is defined: a payload never holds personal free text
(names, titles, reasons). Text lives in a row the payload references, so retention and
anonymisation can work later without touching the append-only log.

Values are validated when the payload is constructed (before anything is written) and again
when stored JSON is read back, with a ``PayloadError`` naming the kind and the field.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union

from django.core.exceptions import ValidationError


class PayloadError(ValidationError):
    """A payload that does not match its declaration. ``field`` names the offending field."""

    def __init__(self, kind: str, field: str, message: str):
        self.kind, self.field, self.detail = kind, field, message
        where = f"{kind}.{field}" if field else kind
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class _CodeMarker:
    pattern: re.Pattern = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")


@dataclass(frozen=True)
class _RefMarker:
    pass


# Dates and times in a payload lie in this window: anything outside is a typing error (year
# 20266) and would make deadline arithmetic overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def _in_window(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


Code = Annotated[str, _CodeMarker()]
"""A short lower-case identifier (a choice value); never free text."""

Ref = Annotated[int, _RefMarker()]
"""The primary key of the record holding the details."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    base: str  # bool | int | ref | code | date | datetime | literal
    nullable: bool
    required: bool
    choices: tuple = ()

    @property
    def type_label(self) -> str:
        label = {
            "bool": "sand/falsk",
            "int": "heltal",
            "ref": "id",
            "code": "kode",
            "date": "dato",
            "datetime": "tidspunkt",
            "literal": "en af " + ", ".join(repr(c) for c in self.choices),
        }[self.base]
        return label + (" eller null" if self.nullable else "")


def _spec_for(owner: str, name: str, hint, required: bool) -> FieldSpec:
    nullable = False
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(hint)) != 2:
            raise TypeError(f"{owner}.{name}: only 'X | None' unions are allowed")
        nullable, hint, origin = True, args[0], typing.get_origin(args[0])
    if origin is Annotated:
        base_type, *meta = typing.get_args(hint)
        if any(isinstance(m, _CodeMarker) for m in meta) and base_type is str:
            return FieldSpec(name, "code", nullable, required)
        if any(isinstance(m, _RefMarker) for m in meta) and base_type is int:
            return FieldSpec(name, "ref", nullable, required)
        raise TypeError(f"{owner}.{name}: unsupported annotated type")
    if origin is Literal:
        choices = typing.get_args(hint)
        if not all(isinstance(c, str | bool) or c is None for c in choices):
            raise TypeError(f"{owner}.{name}: Literal values must be codes")
        if None in choices:
            nullable = True
            choices = tuple(c for c in choices if c is not None)
        return FieldSpec(name, "literal", nullable, required, choices)
    if hint is bool:
        return FieldSpec(name, "bool", nullable, required)
    if hint is int:
        return FieldSpec(name, "int", nullable, required)
    if hint is datetime:
        return FieldSpec(name, "datetime", nullable, required)
    if hint is date:
        return FieldSpec(name, "date", nullable, required)
    if hint is str:
        raise TypeError(
            f"{owner}.{name}: free text is not allowed in an event payload; use Code, a "
            "Literal of codes, or a Ref to the record that holds the text"
        )
    raise TypeError(f"{owner}.{name}: unsupported payload type {hint!r}")


def field_specs(cls) -> dict[str, FieldSpec]:
    hints = typing.get_type_hints(cls, include_extras=True)
    specs = {}
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs[f.name] = _spec_for(cls.__name__, f.name, hints[f.name], required)
    return specs


def _parse_datetime(value) -> datetime | None:
    from django.utils.dateparse import parse_datetime

    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:  # well-formed but impossible: 2026-02-30T10:00
            return None
    return None


def coerce(kind: str, spec: FieldSpec, value: Any, *, from_json: bool) -> Any:
    """Validate ``value`` for ``spec``; return the normalised Python value."""
    if value is None:
        if spec.nullable:
            return None
        raise PayloadError(kind, spec.name, "må ikke være tom")
    base = spec.base
    if base == "bool":
        if not isinstance(value, bool):
            raise PayloadError(kind, spec.name, f"skal være sand/falsk, ikke {value!r}")
        return value
    if base in ("int", "ref"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError(kind, spec.name, f"skal være et heltal, ikke {value!r}")
        if base == "ref" and value <= 0:
            raise PayloadError(kind, spec.name, f"skal være et id (> 0), ikke {value!r}")
        return int(value)
    if base == "code":
        text = str(value) if isinstance(value, str) else None
        if text is None or not _CodeMarker.pattern.match(text):
            raise PayloadError(kind, spec.name, f"skal være en kode, ikke {value!r}")
        return text
    if base == "literal":
        normalised = str(value) if isinstance(value, str) else value
        if normalised not in spec.choices:
            raise PayloadError(
                kind,
                spec.name,
                f"ukendt værdi {value!r} (tilladt: {', '.join(map(str, spec.choices))})",
            )
        return normalised
    if base == "datetime":
        moment = _parse_datetime(value) if from_json or isinstance(value, str) else value
        if not isinstance(moment, datetime):
            raise PayloadError(kind, spec.name, f"skal være et tidspunkt, ikke {value!r}")
        if moment.tzinfo is None:
            raise PayloadError(kind, spec.name, "tidspunktet skal have en tidszone")
        if not _in_window(moment.date()):
            raise PayloadError(
                kind, spec.name, f"skal ligge mellem {FIRST_DAY.year} og {LAST_DAY.year}"
            )
        return moment
    if base == "date":
        day = value
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
        if isinstance(day, datetime) or not isinstance(day, date):
            raise PayloadError(kind, spec.name, f"skal være en dato (ÅÅÅÅ-MM-DD), ikke {value!r}")
        if not _in_window(day):
            raise PayloadError(
                kind, spec.name, f"skal ligge mellem {FIRST_DAY.year} og {LAST_DAY.year}"
            )
        return day
    raise AssertionError(base)


def to_json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
