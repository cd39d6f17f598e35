"""The case's course at a glance ("Forløb" on the case page): the phase (derived from the
events, ``cases/projections.py``), what is due, the closure and reopening history, and the
actions that record work which starts or stops a deadline.

What is due comes from apps above cases (the deadlines app's running clocks; the measures
app may add its follow-ups) through a small registry, so that cases need not import them::

    from boernesag.cases.course import due_provider

    @due_provider
    def running_clocks(cases) -> dict[int, list[Due]]: ...

A provider takes a list of cases and answers per case id, in one query for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

_PROVIDERS: list[Callable] = []


@dataclass(frozen=True)
class Due:
    label: str
    due_at: datetime
    reference: str = ""
    rule_key: str = ""
    overdue: bool = False
    paused: bool = False


def due_provider(func: Callable) -> Callable:
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def due_for(case) -> list[Due]:
    out: list[Due] = []
    for provider in _PROVIDERS:
        out.extend(provider([case]).get(case.pk, ()))
    return sorted(out, key=lambda d: d.due_at)


def course_context(user, case) -> dict:
    """What the "Forløb" section of the case page shows (``cases/partials/course.html``)."""
    from django.urls import reverse

    from boernesag.cases.services import case_course_history
    from boernesag.cases.steps import SPECS

    steps = []
    if user.has_perm("cases.record_step", case):
        today = timezone.localdate()
        born = case.child.birth_date
        steps = [
            (spec.title, reverse("cases:step", args=[case.pk, spec.slug]))
            for spec in SPECS.values()
            if spec.fits_age(born, today)  # no youth support for a 5-year-old
        ]
    return {
        "due": due_for(case) if case.closed_at is None else [],
        "history": case_course_history(case),
        "can_close": user.has_perm("cases.close_case", case),
        "can_reopen": user.has_perm("cases.reopen_case", case),
        "steps": steps,
    }
