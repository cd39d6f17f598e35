"""The outbox worker: rendering, filing and delivery of letters, after commit, idempotent and
retried.

The ``Letter`` row is the outbox. ``letter_advance`` moves one letter as far as it can:

1. *claim* — a short transaction locks the row (``SKIP LOCKED``), checks that the letter
   waits for work and is due, counts the attempt and takes a lease, then commits;
2. *work* — with no transaction open and no row locked: render the PDF (WeasyPrint), or hand
   it to the delivery adapter (an outside system) with the letter's idempotency key;
3. *finish* — a short transaction locks the row again and records the result, only if the
   letter is still in the state the work was done for (a second run that lost the race
   records nothing).

A failure is recorded with its reason and retried with backoff (``BACKOFF``); after
``MAX_ATTEMPTS`` the letter is *Fejlet*, visible in the outbox with the reason, from where a
person tries again or sends the PDF by hand. Running the task twice, or concurrently, never
renders or delivers twice: the second run finds the letter claimed or already moved on.
``letters_due`` (the ``letters_outbox`` command, and the retry time of a failed attempt)
picks up letters whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boernesag.cases.constants import DocumentAudience, DocumentKind
from boernesag.cases.services import document_add
from boernesag.letters.delivery import Delivery, delivery_adapter
from boernesag.letters.models import Letter, LetterStatus
from boernesag.letters.services import (
    letter_enqueue,
    letter_pdf_render,
    letter_record_sent,
    letter_transition,
)

logger = logging.getLogger("boernesag.letters")

MAX_ATTEMPTS = 5
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
LEASE = timedelta(minutes=10)  # a claimed letter is left alone this long
WORKING = (LetterStatus.RENDERING, LetterStatus.DELIVERING)


def backoff_after(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _due_q(now: datetime) -> Q:
    return (
        Q(status__in=WORKING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
    )


def _claim(letter_id: int, now: datetime) -> Letter | None:
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(skip_locked=True)
            .filter(_due_q(now), pk=letter_id)
            .first()
        )
        if letter is None:
            return None  # sent, failed, not due, or another worker has it
        letter.attempts += 1
        letter.claimed_until = now + LEASE
        letter.save(update_fields=["attempts", "claimed_until"])
        return letter


def _file_on_cases(letter: Letter, pdf: bytes) -> None:
    audience = DocumentAudience.NOTIFIER if letter.names_notifier else DocumentAudience.CASE
    for case in letter.cases.all():
        document = document_add(
            case=case,
            uploaded_by=letter.created_by,
            file=SimpleUploadedFile(f"{letter.kind}-{letter.pk}.pdf", pdf, "application/pdf"),
            # the subject only: the title is shown in the case's timeline to everyone who
            # may see the case, and the recipient (the notifier) must not be
            title=letter.subject,
            kind=DocumentKind.LETTER_OUT,
            document_date=timezone.localdate(letter.created_at),
            audience=audience,
        )
        letter.documents.add(document)


def _finish_rendering(letter_id: int, pdf: bytes) -> bool:
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != LetterStatus.RENDERING or letter.documents.exists():
            return False  # another run filed it first
        _file_on_cases(letter, pdf)
        letter_transition(letter, LetterStatus.DELIVERING)
        letter.attempts = 0
        letter.claimed_until = letter.next_attempt_at = None
        letter.last_error = ""
        letter.save(
            update_fields=["status", "attempts", "claimed_until", "next_attempt_at", "last_error"]
        )
        return True


def _finish_delivery(letter_id: int, delivery: Delivery, now: datetime) -> bool:
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != LetterStatus.DELIVERING:
            return False
        if delivery.delivered:
            letter_record_sent(letter, channel=delivery.channel, by=None, at=now)
        else:
            letter_transition(letter, LetterStatus.TO_SEND)
            letter.claimed_until = letter.next_attempt_at = None
            letter.last_error = ""
            letter.save(update_fields=["status", "claimed_until", "next_attempt_at", "last_error"])
        return True


def _failed(letter_id: int, step: str, exc: BaseException, now: datetime) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:300]
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        letter.claimed_until = None
        letter.last_error = reason
        if letter.attempts >= MAX_ATTEMPTS:
            letter_transition(letter, LetterStatus.FAILED)
            letter.failed_at, letter.next_attempt_at = now, None
            outcome = "failed"
        else:
            letter.next_attempt_at = now + backoff_after(letter.attempts)
            transaction.on_commit(
                partial(letter_enqueue, letter.pk, run_after=letter.next_attempt_at)
            )
            outcome = "retry"
        letter.save(
            update_fields=["status", "claimed_until", "last_error", "failed_at", "next_attempt_at"]
        )
    # the class only: exception texts from outside systems may carry personal data
    logger.warning(
        "Brev %s: %s mislykkedes (forsøg %s af %s, %s): %s",
        letter_id,
        step,
        letter.attempts,
        MAX_ATTEMPTS,
        outcome,
        type(exc).__name__,
    )
    return outcome


def _pdf_of(letter: Letter) -> bytes:
    document = letter.documents.order_by("pk").first()
    with document.file.open("rb") as handle:
        return handle.read()


def letter_advance(letter_id: int, *, now: datetime | None = None) -> str:
    """Advance one letter through rendering and delivery as far as it goes. Returns what
    happened last: ``"idle"`` (nothing to do now), ``"rendered"``, ``"to_send"``, ``"sent"``,
    ``"retry"`` or ``"failed"``. Safe to call any number of times, also concurrently."""
    outcome = "idle"
    for _step in range(2):  # at most: render, then deliver
        moment = now or timezone.now()
        letter = _claim(letter_id, moment)
        if letter is None:
            return outcome
        if letter.status == LetterStatus.RENDERING:
            try:
                pdf = letter_pdf_render(letter)
                filed = _finish_rendering(letter_id, pdf)
            except Exception as exc:  # rendering or filing: retried, then visibly failed
                return _failed(letter_id, "dannelse", exc, moment)
            if not filed:
                return outcome
            outcome = "rendered"
        else:
            try:
                delivery = delivery_adapter().deliver(letter=letter, pdf=_pdf_of(letter))
                recorded = _finish_delivery(letter_id, delivery, now or timezone.now())
            except Exception as exc:  # the adapter is idempotent: a retry delivers once
                return _failed(letter_id, "afsendelse", exc, moment)
            if not recorded:
                return outcome
            return "sent" if delivery.delivered else "to_send"
    return outcome


def letters_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Advance every letter that waits for rendering or delivery and is due (a lost task, a
    retry whose time has come). Returns how many letters moved."""
    now = now or timezone.now()
    ids = list(
        Letter.objects.filter(_due_q(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(letter_advance(pk, now=now) not in ("idle", "retry", "failed") for pk in ids)
