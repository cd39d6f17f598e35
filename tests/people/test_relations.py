"""The people around the child: relations with dates, custody, siblings both ways,
professionals, editing with conflict detection, and the selectors consent and meetings use."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boernesag.cases.tests.factories import build_world, child
from boernesag.events.models import Event
from boernesag.persons import selectors as people
from boernesag.persons.constants import ProfessionalRole, RegisterStatus, RelationKind
from boernesag.persons.models import Person, Relation
from boernesag.persons.services import (
    AgeNeedsConfirmation,
    ConflictError,
    child_age_check,
    child_age_require,
    person_create,
    relation_add,
    relation_end,
    relation_update,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return build_world()


def adult(first="Jonas", last="Hansen", cpr=None, **fields):
    return person_create(cpr=cpr, first_name=first, last_name=last, is_test=True, **fields)


def test_adding_a_relation_is_a_case_event_with_codes_only(w):
    father = adult(cpr="0202831235")
    relation = relation_add(
        child=w.child,
        person=father,
        kind=RelationKind.PARENT_WITHOUT_CUSTODY,
        valid_from=date(2020, 1, 1),
        by=w.caseworker,
        case=w.case,
        description="Ser barnet hver anden weekend",
    )
    event = Event.objects.get(kind="relation_added")
    assert (event.case_id, event.actor_id, event.subject_id) == (
        w.case.pk,
        w.caseworker.pk,
        relation.pk,
    )
    assert event.payload == {
        "relation_kind": "parent_without_custody",
        "person": father.pk,
        "person_source": "manual",
        "valid_from": "2020-01-01",
    }
    assert "weekend" not in str(event.payload)


def test_without_an_actor_a_relation_on_a_child_with_a_case_is_refused(w):
    with pytest.raises(ValueError, match="by="):
        relation_add(child=w.child, person=adult(), kind=RelationKind.GRANDPARENT)
    assert not Relation.objects.filter(kind=RelationKind.GRANDPARENT).exists()


def test_at_most_two_custody_holders_at_the_same_time(w):
    # w.parent already holds custody (factories)
    second = adult()
    relation_add(child=w.child, person=second, kind=RelationKind.CUSTODY_HOLDER, by=w.caseworker)
    third = adult(first="Karl")
    with pytest.raises(ValidationError, match="allerede to forældremyndighedsindehavere"):
        relation_add(child=w.child, person=third, kind=RelationKind.CUSTODY_HOLDER, by=w.caseworker)
    # custody that ended yesterday leaves room for a new holder from today
    ended = Relation.objects.get(child=w.child, person=second)
    relation_end(
        relation=ended, by=w.caseworker, valid_to=TODAY - timedelta(days=1), expected_version=1
    )
    relation_add(
        child=w.child,
        person=third,
        kind=RelationKind.CUSTODY_HOLDER,
        valid_from=TODAY,
        by=w.caseworker,
    )
    assert {p.pk for p in people.custody_holders(w.child)} == {w.parent.pk, third.pk}
    assert {p.pk for p in people.custody_holders(w.child, on=TODAY - timedelta(days=1))} == {
        w.parent.pk,
        second.pk,
    }


def test_same_person_twice_or_with_and_without_custody_is_refused(w):
    with pytest.raises(
        ValidationError, match="allerede registreret som forældremyndighedsindehaver"
    ):
        relation_add(
            child=w.child, person=w.parent, kind=RelationKind.CUSTODY_HOLDER, by=w.caseworker
        )
    with pytest.raises(ValidationError, match="både med og uden forældremyndighed"):
        relation_add(
            child=w.child,
            person=w.parent,
            kind=RelationKind.PARENT_WITHOUT_CUSTODY,
            by=w.caseworker,
        )
    with pytest.raises(ValidationError, match="sig selv"):
        relation_add(child=w.child, person=w.child, kind=RelationKind.OTHER_FAMILY, by=w.caseworker)
    assert Relation.objects.filter(child=w.child).count() == 1


def test_a_dead_person_cannot_hold_custody_past_the_date_of_death(w):
    died = date(2025, 6, 1)
    late = adult(register_status=RegisterStatus.DEAD, register_status_date=died)
    with pytest.raises(ValidationError, match="død"):
        relation_add(child=w.child, person=late, kind=RelationKind.CUSTODY_HOLDER, by=w.caseworker)
    # recorded as history: custody that ended the day she died
    Relation.objects.filter(child=w.child).update(valid_to=date(2025, 5, 31))
    relation_add(
        child=w.child,
        person=late,
        kind=RelationKind.CUSTODY_HOLDER,
        valid_from=date(2015, 3, 15),
        valid_to=died,
        by=w.caseworker,
    )
    assert people.custody_holders(w.child) == []


def test_a_professional_needs_a_field_and_others_have_none(w):
    teacher = adult("Lærke", "Skov", organisation="Demoby Skole")
    with pytest.raises(ValidationError) as error:
        relation_add(child=w.child, person=teacher, kind=RelationKind.PROFESSIONAL, by=w.caseworker)
    assert "professional_role" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        relation_add(
            child=w.child,
            person=teacher,
            kind=RelationKind.NETWORK_PERSON,
            professional_role=ProfessionalRole.SCHOOL,
            by=w.caseworker,
        )
    assert "professional_role" in error.value.message_dict
    relation = relation_add(
        child=w.child,
        person=teacher,
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        description="Klasselærer i 5.b",
        by=w.caseworker,
    )
    assert [r.pk for r in people.people_around(w.child, kinds=[RelationKind.PROFESSIONAL])] == [
        relation.pk
    ]


def test_end_date_before_start_is_refused(w):
    with pytest.raises(ValidationError) as error:
        relation_add(
            child=w.child,
            person=adult(),
            kind=RelationKind.GRANDPARENT,
            valid_from=date(2024, 5, 1),
            valid_to=date(2024, 4, 1),
            by=w.caseworker,
        )
    assert error.value.message_dict == {"valid_to": ["Slutdatoen kan ikke ligge før startdatoen."]}


def test_siblings_are_kept_both_ways_and_end_together(w):
    brother = child(first="Bo", last="Hansen", born="010118")
    relation = relation_add(
        child=w.child, person=brother, kind=RelationKind.HALF_SIBLING, by=w.caseworker, case=w.case
    )
    mirror = Relation.objects.get(child=brother, person=w.child)
    assert (mirror.kind, mirror.mirror_id, relation.mirror_id) == (
        RelationKind.HALF_SIBLING,
        relation.pk,
        mirror.pk,
    )
    assert [r.person_id for r in people.siblings(brother)] == [w.child.pk]
    relation_end(
        relation=relation, by=w.caseworker, valid_to=TODAY, expected_version=1, case=w.case
    )
    mirror.refresh_from_db()
    assert mirror.valid_to == TODAY
    assert people.siblings(brother, on=TODAY + timedelta(days=1)) == []
    ended = Event.objects.get(kind="relation_ended")
    assert ended.payload == {"relation_kind": "half_sibling", "valid_to": TODAY.isoformat()}


def test_an_existing_reverse_sibling_relation_is_reused(w):
    sister = child(first="Ida", last="Hansen", born="050416")
    # as the demo's bulk load writes them: both directions, not linked
    reverse = Relation.objects.create(child=sister, person=w.child, kind=RelationKind.SIBLING)
    relation = relation_add(
        child=w.child, person=sister, kind=RelationKind.SIBLING, by=w.caseworker
    )
    assert Relation.objects.filter(child=sister, person=w.child).count() == 1
    reverse.refresh_from_db()
    assert (relation.mirror_id, reverse.mirror_id) == (reverse.pk, relation.pk)


def test_editing_detects_a_concurrent_save_and_changes_nothing(w):
    relation = Relation.objects.get(child=w.child, person=w.parent)
    relation_update(
        relation=relation,
        by=w.caseworker,
        expected_version=1,
        valid_from=date(2015, 3, 15),
        valid_to=None,
        description="Mor",
        lives_with_child=True,
        person_fields={"phone": "20304050"},
    )
    stale = Relation.objects.get(pk=relation.pk)
    with pytest.raises(ConflictError):
        relation_update(
            relation=stale,
            by=w.colleague,
            expected_version=1,
            valid_from=None,
            valid_to=None,
            description="Overskriver",
        )
    relation.refresh_from_db()
    assert (relation.description, relation.version, relation.person.phone) == ("Mor", 2, "20304050")
    assert Event.objects.filter(kind="relation_changed").count() == 1


def test_a_register_persons_name_and_address_are_not_typed_over(w):
    Person.objects.filter(pk=w.parent.pk).update(source="register")
    relation = Relation.objects.get(child=w.child, person=w.parent)
    with pytest.raises(ValidationError) as error:
        relation_update(
            relation=relation,
            by=w.caseworker,
            expected_version=1,
            valid_from=None,
            valid_to=None,
            person_fields={"street": "Et andet sted 1", "phone": "1"},
        )
    assert "CPR-registeret" in error.value.message_dict["street"][0]
    relation.refresh_from_db()
    assert relation.version == 1


# --- the selectors consent, meetings and hearings use ------------------------------------


def _born(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


@pytest.mark.parametrize(
    ("age_days", "consents", "party"),
    [
        ((9, 300), False, False),  # 9 years old
        ((10, 0), False, True),  # turns 10 today: party rights (BL § 3)
        ((14, 364), False, True),
        ((15, 0), True, True),  # turns 15 today: gives consent herself (BL §§ 22, 46)
    ],
)
def test_who_gives_consent_and_who_is_a_party_by_age(w, age_days, consents, party):
    Person.objects.filter(pk=w.child.pk).update(birth_date=_born(*age_days))
    w.case.refresh_from_db()
    givers = people.consent_givers(w.case)
    assert [p.pk for p in givers] == [w.parent.pk] + ([w.child.pk] if consents else [])
    assert [p.pk for p in people.parties(w.case)] == [w.parent.pk] + ([w.child.pk] if party else [])
    assert people.may_give_consent(w.case, w.child) is consents


def test_meeting_participants_are_the_child_and_everyone_around_it(w):
    teacher = adult("Lærke", "Skov", organisation="Demoby Skole")
    relation_add(
        child=w.child,
        person=teacher,
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        by=w.caseworker,
    )
    gone = adult("Gammel", "Nabo")
    relation_add(
        child=w.child,
        person=gone,
        kind=RelationKind.NETWORK_PERSON,
        valid_to=TODAY - timedelta(days=3),
        by=w.caseworker,
    )
    rows = [(p.full_name, what) for p, what in people.meeting_participants(w.case)]
    assert rows == [
        ("Emma Hansen", "barnet"),
        ("Mette Hansen", "Forældremyndighedsindehaver"),
        ("Lærke Skov", "Fagperson, skole"),
    ]


# --- ages ------------------------------------------------------------------------------------


def test_age_check_refuses_a_future_birth_date_and_warns_over_22():
    assert child_age_check(TODAY + timedelta(days=1)).refused
    assert "fremtiden" in child_age_check(TODAY + timedelta(days=1)).message
    at_22 = child_age_check(_born(23, -1))  # turns 23 tomorrow
    assert (at_22.age, at_22.warning, at_22.refused) == (22, False, False)
    at_23 = child_age_check(_born(23))
    assert (at_23.age, at_23.warning) == (23, True)
    assert "23 år" in at_23.message
    with pytest.raises(AgeNeedsConfirmation):
        child_age_require(_born(40), field="cpr", confirmed=False)
    child_age_require(_born(40), field="cpr", confirmed=True)  # confirmed: allowed
    with pytest.raises(ValidationError, match="fremtiden"):
        child_age_require(TODAY + timedelta(days=3), field="cpr", confirmed=True)


def test_the_event_catalogue_codes_match_the_persons_choices():
    from typing import get_args

    from boernesag.events import catalogue as ev
    from boernesag.persons.constants import PersonSource

    assert set(get_args(ev.RelationKindCode)) == set(RelationKind.values)
    assert set(get_args(ev.PersonSourceCode)) == set(PersonSource.values)
    assert set(get_args(ev.RegisterStatusCode)) == set(RegisterStatus.values)
