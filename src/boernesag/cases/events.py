"""Deprecated: the pre-issue-10 way to record a case event.

Events are written with their typed constructor since issue 10::

    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    event_write(ev.ReceiptSent(letter=letter.pk), case=case, actor=user, subject=row)

``event_record`` remains only so that code written against the old API keeps working while it
is ported: it looks the kind up in the catalogue and validates the payload exactly like the
constructor would (a payload key the catalogue does not declare is refused).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model

from boernesag.events.catalogue import kind_class
from boernesag.events.models import Event
from boernesag.events.services import event_write


def event_record(
    *,
    case,
    kind: str,
    actor,
    occurred_at: datetime | None = None,
    subject: Model | None = None,
    payload: dict | None = None,
) -> Event:
    typed = kind_class(kind).from_payload(payload or {})
    return event_write(typed, case=case, actor=actor, occurred_at=occurred_at, subject=subject)
