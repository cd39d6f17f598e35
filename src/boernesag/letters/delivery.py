"""Delivery adapters. Callers use ``delivery_adapter().deliver(letter)``; a Digital Post
adapter can be added (LETTER_DELIVERY_ADAPTER) without touching them."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from boernesag.letters.models import Letter, LetterStatus


class DeliveryAdapter:
    def deliver(self, letter: Letter) -> str:
        """Hand the letter over for delivery and return its new status."""
        raise NotImplementedError


class LocalOutboxAdapter(DeliveryAdapter):
    """The local implementation: the letter stays in the outbox ("Skal sendes") for a person
    to send by Digital Post, post or secure e-mail and mark as sent."""

    def deliver(self, letter: Letter) -> str:
        return LetterStatus.TO_SEND


def delivery_adapter() -> DeliveryAdapter:
    return import_string(settings.LETTER_DELIVERY_ADAPTER)()
