import pytest
from playwright.sync_api import expect

from boernesag.demo.data import DEMO_PASSWORD
from tests.browser.conftest import login


@pytest.fixture
def catalogue(transactional_db):
    from boernesag.demo.catalogue import demo_catalogue_seed
    from boernesag.demo.services import demo_organisation_seed

    demo_organisation_seed()
    demo_catalogue_seed()


def test_caseworker_filters_the_catalogue_and_opens_a_service(page, catalogue, axe):
    login(page, "mette.hansen@demo-kommune.dk", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Indsatskatalog"
    ).click()
    page.get_by_label("Barnets alder").fill("14")
    page.get_by_label("Målgruppe").select_option(label="Skolefravær")
    page.get_by_label("Fritekst").fill("skole")
    page.get_by_role("button", name="Find indsatser").click()
    expect(page.get_by_role("link", name="Mentor til skolegang")).to_be_visible()
    expect(page.get_by_role("link", name="Aflastning i plejefamilie")).to_have_count(0)
    assert axe(page, "/katalog/?age=14") == []
    page.get_by_role("link", name="Mentor til skolegang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentor til skolegang")
    expect(page.get_by_text("Barnets Lov § 32 – Støttende indsatser")).to_be_visible()
    expect(page.get_by_role("heading", name="Takster")).to_have_count(0)  # no prices here


def test_anonymous_visitor_reads_the_published_catalogue(page, catalogue, axe, csp_watch):
    page.goto("/indsatser/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Indsatser for børn, unge og familier"
    )
    page.get_by_role("link", name="Familiebehandling i hjemmet").click()
    expect(page.get_by_role("heading", name="Formål")).to_be_visible()
    expect(page.get_by_text("kr. pr. time")).to_have_count(0)
    assert axe(page, "/indsatser/") == []
    assert axe(page, "/indsatser/familiebehandling-i-hjemmet/") == []
    assert axe(page, "/indsatser/serviceniveau/") == []
    assert csp_watch.violations == []


def test_axe_on_catalogue_management_pages(page, catalogue, axe):
    from boernesag.catalogue.models import Provider

    login(page, "kirsten.madsen@demo-kommune.dk", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")
    provider = Provider.objects.get(name="Opholdsstedet Bakkely ApS")
    for path in [
        "/katalog/administration/",
        "/katalog/ny/",
        "/katalog/opholdssted/",
        "/katalog/leverandoerer/",
        f"/katalog/leverandoerer/{provider.pk}/",
    ]:
        assert axe(page, path) == [], path
