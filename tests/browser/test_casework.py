import re

import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.models import Document, JournalEntry, Meeting
from boernesag.cases.tests.factories import PDF, build_world
from tests.browser.conftest import login


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_caseworker_finds_a_child_and_works_the_case(page, world, tmp_path, csp_watch):
    login(page, world.caseworker.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Hovedmenu")
    nav.get_by_role("link", name="Find barn").click()

    # by name (prefixes)
    page.get_by_label("CPR-nummer eller navn").fill("emm han")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Emma Hansen")).to_be_visible()
    # by CPR number
    page.get_by_label("CPR-nummer eller navn").fill(world.child.cpr_formatted)
    page.get_by_role("button", name="Søg").click()
    page.get_by_role("link", name="Emma Hansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emma Hansen")
    expect(page.get_by_role("cell", name="Mette Hansen")).to_be_visible()
    page.get_by_role("link", name=re.compile(world.case.reference)).click()
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    expect(page.get_by_role("list", name="Tidslinje").get_by_text("Sag oprettet")).to_be_visible()

    # journal entry
    page.get_by_role("navigation", name="Sagens dele").get_by_role("link", name="Journal").click()
    page.get_by_label("Overskrift").fill("Samtale med Emma")
    page.get_by_label("Tekst").fill("Emma fortalte om sin skoledag.")
    page.get_by_role("button", name="Gem notat").click()
    expect(page.get_by_text("Journalnotatet er gemt.")).to_be_visible()
    expect(page.get_by_role("heading", name="Samtale med Emma")).to_be_visible()
    assert JournalEntry.objects.filter(title="Samtale med Emma").exists()

    # document upload
    page.get_by_role("navigation", name="Sagens dele").get_by_role(
        "link", name="Dokumenter"
    ).click()
    pdf = tmp_path / "statusudtalelse.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Fil").set_input_files(str(pdf))
    page.get_by_label("Titel").fill("Statusudtalelse fra skolen")
    page.get_by_role("button", name="Gem dokument").click()
    expect(page.get_by_role("link", name="Statusudtalelse fra skolen")).to_be_visible()
    assert Document.objects.filter(title="Statusudtalelse fra skolen").exists()

    # a disguised file is refused with a Danish message and the title is kept
    fake = tmp_path / "billede.png"
    fake.write_bytes(PDF)
    page.get_by_label("Fil").set_input_files(str(fake))
    page.get_by_label("Titel").fill("Foto")
    page.get_by_role("button", name="Gem dokument").click()
    expect(
        page.locator(".form-error-message").get_by_text(
            "Filens indhold passer ikke med endelsen .png"
        )
    ).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value("Foto")

    # meeting
    page.get_by_role("navigation", name="Sagens dele").get_by_role("link", name="Møder").click()
    page.get_by_label("Mødetype").select_option(label="Statusmøde")
    page.get_by_label("Tidspunkt").fill("2026-01-15T10:00")
    page.get_by_label("Andre deltagere").fill("Klasselærer")
    page.get_by_role("button", name="Gem møde").click()
    expect(page.get_by_text("Mødet er registreret.")).to_be_visible()
    page.get_by_role("link", name="Statusmøde").click()
    page.get_by_label("Referat").fill("Emma trives bedre. Næste møde om tre måneder.")
    page.get_by_role("button", name="Afslut møde og gem referat").click()
    expect(page.get_by_text("referatet er lagt i journalen")).to_be_visible()
    meeting = Meeting.objects.get(kind="status_meeting")
    assert meeting.journal_entry.text.endswith("Næste møde om tre måneder.")
    assert csp_watch.violations == []


def test_caseworker_from_another_team_is_refused_and_offered_the_reason_path(page, world):
    login(page, world.other_caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/")
    # she may not know the case exists: the same answer as for a case that does not exist
    expect(page.get_by_role("heading", name="Siden findes ikke")).to_be_visible()
    page.goto("/boern/")
    page.get_by_label("CPR-nummer eller navn").fill(world.child.cpr)
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_text("Du har ikke adgang til dette barn")).to_be_visible()
    # no trace of the child in the page (the header shows the user's own, random name)
    expect(page.locator("main").get_by_text("Emma")).to_have_count(0)
    assert world.child.cpr not in page.url and world.child.cpr[:6] not in page.url
    page.get_by_role("link", name="Få adgang med begrundelse").click()
    assert str(world.child.pk) not in page.url.rsplit("/adgang/", 1)[-1]
    page.get_by_label("Begrundelse").fill("Kort")
    page.get_by_role("button", name="Giv mig adgang").click()
    expect(
        page.locator(".form-error-message").get_by_text("Skriv en begrundelse på mindst 10 tegn.")
    ).to_be_visible()
    expect(page.get_by_label("Begrundelse")).to_have_value("Kort")
    page.get_by_label("Begrundelse").fill("Vagtordning: barnets mor har ringet akut")
    page.get_by_role("button", name="Giv mig adgang").click()
    expect(page.get_by_text("Du har fået adgang i 8 timer")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emma Hansen")


def test_team_leader_reviews_reason_based_access(page, world):
    from boernesag.cases.services import reasoned_access_grant

    reasoned_access_grant(
        user=world.other_caseworker,
        child=world.child,
        reason="Vagtordning: barnets mor har ringet akut",
    )
    login(page, world.leader_a.email, PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Adgangslog").click()
    expect(
        page.get_by_role("cell", name="Vagtordning: barnets mor har ringet akut")
    ).to_be_visible()
    page.get_by_label("I orden", exact=True).check()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Gennemgangen er gemt.")).to_be_visible()
    page.get_by_role("link", name="Emma Hansen").click()
    expect(page.get_by_role("cell", name="access_granted")).to_be_visible()


def test_axe_finds_no_violations_on_casework_pages(page, world, axe):
    login(page, world.caseworker.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")
    case = world.case
    page.goto("/boern/")
    page.get_by_label("CPR-nummer eller navn").fill("emma")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Emma Hansen")).to_be_visible()
    assert "emma" not in page.url.lower()
    search_result = page.url.split(page.url.split("/boern/")[0], 1)[1]
    for path in [
        "/sager/mine/",
        search_result,
        f"/boern/{world.child.pk}/",
        f"/sager/{case.pk}/",
        f"/sager/{case.pk}/journal/",
        f"/sager/{case.pk}/dokumenter/",
        f"/sager/{case.pk}/moeder/",
        f"/sager/{case.pk}/moeder/{case.meetings.first().pk}/",
        f"/sager/{case.pk}/samtykker/",
    ]:
        assert axe(page, path) == [], path
