"""The outbox: a letter status that only moves along valid transitions; rendering, filing
and delivery after commit as idempotent, retried tasks; no outside call under a lock."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from boernesag.cases.constants import DocumentAudience, DocumentKind
from boernesag.cases.models import Document
from boernesag.cases.tests.factories import build_world
from boernesag.intake import services as intake
from boernesag.letters import outbox
from boernesag.letters.delivery import Delivery, LocalDigitalPostAdapter
from boernesag.letters.models import TRANSITIONS, Letter, LetterStatus, SendChannel
from boernesag.letters.services import (
    InvalidTransition,
    letter_mark_sent,
    letter_retry,
    letter_transition,
)
from boernesag.letters.tasks import letter_process
from tests.letters.helpers import report, siblings

DIGITAL_POST = "tests.letters.test_outbox.CountingDigitalPost"
BROKEN_POST = "tests.letters.test_outbox.BrokenDigitalPost"


class CountingDigitalPost(LocalDigitalPostAdapter):
    """The local Digital Post, counting the hand-overs (a stand-in for the outside system;
    our own code is not replaced)."""

    calls: list[str] = []
    in_transaction: list[bool] = []

    def deliver(self, *, letter, pdf):
        type(self).calls.append(str(letter.key))
        type(self).in_transaction.append(connection.in_atomic_block)
        return super().deliver(letter=letter, pdf=pdf)


class BrokenDigitalPost(LocalDigitalPostAdapter):
    def deliver(self, *, letter, pdf):
        raise ConnectionError("Digital Post svarer ikke")


@pytest.fixture(autouse=True)
def _reset_counters(tmp_path, settings):
    settings.LETTER_DIGITAL_POST_DIR = tmp_path / "digital_post"
    CountingDigitalPost.calls = []
    CountingDigitalPost.in_transaction = []


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


def receipt(w, capture, *, execute=True):
    alma, bo = siblings()
    item = report(w, children=[alma, bo])
    with capture(execute=execute):
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    return item, letter


# --- status transitions ----------------------------------------------------------------


@pytest.mark.parametrize(("start", "to"), list(itertools.product(LetterStatus, LetterStatus)))
def test_only_the_listed_transitions_are_allowed(start, to):
    letter = Letter(status=start)
    if to in TRANSITIONS[start]:
        letter_transition(letter, to)
        assert letter.status == to
    else:
        with pytest.raises(InvalidTransition) as error:
            letter_transition(letter, to)
        assert "Brevet kan ikke gå fra" in error.value.messages[0]
        assert letter.status == start


def test_the_transition_table_is_the_one_we_mean():
    S = LetterStatus
    assert {k: set(v) for k, v in TRANSITIONS.items()} == {
        S.RENDERING: {S.DELIVERING, S.FAILED},
        S.DELIVERING: {S.SENT, S.TO_SEND, S.FAILED},
        S.TO_SEND: {S.SENT},
        S.FAILED: {S.RENDERING, S.DELIVERING, S.SENT},
        S.SENT: set(),
    }


def test_an_unknown_status_is_refused_by_the_service_and_the_database(
    w, django_capture_on_commit_callbacks
):
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    with pytest.raises(InvalidTransition, match="Ukendt brevstatus"):
        letter_transition(letter, "printed_maybe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(status="printed_maybe")
    with pytest.raises(IntegrityError), transaction.atomic():  # sent needs time and channel
        Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENT)


def test_marking_sent_twice_or_without_a_channel_is_refused(w, django_capture_on_commit_callbacks):
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.TO_SEND
    with pytest.raises(ValidationError, match="Vælg hvordan brevet er sendt"):
        letter_mark_sent(letter=letter, channel="", by=w.intake)
    letter_mark_sent(letter=letter, channel=SendChannel.EMAILED, by=w.intake)
    letter.refresh_from_db()
    assert (letter.status, letter.channel, letter.sent_by) == ("sent", "emailed", w.intake)
    sent_at = letter.sent_at
    with pytest.raises(InvalidTransition, match="fra »Sendt« til »Sendt«"):
        letter_mark_sent(letter=letter, channel=SendChannel.PRINTED, by=w.intake)
    letter.refresh_from_db()
    assert (letter.channel, letter.sent_at) == ("emailed", sent_at)
    statuses = list(letter.status_history.order_by("pgh_id").values_list("status", flat=True))
    assert statuses == ["rendering", "rendering", "delivering", "delivering", "to_send", "sent"]


# --- after commit --------------------------------------------------------------------------


def test_nothing_is_rendered_or_filed_before_the_transaction_commits(
    w, django_capture_on_commit_callbacks
):
    documents_before = Document.objects.count()
    alma, bo = siblings()
    item = report(w, children=[alma, bo])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERING
    assert Document.objects.count() == documents_before
    assert len(callbacks) == 1
    callbacks[0]()  # what the commit does
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_SEND
    documents = list(letter.documents.order_by("case_id"))
    assert [d.case_id for d in documents] == sorted(r.case_id for r in item.children.all())
    for document in documents:
        assert document.kind == DocumentKind.LETTER_OUT
        assert document.audience == DocumentAudience.NOTIFIER
        assert document.title == "Kvittering for modtagelse af underretning"  # no name


def test_a_rolled_back_letter_leaves_nothing_behind(w, django_capture_on_commit_callbacks):
    alma, _bo = siblings()
    item = report(w, children=[alma])
    letters_before, documents_before = Letter.objects.count(), Document.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        intake.receipt_send(item=item, by=w.intake)
        raise RuntimeError("the request failed after the letter was made")
    assert callbacks == []
    assert (Letter.objects.count(), Document.objects.count()) == (letters_before, documents_before)


def test_a_second_receipt_for_the_same_report_is_refused(w, django_capture_on_commit_callbacks):
    item, _letter = receipt(w, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="allerede lavet en kvittering"):
        intake.receipt_send(item=item, by=w.intake)
    assert Letter.objects.filter(intake_item_id=item.pk).count() == 1


# --- idempotent delivery -------------------------------------------------------------------


@override_settings(LETTER_DELIVERY_ADAPTER=DIGITAL_POST)
def test_running_the_task_twice_delivers_once(w, django_capture_on_commit_callbacks, settings):
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.SENT
    assert letter.channel == SendChannel.DIGITAL_POST and letter.sent_by is None
    assert CountingDigitalPost.calls == [str(letter.key)]
    documents = letter.documents.count()
    assert letter_process.enqueue(letter.pk).return_value == "idle"
    assert outbox.letter_advance(letter.pk) == "idle"
    assert CountingDigitalPost.calls == [str(letter.key)]
    assert letter.documents.count() == documents == 2
    delivered = sorted(p.name for p in settings.LETTER_DIGITAL_POST_DIR.iterdir())
    assert delivered == [f"{letter.key}.json", f"{letter.key}.pdf"]


def test_the_local_digital_post_delivers_a_message_once_per_key(w, tmp_path, settings):
    settings.LETTER_DIGITAL_POST_DIR = tmp_path
    letter = Letter(subject="Kvittering", recipient_name="Lise")
    adapter = LocalDigitalPostAdapter()
    assert adapter.deliver(letter=letter, pdf=b"%PDF-1 first") == Delivery(True, "digital_post")
    assert adapter.deliver(letter=letter, pdf=b"%PDF-1 again") == Delivery(True, "digital_post")
    assert (tmp_path / f"{letter.key}.pdf").read_bytes() == b"%PDF-1 first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{letter.key}.json", f"{letter.key}.pdf"]


def test_a_claimed_letter_is_left_alone_by_a_second_worker(w, django_capture_on_commit_callbacks):
    _item, letter = receipt(w, django_capture_on_commit_callbacks, execute=False)
    now = timezone.now()
    claimed = outbox._claim(letter.pk, now)  # a first worker is rendering it
    assert claimed is not None and claimed.attempts == 1
    assert outbox.letter_advance(letter.pk, now=now + timedelta(minutes=1)) == "idle"
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (LetterStatus.RENDERING, 1)
    # the first worker died: after the lease another picks it up
    assert outbox.letter_advance(letter.pk, now=now + outbox.LEASE) == "to_send"


# --- retries and the failed state ----------------------------------------------------------


@override_settings(LETTER_DELIVERY_ADAPTER=BROKEN_POST)
def test_a_failing_delivery_is_retried_with_backoff_and_ends_failed_visibly(
    w, django_capture_on_commit_callbacks, caplog
):
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    # rendered and filed, delivery failed once and waits for its retry
    assert (letter.status, letter.attempts) == (LetterStatus.DELIVERING, 1)
    assert letter.last_error == "ConnectionError: Digital Post svarer ikke"
    assert letter.documents.count() == 2
    moment = letter.next_attempt_at
    assert moment - timezone.now() == pytest.approx(timedelta(minutes=1), abs=timedelta(seconds=30))
    assert outbox.letter_advance(letter.pk, now=moment - timedelta(seconds=1)) == "idle"
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outcome = outbox.letter_advance(letter.pk, now=moment)
        letter.refresh_from_db()
        if outcome == "retry":
            waits.append(letter.next_attempt_at - moment)
            moment = letter.next_attempt_at
    assert waits == [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
    assert outcome == "failed"
    assert (letter.status, letter.attempts) == (LetterStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert letter.failed_at == moment and letter.next_attempt_at is None
    assert outbox.letters_due(now=moment + timedelta(days=1)) == 0  # nothing more by itself
    assert "Digital Post svarer ikke" not in caplog.text  # outside messages stay out of logs

    client = Client()
    client.force_login(w.intake)
    html = client.get("/modtagelse/udbakke/").content.decode()
    assert "Fejlet" in html and "Opgivet efter 5 forsøg" in html
    assert "ConnectionError: Digital Post svarer ikke" in html
    assert "Prøv igen" in html and "Markér som sendt" in html


def test_a_failed_letter_can_be_retried_or_sent_by_hand(
    w, django_capture_on_commit_callbacks, settings
):
    settings.LETTER_DELIVERY_ADAPTER = BROKEN_POST
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    moment = letter.next_attempt_at
    while outbox.letter_advance(letter.pk, now=moment) == "retry":
        letter.refresh_from_db()
        moment = letter.next_attempt_at
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    settings.LETTER_DELIVERY_ADAPTER = DIGITAL_POST
    client = Client()
    client.force_login(w.intake)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/modtagelse/udbakke/", {"letter": letter.pk, "action": "retry"}, follow=True
        )
    assert "Brevet bliver forsøgt dannet og sendt igen." in response.content.decode()
    letter.refresh_from_db()
    assert (letter.status, letter.attempts, letter.last_error) == (LetterStatus.SENT, 1, "")
    assert CountingDigitalPost.calls == [str(letter.key)]
    # retrying a sent letter is refused with the reason
    response = client.post(
        "/modtagelse/udbakke/", {"letter": letter.pk, "action": "retry"}, follow=True
    )
    assert "Brevet kan ikke gå fra »Sendt« til »Sendes«." in response.content.decode()


def test_a_letter_that_cannot_be_filed_ends_failed_and_cannot_be_marked_sent(
    w, django_capture_on_commit_callbacks, settings
):
    working_store = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = "/proc/boernesag-cannot-write-here"  # the document store fails
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    assert (letter.status, letter.attempts) == (LetterStatus.RENDERING, 1)
    assert letter.last_error.startswith(("FileNotFoundError", "PermissionError", "OSError"))
    moment = letter.next_attempt_at
    while outbox.letter_advance(letter.pk, now=moment) == "retry":
        letter.refresh_from_db()
        moment = letter.next_attempt_at
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert not letter.documents.exists()
    with pytest.raises(ValidationError, match="ikke dannet som PDF"):
        letter_mark_sent(letter=letter, channel=SendChannel.PRINTED, by=w.intake)
    # the store works again: a retry renders and files it
    settings.MEDIA_ROOT = working_store
    with django_capture_on_commit_callbacks(execute=True):
        letter_retry(letter=letter, by=w.intake)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_SEND and letter.documents.count() == 2


def test_a_letter_the_worker_is_sending_cannot_be_marked_sent_by_hand(
    w, django_capture_on_commit_callbacks, settings
):
    """Two coordinators: one presses "Prøv igen" on a failed letter, the other — on the page
    shown before — "Markér som sendt". The letter is the worker's now; marking it sent by
    hand would send it twice (printed and through Digital Post)."""
    settings.LETTER_DELIVERY_ADAPTER = BROKEN_POST
    _item, letter = receipt(w, django_capture_on_commit_callbacks)
    moment = letter.next_attempt_at
    while outbox.letter_advance(letter.pk, now=moment) == "retry":
        letter.refresh_from_db()
        moment = letter.next_attempt_at
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        letter_retry(letter=letter, by=w.intake)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERING
    client = Client()
    client.force_login(w.intake)
    response = client.post(
        "/modtagelse/udbakke/", {"letter": letter.pk, "channel": "printed"}, follow=True
    )
    assert "Brevet er ved at blive dannet eller sendt af Børnesag." in response.content.decode()
    letter.refresh_from_db()
    assert (letter.status, letter.sent_at) == (LetterStatus.DELIVERING, None)
    settings.LETTER_DELIVERY_ADAPTER = DIGITAL_POST
    assert outbox.letter_advance(letter.pk) == "sent"
    assert CountingDigitalPost.calls == [str(letter.key)]  # sent once, by the worker


# --- no outside call under a lock, with real commits ------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(LETTER_DELIVERY_ADAPTER=DIGITAL_POST)
def test_after_real_commits_the_adapter_runs_with_no_transaction_open():
    """Transactional: every atomic block really commits and on_commit really fires, as in
    production. While the adapter (the outside system) runs, no transaction is open, so no
    row lock can be held."""
    w = build_world(phase_event=None)
    alma, bo = siblings()
    item = report(w, children=[alma, bo])
    letter = intake.receipt_send(item=item, by=w.intake)  # commits; on_commit runs the task
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT
    assert CountingDigitalPost.calls == [str(letter.key)]
    assert CountingDigitalPost.in_transaction == [False]


def test_the_outbox_page_costs_the_same_however_many_letters(w, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(w.intake)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/modtagelse/udbakke/").status_code == 200
        return len(captured)

    receipt(w, django_capture_on_commit_callbacks)
    one = queries()
    for _ in range(3):  # more letters, each on several cases, in several states
        item = report(w, children=[w.child])
        with django_capture_on_commit_callbacks(execute=True):
            letter = intake.receipt_send(item=item, by=w.intake)
        letter_mark_sent(letter=letter, channel=SendChannel.PRINTED, by=w.intake)
    assert Letter.objects.count() == 4
    assert queries() == one
