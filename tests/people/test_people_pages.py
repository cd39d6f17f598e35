"""The pages: siblings through the gate, masking, conflicts, the CPR look-up without the
number in a URL, consent and meeting forms offering the right people, two caseworkers."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild
from boernesag.cases import services as case_services
from boernesag.cases.models import Meeting
from boernesag.cases.tests.factories import build_world, child
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.integrations.population import register_store_family
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.models import Person, Relation
from boernesag.persons.services import (
    person_create,
    relation_add,
    resource_person_agreement_make,
)
from tests.people.helpers import fictitious

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    world = build_world()
    # a brother whose case is in another team, a sister whose case is in the child's team
    world.brother = child(first="Villads", last="Hansen", born="020719")
    world.brother_case = case_services.case_open(
        child=world.brother,
        caseworker=world.other_caseworker,
        team=world.team_b,
        opened_by=world.intake,
    )
    world.sister = child(first="Ida", last="Hansen", born="050416")
    world.sister_case = case_services.case_open(
        child=world.sister, caseworker=world.colleague, team=world.team_a, opened_by=world.intake
    )
    for sibling in (world.brother, world.sister):
        relation_add(
            child=world.child,
            person=sibling,
            kind=RelationKind.SIBLING,
            by=world.caseworker,
            case=world.case,
        )
    return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def log_rows_since(last_id):
    return list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id"))


def last_log_id():
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.parametrize("page", ["case_tab", "child_page"])
def test_a_siblings_case_in_another_team_shows_only_that_the_sibling_exists(w, page):
    url = f"/sager/{w.case.pk}/personer/" if page == "case_tab" else f"/boern/{w.child.pk}/"
    before = last_log_id()
    response = client_for(w.caseworker).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Villads Hansen" in html and "Ida Hansen" in html  # both siblings exist
    assert w.sister_case.reference in html  # the sister's case: the viewer's team
    # nothing of the brother's case: not its reference, team, caseworker — nor that it exists
    for secret in (w.brother_case.reference, "Team Syd", w.other_caseworker.get_full_name()):
        assert secret not in html, secret
    detail, listing = log_rows_since(before)
    assert (detail.what, detail.child_id) == (
        "people" if page == "case_tab" else "child_page",
        w.child.pk,
    )
    assert (listing.what, listing.child_id) == ("sibling_cases", None)
    assert set(AccessLogChild.objects.filter(entry=listing).values_list("child_id", "case_id")) == {
        (w.sister.pk, w.sister_case.pk)
    }


def test_without_a_visible_sibling_case_only_the_page_is_logged(w):
    before = last_log_id()
    client_for(w.other_caseworker).get(f"/sager/{w.brother_case.pk}/personer/")
    # the brother's page: his relations were added only from the child's side (mirrors)
    rows = log_rows_since(before)
    assert [(r.what, r.child_id) for r in rows] == [("people", w.brother.pk)]
    html = client_for(w.other_caseworker).get(f"/sager/{w.brother_case.pk}/personer/").content
    assert b"Emma Hansen" in html  # the mirror: Emma is his sister
    assert w.case.reference.encode() not in html


def test_a_protected_childs_school_is_masked_on_every_people_page(w):
    Person.objects.filter(pk=w.child.pk).update(address_protected=True)
    teacher = person_create(
        cpr=None,
        first_name="Lærke",
        last_name="Skov",
        organisation="Hemmeligby Skole",
        phone="70707070",
    )
    relation = relation_add(
        child=w.child,
        person=teacher,
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        by=w.caseworker,
    )
    pages = [
        f"/sager/{w.case.pk}/personer/",
        f"/boern/{w.child.pk}/",
        f"/sager/{w.case.pk}/personer/{relation.pk}/",
        f"/sager/{w.case.pk}/moeder/",
    ]
    for url in pages:
        html = client_for(w.caseworker).get(url).content.decode()
        assert "Hemmeligby" not in html and "70707070" not in html, url
    w.caseworker.may_see_protected_addresses = True
    w.caseworker.save(update_fields=["may_see_protected_addresses"])
    html = client_for(w.caseworker).get(pages[0]).content.decode()
    assert "Hemmeligby Skole" in html and "70707070" in html


def test_editing_a_relation_someone_else_saved_keeps_what_was_typed(w):
    relation = Relation.objects.get(child=w.child, person=w.parent)
    url = f"/sager/{w.case.pk}/personer/{relation.pk}/"
    mine, theirs = client_for(w.caseworker), client_for(w.colleague)
    form = {
        "first_name": "Mette",
        "last_name": "Hansen",
        "valid_from": "2015-03-15",
        "description": "Mor",
        "version": "1",
    }
    assert theirs.post(url, {**form, "description": "Mor, bor i Demoby"}).status_code == 302
    response = mine.post(url, {**form, "description": "Min egen tekst om mor"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "En anden har gemt ændringer" in html
    assert "Min egen tekst om mor" in html  # kept in the field
    assert "Mor, bor i Demoby" in html  # the saved version shown next to it
    relation.refresh_from_db()
    assert relation.description == "Mor, bor i Demoby"


def test_the_cpr_lookup_is_posted_and_the_number_never_in_a_url(w):
    register_store_family(
        children=[
            fictitious("1010801236", "Skjult", "Moster", street="Skjulevej 3", protected=True),
            fictitious(
                "0909651235", "Afdød", "Morfar", status_code="90", status_date=date(2025, 2, 3)
            ),
        ]
    )
    client = client_for(w.caseworker)
    url = f"/sager/{w.case.pk}/personer/cpr/"
    response = client.post(url, {"cpr": "101080-1236"})
    assert response.status_code == 302
    assert "1010801236" not in response["Location"] and "101080" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Skjult Moster" in html
    assert "Skjulevej" not in html and "Adressebeskyttet" in html
    response = client.post(url, {"cpr": "090965-1235"})
    html = client.get(response["Location"]).content.decode()
    assert "Personen er død ifølge CPR-registeret" in html
    # an invalid or unknown number: a Danish message, the way to manual entry
    response = client.post(url, {"cpr": "3213991234"})
    assert response.status_code == 400
    assert "måned" in response.content.decode()
    response = client.post(url, {"cpr": "3112991234"})
    assert response.status_code == 400
    assert "Tilføj personen manuelt" in response.content.decode()


def test_import_from_the_lookup_registers_the_person(w):
    register_store_family(children=[fictitious("0707553210", "Inger", "Hansen")])
    client = client_for(w.caseworker)
    location = client.post(f"/sager/{w.case.pk}/personer/cpr/", {"cpr": "0707553210"})["Location"]
    token = location.split("s=")[1]
    response = client.post(
        f"/sager/{w.case.pk}/personer/cpr/registrer/",
        {"s": token, "kind": "grandparent", "description": "Mormor"},
    )
    assert response.status_code == 302
    relation = Relation.objects.get(child=w.child, kind=RelationKind.GRANDPARENT)
    assert (relation.person.full_name, relation.source, relation.description) == (
        "Inger Hansen",
        "register",
        "Mormor",
    )


# --- consent and meetings -----------------------------------------------------------------


def _set_age(person, years):
    born = TODAY.replace(year=TODAY.year - years) - timedelta(days=1)
    Person.objects.filter(pk=person.pk).update(birth_date=born)


@pytest.mark.parametrize(("age", "offered"), [(11, False), (15, True)])
def test_the_consent_form_offers_custody_holders_and_the_young_person_from_15(w, age, offered):
    _set_age(w.child, age)
    father = person_create(cpr=None, first_name="Jonas", last_name="Hansen")
    relation_add(child=w.child, person=father, kind=RelationKind.CUSTODY_HOLDER, by=w.caseworker)
    client = client_for(w.caseworker)
    html = client.get(f"/sager/{w.case.pk}/samtykker/").content.decode()
    assert f'value="{w.parent.pk}"' in html and f'value="{father.pk}"' in html
    assert (f'value="{w.child.pk}"' in html) is offered
    assert 'type="radio" name="given_by"' in html
    response = client.post(
        f"/sager/{w.case.pk}/samtykker/",
        {"given_by": w.child.pk, "scope": "share_plan", "form": "written", "given_on": TODAY},
    )
    assert response.status_code == (302 if offered else 400)
    response = client.post(
        f"/sager/{w.case.pk}/samtykker/",
        {"given_by": father.pk, "scope": "share_plan", "form": "written", "given_on": TODAY},
    )
    assert response.status_code == 302


def test_the_meeting_form_lists_the_people_around_the_child_as_checkboxes(w):
    html = client_for(w.caseworker).get(f"/sager/{w.case.pk}/moeder/").content.decode()
    for person, label in (
        (w.child, "Emma Hansen (barnet)"),
        (w.parent, "Mette Hansen (Forældremyndighedsindehaver)"),
        (w.brother, "Villads Hansen (Søskende)"),
    ):
        assert f'type="checkbox" name="persons" value="{person.pk}"' in html
        assert label in html


def _meeting(client, w, **extra):
    data = {
        "kind": "dialogue_meeting",
        "held_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "persons": [w.child.pk, w.parent.pk],
        **extra,
    }
    return client.post(f"/sager/{w.case.pk}/moeder/", data)


def test_two_caseworkers_at_a_significant_meeting_with_the_child_in_a_new_case(w):
    client = client_for(w.caseworker)
    response = _meeting(client, w)
    assert response.status_code == 400
    assert "Barnets Lov § 21, stk. 5" in response.content.decode()
    assert (
        not Meeting.objects.filter(kind="dialogue_meeting", case=w.case)
        .exclude(agenda="Skolegang")
        .exists()
    )
    assert _meeting(client, w, second_caseworker=w.colleague.pk).status_code == 302
    meeting = Meeting.objects.filter(case=w.case).order_by("-pk").first()
    assert meeting.second_caseworker == w.colleague
    assert w.colleague in meeting.staff.all()
    reason = "Kollegaen er syg; mødet kan ikke udskydes"
    assert _meeting(client, w, second_caseworker_absent_reason=reason).status_code == 302
    assert Meeting.objects.order_by("-pk").first().second_caseworker_absent_reason == reason


def test_no_second_caseworker_needed_without_the_child_or_after_an_earlier_measure(w):
    client = client_for(w.caseworker)
    assert _meeting(client, w, persons=[w.parent.pk]).status_code == 302  # the child is not there
    assert _meeting(client, w, kind="case_conference").status_code == 302  # fagmøde
    event_write(ev.MeasureStarted(measure_kind="support"), case=w.case, actor=w.caseworker)
    assert _meeting(client, w).status_code == 302  # not a new case any more


# --- cost -------------------------------------------------------------------------------


def _grow(w, n):
    for i in range(n):
        teacher = person_create(
            cpr=None, first_name=f"Lærer{i}", last_name="Skov", organisation="Skole"
        )
        relation_add(
            child=w.child,
            person=teacher,
            kind=RelationKind.PROFESSIONAL,
            professional_role=ProfessionalRole.SCHOOL,
            by=w.caseworker,
        )
        sibling = child(first=f"Søs{i}", last="Hansen", born="010120")
        case_services.case_open(
            child=sibling,
            caseworker=w.colleague if i % 2 else w.other_caseworker,
            team=w.team_a if i % 2 else w.team_b,
            opened_by=w.intake,
        )
        relation_add(child=w.child, person=sibling, kind=RelationKind.HALF_SIBLING, by=w.caseworker)
        aunt = person_create(cpr=None, first_name=f"Moster{i}", last_name="Hansen")
        resource_person_agreement_make(
            case=w.case,
            relation=relation_add(
                child=w.child, person=aunt, kind=RelationKind.OTHER_FAMILY, by=w.caseworker
            ),
            by=w.caseworker,
            agreed_on=TODAY,
            content="Lektiehjælp",
        )
        gone = person_create(cpr=None, first_name=f"Tidligere{i}", last_name="Nabo")
        relation_add(
            child=w.child,
            person=gone,
            kind=RelationKind.NETWORK_PERSON,
            valid_to=TODAY - timedelta(days=1),
            by=w.caseworker,
        )


@pytest.mark.parametrize("page", ["people", "child", "meetings", "consents"])
def test_people_pages_answer_with_a_constant_number_of_queries(w, page):
    client = client_for(w.caseworker)
    url = {
        "people": f"/sager/{w.case.pk}/personer/",
        "child": f"/boern/{w.child.pk}/",
        "meetings": f"/sager/{w.case.pk}/moeder/",
        "consents": f"/sager/{w.case.pk}/samtykker/",
    }[page]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    small = count()
    _grow(w, 12)
    assert count() == small
    assert small <= 40, small


def test_who_lives_at_a_protected_childs_address_is_masked_too(w):
    """The sister's own register entry is not protected, but her address is the child's."""
    Person.objects.filter(pk=w.child.pk).update(address_protected=True)
    Person.objects.filter(pk=w.sister.pk).update(street="Skolevej 1", postcode="9990")
    Person.objects.filter(pk=w.parent.pk).update(street="Andetsteds 5", postcode="9992")
    html = client_for(w.caseworker).get(f"/sager/{w.case.pk}/personer/").content.decode()
    assert "Skolevej 1" not in html
    assert "Andetsteds 5" in html  # the mother lives elsewhere: her address is hers
