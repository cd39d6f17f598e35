"""Issue 20: forms as DKFDS intends — every checkbox and radio drawn next to its label
(bounding boxes), meeting participants as a readable checkbox list, an error summary whose
links move the focus into the field, and axe on the error state."""

import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.tests.factories import build_world
from tests.browser.conftest import AXE_SOURCE, login

# For every checkbox and radio: where the input itself is (DKFDS makes it transparent and
# draws the box with the label's ::before, but the input is what takes the focus, the click
# and the screen reader's highlight — outside .form-group-checkbox it lands at the top of
# the form, hundreds of pixels from its label) and where its label is. Returns those apart.
APART = """
() => {
  const out = [];
  for (const input of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    if (input.closest('[hidden]')) continue;
    const label = input.id && document.querySelector(`label[for="${input.id}"]`);
    if (!label) { out.push({id: input.id, why: 'no label'}); continue; }
    const l = label.getBoundingClientRect();
    const b = input.getBoundingClientRect();
    const gapX = l.left - b.right;  // the label starts just right of the box (or over it)
    const boxMid = (b.top + b.bottom) / 2;
    const apart = gapX > 24 || b.left < l.left - 60 || boxMid < l.top - 12
      || boxMid > l.bottom + 12;
    if (apart) out.push({id: input.id, box: [b.left, b.top, b.right, b.bottom],
                         label: [l.left, l.top, l.right, l.bottom]});
  }
  return out;
}
"""


@pytest.fixture
def world(transactional_db):
    return build_world()


def _choices_next_to_labels(page, minimum: int):
    count = page.locator("input[type=checkbox], input[type=radio]").count()
    assert count >= minimum
    assert page.evaluate(APART) == []


@pytest.mark.parametrize("width", [1400, 375])
def test_checkboxes_sit_next_to_their_labels_on_the_intake_form(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, world.intake.email, PASSWORD)
    page.goto("/modtagelse/ny/")
    akut = page.get_by_label("Akut – barnet kan være i fare nu")
    expect(akut).to_be_attached()
    _choices_next_to_labels(page, minimum=5)


def test_meeting_participants_are_a_checkbox_list_next_to_labels(page, world):
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/moeder/")
    staff = page.get_by_role("group", name="Deltagere fra kommunen")
    expect(staff).to_be_visible()
    expect(staff.get_by_role("checkbox", name=world.caseworker.get_full_name())).to_be_visible()
    assert page.locator("select[multiple]").count() == 0
    _choices_next_to_labels(page, minimum=2)


def test_the_error_summary_lists_every_error_and_its_links_focus_the_field(page, world):
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/journal/")
    page.get_by_label("Dato for det noterede").fill("")
    page.get_by_role("button", name="Gem notat").click()
    summary = page.locator(".app-error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() == 3  # title, date and text: all at once, not one round at a time
    for i in range(links.count()):
        link = links.nth(i)
        target = link.get_attribute("href")[1:]
        link.click()
        expect(page.locator(f"#{target}")).to_be_focused()


def test_axe_on_the_error_state(page, browser, live_server, world):
    login(page, world.caseworker.email, PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
    )
    try:
        checker = context.new_page()
        for path, button in [
            (f"/sager/{world.case.pk}/journal/", "Gem notat"),
            (f"/sager/{world.case.pk}/moeder/", None),
        ]:
            checker.goto(path)
            if button is None:
                checker.locator("form[method=post] button[type=submit]").last.click()
            else:
                checker.get_by_role("button", name=button).click()
            expect(checker.locator(".app-error-summary")).to_be_visible()
            checker.add_script_tag(content=AXE_SOURCE.read_text())
            violations = checker.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => [v.id, v.nodes.map(n => n.target)])"
            )
            assert violations == [], path
    finally:
        context.close()


@pytest.mark.parametrize("width", [1400, 375])
def test_a_very_long_journal_text_does_not_break_the_page(page, world, width):
    from django.utils import timezone

    from boernesag.cases import services

    services.journal_write(
        case=world.case,
        author=world.caseworker,
        kind="note",
        title="Langt notat",
        text="Ordetsomaldrigslutter" * 2_380,  # 49,980 characters without a space
        occurred_on=timezone.localdate(),
    )
    page.set_viewport_size({"width": width, "height": 900})
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/journal/")
    expect(page.get_by_role("heading", name="Langt notat")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
