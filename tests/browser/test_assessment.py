"""The children's investigation in a real browser, the whole path: the § 20 decision → the
plan with two activities → both recorded → a section → the draft to the family → their
comments → the conclusion (refused first without the views), with axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.assessments.models import Assessment
from boernesag.cases.tests.factories import build_world
from tests.browser.conftest import login


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_caseworker_carries_an_investigation_from_decision_to_conclusion(
    page, world, axe, csp_watch
):
    today = timezone.localdate()
    checked = []

    def check(path=None):
        path = path or page.url.removeprefix(page.url.split("/sager/")[0])
        assert axe(page, path) == [], path
        checked.append(path)

    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{world.case.pk}/")
    page.get_by_role("navigation", name="Sagens dele").get_by_role(
        "link", name="Børnefaglig undersøgelse"
    ).click()
    expect(page.get_by_test_id("decision-missing")).to_be_visible()
    check()

    # the § 20 decision
    page.get_by_role("link", name="Træf afgørelse om børnefaglig undersøgelse").click()
    check()
    page.get_by_label("Barnets Lov § 20, stk. 2").check()
    page.get_by_label("Begrundelse").fill("Skolen beskriver stort fravær.")
    page.get_by_label("Med samtykke").check()
    page.get_by_label("Mette Hansen: Indhente oplysninger").check()
    page.get_by_label("Fokusområder").fill("Fravær i skolen")
    page.get_by_role("button", name="Træf afgørelse og send brev").click()
    expect(page.get_by_text("klagevejledning er lagt i udbakken")).to_be_visible()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Afgørelse truffet")
    check()

    # the plan: two activities
    page.get_by_role("link", name="Ret planen og planlæg aktiviteter").click()
    check()
    for kind in ("Hjemmebesøg", "Samtale med barnet (Barnets Lov § 5)"):
        page.get_by_label("Aktivitet", exact=True).select_option(label=kind)
        page.get_by_label("Planlagt til").fill(today.isoformat())
        page.get_by_role("button", name="Planlæg aktivitet").click()
        expect(page.get_by_text("Aktiviteten er planlagt.")).to_be_visible()

    # record both: the visit held, the conversation not (with why)
    page.get_by_role("link", name="Hjemmebesøg").click()
    check()
    page.get_by_label("Ja").check()
    page.get_by_label("Gennemført den").fill((today + timedelta(days=1)).isoformat())
    page.get_by_label("Hvad kom frem").fill("Hjemmet er ryddeligt.")
    page.get_by_role("button", name="Gem").click()
    expect(
        page.get_by_text("kan ikke registreres som gennemført på en dato i fremtiden").first
    ).to_be_visible()
    expect(page.get_by_label("Hvad kom frem")).to_have_value("Hjemmet er ryddeligt.")
    page.get_by_label("Gennemført den").fill(today.isoformat())
    page.get_by_label("Kilde").fill("Hjemmebesøg ved sagsbehandler")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Aktiviteten er registreret.")).to_be_visible()
    page.get_by_role("link", name="Samtale med barnet (Barnets Lov § 5)").click()
    page.get_by_label("Nej").check()
    page.get_by_label("Hvorfor blev den ikke gennemført").fill("Emma var syg.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Emma var syg.")).to_be_visible()

    # a section
    page.get_by_role("link", name="Tilbage til undersøgelsen").click()
    page.get_by_role("link", name="Skriv afsnittet »Udvikling og adfærd«").click()
    check()
    page.get_by_label("Udvikling og adfærd").fill("Emma er glad og nysgerrig.")
    page.get_by_role("button", name="Gem afsnittet").click()
    expect(page.get_by_text("Afsnittet er gemt.")).to_be_visible()
    expect(page.get_by_text("Emma er glad og nysgerrig.")).to_be_visible()

    # the draft to the family, and their comments
    page.get_by_role("link", name="Send udkast til familien").click()
    check()
    page.get_by_label("Frist for familiens bemærkninger").fill(
        (today + timedelta(days=10)).isoformat()
    )
    page.get_by_role("button", name="Send udkastet").click()
    expect(page.get_by_text("Udkastet er lagt i udbakken til familien.")).to_be_visible()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Udkast sendt til familien")
    page.get_by_role("link", name="Registrér familiens bemærkninger").click()
    check()
    page.get_by_label("Familiens bemærkninger").fill("Mor er enig.")
    page.get_by_role("button", name="Gem bemærkningerne").click()
    expect(page.get_by_text("Familiens bemærkninger er registreret.")).to_be_visible()

    # the conclusion: refused without the views, then concluded
    page.get_by_role("link", name="Afslut undersøgelsen").click()
    check()
    page.get_by_label("Ja").check()
    page.get_by_label("Hvilken støtte").fill("Familiebehandling")
    page.get_by_label("Begrundelse").fill("Presset hverdag derhjemme.")
    page.get_by_role("button", name="Afslut undersøgelsen").click()
    expect(page.get_by_text("Skriv barnets syn med barnets egne ord").first).to_be_visible()
    expect(page.get_by_label("Hvilken støtte")).to_have_value("Familiebehandling")
    page.get_by_label("Hvis der ikke er holdt samtale med barnet: hvorfor").fill(
        "Emma var syg; samtalen holdes efter undersøgelsen."
    )
    page.get_by_label("Forældrenes syn (med deres egne ord)").fill("Vi vil gerne have hjælp.")
    page.get_by_role("button", name="Afslut undersøgelsen").click()
    expect(page.get_by_text("Undersøgelsen er afsluttet.")).to_be_visible()
    expect(page.get_by_test_id("assessment-status")).to_have_text("Afsluttet")
    check()

    assessment = Assessment.objects.get(case=world.case)
    assert assessment.status == "concluded" and assessment.family_comments == "Mor er enig."
    assert assessment.report_document is not None  # the PDF, filed after commit
    assert len(checked) == 10
    assert csp_watch.violations == []
