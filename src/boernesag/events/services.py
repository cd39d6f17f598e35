"""Writing events. ``event_write`` is the only way an event enters the store.

    from boernesag.events import catalogue as ev
    from boernesag.events.services import SYSTEM, Actor, event_write

    event_write(ev.CaseClosed(), case=case, actor=request.user)
    event_write(ev.ServiceRevised(...), actor=user, subject=service)   # organisation event
    event_write(ev.ClockResumed(rule="x"), case=case, actor=Actor.system("deadlines_resume"))

It runs inside the caller's transaction (a savepoint when nested): the event row and every
projection that reacts to it (phase, clocks, responsibility …) are written together or not
at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from boernesag.events import locks
from boernesag.events.catalogue import TypedEvent
from boernesag.events.constants import ActorKind, Scope
from boernesag.events.models import Event

# Events describe what happened; a little clock skew is tolerated, a future date is not.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Actor:
    """Who caused an event: a user, the system (a task, named) or an integration (an API
    client, by its key). Pass a ``User`` directly for the common case."""

    kind: str
    user: Any = None
    ref: str = ""

    @classmethod
    def system(cls, ref: str = "") -> Actor:
        return cls(ActorKind.SYSTEM, None, ref)

    @classmethod
    def integration(cls, client_key: str) -> Actor:
        if not client_key:
            raise ValueError("an integration actor needs the API client's key")
        return cls(ActorKind.INTEGRATION, None, client_key)


SYSTEM = Actor.system()


def _actor(actor) -> Actor:
    if isinstance(actor, Actor):
        if actor.kind == ActorKind.USER and actor.user is None:
            raise ValueError("a user actor needs the user")
        return actor
    if actor is None or getattr(actor, "pk", None) is None:
        raise ValueError("event_write needs an explicit actor (a user, SYSTEM or an Actor)")
    return Actor(ActorKind.USER, actor)


def _subject(subject) -> tuple[str, int | None]:
    if subject is None:
        return "", None
    if isinstance(subject, Model):
        return subject._meta.label_lower, subject.pk
    label, pk = subject
    return str(label), int(pk)


@transaction.atomic
def event_write(
    event: TypedEvent,
    *,
    actor,
    case=None,
    subject: Model | tuple[str, int] | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Append ``event`` (a constructor from ``events.catalogue``) and update every
    projection that reacts to it, in the caller's transaction."""
    if not isinstance(event, TypedEvent) or not event.kind:
        raise TypeError("event_write takes an event from boernesag.events.catalogue")
    who = _actor(actor)
    now = timezone.now()
    occurred_at = occurred_at or now
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError(
            f"{event.kind}: en hændelse kan ikke ligge i fremtiden ({occurred_at:%Y-%m-%d %H:%M})"
        )
    if event.scope == Scope.CASE:
        if case is None or case.pk is None:
            raise ValueError(f"{event.kind} is a case event: pass case=")
        locks.case_lock(case.pk)
    else:
        if case is not None:
            raise ValueError(f"{event.kind} is an organisation event: it takes no case")
        locks.organisation_lock()
    subject_type, subject_id = _subject(subject)
    row = Event.objects.create(
        scope=event.scope,
        case=case,
        kind=event.kind,
        occurred_at=occurred_at,
        recorded_at=now,
        actor_kind=who.kind,
        actor=who.user,
        actor_ref=who.ref,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=event.to_payload(),
    )
    row.__dict__["typed"] = event
    from boernesag.events.projections import dispatch

    dispatch(row)
    return row
