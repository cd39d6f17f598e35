"""The child's network map and genogram: built from the relations, placements saved as data
with a version, the genogram's generations and symbols, the pages through the gate (one
access-log row, 404 for a case the user may not know), conflicts that keep the input,
protected addresses never shown, and a query count that does not grow with the people."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.cases import services as case_services
from boernesag.cases.tests.factories import build_world, child
from boernesag.events.models import Event
from boernesag.persons import networkmap
from boernesag.persons.constants import (
    Lineage,
    MapDistance,
    MapQuality,
    MapSector,
    ParentsRelationship,
    ProfessionalRole,
    RelationKind,
)
from boernesag.persons.models import NetworkMap, NetworkMapPlacement, Person, Relation
from boernesag.persons.services import (
    ConflictError,
    PlacementInput,
    network_map_save,
    person_create,
    relation_add,
    relation_end,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _person(first, last, cpr=None, **fields):
    return person_create(cpr=cpr, first_name=first, last_name=last, is_test=True, **fields)


@pytest.fixture
def w():
    world = build_world()
    by, case, kid = world.caseworker, world.case, world.child
    world.mother = Relation.objects.get(child=kid, kind=RelationKind.CUSTODY_HOLDER)
    world.father = relation_add(
        child=kid,
        person=_person("Jonas", "Hansen", "0202831235"),
        kind=RelationKind.PARENT_WITHOUT_CUSTODY,
        by=by,
        case=case,
    )
    world.grandmother = relation_add(
        child=kid,
        person=_person("Grethe", "Holm", "0303551244"),
        kind=RelationKind.GRANDPARENT,
        description="Mormor, henter om onsdagen",
        by=by,
        case=case,
    )
    world.sister = relation_add(
        child=kid,
        person=child(first="Ida", last="Hansen", born="050416"),
        kind=RelationKind.SIBLING,
        by=by,
        case=case,
    )
    world.teacher = relation_add(
        child=kid,
        person=_person("Lise", "Lærer", organisation="Demoby Skole"),
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        description="Klasselærer",
        by=by,
        case=case,
    )
    world.neighbour = relation_add(
        child=kid,
        person=_person("Nabo", "Nielsen"),
        kind=RelationKind.NETWORK_PERSON,
        by=by,
        case=case,
    )
    return world


# --- reading: the map from the relations -------------------------------------------------


def test_unsaved_map_places_everyone_by_their_relation(w):
    view = networkmap.network_map_view(w.case)
    assert view.version == 0 and view.network_map is None
    place = {e.pk: (e.sector, e.distance, e.lineage) for e in view.entries}
    assert place[w.mother.pk] == (MapSector.FAMILY, MapDistance.CLOSEST, "")
    assert place[w.father.pk] == (MapSector.FAMILY, MapDistance.CLOSE, "")
    assert place[w.grandmother.pk] == (MapSector.FAMILY, MapDistance.CLOSE, Lineage.MOTHER)
    assert place[w.teacher.pk] == (MapSector.SCHOOL, MapDistance.FAR, "")
    assert place[w.neighbour.pk] == (MapSector.NETWORK, MapDistance.CLOSE, "")
    # every point lies in its sector's quarter and its circle
    for entry in view.entries:
        dx, dy = entry.x - networkmap.MAP_CENTRE, networkmap.MAP_CENTRE - entry.y
        radius = (dx * dx + dy * dy) ** 0.5
        inner, outer = networkmap.RING_EDGES[entry.distance - 1 : entry.distance + 1]
        assert inner < radius < outer
        quarter = {
            MapSector.FAMILY: (dx < 0 and dy > 0),
            MapSector.NETWORK: (dx > 0 and dy > 0),
            MapSector.SCHOOL: (dx > 0 and dy < 0),
            MapSector.PROFESSIONALS: (dx < 0 and dy < 0),
        }
        assert quarter[entry.sector], entry


def test_ended_relations_are_not_on_the_map(w):
    relation_end(
        relation=w.neighbour,
        by=w.caseworker,
        valid_to=TODAY - timedelta(days=1),
        expected_version=w.neighbour.version,
        case=w.case,
    )
    ids = {e.pk for e in networkmap.network_map_view(w.case).entries}
    assert w.neighbour.pk not in ids and w.mother.pk in ids


# --- saving ------------------------------------------------------------------------------


def test_save_stores_placements_as_data_and_writes_a_pii_free_event(w):
    saved = network_map_save(
        case=w.case,
        by=w.caseworker,
        expected_version=0,
        placements=[
            PlacementInput(
                relation_id=w.neighbour.pk,
                sector=MapSector.NETWORK,
                distance=1,
                quality=MapQuality.SUPPORTIVE,
                note="  Ser   barnet hver weekend ",
            ),
            PlacementInput(relation_id=w.father.pk, sector=MapSector.FAMILY, distance=3),
        ],
    )
    assert saved.version == 1 and saved.case == w.case
    rows = {p.relation_id: p for p in NetworkMapPlacement.objects.filter(network_map=saved)}
    assert set(rows) == {w.neighbour.pk, w.father.pk}
    assert (rows[w.neighbour.pk].distance, rows[w.neighbour.pk].quality) == (1, "supportive")
    assert rows[w.neighbour.pk].note == "Ser barnet hver weekend"
    assert rows[w.father.pk].distance == 3
    event = Event.objects.filter(case=w.case, kind="network_map_saved").get()
    assert event.payload == {"part": "map", "version": 1, "people": 2, "changed": 2}
    assert "weekend" not in str(event.payload) and "Nabo" not in str(event.payload)

    view = networkmap.network_map_view(w.case)
    entry = next(e for e in view.entries if e.pk == w.neighbour.pk)
    assert (entry.sector, entry.distance, entry.stored) == (MapSector.NETWORK, 1, True)


def test_a_second_save_from_an_old_version_is_a_conflict_but_a_double_submit_is_not(w):
    first = [PlacementInput(relation_id=w.neighbour.pk, sector=MapSector.FAMILY, distance=2)]
    network_map_save(case=w.case, by=w.caseworker, expected_version=0, placements=first)
    # the same form sent again (double click): nothing changes, no conflict, no event
    again = network_map_save(case=w.case, by=w.caseworker, expected_version=0, placements=first)
    assert again.version == 1
    assert Event.objects.filter(case=w.case, kind="network_map_saved").count() == 1
    # a colleague saved meanwhile: her change from version 0 is refused
    with pytest.raises(ConflictError):
        network_map_save(
            case=w.case,
            by=w.colleague,
            expected_version=0,
            placements=[PlacementInput(relation_id=w.neighbour.pk, distance=3)],
        )
    assert NetworkMapPlacement.objects.get(relation=w.neighbour).distance == 2
    network_map_save(
        case=w.case,
        by=w.colleague,
        expected_version=1,
        placements=[PlacementInput(relation_id=w.neighbour.pk, distance=3)],
    )
    assert NetworkMap.objects.get(case=w.case).version == 2


def test_bad_input_is_refused_with_danish_messages_per_field(w):
    with pytest.raises(ValidationError) as exc:
        network_map_save(
            case=w.case,
            by=w.caseworker,
            expected_version=0,
            placements=[
                PlacementInput(relation_id=w.neighbour.pk, sector="moon", distance=7),
                PlacementInput(relation_id=w.mother.pk, note="x" * 101),
                PlacementInput(relation_id=w.teacher.pk, lineage=Lineage.MOTHER),
            ],
        )
    errors = exc.value.message_dict
    assert errors[f"sector_{w.neighbour.pk}"] == ["Vælg en af kortets sektorer."]
    assert errors[f"distance_{w.neighbour.pk}"] == ["Vælg en af kortets tre cirkler."]
    assert "100 tegn" in errors[f"note_{w.mother.pk}"][0]
    assert "bedsteforældre og halvsøskende" in errors[f"lineage_{w.teacher.pk}"][0]
    assert not NetworkMap.objects.exists()


def test_a_person_of_another_child_is_refused(w):
    other = child(first="Anden", last="Dreng", born="010120")
    stranger = relation_add(child=other, person=_person("Fremmed", "Voksen"), kind="network_person")
    with pytest.raises(ValidationError, match="hører ikke til barnet"):
        network_map_save(
            case=w.case,
            by=w.caseworker,
            expected_version=0,
            placements=[PlacementInput(relation_id=stranger.pk, distance=1)],
        )


def test_only_who_may_work_in_the_case_saves(w):
    for user in (w.other_caseworker, w.finance, w.manager):
        with pytest.raises(PermissionDenied):
            network_map_save(
                case=w.case,
                by=user,
                expected_version=0,
                placements=[PlacementInput(relation_id=w.neighbour.pk, distance=1)],
            )
    case_services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    w.case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        network_map_save(
            case=w.case,
            by=w.caseworker,
            expected_version=0,
            placements=[PlacementInput(relation_id=w.neighbour.pk, distance=1)],
        )


# --- the genogram ------------------------------------------------------------------------


def test_genogram_generations_symbols_custody_and_ended_relations(w):
    by, case, kid = w.caseworker, w.case, w.child
    half = relation_add(
        child=kid,
        person=child(first="Oskar", last="Berg", born="070718"),
        kind=RelationKind.HALF_SIBLING,
        by=by,
        case=case,
    )
    grandfather = relation_add(
        child=kid,
        person=_person("Poul", "Hansen", "0404501231"),
        kind=RelationKind.GRANDPARENT,
        by=by,
        case=case,
    )
    relation_end(
        relation=grandfather,
        by=by,
        valid_to=TODAY - timedelta(days=3),
        expected_version=grandfather.version,
        case=case,
    )
    network_map_save(
        case=case,
        by=by,
        expected_version=0,
        placements=[
            PlacementInput(relation_id=half.pk, lineage=Lineage.FATHER),
            PlacementInput(relation_id=grandfather.pk, lineage=Lineage.FATHER),
        ],
        parents_relationship=ParentsRelationship.DIVORCED,
        part="genogram",
    )
    g = networkmap.genogram_view(case)
    by_name = {s.person.first_name: s for s in g.symbols}
    assert by_name["Mette"].generation == "parents" and by_name["Mette"].custody == "holds"
    assert by_name["Jonas"].generation == "parents" and by_name["Jonas"].custody == ""
    assert by_name["Grethe"].generation == "grandparents"
    assert by_name["Grethe"].lineage == Lineage.MOTHER  # from "Mormor, …"
    assert by_name["Poul"].ended and by_name["Poul"].lineage == Lineage.FATHER
    assert by_name["Ida"].generation == by_name[kid.first_name].generation == "children"
    assert by_name[kid.first_name].is_child
    assert by_name["Oskar"].kind == RelationKind.HALF_SIBLING
    # network and professionals are on the map, not in the family tree
    assert "Lise" not in by_name and "Nabo" not in by_name
    # shapes from legal sex (CPR): Mette 0101851234 is a woman, Jonas 0202831235 a man
    assert by_name["Mette"].shape == "circle" and by_name["Jonas"].shape == "square"
    # mother's side on the left; the grandmother above the mother; the half-brother on
    # the father's side, right of the full siblings; two slashes for divorced
    assert by_name["Mette"].x < by_name["Jonas"].x
    assert by_name["Grethe"].x < by_name["Jonas"].x
    assert by_name["Oskar"].x > max(by_name["Ida"].x, by_name[kid.first_name].x)
    assert len(g.marks) == 2
    # ended custody is marked as ended
    relation_end(
        relation=w.mother,
        by=by,
        valid_to=TODAY - timedelta(days=1),
        expected_version=Relation.objects.get(pk=w.mother.pk).version,
        case=case,
    )
    g = networkmap.genogram_view(case)
    mette = next(s for s in g.symbols if s.person.first_name == "Mette")
    assert mette.custody == "ended" and mette.ended


# --- pages -------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _logged(what):
    return AccessLogEntry.objects.filter(what=what).count()


def test_pages_go_through_the_gate_and_log_one_row(w):
    client = _client(w.caseworker)
    for name, url in (
        ("network_map", f"/sager/{w.case.pk}/netvaerkskort/"),
        ("genogram", f"/sager/{w.case.pk}/genogram/"),
        ("network_map_print", f"/sager/{w.case.pk}/netvaerkskort/udskriv/"),
    ):
        before = _logged(name)
        response = client.get(url)
        assert response.status_code == 200, name
        assert _logged(name) == before + 1
        body = response.content.decode()
        assert "Grethe Holm" in body
        assert "Skolevej" not in body  # no addresses on the drawings
    response = _client(w.other_caseworker).get(f"/sager/{w.case.pk}/netvaerkskort/")
    assert response.status_code == 404
    assert "Grethe" not in response.content.decode()


def test_print_view_has_no_navigation_and_both_text_alternatives(w):
    body = _client(w.caseworker).get(f"/sager/{w.case.pk}/netvaerkskort/udskriv/").content
    body = body.decode()
    assert 'aria-label="Hovedmenu"' not in body and "Sagens dele" not in body
    assert "Netværkskortet som tekst" in body and "Genogrammet som tekst" in body
    assert body.count("<svg") >= 2


def test_saving_through_the_page_and_a_conflict_that_keeps_the_input(w):
    client = _client(w.caseworker)
    url = f"/sager/{w.case.pk}/netvaerkskort/"
    page = client.get(url).content.decode()
    assert 'name="version" value="0"' in page

    def form(version, **changes):
        data = {"version": version}
        for entry in networkmap.network_map_view(w.case).entries:
            data[f"sector_{entry.pk}"] = entry.sector
            data[f"distance_{entry.pk}"] = entry.distance
            data[f"quality_{entry.pk}"] = entry.quality
            data[f"note_{entry.pk}"] = entry.note
        data.update(changes)
        return data

    response = client.post(url, form(0, **{f"distance_{w.teacher.pk}": "1"}))
    assert response.status_code == 302
    assert NetworkMapPlacement.objects.get(relation=w.teacher).distance == 1
    # a colleague saves meanwhile
    _client(w.colleague).post(url, form(1, **{f"quality_{w.teacher.pk}": "strained"}))
    # the caseworker's form from version 1 is now old: 409, what she typed is kept
    response = client.post(
        url,
        form(1, **{f"note_{w.teacher.pk}": "Ringer hver fredag", f"distance_{w.teacher.pk}": "2"}),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "En anden har gemt ændringer" in body
    assert 'value="Ringer hver fredag"' in body
    assert "Den gemte version" in body
    assert 'name="version" value="2"' in body
    assert NetworkMapPlacement.objects.get(relation=w.teacher).note == ""
    # bad input: 400 with the message next to the field
    response = client.post(url, form(2, **{f"sector_{w.teacher.pk}": "moon"}))
    assert response.status_code == 400
    assert "Vælg en af kortets sektorer." in response.content.decode()


def test_read_only_access_shows_text_but_no_form(w):
    case_services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    body = _client(w.caseworker).get(f"/sager/{w.case.pk}/netvaerkskort/").content.decode()
    assert (
        "Netværkskortet som tekst" in body
        and '<form method="post" novalidate data-netmap' not in body
    )
    response = _client(w.caseworker).post(f"/sager/{w.case.pk}/netvaerkskort/", {"version": 0})
    assert response.status_code == 403


def test_protected_child_school_is_masked_and_no_address_is_shown(w):
    Person.objects.filter(pk=w.child.pk).update(address_protected=True)
    body = _client(w.caseworker).get(f"/sager/{w.case.pk}/netvaerkskort/udskriv/").content
    body = body.decode()
    assert "Demoby Skole" not in body and "Adressebeskyttet" in body
    assert "Skolevej" not in body


def _grow(w, n):
    for i in range(n):
        relation_add(
            child=w.child,
            person=_person(f"Ven{i}", "Netværk"),
            kind=RelationKind.NETWORK_PERSON,
            by=w.caseworker,
            case=w.case,
        )
        relation_add(
            child=w.child,
            person=_person(f"Faster{i}", "Familie", sex="F"),
            kind=RelationKind.OTHER_FAMILY,
            by=w.caseworker,
            case=w.case,
        )
        relation_add(
            child=w.child,
            person=child(first=f"Halv{i}", last="Søskende", born=f"0{i + 1}0{i + 1}15"),
            kind=RelationKind.HALF_SIBLING,
            by=w.caseworker,
            case=w.case,
        )


@pytest.mark.parametrize("url", ["netvaerkskort/", "genogram/", "netvaerkskort/udskriv/"])
def test_query_count_does_not_grow_with_the_people(w, url):
    client = _client(w.caseworker)
    path = f"/sager/{w.case.pk}/{url}"
    # a saved map with a placement for everyone
    entries = networkmap.network_map_view(w.case).entries
    network_map_save(
        case=w.case,
        by=w.caseworker,
        expected_version=0,
        placements=[PlacementInput(relation_id=e.pk, distance=2) for e in entries],
    )
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _grow(w, 6)
    version = NetworkMap.objects.get(case=w.case).version
    entries = networkmap.network_map_view(w.case).entries
    network_map_save(
        case=w.case,
        by=w.caseworker,
        expected_version=version,
        placements=[PlacementInput(relation_id=e.pk, distance=3) for e in entries],
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_a_relation_starting_later_is_not_on_todays_map(w):
    """The map carries no dates of its own; a relation starting in the future is simply not
    on today's map."""
    future = relation_add(
        child=w.child,
        person=_person("Kommende", "Plejemor"),
        kind=RelationKind.FOSTER_FAMILY,
        valid_from=TODAY + timedelta(days=30),
        by=w.caseworker,
        case=w.case,
    )
    ids = {e.pk for e in networkmap.network_map_view(w.case).entries}
    assert future.pk not in ids
