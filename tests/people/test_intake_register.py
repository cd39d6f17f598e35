"""Intake registration with the CPR register: a child found there is imported with its
custody holders; one not found is entered by hand (marked so); a birth date in the future is
refused and an age over 22 needs confirming — in the service and on the page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.events.models import Event
from boernesag.intake import services
from boernesag.intake.models import IntakeItem
from boernesag.integrations.population import register_store_family
from boernesag.persons import selectors as people
from boernesag.persons.models import Person
from boernesag.persons.services import AgeNeedsConfirmation
from tests.people.helpers import fictitious

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    world = build_world()
    mother = fictitious("1204904218", "Nadia", "Berg")
    father = fictitious("0311884217", "Omar", "Berg", street="Havnegade 9")
    world.kid = fictitious("1908174321", "Aya", "Berg")
    register_store_family(
        children=[world.kid], mother=mother, father=father, custody_holders=[mother]
    )
    return world


def register(w, *refs, **extra):
    return services.intake_register(
        kind="concern_report",
        channel="email",
        received_at=timezone.now(),
        notifier_kind="school",
        content="Barnet kommer ofte sulten i skole.",
        by=w.intake,
        children=list(refs),
        **extra,
    )


def people_age(cpr: str) -> int:
    from boernesag.persons.cpr import parse_cpr

    born = parse_cpr(cpr).birth_date
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _cpr_born(day) -> str:
    return f"{day:%d%m%y}4123"


def test_a_child_in_the_register_is_imported_with_custody_holder_and_parent(w):
    item = register(w, services.ChildRef(w.kid.cpr))
    child = Person.objects.get(cpr=w.kid.cpr)
    assert (child.full_name, child.source, child.street) == ("Aya Berg", "register", "Engvej 4")
    case = item.children.get().case
    assert [(r.person.full_name, r.kind) for r in people.people_around(child)] == [
        ("Nadia Berg", "custody_holder"),
        ("Omar Berg", "parent_without_custody"),
    ]
    assert Event.objects.filter(case=case, kind="relation_added").count() == 2
    assert [p.full_name for p in people.consent_givers(case)] == ["Nadia Berg"]


def test_a_child_not_in_the_register_needs_names_and_is_marked_manual(w):
    with pytest.raises(ValidationError) as error:
        register(w, services.ChildRef("0102204123"))
    assert "hverken i Børnesag eller i CPR-registeret" in error.value.message_dict["child_1_cpr"][0]
    register(w, services.ChildRef("0102204123", "Ny", "Jensen"))
    assert Person.objects.get(cpr="0102204123").source == "manual"


def test_a_future_birth_date_is_refused_and_nothing_is_saved(w):
    before = IntakeItem.objects.count()
    with pytest.raises(ValidationError) as error:
        register(w, services.ChildRef(_cpr_born(TODAY + timedelta(days=10)), "Fremtid", "Barn"))
    assert "fremtiden" in error.value.message_dict["child_1_cpr"][0]
    assert IntakeItem.objects.count() == before
    assert not Person.objects.filter(first_name="Fremtid").exists()


def test_over_22_needs_confirmation(w):
    adult = "0101803123"  # born 1 January 1980 (7th digit 3: the 1900s)
    age = people_age(adult)
    with pytest.raises(AgeNeedsConfirmation) as error:
        register(w, services.ChildRef(adult, "Voksen", "Person"))
    assert f"en person på {age} år" in error.value.message_dict["child_1_cpr"][0]
    assert not Person.objects.filter(cpr=adult).exists()
    register(w, services.ChildRef(adult, "Voksen", "Person"), age_confirmed=True)
    assert Person.objects.filter(cpr=adult).exists()


def test_the_register_page_warns_keeps_what_was_typed_and_registers_once_confirmed(w):
    client = Client()
    client.force_login(w.intake)
    data = {
        "kind": "concern_report",
        "channel": "email",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "notifier_kind": "school",
        "content": "Bekymring for en ung mand",
        "child_1_cpr": "010180-3123",
        "child_1_first_name": "Voksen",
        "child_1_last_name": "Person",
    }
    response = client.post("/modtagelse/ny/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "En børnesag handler om børn og unge under 23 år" in page
    assert 'name="age_confirmed"' in page
    assert "Bekymring for en ung mand" in page
    response = client.post("/modtagelse/ny/", {**data, "age_confirmed": "on"})
    assert response.status_code == 302
    assert IntakeItem.objects.filter(content="Bekymring for en ung mand").count() == 1
