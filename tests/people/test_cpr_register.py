"""The CPR register adapter and the import into Børnesag: look-up shaped like
Serviceplatformen's person data, statuses, address protection, custody from the register,
manual entry when not found."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.events.models import Event
from boernesag.integrations import services as cpr
from boernesag.integrations.cpr import LocalCprRegister, RegisterUnavailable, register
from boernesag.integrations.models import RegisterPerson
from boernesag.integrations.population import family_generate, register_store, register_store_family
from boernesag.persons import selectors as people
from boernesag.persons.constants import PersonSource, RegisterStatus, RelationKind
from boernesag.persons.display import person_address
from boernesag.persons.models import Person, Relation
from tests.people.helpers import fictitious, register_family_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build_world()
    world.family = register_family_of(world.child)
    return world


def test_lookup_has_the_shape_of_the_national_person_lookup(w):
    record = register().lookup(w.child.cpr)
    assert (record.full_name, record.birth_date, record.sex) == (
        "Emma Hansen",
        w.child.birth_date,
        w.child.sex,
    )
    assert (record.status, record.status_code, record.is_test) == ("active", "01", True)
    assert {p.full_name for p in record.custody_holders} == {"Mette Hansen", "Jonas Hansen"}
    assert (record.mother.full_name, record.father.full_name) == ("Mette Hansen", "Jonas Hansen")
    assert [p.full_name for p in record.siblings] == ["Ida Hansen"]
    assert [p.full_name for p in record.half_siblings] == ["Bo Holm"]
    mother = register().lookup(w.family.mother.cpr)
    assert {p.full_name for p in mother.children} == {"Emma Hansen", "Ida Hansen"}
    assert mother.mother.full_name == "Inger Hansen"
    assert register().lookup("3112991234") is None  # valid number, not in the register
    assert register().lookup("not a number") is None


def test_lookup_validates_the_number_in_danish_and_never_repeats_it():
    with pytest.raises(ValidationError) as error:
        cpr.register_lookup(cpr="3213991234")
    assert error.value.message_dict == {
        "cpr": ["CPR-nummerets måned (3.–4. ciffer) skal være mellem 01 og 12."]
    }
    assert "3213991234" not in str(error.value)


class DownRegister:
    def lookup(self, cpr):
        raise RegisterUnavailable("CPR-registeret svarer ikke. Prøv igen om lidt.")


@override_settings(CPR_REGISTER="tests.people.test_cpr_register.DownRegister")
def test_an_unreachable_register_is_a_danish_message():
    with pytest.raises(ValidationError) as error:
        cpr.register_lookup(cpr="0101851234")
    assert error.value.message_dict == {"cpr": ["CPR-registeret svarer ikke. Prøv igen om lidt."]}


def test_the_setting_selects_the_implementation():
    assert isinstance(register(), LocalCprRegister)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("90", RegisterStatus.DEAD),
        ("80", RegisterStatus.EMIGRATED),
        ("70", RegisterStatus.DISAPPEARED),
        ("30", RegisterStatus.INACTIVE),
    ],
)
def test_statuses_are_imported_with_their_date(w, code, status):
    register_store_family(
        children=[
            fictitious("0909651235", "Erik", "Berg", status_code=code, status_date=date(2025, 2, 3))
        ]
    )
    person, created = cpr.person_from_register(
        record=cpr.register_lookup(cpr="0909651235"), by=w.caseworker
    )
    assert created
    assert (person.register_status, person.register_status_date) == (status, date(2025, 2, 3))
    assert person.is_inactive_in_register


def test_import_creates_a_register_person_and_an_organisation_event(w):
    record = cpr.register_lookup(cpr=w.family.grandmother.cpr)
    person, created = cpr.person_from_register(record=record, by=w.caseworker)
    assert created
    assert (person.source, person.cpr_is_test, person.birth_date) == (
        PersonSource.REGISTER,
        True,
        date(1955, 7, 7),
    )
    assert person.register_updated_at == record.fetched_at
    event = Event.objects.get(kind="person_imported")
    assert (event.scope, event.case_id, event.subject_id) == ("organisation", None, person.pk)
    assert event.payload == {
        "register_status": "active",
        "address_protected": False,
        "updated": False,
    }


def test_importing_again_updates_the_person_from_the_register(w):
    # the mother exists in Børnesag (entered by hand) with an old address
    assert w.parent.source == PersonSource.MANUAL
    RegisterPerson.objects.filter(cpr=w.parent.cpr).update(
        street="Ny Vej 1", address_protected=True
    )
    person = cpr.person_refresh_from_register(person=w.parent, by=w.caseworker)
    assert (person.pk, person.street, person.address_protected, person.source) == (
        w.parent.pk,
        "Ny Vej 1",
        True,
        PersonSource.REGISTER,
    )
    assert Event.objects.get(kind="person_imported").payload["updated"] is True


def test_a_protected_address_from_the_register_is_never_shown_without_the_right(w):
    register_store_family(
        children=[
            fictitious("1010801236", "Hemmelig", "Skjult", street="Skjulevej 3", protected=True)
        ]
    )
    relation = cpr.register_relation_import(
        case=w.case, by=w.caseworker, cpr="1010801236", kind=RelationKind.NETWORK_PERSON
    )
    person = relation.person
    assert person.address_protected
    assert person_address(person, w.caseworker) == "Adressebeskyttet"
    w.caseworker.may_see_protected_addresses = True
    assert person_address(person, w.caseworker) == "Skjulevej 3, 9990 Demoby"


def test_custody_comes_from_the_register(w):
    with pytest.raises(ValidationError) as error:
        cpr.register_relation_import(
            case=w.case,
            by=w.caseworker,
            cpr=w.family.stepmother.cpr,
            kind=RelationKind.CUSTODY_HOLDER,
        )
    assert "ikke forældremyndigheden" in error.value.message_dict["kind"][0]
    relation = cpr.register_relation_import(
        case=w.case, by=w.caseworker, cpr=w.family.father.cpr, kind=RelationKind.CUSTODY_HOLDER
    )
    assert (relation.source, relation.person.source) == ("register", "register")
    assert Event.objects.get(kind="relation_added").payload["person_source"] == "register"


def test_not_found_asks_for_manual_entry(w):
    with pytest.raises(ValidationError) as error:
        cpr.register_relation_import(
            case=w.case, by=w.caseworker, cpr="3112991234", kind="grandparent"
        )
    assert "opret personen manuelt" in error.value.message_dict["cpr"][0]
    assert not Person.objects.filter(cpr="3112991234").exists()


def test_the_childs_relatives_are_imported_from_the_register_once(w):
    relatives = cpr.register_relatives(record=cpr.register_lookup(cpr=w.child.cpr), child=w.child)
    assert [(r.ref.full_name, r.kind, r.registered) for r in relatives] == [
        ("Mette Hansen", "custody_holder", True),  # already registered (factories)
        ("Jonas Hansen", "custody_holder", False),
        ("Ida Hansen", "sibling", False),
        ("Bo Holm", "half_sibling", False),
    ]
    added = cpr.child_relations_from_register(
        case=w.case, by=w.caseworker, kinds={RelationKind.CUSTODY_HOLDER, RelationKind.SIBLING}
    )
    assert [(r.person.full_name, r.kind, r.lives_with_child) for r in added] == [
        ("Jonas Hansen", "custody_holder", False),  # lives at Havnegade 2
        ("Ida Hansen", "sibling", False),
    ]
    assert {p.full_name for p in people.custody_holders(w.child)} == {
        "Mette Hansen",
        "Jonas Hansen",
    }
    again = cpr.child_relations_from_register(case=w.case, by=w.caseworker)
    assert [(r.person.full_name, r.kind) for r in again] == [("Bo Holm", "half_sibling")]
    assert Relation.objects.filter(child=w.child).count() == 4
    # the sister also has the child as her sibling now (kept both ways)
    sister = Person.objects.get(cpr=w.family.sister.cpr)
    assert [r.person_id for r in people.siblings(sister)] == [w.child.pk]


def test_the_generated_population_is_deterministic_and_consistent():
    today = timezone.localdate()

    def generate(seed):
        rng, used = random.Random(seed), set()
        return [family_generate(rng, today=today, used=used) for _ in range(6)]

    families = generate(5)
    numbers = [p.cpr for f in families for p in f.persons]
    assert numbers == [p.cpr for f in generate(5) for p in f.persons]
    assert len(numbers) == len(set(numbers))
    register_store(families)
    for family in families:
        for kid in family.children:
            record = register().lookup(kid.cpr)
            assert record.birth_date == kid.birth_date
            assert {p.cpr for p in record.custody_holders} == {
                p.cpr for p in family.custody_holders
            }
            assert {p.cpr for p in record.half_siblings} == {p.cpr for p in family.half_siblings}
            assert {p.cpr for p in record.siblings} == {c.cpr for c in family.children} - {kid.cpr}


def test_a_future_birth_date_is_refused_before_the_register_is_asked():
    future = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        cpr.register_lookup(cpr=f"{future:%d%m%y}4123")
    assert "fremtiden" in error.value.message_dict["cpr"][0]
