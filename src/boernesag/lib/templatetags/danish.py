"""Dates as Danish caseworkers write them: "25. nov. 2026" (Django's ``M`` gives "Nov",
which reads as English). A built-in template library (settings ``TEMPLATES`` builtins), so
every template can write ``{{ value|dato }}``."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()

MONTHS = {
    1: "jan.",
    2: "feb.",
    3: "mar.",
    4: "apr.",
    5: "maj",
    6: "jun.",
    7: "jul.",
    8: "aug.",
    9: "sep.",
    10: "okt.",
    11: "nov.",
    12: "dec.",
}
WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


def dato_format(value, style: str = "") -> str:
    """``style``: words among "tid" (with the time), "sekunder" (time with seconds),
    "kort" (without the year), "ugedag" (with the weekday first)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, date):
        return str(value)
    words = set(style.split())
    if isinstance(value, datetime) and timezone.is_aware(value):
        # year 1 or 9999 typed by mistake: shown as stored
        with contextlib.suppress(OverflowError, ValueError):
            value = timezone.localtime(value)
    text = f"{value.day}. {MONTHS[value.month]}"
    if "kort" not in words:
        text += f" {value.year:04d}"
    if "ugedag" in words:
        text = f"{WEEKDAYS[value.weekday()]} {text}"
    if isinstance(value, datetime) and ("tid" in words or "sekunder" in words):
        text += f" {value:%H:%M:%S}" if "sekunder" in words else f" {value:%H:%M}"
    return text


@register.filter
def dato(value, style: str = "") -> str:
    return dato_format(value, style)


@register.simple_tag
def nu_dato() -> str:
    """Now, as "25. nov. 2026 14:05" (the print header's date)."""
    return dato_format(timezone.now(), "tid")
