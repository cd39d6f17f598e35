"""Delivery adapters: the seam to the outside systems letters are sent through.

The outbox (``letters.outbox``) calls ``delivery_adapter().deliver(letter=…, pdf=…)`` after
commit, outside any transaction, and retries on failure. An adapter must therefore be
idempotent on ``letter.key``: called again with the same key (a retry after a crash or a
timeout), it must not deliver a second time. Digital Post (MeMo) messages carry such a UUID.

``LETTER_DELIVERY_ADAPTER`` chooses the adapter without touching callers.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from boernesag.letters.models import Letter, SendChannel


@dataclass(frozen=True)
class Delivery:
    """What the adapter did. ``delivered=False``: the letter waits in the outbox for a person
    to send it and mark it sent."""

    delivered: bool
    channel: str = ""


class DeliveryAdapter:
    def deliver(self, *, letter: Letter, pdf: bytes) -> Delivery:
        """Hand the letter over for delivery; idempotent on ``letter.key``. Raise on failure
        (the outbox retries with backoff)."""
        raise NotImplementedError


class LocalOutboxAdapter(DeliveryAdapter):
    """The default: the letter stays in the outbox (*Skal sendes*) for a person to send by
    Digital Post, post or secure e-mail and mark as sent."""

    def deliver(self, *, letter: Letter, pdf: bytes) -> Delivery:
        return Delivery(delivered=False)


class LocalDigitalPostAdapter(DeliveryAdapter):
    """A local stand-in for Digital Post: each letter becomes ``<key>.pdf`` (and a small
    ``<key>.json`` envelope) in ``LETTER_DIGITAL_POST_DIR``. Created exclusively, so a second
    delivery of the same letter finds its message and delivers nothing."""

    def directory(self) -> Path:
        path = Path(settings.LETTER_DIGITAL_POST_DIR)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def deliver(self, *, letter: Letter, pdf: bytes) -> Delivery:
        directory = self.directory()
        target = directory / f"{letter.key}.pdf"
        envelope = {
            "message_uuid": str(letter.key),
            "subject": letter.subject,
            "recipient": letter.recipient_name,
            "delivered_at": timezone.now().isoformat(),
        }
        (directory / f"{letter.key}.json").write_text(json.dumps(envelope, ensure_ascii=False))
        # Written aside, then linked into place: the link fails if the message is already
        # there, and a crash half-way never leaves a message that looks delivered.
        fd, partial = tempfile.mkstemp(dir=directory, prefix=f".{letter.key}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
            with contextlib.suppress(FileExistsError):  # delivered before: deliver nothing
                os.link(partial, target)
        finally:
            os.unlink(partial)
        return Delivery(delivered=True, channel=SendChannel.DIGITAL_POST)


def delivery_adapter() -> DeliveryAdapter:
    return import_string(settings.LETTER_DELIVERY_ADAPTER)()
