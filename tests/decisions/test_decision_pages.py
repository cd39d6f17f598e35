"""The decision pages through HTTP: constant query counts with the data grown in every
dimension the pages show, the access log, bad input kept with a Danish message, the conflict
message, and approval refused to whom may not approve."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.tests.factories import build_world
from boernesag.decisions import services
from boernesag.decisions.models import Decision, DecisionLetter
from boernesag.decisions.tests.helpers import build_catalogue, decide, draft
from boernesag.letters.outbox import letter_advance
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import person_create, relation_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def _grow(w, cat, n):
    """n more of everything the pages show: parties (more letters), hearings, decisions,
    appeals, approvals."""
    if n > 1:  # a second custody holder: one more letter per step
        parent = person_create(cpr=None, first_name="Far", last_name="Hansen")
        relation_add(
            child=w.child,
            person=parent,
            kind=RelationKind.CUSTODY_HOLDER,
            by=w.caseworker,
            case=w.case,
        )
    decision = draft(w, cat, outcome="refusal", plan_needed=None)
    for _i in range(n):
        hearing = services.hearing_send(
            decision=decision,
            by=w.caseworker,
            answer_due=timezone.localdate() + timedelta(days=10),
            information="Skolens udtalelse",
        )
        services.hearing_answer(
            hearing=hearing, by=w.caseworker, answered_on=timezone.localdate(), answer="Ok"
        )
    decision = decide(decision, w.caseworker)
    services.decision_send(decision=decision, by=w.caseworker)
    for link in DecisionLetter.objects.filter(decision=decision, hearing=None):
        letter_advance(link.letter_id)
    for party in (w.parent, w.child)[: max(1, min(n, 2))]:
        services.appeal_register(
            decision=decision,
            by=w.caseworker,
            received_on=timezone.localdate(),
            appellant=party,
            content="Klage",
        )
    for _i in range(n):
        pending = decide(draft(w, cat, hours_per_week=8), w.caseworker)
        services.decision_approve(decision=pending, by=w.leader_a, approved=False, reasons="Nej")
    return decision


def test_the_decision_pages_answer_with_constant_queries(w, cat):
    client = _client(w.caseworker)
    small = _grow(w, cat, 1)
    pages = lambda d: [  # noqa: E731
        reverse("decisions:list", args=[w.case.pk]),
        reverse("decisions:detail", args=[w.case.pk, d.pk]),
        reverse("decisions:create", args=[w.case.pk]),
        reverse("decisions:appeal", args=[w.case.pk, d.appeals.first().pk]),
    ]
    before = [_count(client, url) for url in pages(small)]
    big = _grow(w, cat, 4)
    after = [_count(client, url) for url in pages(big)]
    assert after == before
    # the grown decision page is also constant against the small one
    assert _count(client, pages(small)[1]) == before[1]


def test_the_queue_answers_with_constant_queries(w, cat):
    client = _client(w.leader_a)
    decide(draft(w, cat, hours_per_week=8), w.caseworker)
    before = _count(client, reverse("decisions:queue"))
    for _i in range(5):
        decide(draft(w, cat, hours_per_week=8), w.caseworker)
    assert _count(client, reverse("decisions:queue")) == before


def test_the_overview_is_two_aggregates_whatever_the_number_of_appeals(w, cat):
    client = _client(w.leader_a)
    _grow(w, cat, 1)
    before = _count(client, reverse("decisions:overview"))
    _grow(w, cat, 3)
    assert _count(client, reverse("decisions:overview")) == before
    # no child and no log row
    response = client.get(reverse("decisions:overview"))
    assert w.child.first_name not in response.content.decode()


def test_the_decision_page_logs_one_row(w, cat):
    decision = draft(w, cat)
    client = _client(w.caseworker)
    before = AccessLogEntry.objects.count()
    client.get(reverse("decisions:detail", args=[w.case.pk, decision.pk]))
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry.what == "decision" and entry.child_id == w.child.pk
    assert entry.object_ref == str(decision.pk)


def test_a_decision_of_another_case_answers_404(w, cat):
    from boernesag.cases import services as case_services
    from boernesag.cases.tests.factories import child

    decision = draft(w, cat)
    other = case_services.case_open(
        child=child(first="Bo"), caseworker=w.caseworker, team=w.team_a, opened_by=w.intake
    )
    client = _client(w.caseworker)
    assert client.get(reverse("decisions:detail", args=[other.pk, decision.pk])).status_code == 404
    assert client.get(reverse("decisions:detail", args=[w.case.pk, decision.pk])).status_code == 200


def test_bad_input_keeps_what_was_typed(w, cat):
    client = _client(w.caseworker)
    response = client.post(
        reverse("decisions:create", args=[w.case.pk]),
        {
            "kind": "support",
            "outcome": "",
            "reasons": "Min lange begrundelse",
            "hours_per_week": "x",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vælg bevilling eller afslag." in body
    assert "Min lange begrundelse" in body
    assert not Decision.objects.exists()


def test_a_form_posted_twice_makes_one_decision(w, cat):
    client = _client(w.caseworker)
    data = {
        "kind": "support",
        "outcome": "grant",
        "submit_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    }
    url = reverse("decisions:create", args=[w.case.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Decision.objects.count() == 1


def test_an_edit_on_a_stale_page_gives_the_conflict_message_and_keeps_the_input(w, cat):
    decision = draft(w, cat)
    stale = decision.version
    services.decision_update(
        decision=decision, by=w.colleague, expected_version=stale, purpose="Kollegaens formål"
    )
    response = _client(w.caseworker).post(
        reverse("decisions:detail", args=[w.case.pk, decision.pk]),
        {"kind": "support", "outcome": "grant", "purpose": "Mit formål", "version": stale},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "En anden har gemt ændringer" in body and "Mit formål" in body
    # the kept form carries the version now saved: submitting it again saves
    kept = response.context["form"]
    decision.refresh_from_db()
    assert int(kept["version"].value()) == decision.version
    again = _client(w.caseworker).post(
        reverse("decisions:detail", args=[w.case.pk, decision.pk]),
        {
            "kind": "support",
            "outcome": "grant",
            "purpose": "Mit formål",
            "version": decision.version,
        },
    )
    assert again.status_code == 302
    decision.refresh_from_db()
    assert decision.purpose == "Mit formål"


def test_approval_refused_to_the_author_and_shown_why(w, cat):
    pending = decide(draft(w, cat, by=w.leader_a, yearly_cost=700_000), w.leader_a)
    client = _client(w.leader_a)
    url = reverse("decisions:approve", args=[w.case.pk, pending.pk])
    page = client.get(url).content.decode()
    assert "kan ikke godkende den" in page
    response = client.post(url, {"approved": "yes", "reasons": "Ok"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "awaiting_approval"


def test_a_hearing_posted_twice_sends_one_hearing_and_one_set_of_letters(w, cat):
    decision = draft(w, cat, outcome="refusal", plan_needed=None)
    client = _client(w.caseworker)
    url = reverse("decisions:hearing", args=[w.case.pk, decision.pk])
    assert 'name="submit_token"' in client.get(url).content.decode()
    data = {
        "information": "Skolens udtalelse",
        "answer_due": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "submit_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    }
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    letters = DecisionLetter.objects.filter(decision=decision).count()
    assert letters >= 1
    assert client.post(url, data).status_code == 302
    assert decision.hearings.count() == 1
    assert DecisionLetter.objects.filter(decision=decision).count() == letters


def test_an_appeal_posted_twice_registers_one_appeal(w, cat):
    decision = decide(draft(w, cat), w.caseworker)
    services.decision_send(decision=decision, by=w.caseworker)
    client = _client(w.caseworker)
    url = reverse("decisions:appeal_add", args=[w.case.pk, decision.pk])
    assert 'name="submit_token"' in client.get(url).content.decode()
    data = {
        "appellant": w.parent.pk,
        "received_on": timezone.localdate().isoformat(),
        "content": "Klage",
        "submit_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca428",
    }
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert client.post(url, data).status_code == 302
    assert decision.appeals.count() == 1
    assert w.case.clocks.filter(rule_key="appeal_reconsideration").count() == 1
