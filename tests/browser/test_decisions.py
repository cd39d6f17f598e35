"""From a case to a sent decision letter in a real browser: draft (first with an error),
decide, send to the parties, mark the letters sent — axe on every page, also the error
state; then the team leader's approval of a decision above the caseworker's authority."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.cases.tests.factories import build_world
from boernesag.decisions.models import Decision, DecisionLetter
from boernesag.decisions.tests.helpers import build_catalogue, decide, draft
from boernesag.letters.models import LetterStatus
from tests.browser.conftest import AXE_SOURCE
from tests.browser.test_people import activate, keyboard_login


@pytest.fixture
def world(transactional_db):
    w = build_world()
    w.cat = build_catalogue(w.admin)
    return w


def no_violations(axe, page, path):
    violations = axe(page, path)
    assert violations == [], violations


def no_violations_after(browser, live_server, page, path, action):
    """axe on the page an action leads to (an error state), in a context with the same
    session that bypasses CSP so axe can be injected."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
    )
    try:
        checker = context.new_page()
        checker.goto(path)
        action(checker)
        checker.wait_for_load_state("networkidle")
        checker.add_script_tag(content=AXE_SOURCE.read_text())
        found = checker.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map(v => v.id)"
        )
        assert found == [], found
    finally:
        context.close()


def submit_empty(page):
    page.get_by_role("button", name="Gem").first.click()
    expect(page.get_by_text("Det blev ikke gemt")).to_be_visible()


def test_from_a_case_to_a_sent_decision_letter(page, world, axe, csp_watch, browser, live_server):
    w = world
    keyboard_login(page, w.caseworker.email)
    page.goto(f"/sager/{w.case.pk}/")
    tabs = page.get_by_role("navigation", name="Sagens dele")
    activate(page, tabs.get_by_role("link", name="Afgørelser"))
    expect(page.get_by_role("heading", name="Afgørelser", level=2)).to_be_visible()
    no_violations(axe, page, page.url)

    activate(page, page.get_by_role("link", name="Ny afgørelse"))
    expect(page.get_by_role("heading", name="Ny afgørelse")).to_be_visible()
    no_violations(axe, page, page.url)
    # nothing chosen as the result: a Danish message, the text typed is kept
    page.locator("#id_reasons").fill("Undersøgelsen viser et behov for støtte.")
    page.get_by_role("button", name="Gem kladde").click()
    expect(
        page.locator(".form-error-message").get_by_text("Vælg bevilling eller afslag.")
    ).to_be_visible(timeout=30_000)
    expect(page.locator("#id_reasons")).to_have_value("Undersøgelsen viser et behov for støtte.")
    expect(page.get_by_text("Det blev ikke gemt")).to_be_visible()
    no_violations_after(browser, live_server, page, page.url, submit_empty)

    page.get_by_label("Bevilling").check()
    page.get_by_label("Indsats fra indsatskataloget").select_option(label="Familiebehandling")
    page.get_by_label("Leverandør").select_option(label="Familiecentret")
    page.get_by_label("Omfang (timer pr. uge)").fill("4")
    page.get_by_label("Startdato").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_label("Forventet varighed (uger)").fill("26")
    page.get_by_label("Formål med indsatsen").fill("At styrke familiens samspil")
    page.get_by_label("Barnets Lov § 32 stk. 1 nr. 3 – Familiebehandling").check()
    page.get_by_label("Barnets synspunkter (Barnets Lov § 5)").fill("Emma vil gerne have hjælp.")
    page.get_by_label("Skal der udarbejdes en plan? (Barnets Lov § 91, stk. 1)").select_option(
        "yes"
    )
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Afgørelsen er gemt som kladde.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("problems")).to_have_count(0)
    no_violations(axe, page, page.url)

    activate(page, page.get_by_role("button", name="Træf afgørelsen"))
    expect(page.get_by_text("Afgørelsen er truffet.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("decision-status")).to_have_text("Truffet")
    no_violations(axe, page, page.url)

    activate(page, page.get_by_role("button", name="Send afgørelsen til parterne"))
    # the letters are rendered on commit by the immediate task backend (two PDFs): slow
    expect(page.get_by_text("Afgørelsen er lagt i udbakken til 2 parter.")).to_be_visible(
        timeout=90_000
    )
    decision = Decision.objects.get()
    links = list(DecisionLetter.objects.filter(decision=decision))
    assert {link.party_id for link in links} == {w.parent.pk, w.child.pk}
    page.reload()
    # rendered after commit (immediate task backend): waiting for a person to send it
    expect(page.get_by_test_id("letter-status")).to_have_text(["Skal sendes", "Skal sendes"])
    no_violations(axe, page, page.url)
    for _letter in links:
        page.get_by_role("button", name="Markér som sendt").first.click()
        expect(page.get_by_text("Brevet er markeret som sendt.")).to_be_visible(timeout=30_000)
    statuses = page.get_by_test_id("letter-status")
    expect(statuses.first).to_contain_text("Sendt")
    expect(statuses.last).to_contain_text("Sendt")
    expect(page.get_by_text("Klagefristen (4 uger) løber til")).to_be_visible()
    assert all(
        link.letter.status == LetterStatus.SENT
        for link in DecisionLetter.objects.filter(decision=decision).select_related("letter")
    )
    no_violations(axe, page, page.url)
    # the letter is on the case's documents
    activate(page, tabs.get_by_role("link", name="Dokumenter"))
    expect(page.get_by_text("Afgørelse").first).to_be_visible()
    assert csp_watch.violations == []


def test_the_team_leader_approves_from_the_queue(page, world, axe, csp_watch, browser, live_server):
    w = world
    pending = decide(draft(w, w.cat, hours_per_week=8), w.caseworker)
    keyboard_login(page, w.leader_a.email)
    page.goto("/")
    activate(page, page.get_by_role("link", name="Til godkendelse").first)
    expect(page.get_by_role("heading", name="Afgørelser til godkendelse")).to_be_visible()
    no_violations(axe, page, page.url)
    activate(page, page.get_by_role("link", name="Bevilling: Støttende indsats"))
    expect(page.get_by_role("heading", name="Godkend afgørelse")).to_be_visible()
    no_violations(axe, page, page.url)
    # no reasons: refused with a message, axe on the error state
    page.get_by_label("Godkend afgørelsen").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".form-error-message").get_by_text("Udfyld feltet.")).to_be_visible(
        timeout=30_000
    )
    no_violations_after(browser, live_server, page, page.url, submit_empty)
    page.get_by_label("Begrundelse").fill("Omfanget er nødvendigt de første måneder.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Afgørelsen er godkendt og truffet.")).to_be_visible(timeout=30_000)
    pending.refresh_from_db()
    assert pending.status == "decided" and pending.decided_by == w.leader_a
    assert csp_watch.violations == []
