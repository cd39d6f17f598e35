import pytest
from playwright.sync_api import expect

from boernesag.demo.data import DEMO_PASSWORD
from tests.browser.conftest import login

# (e-mail, navigation the role needs, an item it must not see)
ROLES = [
    ("mette.hansen@demo-kommune.dk", ["Mine sager", "Mine frister", "Find barn"], "Nøgletal"),
    ("anne.lund@demo-kommune.dk", ["Modtagelse", "Find barn"], "Mine sager"),
    ("lone.mikkelsen@demo-kommune.dk", ["Teamets sager", "Lovoverholdelse"], "Modtagelse"),
    ("susanne.brandt@demo-kommune.dk", ["Nøgletal", "Lovoverholdelse"], "Find barn"),
    ("helle.iversen@demo-kommune.dk", ["Takster og kontrakter", "Nøgletal"], "Mine sager"),
    ("kirsten.madsen@demo-kommune.dk", ["Organisation og brugere"], "Mine sager"),
]


@pytest.mark.parametrize(("email", "expected", "hidden"), ROLES)
def test_each_role_logs_in_sees_its_navigation_and_logs_out(
    page, demo, csp_watch, email, expected, hidden
):
    login(page, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag,")
    nav = page.get_by_role("navigation", name="Hovedmenu")
    for label in expected:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name=hidden)).to_have_count(0)
    expect(page.get_by_text("Demo Kommune").first).to_be_visible()

    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()
    expect(page.get_by_role("heading", name="Log ind i Børnesag")).to_be_visible()
    assert csp_watch.violations == []


def test_failed_login_shows_the_danish_error_and_keeps_the_email(page, demo):
    login(page, "mette.hansen@demo-kommune.dk", "helt-forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text(
        "E-mail eller adgangskode er forkert. Prøv igen."
    )
    expect(page.get_by_label("E-mail")).to_have_value("mette.hansen@demo-kommune.dk")
    expect(page.get_by_label("Adgangskode")).to_have_value("")


def test_administrator_reaches_the_danish_admin(page, demo):
    login(page, "kirsten.madsen@demo-kommune.dk", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Organisation og brugere"
    ).click()
    expect(page.get_by_text("Børnesag – administration").first).to_be_visible()
    expect(page.get_by_role("link", name="Brugere").first).to_be_visible()


def test_keyboard_only_login_with_skip_link(page, demo):
    page.goto("/konto/log-ind/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til sidens indhold")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Tab to the e-mail field from main, type, and submit with Enter
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mail")).to_be_focused()
    page.keyboard.type("mette.hansen@demo-kommune.dk")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Adgangskode")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Goddag, Mette")


def test_axe_finds_no_violations_on_login_and_start_pages(page, demo, axe, csp_watch):
    page.goto("/konto/log-ind/")
    assert axe(page, "/konto/log-ind/") == []
    for email in ("mette.hansen@demo-kommune.dk", "kirsten.madsen@demo-kommune.dk"):
        login(page, email, DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag,")
        assert axe(page, "/") == []
        assert axe(page, "/konto/") == []
        page.get_by_role("button", name="Log ud").click()
    assert csp_watch.violations == []


def test_locked_account_message_in_the_browser(page, demo, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        login(page, "peter.nielsen@demo-kommune.dk", "forkert")
    expect(page.get_by_role("alert")).to_contain_text("midlertidigt låst")
