"""Issue 20: each role's front page on the demo data, at 1400 px and 375 px, with axe; the
menu button and "Log ud" at 375 px; tables scroll inside their box; print hides navigation,
forms and buttons and shows "Fortroligt", the date and the user."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

PASSWORD = "Demo-Kommune-2026"
USERS = {
    "caseworker": ("mette.hansen@demo-kommune.dk", "Min uge"),
    "intake": ("anne.lund@demo-kommune.dk", "Afventer vurdering inden for 24 timer"),
    "leader": ("lone.mikkelsen@demo-kommune.dk", "Mit team"),
}


@pytest.fixture
def demo_data(transactional_db):
    from django.core.management import call_command

    call_command("demo_seed", verbosity=0)


def _no_page_overflow(page):
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("width", [1400, 375])
@pytest.mark.parametrize("role", sorted(USERS))
def test_front_page_per_role(page, axe, demo_data, role, width):
    email, heading = USERS[role]
    page.set_viewport_size({"width": width, "height": 900})
    login(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    _no_page_overflow(page)
    assert axe(page, "/") == []
    if width == 375:
        nav = page.get_by_role("navigation", name="Hovedmenu")
        expect(nav).to_be_hidden()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav).to_be_visible()
        nav.get_by_role("button", name="Log ud").click()
        expect(page.get_by_label("Adgangskode")).to_be_visible()


def test_print_hides_navigation_forms_and_buttons_and_says_confidential(page, demo_data):
    from boernesag.cases.models import Case

    email, _ = USERS["caseworker"]
    login(page, email, PASSWORD)
    case = Case.objects.filter(caseworker__email=email, closed_at__isnull=True).first()
    for path in [f"/sager/{case.pk}/", f"/sager/{case.pk}/journal/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        header = page.locator(".app-print-header")
        expect(header).to_be_hidden()  # on screen: not shown
        page.emulate_media(media="print")
        expect(header).to_be_visible()
        expect(header).to_contain_text("Fortroligt – indeholder personoplysninger")
        expect(header).to_contain_text("Mette Hansen")
        shown = page.evaluate(
            """() => [...document.querySelectorAll(
                   'nav, form, button, .button, input, select, textarea')]
                 .filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))"""
        )
        assert shown == [], path
        page.emulate_media(media="screen")
