"""The network map editor and the genogram in a real browser: keyboard only (Tab to a person
on the drawing, arrow keys; the form's selects by type-ahead; save with Enter), the saved
data checked in the database, a mouse drag, the print view — and axe on every page, after
the script has changed the drawing and in the conflict state."""

import pytest
from playwright.sync_api import expect

from boernesag.cases.tests.factories import build_world, child
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.models import NetworkMap, NetworkMapPlacement, Relation
from boernesag.persons.services import PlacementInput, network_map_save, person_create, relation_add
from tests.browser.conftest import AXE_SOURCE
from tests.browser.test_people import activate, choose, keyboard_login, tab_to


@pytest.fixture
def world(transactional_db):
    w = build_world()
    by, case, kid = w.caseworker, w.case, w.child

    def person(first, last, cpr=None, **fields):
        return person_create(cpr=cpr, first_name=first, last_name=last, is_test=True, **fields)

    w.grandmother = relation_add(
        child=kid,
        person=person("Grethe", "Holm", "0303551244"),
        kind=RelationKind.GRANDPARENT,
        description="Mormor",
        by=by,
        case=case,
    )
    w.father = relation_add(
        child=kid,
        person=person("Jonas", "Hansen", "0202831235"),
        kind=RelationKind.PARENT_WITHOUT_CUSTODY,
        by=by,
        case=case,
    )
    w.sister = relation_add(
        child=kid,
        person=child(first="Ida", last="Hansen", born="050416"),
        kind=RelationKind.SIBLING,
        by=by,
        case=case,
    )
    w.neighbour = relation_add(
        child=kid,
        person=person("Nabo", "Nielsen"),
        kind=RelationKind.NETWORK_PERSON,
        by=by,
        case=case,
    )
    w.teacher = relation_add(
        child=kid,
        person=person("Lise", "Lærer", organisation="Demoby Skole"),
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        by=by,
        case=case,
    )
    return w


def axe_here(page) -> list[dict]:
    page.add_script_tag(content=AXE_SOURCE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


def on_map(page, name: str):
    return page.locator(f'#netmap-svg [data-name="{name}"]')


def test_keyboard_only_network_map_and_genogram(page, world, axe, csp_watch):
    keyboard_login(page, world.caseworker.email)
    page.goto(f"/sager/{world.case.pk}/")
    tabs = page.get_by_role("navigation", name="Sagens dele")
    activate(page, tabs.get_by_role("link", name="Netværkskort og genogram"))
    expect(page.get_by_role("heading", name="Netværkskort", level=2)).to_be_visible()
    path = f"/sager/{world.case.pk}/netvaerkskort/"
    assert axe(page, path) == []

    # the grandmother on the drawing: Tab to her, one circle closer, one sector on
    grethe = on_map(page, "Grethe Holm")
    tab_to(page, grethe)
    expect(grethe).to_have_attribute("role", "button")
    expect(grethe).to_have_attribute(
        "aria-label", "Grethe Holm (bedsteforælder): Familie, midterste cirkel – tæt"
    )
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#id_sector_{world.grandmother.pk}")).to_have_value("network")
    expect(page.locator(f"#id_distance_{world.grandmother.pk}")).to_have_value("1")
    expect(page.locator("#netmap-status")).to_contain_text(
        "Grethe Holm (bedsteforælder): Venner og netværk, inderste cirkel"
    )
    expect(grethe).to_be_focused()
    # the drawing moved her into the network quarter (top right of the centre)
    box = grethe.locator("circle").bounding_box()
    centre = page.locator("#netmap-svg .app-netmap-child circle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert x > centre["x"] + centre["width"] / 2 and y < centre["y"] + centre["height"] / 2

    # the accessible path: the selects in the table, by type-ahead
    choose(page, page.get_by_label("Kontakten med Nabo Nielsen"), "Støttende")
    distance = page.get_by_label("Afstand for Lise Lærer")
    tab_to(page, distance)
    page.keyboard.type("Inderste")  # type-ahead
    expect(distance.locator("option:checked")).to_have_text("Inderste cirkel – meget tæt")
    tab_to(page, page.get_by_label("Note om Nabo Nielsen"))
    page.keyboard.type("Spiller fodbold med barnet")
    activate(page, page.get_by_role("button", name="Gem netværkskortet"))
    expect(page.get_by_text("Netværkskortet er gemt.")).to_be_visible()

    saved = {p.relation_id: p for p in NetworkMapPlacement.objects.all()}
    assert (saved[world.grandmother.pk].sector, saved[world.grandmother.pk].distance) == (
        "network",
        1,
    )
    assert saved[world.neighbour.pk].quality == "supportive"
    assert saved[world.neighbour.pk].note == "Spiller fodbold med barnet"
    assert (saved[world.teacher.pk].sector, saved[world.teacher.pk].distance) == ("school", 1)
    assert NetworkMap.objects.get(case=world.case).version == 1
    assert axe(page, path) == []

    # the genogram: the parents' relationship chosen with the keyboard
    activate(page, page.get_by_role("link", name="Genogram", exact=True))
    expect(page.get_by_role("heading", name="Genogram", level=2)).to_be_visible()
    assert axe(page, f"/sager/{world.case.pk}/genogram/") == []
    choose(page, page.get_by_label("Forældrenes forhold"), "Skilt")
    activate(page, page.get_by_role("button", name="Gem genogrammet"))
    expect(page.get_by_text("Genogrammet er gemt.")).to_be_visible()
    assert NetworkMap.objects.get(case=world.case).parents_relationship == "divorced"
    expect(page.locator("#genogram-table")).to_contain_text("Grethe Holm")
    expect(page.get_by_text("Forældrenes forhold: Skilt.")).to_be_visible()

    # the print view: no navigation, both drawings and both tables
    activate(page, page.get_by_role("link", name="Udskriv netværkskort og genogram"))
    expect(page.get_by_role("heading", name="Netværkskort og genogram", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_have_count(0)
    expect(page.locator("#netmap-table")).to_contain_text("Spiller fodbold med barnet")
    assert axe(page, f"/sager/{world.case.pk}/netvaerkskort/udskriv/") == []
    assert csp_watch.violations == []


def test_mouse_drag_axe_after_moving_and_the_conflict_state(browser, live_server, world):
    from boernesag.accounts.tests.factories import PASSWORD
    from tests.browser.conftest import login

    # a context that lets axe run on the page as the script and a POST left it
    context = browser.new_context(base_url=live_server.url, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, world.caseworker.email, PASSWORD)
        page.goto(f"/sager/{world.case.pk}/netvaerkskort/")
        lise = on_map(page, "Lise Lærer")
        # drag the teacher from the school quarter to the family quarter's inner circle
        page.locator("#netmap-svg").scroll_into_view_if_needed()
        centre = page.locator("#netmap-svg .app-netmap-child circle").bounding_box()
        cx, cy = centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2
        box = lise.locator("circle").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(cx - 60, cy - 60, steps=8)
        page.mouse.up()
        expect(page.locator(f"#id_sector_{world.teacher.pk}")).to_have_value("family")
        expect(page.locator(f"#id_distance_{world.teacher.pk}")).to_have_value("1")
        assert axe_here(page) == []

        # a colleague saves first: the save answers with the conflict, keeps the drag
        network_map_save(
            case=world.case,
            by=world.colleague,
            expected_version=0,
            placements=[PlacementInput(relation_id=world.neighbour.pk, distance=3)],
        )
        page.get_by_role("button", name="Gem netværkskortet").click()
        expect(page.get_by_text("En anden har gemt ændringer")).to_be_visible()
        expect(page.locator(f"#id_sector_{world.teacher.pk}")).to_have_value("family")
        expect(page.locator(f"#id_distance_{world.teacher.pk}")).to_have_value("1")
        assert axe_here(page) == []
        assert Relation.objects.filter(pk=world.teacher.pk, placements__isnull=True).exists()
        # saving again now saves on top of the colleague's version
        page.get_by_role("button", name="Gem netværkskortet").click()
        expect(page.get_by_text("Netværkskortet er gemt.")).to_be_visible()
        placement = NetworkMapPlacement.objects.get(relation=world.teacher)
        assert (placement.sector, placement.distance) == ("family", 1)
        assert NetworkMap.objects.get(case=world.case).version == 2
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
