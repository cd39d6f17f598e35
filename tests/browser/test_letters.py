"""Letters in the browser: the administrator edits a letter text with the keyboard (refused
with the reason, previewed as PDF, saved, history shown), and the outbox in its states. axe
on every page, error states included."""

import pypdf
import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.tests.factories import build_world
from boernesag.intake import services as intake
from boernesag.letters.models import Letter, LetterStatus, LetterTemplate
from tests.browser.conftest import AXE_SOURCE, login
from tests.letters.helpers import report, siblings


@pytest.fixture
def world(transactional_db):
    return build_world(phase_event=None)


def axe_here(page) -> list[dict]:
    """axe on the page as it is now (after a POST, with its error messages)."""
    page.add_script_tag(content=AXE_SOURCE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


def test_administrator_edits_a_letter_text_with_the_keyboard(browser, live_server, world, axe):
    # a context that lets axe run on the page the POST returned (CSP is tested elsewhere)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, world.admin.email, PASSWORD)
        page.get_by_role("navigation", name="Hovedmenu").get_by_role(
            "link", name="Brevskabeloner"
        ).click()
        assert axe(page, "/brevskabeloner/") == []
        page.get_by_role("link", name="Kvittering til underretter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering til underretter")
        assert axe(page, "/brevskabeloner/receipt/") == []

        # a text that reaches for the system is refused, with the reason, keeping the text
        body = page.get_by_label("Brødtekst")
        body.focus()
        page.keyboard.press("Control+End")
        page.keyboard.type("\n{% load static %}")
        page.get_by_role("button", name="Gem skabelon").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Det blev ikke gemt")).to_be_visible()
        expect(
            # in the error summary at the top and next to the field
            page.get_by_text("Mærket {% load %} er ikke tilladt i brevskabeloner").first
        ).to_be_visible()
        assert "{% load static %}" in page.get_by_label("Brødtekst").input_value()
        assert axe_here(page) == []
        assert LetterTemplate.objects.get(kind="receipt").version == 1

        # corrected, previewed as PDF with sample data, then saved
        body = page.get_by_label("Brødtekst")
        body.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("Kære {{ notifier_name }}\nTak for underretningen om {{ children }}.")
        with page.expect_download() as download:
            page.get_by_role("button", name="Hent forhåndsvisning (PDF)").focus()
            page.keyboard.press("Enter")
        with open(download.value.path(), "rb") as handle:
            text = "".join(p.extract_text() for p in pypdf.PdfReader(handle).pages)
        assert "Kære Klasselærer Lise Ølstrup" in text and "Alma og Bo" in text
        assert LetterTemplate.objects.get(kind="receipt").version == 1
        page.get_by_role("button", name="Gem skabelon").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Skabelonen er gemt.")).to_be_visible()
        expect(page.get_by_text("Tak for underretningen om Alma og Bo.")).to_be_visible()
        versions = page.get_by_role("table", name="Versioner af skabelonen, nyeste først")
        expect(versions.get_by_role("row")).to_have_count(3)  # header, version 2, version 1
        assert axe_here(page) == []
    finally:
        context.close()


def test_outbox_shows_each_letters_state_and_axe_passes(page, world, axe, settings):
    alma, bo = siblings()
    waiting = report(world, children=[alma, bo])
    intake.receipt_send(item=waiting, by=world.intake)  # commits; rendered after commit
    settings.LETTER_DELIVERY_ADAPTER = "tests.letters.test_outbox.BrokenDigitalPost"
    failing = report(world, children=[world.child])
    intake.receipt_send(item=failing, by=world.intake)
    assert set(Letter.objects.values_list("status", flat=True)) == {
        LetterStatus.TO_SEND,
        LetterStatus.DELIVERING,
    }
    login(page, world.intake.email, PASSWORD)
    page.goto("/modtagelse/udbakke/")
    expect(page.get_by_text("Skal sendes", exact=True)).to_be_visible()
    expect(page.get_by_text("Forsøg 1 mislykkedes")).to_be_visible()
    assert axe(page, "/modtagelse/udbakke/") == []
    assert axe(page, f"/modtagelse/{waiting.pk}/") == []
    page.goto(f"/modtagelse/{waiting.pk}/")
    href = page.get_by_role("link", name="Kvittering til underretter").get_attribute("href")
    response = page.request.get(href)  # the same session; the browser would show it inline
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
