"""Reads for letters."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from boernesag.letters.models import NOTIFIER_KINDS, Letter, LetterStatus, LetterTemplate

# what needs a person first: failed, then waiting to be sent, then in progress, then sent
_ORDER = Case(
    When(status=LetterStatus.FAILED, then=Value(0)),
    When(status=LetterStatus.TO_SEND, then=Value(1)),
    When(status__in=[LetterStatus.RENDERING, LetterStatus.DELIVERING], then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def outbox_letters():
    """The intake outbox: receipts and feedback to notifiers, those that need a person
    first, newest first within each group. The case references come with one extra query,
    however many letters are shown. Letters to the parties of a case (hearings, decisions,
    plans) are sent from the case's own pages, under need-to-know, never listed here."""
    return (
        outbox_scope()
        .annotate(_needs=_ORDER)
        .select_related("created_by", "sent_by")
        .prefetch_related("cases", "documents")
        .order_by("_needs", "-created_at", "-id")
    )


def outbox_scope():
    """The letters the intake outbox may show, open and mark sent."""
    return Letter.objects.filter(kind__in=NOTIFIER_KINDS)


def letters_for_intake_item(item_id: int):
    return Letter.objects.filter(intake_item_id=item_id).prefetch_related("documents")


def letter_templates():
    return LetterTemplate.objects.select_related("updated_by").order_by("kind")


def letter_template_history(template: LetterTemplate, limit: int = 20):
    """Earlier versions, newest first (pghistory)."""
    return template.history.select_related("updated_by").order_by("-pgh_id")[:limit]
