"""Four eyes in the browser: one administrator asks, she cannot confirm, the other confirms;
"who could see the child" for a date. axe on each page, also on the error state."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.demo.data import DEMO_PASSWORD
from tests.browser.conftest import AXE_SOURCE, login


@pytest.fixture
def org(transactional_db):
    from boernesag.demo.access import demo_access_changes_seed
    from boernesag.demo.services import demo_organisation_seed

    demo_organisation_seed()
    demo_access_changes_seed()


@pytest.fixture
def new_page(browser, live_server):
    """Pages whose states (after a POST too) are checked with axe where they are, so their
    context bypasses CSP; the CSP itself is checked by the other browser tests."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="da-DK", bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.pages[0].wait_for_load_state("networkidle")
        context.close()


def axe_here(page) -> list:
    page.add_script_tag(content=AXE_SOURCE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_one_administrator_asks_and_only_another_can_confirm(org, new_page):
    from boernesag.accounts.models import RoleAssignment, User

    kirsten = new_page()
    login(kirsten, "kirsten.madsen@demo-kommune.dk", DEMO_PASSWORD)
    kirsten.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Adgangsændringer"
    ).click()
    expect(kirsten.get_by_role("heading", level=1)).to_have_text("Adgangsændringer")
    # her own waiting request (Signe Bach to Distrikt Nord): withdraw, never confirm
    expect(
        kirsten.get_by_role("button", name="Træk tilbage (ændringen for Signe Bach)")
    ).to_be_visible()
    expect(kirsten.get_by_role("button", name="Godkend ændringen for Signe Bach")).to_have_count(0)
    assert axe_here(kirsten) == []

    kirsten.get_by_label("Bruger").select_option(
        label="Emil Thomsen (emil.thomsen@demo-kommune.dk)"
    )
    kirsten.get_by_role("button", name="Vis brugerens adgang").click()
    expect(kirsten.get_by_role("heading", level=1)).to_have_text("Adgang for Emil Thomsen")
    assert axe_here(kirsten) == []

    grant = kirsten.locator("form", has=kirsten.get_by_role("button", name="Anmod om rollen"))
    grant.get_by_label("Rolle").select_option(label="Teamleder")
    grant.get_by_label("Enhed").select_option(label="Distrikt Syd (team)")
    grant.get_by_role("button", name="Anmod om rollen").click()
    # the error state: the reason is missing; what was chosen is kept
    expect(kirsten.get_by_text("Det blev ikke gemt").first).to_be_visible()
    grant = kirsten.locator("form", has=kirsten.get_by_role("button", name="Anmod om rollen"))
    expect(grant.get_by_label("Rolle")).to_have_value("team_leader")
    assert axe_here(kirsten) == []
    grant.get_by_label("Begrundelse").fill("Konstitueret teamleder i Distrikt Syd")
    grant.get_by_role("button", name="Anmod om rollen").click()
    expect(kirsten.get_by_text("Anmodningen er gemt")).to_be_visible()
    emil = User.objects.get(email="emil.thomsen@demo-kommune.dk")
    assert not RoleAssignment.objects.filter(user=emil, role="team_leader").exists()

    anders = new_page()
    login(anders, "anders.holm@demo-kommune.dk", DEMO_PASSWORD)
    anders.goto("/adgangsaendringer/")
    anders.get_by_role("button", name="Godkend ændringen for Emil Thomsen").click()
    expect(anders.get_by_text("Ændringen er godkendt og trådt i kraft.")).to_be_visible()
    assert axe_here(anders) == []
    assert RoleAssignment.objects.filter(user=emil, role="team_leader").exists()


def test_who_could_see_the_child_on_a_date(org, new_page):
    from boernesag.accounts.models import Unit, User
    from boernesag.cases import services as case_services
    from boernesag.cases.tests.factories import child as make_child

    mette = User.objects.get(email="mette.hansen@demo-kommune.dk")
    kid = make_child(first="Alma", last="Lindholt")
    case_services.case_open(
        child=kid,
        caseworker=mette,
        team=Unit.objects.get(code="distrikt-nord"),
        opened_by=mette,
        opened_at=timezone.now() - timedelta(days=3),
    )
    page = new_page()
    login(page, "kirsten.madsen@demo-kommune.dk", DEMO_PASSWORD)
    page.goto(f"/adgangslog/barn/{kid.pk}/")
    page.get_by_role("link", name="Hvem kunne se barnet på en bestemt dato, og hvorfor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hvem kunne se")
    expect(page.get_by_role("cell", name="Mette Hansen")).to_be_visible()
    assert axe_here(page) == []
    page.get_by_label("Dato").fill((timezone.localdate() - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Vis").click()
    expect(
        page.get_by_text("Ingen havde adgang til barnets oplysninger denne dag.")
    ).to_be_visible()
    assert axe_here(page) == []
