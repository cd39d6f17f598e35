"""Running the real services at a moment in the past, for the demo's history.

Demo Kommune's case histories are written through the product's own services and event
constructors, as the work would have been done on the day: ``with simulated_now(moment):``
makes ``django.utils.timezone.now()`` (and ``localdate``/``localtime``) return ``moment`` for
the services called inside, so their checks ("not in the future") and their timestamps
(``recorded_at`` of events, triage times) are those of that day. Used by the demo generator
only — never by product code or tests of product behaviour.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.utils import timezone


@contextmanager
def simulated_now(moment: datetime):
    if timezone.is_naive(moment):
        raise ValueError("simulated_now needs an aware datetime")
    if moment > timezone.now():
        raise ValueError("the demo history cannot be written in the future")
    with mock.patch.object(timezone, "now", lambda: moment):
        yield
