"""Recording case events, and the registry of what reacts to them.

Every service that changes a case calls ``event_record`` inside its own transaction. Other
apps (the deadline clocks, first) register a hook with ``on_event``; hooks run in the same
transaction, so a clock can never disagree with the events. No Django signals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from boernesag.cases.constants import PHASE_AFTER_EVENT
from boernesag.cases.models import Case, CaseEvent

EventHook = Callable[[CaseEvent], None]
_hooks: list[EventHook] = []


def on_event(hook: EventHook) -> EventHook:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def event_record(
    *,
    case: Case,
    kind: str,
    actor,
    occurred_at: datetime | None = None,
    subject: Model | None = None,
    payload: dict | None = None,
) -> CaseEvent:
    """Append an event and update what is derived from the latest events on the case row
    (phase, latest activity). Must run inside the calling service's transaction."""
    now = timezone.now()
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at or now,
        recorded_at=now,
        actor=actor,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        payload=payload or {},
    )
    updates = {}
    if event.occurred_at >= case.last_activity_at:
        updates.update(last_activity_at=event.occurred_at, last_activity_kind=kind)
        if kind in PHASE_AFTER_EVENT:
            updates["phase"] = PHASE_AFTER_EVENT[kind]
    elif kind in PHASE_AFTER_EVENT:
        # recorded late: the phase is that of the latest phase-bearing event
        updates["phase"] = phase_from_events(case)
    if updates:
        Case.objects.filter(pk=case.pk).update(**updates)
        for field, value in updates.items():
            setattr(case, field, value)
    for hook in _hooks:
        hook(event)
    return event


def phase_from_events(case: Case) -> str:
    latest = (
        CaseEvent.objects.filter(case=case, kind__in=list(PHASE_AFTER_EVENT))
        .order_by("-occurred_at", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    return PHASE_AFTER_EVENT[latest] if latest else case.phase
