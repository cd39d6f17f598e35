"""A caseworker turns on the second factor and logs in with it (real browser)."""

from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect

from boernesag.demo.data import DEMO_PASSWORD
from tests.browser.conftest import login

EMAIL = "mette.hansen@demo-kommune.dk"


def _code(secret_text: str, steps_ahead: int = 0) -> str:
    secret = secret_text.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, t0=0, step=30, digits=6, drift=steps_ahead):06d}"


def test_caseworker_turns_on_the_app_code_and_logs_in_with_it(page, demo, axe, csp_watch):
    login(page, EMAIL, DEMO_PASSWORD)
    page.goto("/konto/")
    page.get_by_role("link", name="To-faktor-login").click()
    assert axe(page, "/konto/to-faktor/") == []
    page.get_by_role("button", name="Slå to-faktor-login til").click()
    expect(page.get_by_role("img", name="QR-kode til godkendelsesappen")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Kode").fill(_code(secret))
    page.get_by_role("button", name="Slå til").click()
    expect(page.get_by_role("heading", name="Dine gendannelseskoder")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Jeg har gemt koderne").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag,")

    page.get_by_role("button", name="Log ud").click()
    login(page, EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Skriv koden fra din godkendelsesapp")).to_be_visible()
    assert axe(page, "/konto/log-ind/kode/") == []
    page.get_by_label("Kode").fill(_code(secret, steps_ahead=1))  # the next code: no replay
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag, Mette")
    assert csp_watch.violations == []
