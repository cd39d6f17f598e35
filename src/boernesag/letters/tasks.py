"""Background tasks for letters (django-tasks; the database worker in production, the
immediate backend in tests). Both are idempotent: see ``letters.outbox``."""

from __future__ import annotations

from django_tasks import task

from boernesag.letters.outbox import letter_advance, letters_due


@task()
def letter_process(letter_id: int) -> str:
    """Render, file and deliver one letter, as far as it goes now."""
    return letter_advance(letter_id)


@task()
def letters_outbox_sweep() -> int:
    """Advance every letter that is due: retries whose time has come, lost tasks."""
    return letters_due()
