"""The receipt deadline (rule notifier_receipt: 6 weekdays) is kept when the letter is sent
— delivered through the adapter or marked sent in the outbox — not when it is made."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from boernesag.cases.constants import EventKind
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.models import Clock
from boernesag.intake import services as intake
from boernesag.letters.models import LetterStatus, SendChannel
from boernesag.letters.services import letter_mark_sent
from tests.letters.helpers import report, siblings


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


def receipt_clocks(item):
    return [
        Clock.objects.get(case=row.case, rule_key="notifier_receipt")
        for row in item.children.order_by("pk")
    ]


def test_the_clock_runs_until_the_letter_is_marked_sent_and_stops_then(
    w, django_capture_on_commit_callbacks
):
    alma, bo = siblings()
    item = report(w, children=[alma, bo])
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_SEND  # made, filed, waiting in the outbox
    for clock in receipt_clocks(item):
        assert clock.stopped_at is None and clock.outcome() == "open"
    for row in item.children.all():
        assert not row.case.events.filter(kind=EventKind.RECEIPT_SENT).exists()

    before = timezone.now()
    letter_mark_sent(letter=letter, channel=SendChannel.DIGITAL_POST, by=w.intake)
    letter.refresh_from_db()
    assert before <= letter.sent_at <= timezone.now()
    for row, clock in zip(item.children.order_by("pk"), receipt_clocks(item), strict=True):
        event = row.case.events.get(kind=EventKind.RECEIPT_SENT)
        assert (event.occurred_at, event.actor, event.subject_id) == (
            letter.sent_at,
            w.intake,
            row.pk,
        )
        assert event.payload == {"letter": letter.pk}
        assert clock.stopped_at == letter.sent_at and clock.stop_event_id == event.pk
        assert clock.outcome() == "met"


def test_made_in_time_but_sent_after_six_weekdays_is_late(w, django_capture_on_commit_callbacks):
    # received Monday 2 March 2026 09:00; six weekdays end Tuesday 10 March
    received = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    alma, _bo = siblings()
    item = report(w, children=[alma], received_at=received, backdate_reason="Registreres nu")
    (clock,) = receipt_clocks(item)
    assert clock.due_at.date().isoformat() == "2026-03-10"
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)  # made today, long after
    letter.refresh_from_db()
    (clock,) = receipt_clocks(item)
    assert clock.outcome(now=clock.due_at + timedelta(days=1)) == "missed"
    letter = letter_mark_sent(letter=letter, channel=SendChannel.PRINTED, by=w.intake)
    (clock,) = receipt_clocks(item)
    assert clock.stopped_at == letter.sent_at > clock.due_at
    assert clock.outcome() == "late"


def test_delivery_through_the_adapter_stops_the_clock_at_delivery(
    w, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.LETTER_DELIVERY_ADAPTER = "boernesag.letters.delivery.LocalDigitalPostAdapter"
    settings.LETTER_DIGITAL_POST_DIR = tmp_path
    alma, _bo = siblings()
    item = report(w, children=[alma])
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    assert (letter.status, letter.channel) == (LetterStatus.SENT, SendChannel.DIGITAL_POST)
    (row,) = item.children.all()
    event = row.case.events.get(kind=EventKind.RECEIPT_SENT)
    assert event.occurred_at == letter.sent_at and event.actor is None  # the system sent it
    (clock,) = receipt_clocks(item)
    assert clock.stopped_at == letter.sent_at and clock.outcome() == "met"


def test_feedback_is_recorded_when_sent(w, django_capture_on_commit_callbacks):
    from boernesag.intake.constants import Outcome

    alma, _bo = siblings()
    item = report(w, children=[alma])
    (row,) = item.children.all()
    intake.intake_assess(
        intake_child=row,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.ADVICE,
        reasons_text="Rådgivning til forældrene.",
        expected_version=row.version,
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.feedback_send(item=item, by=w.intake)
    row.refresh_from_db()
    assert not row.case.events.filter(kind=EventKind.NOTIFIER_INFORMED).exists()
    letter_mark_sent(letter=letter, channel=SendChannel.EMAILED, by=w.intake)
    letter.refresh_from_db()
    event = row.case.events.get(kind=EventKind.NOTIFIER_INFORMED)
    assert event.occurred_at == letter.sent_at and event.subject_id == row.pk
