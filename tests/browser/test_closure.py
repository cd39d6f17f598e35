"""Closing a case through the checklist in a real browser: the case page's "Forløb" with what
is due, a deadline step recorded from its action, the checklist refused with what is missing
(typed text kept), then completed; the closure's page; reopening — axe on every page, also
the checklist's error state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.cases.models import Case, CaseClosure
from boernesag.cases.tests.factories import build_world
from tests.browser.test_people import activate, keyboard_login, tab_to, type_into


@pytest.fixture
def world(transactional_db):
    return build_world()


def fill_date(page, label: str, day):
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    field.fill(day.isoformat())


def check(page, group: str, option: str):
    """Tab reaches a radio group at its first option; the arrow keys choose within it."""
    radios = page.get_by_role("group", name=group).get_by_role("radio")
    tab_to(page, radios.first)
    page.keyboard.press("Space")
    radio = page.get_by_role("group", name=group).get_by_role("radio", name=option)
    for _ in range(radios.count()):
        if radio.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(radio).to_be_checked()


def test_closing_a_case_through_the_checklist_and_reopening_it(page, world, axe, csp_watch):
    w = world
    yesterday = timezone.localdate() - timedelta(days=1)
    keyboard_login(page, w.caseworker.email)
    page.goto(f"/sager/{w.case.pk}/")
    course = page.get_by_role("region", name="Forløb")
    expect(course.get_by_text("3. Børnefaglig undersøgelse")).to_be_visible()
    expect(
        course.get_by_text("Børnefaglig undersøgelse afsluttet inden for 4 måneder")
    ).to_be_visible()
    assert axe(page, page.url) == []

    # a deadline-starting step from the action list
    activate(page, course.get_by_role("link", name="Anmodning om behandling for misbrug"))
    expect(page.get_by_role("heading", name="Anmodning om behandling for misbrug")).to_be_visible()
    assert axe(page, page.url) == []
    fill_date(page, "Den unge anmodede", yesterday)
    activate(page, page.get_by_role("button", name="Registrér"))
    expect(page.get_by_text("Registreret: Anmodning om behandling for misbrug.")).to_be_visible()
    expect(
        page.get_by_role("region", name="Forløb").get_by_text(
            "Behandling for misbrug tilbudt inden for 14 dage"
        )
    ).to_be_visible()

    # the checklist: refused with what is missing, nothing typed lost
    activate(page, page.get_by_role("link", name="Afslut sagen"))
    expect(page.get_by_role("heading", name="Afslut sagen")).to_be_visible()
    assert axe(page, page.url) == []
    type_into(page, page.get_by_label("Hvorfor afsluttes sagen"), "Målene er nået")
    check(page, "Har der været dialog med barnet eller den unge?", "Ja")
    fill_date(page, "Dato for dialogen med barnet", yesterday)
    type_into(
        page,
        page.get_by_label("Hvordan dialogen med barnet foregik (samtale, hjemmebesøg …)"),
        "Samtale <i>hjemme</i>",
    )
    activate(page, page.get_by_role("button", name="Afslut sagen"))
    alert = page.locator("#closure-missing")
    expect(alert).to_contain_text("Sagen er ikke afsluttet – dette mangler")
    expect(alert).to_contain_text("Dialog med forældrene")
    expect(alert).to_contain_text("Alle frister er stoppet eller forklaret")
    expect(
        page.get_by_label("Hvordan dialogen med barnet foregik (samtale, hjemmebesøg …)")
    ).to_have_value("Samtale <i>hjemme</i>")
    assert Case.objects.get(pk=w.case.pk).closed_at is None
    assert axe(page, page.url) == []  # the error state: the page after the refused POST

    check(page, "Har der været dialog med forældrene?", "Nej – begrundelse")
    type_into(
        page,
        page.get_by_label("Hvorfor har der ikke været dialog med forældrene"),
        "Forældrene ønskede ikke et møde",
    )
    check(page, "Er der modtaget aktuel status fra skole eller dagtilbud?", "Ja")
    fill_date(page, "Status fra skole/dagtilbud modtaget", yesterday)
    type_into(page, page.get_by_label("Status fra skole/dagtilbud: fra hvem"), "Klasselærer")
    check(page, "Er der modtaget aktuel status fra leverandøren?", "Nej – begrundelse")
    type_into(
        page,
        page.get_by_label("Hvorfor er der ikke status fra leverandøren"),
        "Ingen indsats",
    )
    type_into(page, page.get_by_label("Afsluttende vurdering"), "Det går godt i skolen.")
    fill_date(page, "Parterne orienteret om afslutningen", yesterday)
    check(page, "Er underretteren orienteret?", "Orienteret")
    check(page, "Er leverandøren orienteret?", "Ikke relevant")
    for label in (
        "Børnefaglig undersøgelse afsluttet inden for 4 måneder",
        "Behandling for misbrug tilbudt inden for 14 dage",
    ):
        type_into(page, page.get_by_label(label), "Familien er flyttet fra kommunen")
    activate(page, page.get_by_role("button", name="Afslut sagen"))
    expect(page.get_by_text("Sagen er afsluttet.")).to_be_visible()
    closure = CaseClosure.objects.get(case=w.case)
    assert closure.explanations.count() == 2
    assert axe(page, page.url) == []

    # the closure as recorded, then reopening
    activate(page, page.get_by_role("region", name="Forløb").get_by_role("link", name="Afsluttet"))
    expect(page.get_by_text("Samtale <i>hjemme</i>")).to_be_visible()
    assert axe(page, page.url) == []
    page.goto(f"/sager/{w.case.pk}/")
    activate(page, page.get_by_role("link", name="Genåbn sagen"))
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("button", name="Genåbn sagen"))
    expect(
        page.locator(".form-error-message").get_by_text("Skriv hvorfor sagen genåbnes.")
    ).to_be_visible()
    assert axe(page, page.url) == []
    type_into(page, page.get_by_label("Hvorfor genåbnes sagen"), "Skolen ringer igen")
    activate(page, page.get_by_role("button", name="Genåbn sagen"))
    expect(page.get_by_text("Sagen er genåbnet.")).to_be_visible()
    expect(page.get_by_test_id("course-phase")).to_have_text("1. Henvendelse/underretning")
    assert Case.objects.get(pk=w.case.pk).is_open
    assert csp_watch.violations == []
