from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.models import Clock
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from tests.browser.conftest import login

RULE = "Børnefaglig undersøgelse afsluttet inden for 4 måneder"


@pytest.fixture
def world(transactional_db):
    w = build_world(phase_event=None)
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=130),
    )
    return w


def test_caseworker_sees_the_due_deadline_on_start_page_and_case_page(page, world, csp_watch):
    login(page, world.caseworker.email, PASSWORD)
    # the front page opens on "Min uge": the overdue deadline first, under its child
    deadlines = page.locator("section.app-front")
    expect(deadlines.get_by_text(RULE)).to_be_visible()
    expect(deadlines.get_by_text("Overskredet:")).to_be_visible()
    deadlines.get_by_role("link", name=RULE).first.click()
    panel = page.locator("#case-deadlines")
    expect(panel.get_by_role("cell", name=f"{RULE} Barnets Lov")).to_be_visible()
    expect(panel.get_by_text("Barnets Lov § 20, stk. 3")).to_be_visible()
    # pause with a reason, from the keyboard
    panel.get_by_label(f"Begrundelse for at sætte fristen i bero: {RULE}").fill(
        "Afventer forældrenes samtykke"
    )
    panel.get_by_label(f"Begrundelse for at sætte fristen i bero: {RULE}").press("Enter")
    expect(page.get_by_text("Fristen er sat i bero")).to_be_visible()
    expect(
        page.locator("#case-deadlines").get_by_text("I bero: Afventer forældrenes samtykke")
    ).to_be_visible()
    assert csp_watch.violations == []


def test_manager_opens_compliance_and_drills_down_to_the_case(page, world, axe):
    due = Clock.objects.get(rule_key="assessment_duration").due_at.astimezone(TZ)
    login(page, world.manager.email, PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Lovoverholdelse"
    ).click()
    page.get_by_label("År").fill(str(due.year))
    page.get_by_label("Kvartal/måned nr.").fill(str((due.month - 1) // 3 + 1))
    page.get_by_role("button", name="Vis").click()
    row = page.get_by_role("row").filter(has_text=RULE)
    expect(row).to_contain_text("Team Nord")
    expect(row).to_contain_text("0 %")
    row.get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{RULE}: Overskredet")
    expect(page.get_by_role("cell", name=world.case.reference)).to_be_visible()
    # no child's name (the full name: a random staff name may contain "Emma")
    expect(page.get_by_text("Emma Hansen")).to_have_count(0)
    assert axe(page, page.url.replace(page.url.split("/frister")[0], "")) == []


def test_team_leader_follows_the_drilldown_into_the_case(page, world):
    due = Clock.objects.get(rule_key="assessment_duration").due_at.astimezone(TZ)
    login(page, world.leader_a.email, PASSWORD)
    quarter = (due.month - 1) // 3 + 1
    page.goto(
        f"/frister/lovoverholdelse/?kind=quarter&year={due.year}&number={quarter}"
        "&group=team&basis=law"
    )
    page.get_by_role("row").filter(has_text=RULE).get_by_role("link", name="1").click()
    page.get_by_role("link", name=world.case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Emma Hansen")


def test_axe_on_deadline_pages(page, world, axe):
    login(page, world.admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")
    for path in [
        "/frister/regler/",
        "/frister/beregn/?rule_key=report_triage&start=2026-03-27T19:00",
        "/frister/beregn/?forloeb=2026-01-05+measure_started+measure_kind%3Dsupport",
        "/frister/beregn/?forloeb=2026-01-05+measure_started+measure_kind%3Dfoster",
    ]:
        assert axe(page, path) == [], path
    page.get_by_role("button", name="Log ud").click()
    login(page, world.caseworker.email, PASSWORD)
    expect(page.locator("section.app-front").get_by_text(RULE)).to_be_visible()
    assert axe(page, "/frister/mine/") == []
    assert axe(page, f"/sager/{world.case.pk}/") == []


def test_a_lawyer_tries_a_timeline_on_the_calculator_page(page, world, axe):
    login(page, world.caseworker.email, PASSWORD)
    page.goto("/frister/beregn/")
    timeline = page.get_by_role("textbox", name="Forløb")
    timeline.fill(
        "født 2012-05-01\n"
        "2025-01-15 10:00 measure_started measure_kind=placement_with_consent\n"
        "2025-03-01 supervision_visit_held\n"
        "2025-04-01 follow_up_held next_follow_up_due=2025-09-30\n"
    )
    page.get_by_role("button", name="Beregn frister").click()
    table = page.get_by_test_id("simulation")
    visit = table.get_by_role("row").filter(has_text="Tilsynsbesøg hos anbragt barn (2.)")
    expect(visit).to_contain_text("1. sep.")  # 6 months after the visit, whatever its payload
    follow_up = table.get_by_role("row").filter(has_text="Opfølgning på indsatsen (2.)")
    expect(follow_up).to_contain_text("30. sep.")  # the date the municipality set …
    expect(follow_up).to_contain_text("2025 23:59")  # … to the end of that day
    # a mistake names the line and the field, and keeps what was typed
    page.get_by_role("textbox", name="Forløb").fill(
        "2025-01-15 measure_started measure_kind=plejefamilie"
    )
    page.get_by_role("button", name="Beregn frister").click()
    expect(page.get_by_text("linje 1, events[0].payload.measure_kind")).to_be_visible()
    expect(page.get_by_role("textbox", name="Forløb")).to_have_value(
        "2025-01-15 measure_started measure_kind=plejefamilie"
    )
    # the same error state, opened by a link (?forloeb=), passes axe
    assert (
        axe(page, "/frister/beregn/?forloeb=2025-01-15+measure_started+measure_kind%3Dplejefamilie")
        == []
    )
