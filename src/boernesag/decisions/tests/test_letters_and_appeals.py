"""The decision letter (legal basis, reasons, appeal guidance with the right dates, party
rights from 10, no protected address), the appeal window and the reconsideration clock, and
appeals changed, upheld and forwarded, with Ankestyrelsen's ruling."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import formats, timezone

from boernesag.cases.models import Document
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.models import Clock
from boernesag.decisions import selectors, services
from boernesag.decisions.constants import AppealStatus, DecisionStatus
from boernesag.decisions.models import DecisionLetter
from boernesag.decisions.tests.helpers import build_catalogue, decide, draft
from boernesag.events.models import Event
from boernesag.letters import services as letter_services
from boernesag.letters.models import Letter, LetterKind, LetterStatus
from boernesag.letters.outbox import letter_advance
from boernesag.letters.tests.pdftext import pdf_text, squeezed
from boernesag.persons.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


def _sent_decision(w, cat, **overrides):
    decision = decide(draft(w, cat, **overrides), w.caseworker)
    services.decision_send(decision=decision, by=w.caseworker)
    decision.refresh_from_db()
    return decision


def _mark_all_sent(decision, by):
    for link in DecisionLetter.objects.filter(decision=decision, hearing=None, appeal=None):
        letter_advance(link.letter_id)  # what the worker does after commit
        services.decision_letter_mark_sent(
            decision=decision, letter=link.letter, by=by, channel="digital_post"
        )


def test_the_decision_letter_says_what_why_on_which_basis_and_how_to_appeal(w, cat):
    decision = _sent_decision(w, cat)
    assert decision.status == DecisionStatus.SENT
    links = list(DecisionLetter.objects.filter(decision=decision).select_related("letter"))
    # the custody holder and the child, who is 11 (Barnets Lov § 3: party rights from 10)
    assert {link.party for link in links} == {w.parent, w.child}
    assert [link.party_is_child for link in links if link.party == w.child] == [True]
    today = timezone.localdate()
    appeal_by = today + timedelta(days=28)
    for link in links:
        body = link.letter.body
        assert link.letter.kind == LetterKind.DECISION
        assert "Kommunen bevilger Familiebehandling hos Familiecentret" in body
        assert "Barnets Lov § 32 stk. 1 nr. 3 – Familiebehandling" in body
        assert "Undersøgelsen viser et behov for støtte i hjemmet." in body
        assert "Klagevejledning" in body
        assert (
            f"Får du brevet den {_day(today)}, skal vi have klagen senest den {_day(appeal_by)}"
            in body
        )
        assert "inden 4 uger" in body and "Ankestyrelsen" in body
        assert "retssikkerhedslovens § 66" in body
        assert "fyldt 10 år" in body
    # rendered on the letterhead and filed on the case
    letter = links[0].letter
    assert letter_advance(letter.pk) == "to_send"
    letter.refresh_from_db()
    text = squeezed(pdf_text(letter_services.letter_pdf_render(letter)))
    assert squeezed("Klagevejledning") in text
    assert squeezed(f"senest den {_day(appeal_by)}") in text
    assert squeezed(w.case.reference) in text
    assert Document.objects.filter(case=w.case, kind="letter_out").exists()


def test_a_protected_address_is_never_printed(w, cat):
    Person.objects.filter(pk=w.parent.pk).update(
        street="Hemmeligvej 13", postcode="9999", city="Skjulby", address_protected=True
    )
    decision = _sent_decision(w, cat)
    for link in DecisionLetter.objects.filter(decision=decision).select_related("letter"):
        assert link.letter.recipient_address == ""
        letter_advance(link.letter_id)
        link.letter.refresh_from_db()
        text = pdf_text(letter_services.letter_pdf_render(link.letter))
        assert "Hemmeligvej" not in text and "Skjulby" not in text
        assert "Hemmeligvej" not in link.letter.body


def test_for_a_protected_child_no_letter_says_where_the_child_lives_or_is(w, cat):
    """The child has name and address protection: neither the child's nor the parent's
    address, nor the provider (a foster family or institution would tell where the child
    is) appears in the hearing or the decision letter — in the stored text or the PDF."""
    Person.objects.filter(pk=w.child.pk).update(
        street="Skjultvej 7", postcode="9998", city="Gemmeby", address_protected=True
    )
    Person.objects.filter(pk=w.parent.pk).update(street="Forældrevej 1", city="Forældreby")
    decision = draft(w, cat, rests_on_unseen_information=True)
    hearing = services.hearing_send(
        decision=decision,
        by=w.caseworker,
        answer_due=timezone.localdate() + timedelta(days=14),
        information="Skolens udtalelse",
    )
    services.hearing_answer(
        hearing=hearing,
        by=w.caseworker,
        answered_on=timezone.localdate(),
        answer="Ingen bemærkninger.",
        new_information=False,
    )
    decision = decide(decision, w.caseworker)
    services.decision_send(decision=decision, by=w.caseworker)
    links = list(DecisionLetter.objects.filter(decision=decision).select_related("letter"))
    assert {link.hearing_id is None for link in links} == {True, False}  # both kinds checked
    for link in links:
        letter_advance(link.letter_id)
        link.letter.refresh_from_db()
        assert link.letter.recipient_address == ""
        text = pdf_text(letter_services.letter_pdf_render(link.letter))
        for secret in ("Skjultvej", "Gemmeby", "Forældrevej", "Forældreby", cat.provider.name):
            assert secret not in link.letter.body, (secret, link.letter.kind)
            assert secret not in text, (secret, link.letter.kind)
        assert "ikke nævnes af hensyn til barnets beskyttelse" in link.letter.body


def test_an_unprotected_address_is_printed(w, cat):
    Person.objects.filter(pk=w.parent.pk).update(street="Åbenvej 2", postcode="9990", city="Demoby")
    decision = _sent_decision(w, cat)
    letter = DecisionLetter.objects.get(decision=decision, party=w.parent).letter
    assert letter.recipient_address == "Åbenvej 2\n9990 Demoby"


def test_a_decision_cannot_be_sent_twice_or_before_it_is_made(w, cat):
    decision = draft(w, cat)
    with pytest.raises(ValidationError, match="ikke truffet"):
        services.decision_send(decision=decision, by=w.caseworker)
    decision = decide(decision, w.caseworker)
    services.decision_send(decision=decision, by=w.caseworker)
    with pytest.raises(ValidationError, match="allerede sendt"):
        services.decision_send(decision=decision, by=w.caseworker)
    assert DecisionLetter.objects.filter(decision=decision).count() == 2


def test_a_decision_letter_template_without_appeal_guidance_is_refused(w, cat):
    template = letter_services.letter_template_get(LetterKind.DECISION)
    body = template.body.replace("{{ appeal_guidance }}", "")
    with pytest.raises(ValidationError, match="appeal_guidance"):
        letter_services.letter_template_update(
            kind=LetterKind.DECISION,
            subject=template.subject,
            body=body,
            by=w.admin,
            expected_version=template.version,
        )
    hidden = template.body.replace(
        "{{ appeal_guidance }}", "{% if purpose %}{{ appeal_guidance }}{% endif %}"
    )
    with pytest.raises(ValidationError, match="appeal_guidance"):
        letter_services.letter_template_preview(
            kind=LetterKind.DECISION, subject=template.subject, body=hidden
        )
    # the shipped text previews
    assert letter_services.letter_template_preview(
        kind=LetterKind.DECISION, subject=template.subject, body=template.body
    ).startswith(b"%PDF")


def test_sending_the_letter_starts_the_appeal_window(w, cat):
    decision = _sent_decision(w, cat)
    assert not Event.objects.filter(case=w.case, kind="decision_sent").exists()
    _mark_all_sent(decision, w.caseworker)
    decision.refresh_from_db()
    [sent] = Event.objects.filter(case=w.case, kind="decision_sent")  # once, not per letter
    assert sent.payload["decision"] == decision.pk
    assert sent.subject_id == decision.pk
    window = Clock.objects.get(case=w.case, rule_key="appeal_window")
    assert timezone.localtime(window.due_at).date() == timezone.localdate(
        decision.sent_at
    ) + timedelta(days=28)
    assert selectors.decision_view(decision).window == window


def test_appeal_upheld_forwarded_and_ruled(w, cat):
    decision = _sent_decision(w, cat)
    _mark_all_sent(decision, w.caseworker)
    today = timezone.localdate()
    appeal = services.appeal_register(
        decision=decision,
        by=w.caseworker,
        received_on=today,
        appellant=w.parent,
        content="Mor mener, at 4 timer er for lidt.",
    )
    assert not appeal.late
    clock = Clock.objects.get(case=w.case, rule_key="appeal_reconsideration")
    assert clock.is_running
    assert timezone.localtime(clock.due_at).date() == today + timedelta(days=28)
    assert selectors.reconsideration_clock(appeal) == clock
    # the window stopped when the appeal came
    assert Clock.objects.get(case=w.case, rule_key="appeal_window").stopped_at is not None
    with pytest.raises(ValidationError) as exc:
        services.appeal_reconsider(
            appeal=appeal,
            by=w.caseworker,
            upheld=True,
            reconsideration="Fastholdes.",
            expected_version=appeal.version,
        )
    assert "forwarded_material" in exc.value.message_dict
    appeal = services.appeal_reconsider(
        appeal=appeal,
        by=w.caseworker,
        upheld=True,
        reconsideration="Kommunen fastholder: 4 timer svarer til behovet.",
        forwarded_material="Klagen, afgørelsen, undersøgelsen og barnets plan.",
        expected_version=appeal.version,
    )
    assert appeal.status == AppealStatus.FORWARDED and appeal.forwarded_on == today
    clock = Clock.objects.get(case=w.case, rule_key="appeal_reconsideration")
    assert clock.stopped_at is not None and clock.outcome() == "met"
    kinds = list(
        Event.objects.filter(case=w.case, kind__startswith="appeal_").values_list("kind", flat=True)
    )
    assert kinds == ["appeal_received", "appeal_reconsidered", "appeal_forwarded"]
    reconsidered = Event.objects.get(case=w.case, kind="appeal_reconsidered")
    assert reconsidered.payload == {"appeal": appeal.pk, "outcome": "upheld"}
    [forwarding] = DecisionLetter.objects.filter(appeal=appeal).select_related("letter")
    assert forwarding.party == w.parent
    assert forwarding.letter.kind == LetterKind.APPEAL_FORWARDED
    assert "Ankestyrelsen" in forwarding.letter.body
    with pytest.raises(ValidationError):
        services.appeal_ruling_record(
            appeal=appeal,
            by=w.caseworker,
            ruling="upheld",
            ruled_on=today - timedelta(days=3),
            expected_version=appeal.version,
        )
    appeal = services.appeal_ruling_record(
        appeal=appeal,
        by=w.caseworker,
        ruling="upheld",
        ruled_on=today,
        expected_version=appeal.version,
    )
    assert appeal.status == AppealStatus.RULED and appeal.ruling == "upheld"
    assert Event.objects.get(case=w.case, kind="appeal_ruled").payload == {
        "appeal": appeal.pk,
        "ruling": "upheld",
    }
    overview = selectors.appeal_overview()
    [row] = overview["rows"]
    assert row["decisions"] == 1 and row["appeals"] == 1 and row["ruling_upheld"] == 1
    assert row["team"] == "Team Nord"


def test_appeal_changed_by_a_new_decision(w, cat):
    decision = _sent_decision(w, cat)
    _mark_all_sent(decision, w.caseworker)
    appeal = services.appeal_register(
        decision=decision,
        by=w.caseworker,
        received_on=timezone.localdate(),
        appellant=w.child,
        content="Emma vil have mere hjælp.",
    )
    appeal = services.appeal_reconsider(
        appeal=appeal,
        by=w.caseworker,
        upheld=False,
        reconsideration="Kommunen giver medhold: 5 timer.",
        expected_version=appeal.version,
    )
    assert appeal.status == AppealStatus.CHANGED
    new = appeal.new_decision
    assert new.replaces == decision and new.status == DecisionStatus.DRAFT
    assert list(new.legal_sections.all()) == [cat.s32]
    # 5 h × 500 kr. × 52 = 130.000 kr.: within the caseworker's 150.000 kr. (the cost is
    # recomputed from the rate, not carried over from the old decision)
    new = services.decision_update(
        decision=new, by=w.caseworker, expected_version=new.version, hours_per_week=5
    )
    assert new.yearly_cost == 130_000
    assert decide(new, w.caseworker).status == DecisionStatus.DECIDED
    assert Event.objects.get(case=w.case, kind="appeal_reconsidered").payload["outcome"] == (
        "changed"
    )
    assert not DecisionLetter.objects.filter(appeal=appeal).exists()  # the new decision's letter


def test_a_committee_decision_is_not_changed_by_the_administration(w, cat):
    """The appeal of a § 47 decision goes on to Ankestyrelsen: no reconsideration by the
    administration may replace the committee's decision."""
    decision = _sent_decision(w, cat)
    type(decision).objects.filter(pk=decision.pk).update(committee=True)
    decision.refresh_from_db()
    _mark_all_sent(decision, w.caseworker)
    appeal = services.appeal_register(
        decision=decision,
        by=w.caseworker,
        received_on=timezone.localdate(),
        appellant=w.parent,
        content="Vi er uenige.",
    )
    with pytest.raises(ValidationError) as exc:
        services.appeal_reconsider(
            appeal=appeal,
            by=w.caseworker,
            upheld=False,
            reconsideration="Forvaltningen ændrer.",
            expected_version=appeal.version,
        )
    assert "upheld" in exc.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED and appeal.new_decision is None


def test_an_appeal_after_the_window_is_accepted_and_flagged(w, cat):
    decision = _sent_decision(w, cat)
    _mark_all_sent(decision, w.caseworker)
    # the letters went out 30 days ago
    long_ago = timezone.now() - timedelta(days=30)
    type(decision).objects.filter(pk=decision.pk).update(
        sent_at=long_ago, decided_at=long_ago - timedelta(days=1)
    )
    decision.refresh_from_db()
    appeal = services.appeal_register(
        decision=decision,
        by=w.caseworker,
        received_on=timezone.localdate(),
        appellant=w.parent,
        content="Klage",
    )
    assert appeal.late
    assert Event.objects.get(case=w.case, kind="appeal_received").payload["late"] is True


@pytest.mark.parametrize("days_after,late", [(27, False), (28, False), (29, True)])
def test_the_appeal_window_ends_on_the_same_weekday_four_weeks_after_sending(
    w, cat, days_after, late
):
    """Retssikkerhedsloven § 67, stk. 1: 4 weeks from receipt. Sent (received) on day D, an
    appeal received on D + 28 is in time, on D + 29 it is late."""
    sent_on = timezone.localdate() - timedelta(days=days_after)
    sent_at = timezone.make_aware(datetime.combine(sent_on, time(10, 0)))
    assert services.appeal_dates(sent_on).appeal_by == sent_on + timedelta(days=28)
    decision = _sent_decision(w, cat)
    _mark_all_sent(decision, w.caseworker)
    type(decision).objects.filter(pk=decision.pk).update(
        sent_at=sent_at, decided_at=sent_at - timedelta(days=1)
    )
    decision.refresh_from_db()
    assert services.appeal_is_late(decision, timezone.localdate()) is late


def test_only_a_party_may_appeal(w, cat):
    decision = _sent_decision(w, cat)
    stranger = Person.objects.create(first_name="Nabo", last_name="Jensen")
    with pytest.raises(ValidationError) as exc:
        services.appeal_register(
            decision=decision,
            by=w.caseworker,
            received_on=timezone.localdate(),
            appellant=stranger,
            content="Klage",
        )
    assert "appellant" in exc.value.message_dict


def test_the_appeal_clocks_in_the_simulator(tmp_path, capsys):
    """deadlines_simulate: window from sending, reconsideration from the appeal (stopped by
    the reconsideration, one clock per decision), a late appeal after an expired window."""
    timeline = {
        "now": "2026-06-01T12:00",
        "events": [
            {
                "kind": "decision_made",
                "occurred_at": "2026-03-02T10:00",
                "payload": {
                    "outcome": "grant",
                    "measure_kind": "support",
                    "plan_needed": False,
                    "decision": 1,
                },
            },
            {
                "kind": "decision_sent",
                "occurred_at": "2026-03-03T10:00",
                "payload": {"decision": 1},
                "subject": "d1",
            },
            {
                "kind": "appeal_received",
                "occurred_at": "2026-03-20T10:00",
                "payload": {"appeal": 7},
                "subject": "d1",
            },
            {
                "kind": "appeal_reconsidered",
                "occurred_at": "2026-04-10T10:00",
                "payload": {"appeal": 7, "outcome": "upheld"},
                "subject": "d1",
            },
            {
                "kind": "decision_sent",
                "occurred_at": "2026-03-03T11:00",
                "payload": {"decision": 2},
                "subject": "d2",
            },
            {
                "kind": "appeal_received",
                "occurred_at": "2026-04-15T10:00",
                "payload": {"appeal": 8, "late": True},
                "subject": "d2",
            },
        ],
    }
    path = tmp_path / "forloeb.json"
    path.write_text(json.dumps(timeline))
    call_command("deadlines_simulate", str(path))
    clocks = json.loads(capsys.readouterr().out)["clocks"]
    by = {(c["rule"], c["started"][:10]): c for c in clocks}
    window_1 = by[("appeal_window", "2026-03-03")]
    # the second appeal came after the window: stopped late
    assert {c["status"] for c in clocks if c["rule"] == "appeal_window"} == {"met", "late"}
    assert window_1["due"].startswith("2026-03-31")
    reconsideration = by[("appeal_reconsideration", "2026-03-20")]
    assert reconsideration["due"].startswith("2026-04-17")
    assert reconsideration["status"] == "met"
    late = by[("appeal_reconsideration", "2026-04-15")]
    assert late["status"] == "missed"  # nobody reconsidered the late appeal by 13 May
    assert late["due"].startswith("2026-05-13")
    # no plan clock: the grant recorded that no plan is to be made
    assert not [c for c in clocks if c["rule"] == "plan_after_support_decision"]


def test_letters_are_not_sent_from_another_decision(w, cat):
    first = _sent_decision(w, cat)
    second = decide(draft(w, cat), w.caseworker)
    letter = DecisionLetter.objects.filter(decision=first).first().letter
    with pytest.raises(services.NotAllowed):
        services.decision_letter_mark_sent(
            decision=second, letter=letter, by=w.caseworker, channel="digital_post"
        )
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RENDERING
