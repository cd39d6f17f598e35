"""Real-browser fixtures: Playwright driving Debian's chromium against a live server."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Browser tests need Debian's chromium at /usr/bin/chromium "
            "(make test installs it when run as root: apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    from boernesag.demo.services import demo_organisation_seed

    demo_organisation_seed()


class CspWatch:
    def __init__(self):
        self.violations: list[str] = []

    def on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.violations.append(text)


@pytest.fixture
def csp_watch():
    return CspWatch()


@pytest.fixture
def page(browser, live_server, csp_watch):
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", csp_watch.on_console)
    yield page
    # no request may still be running on the live server when the database is flushed (a
    # PDF rendered on a loaded machine may take longer than a page's default timeout)
    page.wait_for_load_state("networkidle", timeout=60_000)
    context.close()


@pytest.fixture
def axe(browser, live_server):
    """axe(page, path) -> list of violations, checked in a context with the same session.

    Injecting axe-core is itself an inline script, which our CSP forbids, so the check runs
    in a second context that bypasses CSP (the pages' own CSP is tested separately)."""

    def run(page, path: str) -> list[dict]:
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
        )
        try:
            checker = context.new_page()
            checker.goto(path)
            # HTMX panels load after the page: check them too, and let them finish
            checker.wait_for_load_state("networkidle")
            checker.add_script_tag(content=AXE_SOURCE.read_text())
            result = checker.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            )
            return [
                {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
                for v in result
            ]
        finally:
            context.close()

    return run


def login(page, email: str, password: str):
    page.goto("/konto/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
