"""Letters to the provider: at the start (only what the consent to share allows, never an
address), the status report request when a follow-up is planned, and the end with the
contract — composed in the transaction, one per action also on a double submit."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from boernesag.cases.services import consent_record
from boernesag.cases.tests.factories import build_world
from boernesag.catalogue import services as catalogue
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.letters.models import LetterKind
from boernesag.measures import services
from boernesag.measures.models import MeasureLetter
from boernesag.measures.tests.helpers import granted, start
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def _letters(kind):
    return [m.letter for m in MeasureLetter.objects.filter(letter__kind=kind).order_by("id")]


def test_without_consent_the_provider_is_told_the_terms_only(w, cat):
    plan = made_plan(w, goals=1)
    start(w, granted(w, cat, plan=plan, purpose="At styrke familiens samspil"))
    [letter] = _letters(LetterKind.MEASURE_START)
    assert letter.recipient_name == "Familiecentret"
    assert "4 timer pr. uge" in letter.body
    assert "samspil" not in letter.body
    assert "møder i skole" not in letter.body
    assert "Mette Hansen" not in letter.body  # the custody holder
    assert "ikke givet samtykke" in letter.body
    assert list(letter.cases.all()) == [w.case]


def test_with_consent_the_provider_gets_purpose_goals_and_contacts_but_no_address(w, cat):
    consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope="share_with_provider",
        form="written",
        given_on=timezone.localdate(),
    )
    w.child.address_protected = True
    w.child.save(update_fields=["address_protected"])
    plan = made_plan(w, goals=1)
    measure = start(w, granted(w, cat, plan=plan, purpose="At styrke familiens samspil"))
    [link] = MeasureLetter.objects.filter(letter__kind=LetterKind.MEASURE_START)
    body = link.letter.body
    assert link.consent is not None
    assert "At styrke familiens samspil" in body
    assert "Alma møder i skole mindst 9 ud af 10 dage (1)" in body
    assert "Mette Hansen, forældremyndighedsindehaver" in body
    assert "Skolevej" not in body and "9990" not in body  # the child's address
    # the status report request, a week before the meeting
    services.follow_up_plan(
        measure=measure,
        by=w.caseworker,
        held_at=timezone.now() + timedelta(days=14),
        agenda="Status",
        token=uuid.uuid4(),
    )
    [request] = _letters(LetterKind.REPORT_REQUEST)
    due = (timezone.localdate() + timedelta(days=7)).strftime("%-d.%-m.%Y")
    assert f"senest {due}" in request.body
    assert "Alma møder i skole" in request.body


def test_the_end_tells_the_provider_and_names_the_contract_once(w, cat):
    catalogue.contract_add(
        provider=cat.provider,
        title="Rammeaftale familiebehandling 2026",
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=None,
        services=[cat.family],
    )
    measure = start(w, granted(w, cat))
    token = uuid.uuid4()
    for _ in range(2):
        measure.refresh_from_db()
        services.measure_end(
            measure=measure,
            by=w.caseworker,
            ended_on=timezone.localdate(),
            reason="goal_met",
            final_attainment="met",
            reasons="",
            expected_version=1,
            token=token,
        )
    [letter] = _letters(LetterKind.MEASURE_END)
    assert "Årsag: Målet er nået." in letter.body
    assert "»Rammeaftale familiebehandling 2026«" in letter.body


def test_a_backdated_start_does_not_revive_a_withdrawn_consent(w, cat):
    """Review 13, P1 1: the consent is checked on the day the letter is sent. Given 40 days
    ago, withdrawn 10 days ago; the measure is recorded today with a start 20 days ago (when
    the consent was still in force): the letter has the terms only."""
    from boernesag.cases.services import consent_withdraw

    today = timezone.localdate()
    consent = consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope="share_with_provider",
        form="written",
        given_on=today - timedelta(days=40),
    )
    consent_withdraw(
        consent=consent,
        by=w.caseworker,
        withdrawn_on=today - timedelta(days=10),
        expected_version=consent.version,
    )
    plan = made_plan(w, goals=1)
    decision = granted(
        w, cat, plan=plan, purpose="At styrke familiens samspil", on=today - timedelta(days=30)
    )
    start(w, decision, starts_on=today - timedelta(days=20))
    [link] = MeasureLetter.objects.filter(letter__kind=LetterKind.MEASURE_START)
    assert link.consent is None
    body = link.letter.body
    assert "samspil" not in body
    assert "møder i skole" not in body
    assert "Mette Hansen" not in body
    assert "ikke givet samtykke" in body
    assert "4 timer pr. uge" in body


def test_a_change_of_provider_sends_an_end_letter_to_the_old_and_a_start_letter_to_the_new(w, cat):
    from decimal import Decimal

    from boernesag.decisions import services as decisions
    from boernesag.decisions.tests.helpers import complete, decide

    other = catalogue.provider_create(name="Andet Center", kind="private", services=[cat.family])
    first = granted(w, cat)
    measure = start(w, first)
    change = decisions.decision_change_start(decision=first, by=w.caseworker)
    decisions.decision_update(
        decision=change,
        by=w.caseworker,
        expected_version=change.version,
        **complete(cat, provider=other),
    )
    change = decide(change, w.caseworker)
    if change.status == "awaiting_approval":
        from boernesag.measures.tests.helpers import approved

        change = approved(w, change)
    measure.refresh_from_db()
    today = timezone.localdate()
    services.measure_change(
        measure=measure,
        decision=change,
        by=w.caseworker,
        valid_from=today,
        volume=Decimal(4),
        volume_unit="hours_per_week",
        expected_version=measure.version,
    )
    links = list(MeasureLetter.objects.select_related("letter", "provider").order_by("id"))
    assert [(m.letter.kind, m.provider.name) for m in links] == [
        (LetterKind.MEASURE_START, "Familiecentret"),
        (LetterKind.MEASURE_END, "Familiecentret"),
        (LetterKind.MEASURE_START, "Andet Center"),
    ]
    end, new_start = links[1].letter, links[2].letter
    assert end.recipient_name == "Familiecentret"
    assert "Årsag: Indsatsen fortsætter hos en anden leverandør." in end.body
    assert today.strftime("%-d.%-m.%Y") in end.body
    assert new_start.recipient_name == "Andet Center"
    assert "4 timer pr. uge" in new_start.body
    assert links[2].consent is None
