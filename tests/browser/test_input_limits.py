"""Input limits as a caseworker meets them in the browser: the character counter, the
server's message with the text kept, and the browser's own size checks before sending."""

import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.models import Document, JournalEntry
from boernesag.cases.tests.factories import PDF, build_world
from tests.browser.conftest import AXE_SOURCE, login


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.fixture
def checked_page(browser, live_server, csp_watch):
    """A page whose error states can be checked with axe where they happen (after scripts
    ran), so its context bypasses CSP; the CSP itself is checked by the other tests."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def axe_here(page) -> list:
    page.add_script_tag(content=AXE_SOURCE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def open_journal(page, world):
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/journal/")


def test_a_too_long_journal_text_is_counted_refused_and_kept(checked_page, world):
    page = checked_page
    open_journal(page, world)
    text = "Samtale med skolen. " * 2_500 + "Slut."  # 50,005 characters, limit 50,000
    page.get_by_label("Overskrift").fill("Langt notat")
    page.get_by_label("Tekst").fill(text)
    page.get_by_role("button", name="Gem notat").click()
    expect(page.locator(".form-error-message").get_by_text("Teksten er for lang")).to_be_visible()
    expect(page.get_by_label("Tekst")).to_have_value(text)
    expect(page.get_by_label("Overskrift")).to_have_value("Langt notat")
    expect(page.get_by_text("Du har 5 tegn for meget").first).to_be_visible()  # DKFDS counter
    assert not JournalEntry.objects.filter(title="Langt notat").exists()
    assert axe_here(page) == []


def test_the_browser_stops_a_form_too_large_to_send_and_keeps_the_text(
    checked_page, world, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    page = checked_page
    open_journal(page, world)
    text = "Ø" * 3_000  # 6,000 bytes of UTF-8, over the (lowered) request limit
    page.get_by_label("Overskrift").fill("Kopieret tekst")
    page.get_by_label("Tekst").fill(text)
    page.get_by_role("button", name="Gem notat").click()
    alert = page.get_by_role("alert").filter(has_text="Det blev ikke sendt")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("står stadig i felterne")
    expect(page.get_by_label("Tekst")).to_have_value(text)
    assert not JournalEntry.objects.filter(title="Kopieret tekst").exists()
    assert axe_here(page) == []


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    checked_page, world, settings, tmp_path
):
    settings.DOCUMENT_MAX_BYTES = 1_000
    page = checked_page
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/dokumenter/")
    big = tmp_path / "udtalelse.pdf"
    big.write_bytes(PDF + b"x" * 5_000)
    page.get_by_label("Titel").fill("Stor udtalelse")
    page.get_by_label("Fil").set_input_files(str(big))
    expect(page.get_by_role("alert").filter(has_text="Filen kan ikke sendes")).to_contain_text(
        "Filen udtalelse.pdf er for stor"
    )
    page.get_by_role("button", name="Gem dokument").click()
    expect(page.get_by_role("alert").filter(has_text="Det blev ikke sendt")).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value("Stor udtalelse")
    assert not Document.objects.filter(title="Stor udtalelse").exists()
