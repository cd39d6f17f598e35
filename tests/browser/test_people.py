"""The people around the child in a real browser, with the keyboard only: a custody holder
fetched from the CPR register, a professional entered by hand, consent from a custody
holder — and axe on every people page, also in its error states."""

import re

import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.models import Consent
from boernesag.cases.tests.factories import build_world
from boernesag.persons.models import Relation
from tests.browser.conftest import AXE_SOURCE
from tests.people.helpers import register_family_of


@pytest.fixture
def world(transactional_db):
    w = build_world()
    w.family = register_family_of(w.child)
    return w


def tab_to(page, locator, limit: int = 120):
    """Press Tab until ``locator`` has the focus: proves it is reachable by keyboard."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("el => el === document.activeElement", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab: {locator}")


def activate(page, locator):
    tab_to(page, locator)
    page.keyboard.press("Enter")


def type_into(page, locator, text: str):
    tab_to(page, locator)
    page.keyboard.type(text)


def choose(page, select, label: str):
    """Pick an option of a native select with the keyboard (type-ahead)."""
    tab_to(page, select)
    page.keyboard.type(label)
    expect(select.locator("option:checked")).to_have_text(label)


def keyboard_login(page, email):
    page.goto("/konto/log-ind/")
    type_into(page, page.get_by_label("E-mail"), email)
    type_into(page, page.get_by_label("Adgangskode"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()


def test_custody_holder_from_the_register_professional_and_consent_by_keyboard(
    page, world, csp_watch
):
    keyboard_login(page, world.caseworker.email)
    page.goto(f"/sager/{world.case.pk}/")
    tabs = page.get_by_role("navigation", name="Sagens dele")
    activate(page, tabs.get_by_role("link", name="Personer omkring barnet"))
    expect(page.get_by_role("heading", name="Personer omkring barnet", level=2)).to_be_visible()

    # the father, from the CPR register, as custody holder
    activate(page, page.get_by_role("link", name="Slå en person op i CPR-registeret"))
    type_into(page, page.get_by_label("CPR-nummer"), "020283-1235")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Fundet i CPR-registeret")).to_be_visible()
    assert "0202831235" not in page.url and "020283" not in page.url
    expect(page.get_by_text("Jonas Hansen").first).to_be_visible()
    choose(page, page.get_by_label("Relation til barnet"), "Forældremyndighedsindehaver")
    activate(page, page.get_by_role("button", name="Hent og registrér"))
    expect(page.get_by_text("Personen er hentet fra CPR-registeret")).to_be_visible()
    custody = page.locator("#people-custody + .app-table-scroll > table, #people-custody + table")
    expect(custody.get_by_role("cell", name="Jonas Hansen CPR-registeret")).to_be_visible()

    # a teacher, entered by hand
    activate(page, page.get_by_role("link", name="Tilføj person manuelt"))
    choose(page, page.get_by_label("Relation til barnet"), "Fagperson")
    # the field is forgotten first: the error names it and nothing typed is lost
    type_into(page, page.get_by_label("Fornavn(e)"), "Lærke")
    type_into(page, page.get_by_label("Efternavn"), "Vind")
    type_into(page, page.get_by_label("Arbejdssted"), "Demoby Skole")
    activate(page, page.get_by_role("button", name="Gem person"))
    expect(page.get_by_text("Vælg fagpersonens område").first).to_be_visible()
    expect(page.get_by_label("Arbejdssted")).to_have_value("Demoby Skole")
    choose(page, page.get_by_label("Fagområde (kun for fagpersoner)"), "Skole")
    type_into(page, page.get_by_label("Beskrivelse"), "Klasselærer i 5.b")
    activate(page, page.get_by_role("button", name="Gem person"))
    expect(page.get_by_text("Personen er registreret omkring barnet.")).to_be_visible()
    professionals = page.locator(
        "#people-professionals + .app-table-scroll > table, #people-professionals + table"
    )
    expect(professionals.get_by_role("cell", name="Demoby Skole")).to_be_visible()
    expect(professionals.get_by_text("Indtastet manuelt")).to_be_visible()

    # consent from the father (a custody holder); the 11-year-old is not offered
    activate(page, tabs.get_by_role("link", name="Samtykker"))
    giver = page.get_by_role("radio", name="Jonas Hansen (forældremyndighed)")
    tab_to(page, giver)
    page.keyboard.press("Space")
    expect(giver).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile("Emma Hansen"))).to_have_count(0)
    choose(page, page.get_by_label("Samtykke til"), "Dele handleplanen med samarbejdspartnere")
    activate(page, page.get_by_role("button", name="Gem samtykke"))
    expect(page.get_by_text("Samtykket er registreret.")).to_be_visible()
    consent = Consent.objects.get(case=world.case, scope="share_plan")
    assert consent.given_by.full_name == "Jonas Hansen"
    assert Relation.objects.get(child=world.child, person=consent.given_by).source == "register"
    assert csp_watch.violations == []


def test_axe_on_the_people_pages_also_with_errors(page, world, axe, browser, live_server):
    keyboard_login(page, world.caseworker.email)
    relation = Relation.objects.get(child=world.child, person=world.parent)
    case = world.case.pk
    for path in [
        f"/sager/{case}/personer/",
        f"/sager/{case}/personer/ny/",
        f"/sager/{case}/personer/cpr/",
        f"/sager/{case}/personer/familie/",
        f"/sager/{case}/personer/{relation.pk}/",
        f"/sager/{case}/ressourcepersoner/ny/",
        f"/sager/{case}/moeder/",
        f"/sager/{case}/samtykker/",
        f"/boern/{world.child.pk}/",
    ]:
        assert axe(page, path) == [], path
    # error states (answers to a POST): checked in a context that lets axe in
    checker_context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
    )
    try:
        checker = checker_context.new_page()

        def violations():
            checker.add_script_tag(content=AXE_SOURCE.read_text())
            return checker.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => v.id)"
            )

        checker.goto(f"/sager/{case}/personer/cpr/")
        checker.get_by_label("CPR-nummer").fill("311299-1234")
        checker.get_by_role("button", name="Slå op").click()
        expect(checker.get_by_text("findes ikke i CPR-registeret").first).to_be_visible()
        assert "311299" not in checker.url
        assert violations() == []
        checker.goto(f"/sager/{case}/personer/ny/")
        checker.get_by_role("button", name="Gem person").click()
        expect(checker.get_by_text("Vælg hvad personen er for barnet.").first).to_be_visible()
        assert violations() == []
        checker.goto(f"/sager/{case}/moeder/")
        checker.get_by_label("Tidspunkt").fill("2026-12-01T10:00")
        checker.get_by_role("checkbox", name="Emma Hansen (barnet)").check()
        checker.get_by_role("button", name="Gem møde").click()
        expect(checker.get_by_text("Barnets Lov § 21, stk. 5").first).to_be_visible()
        assert violations() == []
    finally:
        checker_context.close()
