"""Resource-person agreements (Slagelse): recorded on the case, followed up after 3 months,
then at least yearly — the clock comes from the engine (rule ``resource_person_follow_up``)."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from boernesag.cases import services as case_services
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.models import Clock
from boernesag.events.models import Event
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import (
    person_create,
    relation_add,
    relation_end,
    resource_person_agreement_end,
    resource_person_agreement_make,
    resource_person_follow_up,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
RULE = "resource_person_follow_up"


@pytest.fixture
def w():
    world = build_world()
    grandmother = person_create(cpr=None, first_name="Inger", last_name="Hansen", is_test=True)
    world.grandmother = relation_add(
        child=world.child,
        person=grandmother,
        kind=RelationKind.GRANDPARENT,
        valid_from=date(2015, 3, 15),
        by=world.caseworker,
    )
    return world


def clocks(case):
    return list(Clock.objects.filter(case=case, rule_key=RULE).order_by("sequence"))


def test_an_agreement_starts_a_three_month_clock_and_each_follow_up_a_yearly_one(w):
    agreed = TODAY - timedelta(days=200)
    agreement = resource_person_agreement_make(
        case=w.case,
        relation=w.grandmother,
        by=w.caseworker,
        agreed_on=agreed,
        content="Mormor henter Emma fra skole om onsdagen og har hende til aftensmad.",
    )
    [first] = clocks(w.case)
    assert first.started_at.date() == agreed
    assert timezone.localtime(first.due_at).date() == _months(agreed, 3)
    assert first.outcome() == "missed"  # 200 days without a follow-up
    held = TODAY - timedelta(days=10)
    resource_person_follow_up(
        agreement=agreement, by=w.caseworker, held_on=held, note="Fungerer godt."
    )
    first, second = clocks(w.case)
    assert first.outcome() == "late"
    assert second.started_at.date() == held
    assert timezone.localtime(second.due_at).date() == _months(held, 12)
    assert second.outcome() == "open"
    # the event payloads are references, never the agreement's text
    made = Event.objects.get(kind="resource_person_agreement_made")
    assert made.payload == {"relation": w.grandmother.pk}
    assert made.subject_id == agreement.pk


def _months(day: date, n: int) -> date:
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_ending_the_agreement_cancels_its_clock(w):
    agreement = resource_person_agreement_make(
        case=w.case, relation=w.grandmother, by=w.caseworker, agreed_on=TODAY, content="Weekender"
    )
    resource_person_agreement_end(
        agreement=agreement,
        by=w.caseworker,
        ended_on=TODAY,
        reason="Mormor er flyttet",
        expected_version=1,
    )
    [clock] = clocks(w.case)
    assert clock.outcome() == "cancelled"
    with pytest.raises(ValidationError, match="ophørt"):
        resource_person_follow_up(agreement=agreement, by=w.caseworker, held_on=TODAY, note="x")


def test_ending_the_relation_or_closing_the_case_ends_the_agreements(w):
    a = resource_person_agreement_make(
        case=w.case, relation=w.grandmother, by=w.caseworker, agreed_on=TODAY, content="Weekender"
    )
    relation_end(relation=w.grandmother, by=w.caseworker, valid_to=TODAY, expected_version=1)
    a.refresh_from_db()
    assert (a.ended_on, a.end_reason) == (TODAY, "Relationen er afsluttet.")
    uncle = relation_add(
        child=w.child,
        person=person_create(cpr=None, first_name="Ole", last_name="Hansen"),
        kind=RelationKind.OTHER_FAMILY,
        by=w.caseworker,
    )
    b = resource_person_agreement_make(
        case=w.case, relation=uncle, by=w.caseworker, agreed_on=TODAY, content="Fodbold"
    )
    case_services.case_close(case=w.case, by=w.caseworker, reason="Mål nået")
    b.refresh_from_db()
    assert b.ended_on == TODAY
    ended = Event.objects.filter(kind="resource_person_agreement_ended", subject_id=b.pk).get()
    assert ended.payload == {"case_closed": True}
    assert [c.outcome() for c in clocks(w.case)] == ["cancelled", "cancelled"]


def test_bad_agreements_are_refused_with_danish_messages(w):
    custody = w.case.child.relations.get(kind=RelationKind.CUSTODY_HOLDER)
    with pytest.raises(ValidationError) as error:
        resource_person_agreement_make(
            case=w.case, relation=custody, by=w.caseworker, agreed_on=TODAY, content="x"
        )
    assert "relation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        resource_person_agreement_make(
            case=w.case,
            relation=w.grandmother,
            by=w.caseworker,
            agreed_on=TODAY + timedelta(days=1),
            content="",
        )
    assert set(error.value.message_dict) == {"agreed_on", "content"}
    agreement = resource_person_agreement_make(
        case=w.case, relation=w.grandmother, by=w.caseworker, agreed_on=TODAY, content="Weekender"
    )
    with pytest.raises(ValidationError, match="fremtiden"):
        resource_person_follow_up(
            agreement=agreement, by=w.caseworker, held_on=TODAY + timedelta(days=1), note="x"
        )
    assert not Clock.objects.filter(case=w.case, rule_key=RULE, stopped_at__isnull=False).exists()


def test_the_clock_through_deadlines_simulate(tmp_path):
    """The same rule in the simulator lawyers and team leaders use (docs/deadlines.md)."""
    timeline = {
        "now": "2027-06-01T12:00",
        "events": [
            {
                "kind": "resource_person_agreement_made",
                "occurred_at": "2026-01-31T12:00",
                "payload": {"relation": 1},
                "subject": "aftale-1",
            },
            {
                "kind": "resource_person_followed_up",
                "occurred_at": "2026-04-20T10:00",
                "payload": {"follow_up": 1},
                "subject": "aftale-1",
            },
            {
                "kind": "resource_person_agreement_made",
                "occurred_at": "2026-03-01T12:00",
                "payload": {"relation": 2},
                "subject": "aftale-2",
            },
            {
                "kind": "resource_person_agreement_ended",
                "occurred_at": "2026-05-01T12:00",
                "payload": {},
                "subject": "aftale-2",
            },
        ],
    }
    path = tmp_path / "forloeb.json"
    path.write_text(json.dumps(timeline))
    out = StringIO()
    call_command("deadlines_simulate", str(path), stdout=out)
    rows = [
        (c["sequence"], c["started"][:10], c["due"][:10], c["status"])
        for c in json.loads(out.getvalue())["clocks"]
        if c["rule"] == RULE
    ]
    assert rows == [
        (1, "2026-01-31", "2026-04-30", "met"),  # 3 months (31 January + 3 months = 30 April)
        (2, "2026-03-01", "2026-06-01", "cancelled"),
        (3, "2026-04-20", "2027-04-20", "missed"),  # then yearly; none by June 2027
    ]
    clock = next(c for c in json.loads(out.getvalue())["clocks"] if c["rule"] == RULE)
    assert (clock["law"], clock["verified"]) == ("LOCAL", False)
