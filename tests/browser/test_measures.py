"""Measures in a real browser: the case page's panel, starting a measure from a granted
decision (with the refusal of a volume outside the frame), planning and recording a
follow-up with a score for each goal, and ending the measure — axe on every measure page,
also in its error state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.cases.tests.factories import build_world
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.measures.models import FollowUp, GoalScore, Measure
from boernesag.measures.tests.helpers import granted
from boernesag.plans.tests.helpers import made_plan
from tests.browser.test_people import activate, keyboard_login, type_into


@pytest.fixture
def world(transactional_db):
    w = build_world()
    cat = build_catalogue(w.admin)
    plan = made_plan(w, goals=2)
    w.decision = granted(w, cat, plan=plan)
    w.plan = plan
    return w


def test_a_measure_from_start_to_end_with_a_scored_follow_up(page, world, axe, csp_watch):
    w = world
    keyboard_login(page, w.caseworker.email)
    page.goto(f"/sager/{w.case.pk}/")
    panel = page.locator("#case-measures")
    expect(panel.get_by_role("heading", name="Indsatser")).to_be_visible()
    expect(panel.get_by_text("Ingen aktive indsatser.")).to_be_visible()
    assert axe(page, page.url) == []

    tabs = page.get_by_role("navigation", name="Sagens dele")
    activate(page, tabs.get_by_role("link", name="Indsatser"))
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("link", name="Iværksæt en indsats"))
    page.get_by_label("Afgørelse").select_option(str(w.decision.pk))
    page.get_by_label("Startdato (iværksat den)").fill(timezone.localdate().isoformat())
    volume = page.get_by_label("Omfang")
    volume.fill("")
    type_into(page, volume, "12")
    activate(page, page.get_by_role("button", name="Iværksæt"))
    # outside the frame (2–10 hours): refused, the input kept, the page still accessible
    expect(
        page.locator(".form-error-message").get_by_text("ligger uden for indsatsens ramme")
    ).to_be_visible()
    expect(page.get_by_label("Omfang")).to_have_value("12")
    assert axe(page, page.url) == []
    page.get_by_label("Omfang").fill("4")
    activate(page, page.get_by_role("button", name="Iværksæt"))
    expect(page.get_by_text("Indsatsen er iværksat.")).to_be_visible()
    expect(page.get_by_text("ingen gyldig kontrakt")).to_be_visible()
    measure = Measure.objects.get(case=w.case)
    assert axe(page, page.url) == []

    # plan the follow-up: the status meeting and the provider's report a week before
    activate(page, page.get_by_role("link", name="Planlæg opfølgning"))
    meeting = timezone.localtime() + timedelta(days=14)
    page.get_by_label("Statusmødets tidspunkt").fill(meeting.strftime("%Y-%m-%dT10:00"))
    type_into(page, page.get_by_label("Dagsorden"), "Status, Emmas syn og målene")
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("button", name="Planlæg"))
    expect(page.get_by_text("Statusmødet er planlagt.")).to_be_visible()

    # record it: a score for each goal of the plan
    follow_up = FollowUp.objects.get(measure=measure)
    page.goto(f"/sager/{w.case.pk}/indsatser/{measure.pk}/opfoelgning/{follow_up.pk}/")
    today = timezone.localdate().isoformat()
    page.get_by_label("Opfølgningen blev holdt den").fill(today)
    page.get_by_label("Samtale med barnet før mødet").fill(today)
    type_into(page, page.get_by_label("Barnets syn"), "Det går bedre")
    goals = list(w.plan.goals.order_by("id"))
    for goal, score in zip(goals, ["4", "3"], strict=True):
        page.locator(f"#id_score_{goal.pk}").select_option(score)
    page.get_by_label("Indsatsen fortsætter uændret").check()
    page.get_by_label("Næste opfølgning").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    type_into(page, page.get_by_label("Begrundelse for intervallet"), "Som aftalt på mødet")
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("button", name="Registrér opfølgningen"))
    expect(page.get_by_text("Opfølgningen er registreret.")).to_be_visible()
    assert GoalScore.objects.count() == 2

    # the case page's panel shows the measure and the goals' latest scores
    page.goto(f"/sager/{w.case.pk}/")
    expect(panel.get_by_text("4 – Næsten nået")).to_be_visible()
    expect(panel.get_by_role("link", name="Familiebehandling")).to_be_visible()
    assert axe(page, page.url) == []

    # the change page (no changing decision yet: it says where to make one) and the
    # supervision visit form
    page.goto(f"/sager/{w.case.pk}/indsatser/{measure.pk}/aendr/")
    expect(page.get_by_text("Der er ingen truffet afgørelse")).to_be_visible()
    assert axe(page, page.url) == []
    page.goto(f"/sager/{w.case.pk}/indsatser/{measure.pk}/tilsyn/ny/")
    assert axe(page, page.url) == []

    # end it
    page.goto(f"/sager/{w.case.pk}/indsatser/{measure.pk}/afslut/")
    page.get_by_label("Ophørt den").fill(today)
    page.get_by_label("Målet er nået").check()
    page.get_by_label("Målene er nået").check()
    assert axe(page, page.url) == []
    activate(page, page.get_by_role("button", name="Afslut indsatsen"))
    expect(page.get_by_text("Indsatsen er afsluttet.")).to_be_visible()
    measure.refresh_from_db()
    assert not measure.is_active
    assert axe(page, page.url) == []


@pytest.fixture
def placed(transactional_db):
    from boernesag.measures.tests.helpers import placement_granted, start

    w = build_world()
    cat = build_catalogue(w.admin)
    w.placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    return w


def test_a_placements_place_and_contact_with_the_parents(page, placed, axe, csp_watch):
    w = placed
    keyboard_login(page, w.caseworker.email)
    page.goto(f"/sager/{w.case.pk}/indsatser/{w.placement.pk}/")
    missing = "Anbringelsessted og samvær er ikke registreret endnu."
    expect(page.get_by_text(missing)).to_be_visible()
    activate(page, page.get_by_role("link", name="Anbringelsessted og samvær"))
    page.get_by_label("Anbringelsessted", exact=True).fill("Plejefamilien Skov")
    page.get_by_label("Hver anden uge").check()
    activate(page, page.get_by_role("button", name="Gem"))
    # the form of contact is missing: refused in Danish, the input kept, still accessible
    expect(page.get_by_text("Vælg hvordan samværet foregår.").first).to_be_visible()
    expect(page.get_by_label("Anbringelsessted", exact=True)).to_have_value("Plejefamilien Skov")
    assert axe(page, page.url) == []
    page.get_by_label("Hvordan foregår samværet?").select_option("home")
    type_into(page, page.get_by_label("Aftaler om samvær og kontakt"), "Weekender hos mor")
    activate(page, page.get_by_role("button", name="Gem"))
    expect(page.get_by_text("Anbringelsessted og samvær er gemt.")).to_be_visible()
    expect(page.get_by_text("Samvær i forældrenes hjem")).to_be_visible()
    assert Measure.objects.get(pk=w.placement.pk).contact_frequency == "fortnightly"
    assert axe(page, page.url) == []


def test_early_support_without_a_decision_on_the_measures_tab(page, world, axe, csp_watch):
    """Barnets Lov § 30: a non-visiteret service starts without a decision; the refusal of
    a missing request keeps the input; axe on the form in both states and on the measure."""
    from datetime import date

    from boernesag.catalogue import services as catalogue

    w = world
    version = catalogue.service_create(
        by=w.admin, name="Åben rådgivning", purpose="Trivsel", visiteret=False
    )
    catalogue.version_submit(version=version, by=w.admin)
    catalogue.version_approve(
        version=version, by=w.admin, approved_on=date(2024, 1, 1), body="Børne- og Ungeudvalget"
    )
    provider = w.decision.provider
    provider.services.add(version.service)
    keyboard_login(page, w.caseworker.email)
    page.goto(f"/sager/{w.case.pk}/indsatser/")
    activate(page, page.get_by_role("link", name="Start tidlig forebyggende indsats"))
    assert axe(page, page.url) == []
    page.get_by_label("Indsats (ikke visiteret)").select_option(str(version.service.pk))
    page.get_by_label("Leverandør").select_option(str(provider.pk))
    page.get_by_label("Startdato (iværksat den)").fill(timezone.localdate().isoformat())
    type_into(page, page.get_by_label("Omfang"), "2")
    activate(page, page.get_by_role("button", name="Iværksæt"))
    expect(page.get_by_text("Udfyld feltet.").first).to_be_visible()
    expect(page.get_by_label("Omfang")).to_have_value("2")
    assert axe(page, page.url) == []
    type_into(
        page,
        page.get_by_label("Hvem har anmodet om eller givet samtykke til indsatsen"),
        "Mor har selv bedt om rådgivning",
    )
    activate(page, page.get_by_role("button", name="Iværksæt"))
    expect(page.get_by_text("Den tidlige forebyggende indsats er iværksat.")).to_be_visible()
    expect(page.get_by_text("Barnets Lov § 30", exact=False).first).to_be_visible()
    measure = Measure.objects.get(case=w.case)
    assert measure.decision_id is None and measure.early_support
    assert axe(page, page.url) == []
