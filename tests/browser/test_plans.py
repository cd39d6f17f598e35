"""Barnets plan in a real browser, with the keyboard only: from the concluded investigation
to a plan with a goal, a sub-goal and who does what, made and sent to the family; a revision;
the conflict when a colleague saved first — and axe on every plan page, also in its error and
conflict states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.cases.tests.factories import build_world
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.letters.models import Letter, LetterKind
from boernesag.plans import services
from boernesag.plans.models import Plan
from tests.browser.conftest import AXE_SOURCE
from tests.browser.test_people import activate, choose, keyboard_login, tab_to, type_into


@pytest.fixture
def world(transactional_db):
    w = build_world()
    event_write(ev.AssessmentConcluded(), case=w.case, actor=w.caseworker)
    return w


def fill_date(page, label: str, day):
    """Reach a native date field with the keyboard and set it (the picker's segment order
    depends on the browser's locale, so the value is filled rather than typed)."""
    field = page.get_by_label(label)
    tab_to(page, field)
    field.fill(day.isoformat())
    expect(field).to_have_value(day.isoformat())


def test_from_concluded_investigation_to_a_sent_plan_by_keyboard(page, world, axe, csp_watch):
    keyboard_login(page, world.caseworker.email)
    page.goto(f"/sager/{world.case.pk}/")
    tabs = page.get_by_role("navigation", name="Sagens dele")
    activate(page, tabs.get_by_role("link", name="Planer"))
    expect(page.get_by_text("Den børnefaglige undersøgelse er afsluttet")).to_be_visible()
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("link", name="Opret barnets plan"))

    # the plan: barnets plan is proposed for an 11-year-old
    expect(page.get_by_role("radio", name="Barnets plan")).to_be_checked()
    type_into(page, page.get_by_label("Overordnet formål"), "Emma trives i skolen")
    activate(page, page.get_by_role("button", name="Opret plan"))
    expect(page.get_by_text("Planen er oprettet som kladde.")).to_be_visible()
    plan = Plan.objects.get(case=world.case)
    assert axe(page, page.url) == []

    # a goal, with what, how and when
    activate(page, page.get_by_role("link", name="Tilføj mål"))
    choose(page, page.get_by_label("Område"), "Skole og dagtilbud")
    type_into(page, page.get_by_label("Hvad skal være anderledes?"), "Emma møder i skole hver dag")
    type_into(page, page.get_by_label("Hvordan ved vi det?"), "Skolens fraværsliste")
    due = timezone.localdate() + timedelta(days=120)
    fill_date(page, "Hvornår skal målet være nået?", due)
    activate(page, page.get_by_role("button", name="Tilføj"))
    expect(page.get_by_text("Målet er tilføjet.")).to_be_visible()

    # a sub-goal
    activate(page, page.get_by_role("link", name="Tilføj delmål til mål 1"))
    choose(page, page.get_by_label("Område"), "Familieforhold")
    type_into(page, page.get_by_label("Hvad skal være anderledes?"), "Emma står op kl. 7")
    type_into(page, page.get_by_label("Hvordan ved vi det?"), "Mor fortæller")
    fill_date(page, "Hvornår skal målet være nået?", due - timedelta(days=30))
    activate(page, page.get_by_role("button", name="Tilføj"))
    expect(page.get_by_text("Delmålet er tilføjet.")).to_be_visible()
    expect(page.get_by_text("Delmål 1.1", exact=True)).to_be_visible()

    # who does what: the mother
    activate(page, page.get_by_role("link", name="Tilføj hvem gør hvad"))
    choose(page, page.get_by_label("Hvem"), "Familien")
    choose(
        page,
        page.get_by_label("Person omkring barnet"),
        "Mette Hansen (Forældremyndighedsindehaver)",
    )
    type_into(page, page.get_by_label("Hvad gør de?"), "Vækker Emma hver morgen")
    activate(page, page.get_by_role("button", name="Tilføj"))
    expect(page.get_by_text("Opgaven er tilføjet.")).to_be_visible()
    assert axe(page, page.url) == []

    # made: version 1
    activate(page, page.get_by_role("link", name="Markér planen som udarbejdet"))
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("button", name="Markér som udarbejdet"))
    expect(page.get_by_text("Planen er udarbejdet (version 1).")).to_be_visible()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Udarbejdet")
    world.case.refresh_from_db()
    assert world.case.phase == "plan"

    # sent to the mother
    activate(page, page.get_by_role("link", name="Send den gældende version"))
    assert axe(page, page.url) == []
    expect(page.get_by_role("checkbox", name="Mette Hansen")).to_be_checked()
    activate(page, page.get_by_role("button", name="Send planen"))
    # the outbox renders the PDF after commit (the immediate task backend: in the request)
    expect(page.get_by_text("1 breve er lagt i udbakken")).to_be_visible(timeout=60_000)
    letter = Letter.objects.get(kind=LetterKind.PLAN)
    assert "Emma møder i skole hver dag" in letter.body

    # the version as it was
    page.goto(f"/sager/{world.case.pk}/planer/{plan.pk}/versioner/1/")
    expect(page.get_by_test_id("version-text")).to_contain_text("Delmål 1.1")
    assert axe(page, page.url) == []
    assert csp_watch.violations == []


def test_revision_conflict_and_errors_keep_the_input_and_pass_axe(
    page, world, axe, browser, live_server
):
    from boernesag.plans.tests.helpers import made_plan

    plan = made_plan(world)
    goal = plan.goals.get()
    keyboard_login(page, world.caseworker.email)
    base = f"/sager/{world.case.pk}/planer/{plan.pk}/"
    for path in [
        f"/sager/{world.case.pk}/planer/",
        f"/sager/{world.case.pk}/planer/ny/",
        base,
        f"{base}maal/ny/",
        f"{base}maal/{goal.pk}/",
        f"{base}opgaver/ny/",
        f"{base}ny-version/",
    ]:
        assert axe(page, path) == [], path

    checker_context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
    )
    try:
        checker = checker_context.new_page()

        def violations():
            checker.add_script_tag(content=AXE_SOURCE.read_text())
            return checker.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => v.id)"
            )

        # a goal without what, how and when: Danish messages, axe clean
        checker.goto(f"{base}maal/ny/")
        checker.get_by_role("button", name="Tilføj").click()
        expect(checker.get_by_text("Skriv hvad der skal være anderledes.").first).to_be_visible()
        assert violations() == []

        # a colleague saves the goal while the caseworker edits it
        checker.goto(f"{base}maal/{goal.pk}/")
        checker.get_by_label("Hvad skal være anderledes?").fill("Min nye formulering")
        services.goal_update(
            goal=goal,
            by=world.colleague,
            expected_version=goal.version,
            area=goal.area,
            what="Kollegaens formulering",
            measure=goal.measure,
            due_on=goal.due_on,
        )
        checker.get_by_role("button", name="Gem målet").click()
        expect(checker.get_by_text("En anden har gemt ændringer").first).to_be_visible()
        expect(checker.get_by_label("Hvad skal være anderledes?")).to_have_value(
            "Min nye formulering"
        )
        expect(checker.get_by_text("Kollegaens formulering")).to_be_visible()
        assert violations() == []

        # a revision without what and why
        checker.goto(f"{base}ny-version/")
        checker.get_by_role("button", name="Gem ny version").click()
        expect(
            checker.locator(".form-error-message").get_by_text("Skriv hvad der er ændret.")
        ).to_be_visible()
        assert violations() == []
        checker.get_by_label("Hvad er ændret?").fill("Målet er omformuleret")
        checker.get_by_label("Hvorfor?").fill("Aftalt med familien")
        checker.get_by_role("button", name="Gem ny version").click()
        expect(checker.get_by_text("Version 2 af planen er gemt.")).to_be_visible()
        assert violations() == []
    finally:
        checker_context.close()
