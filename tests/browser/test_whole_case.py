"""One whole case in a real browser, from the concern report to the closure (issue 13): the
intake coordinator registers a school's report, triages it within the 24 hours (investigate,
assigned to a caseworker) and sends the receipt; the caseworker decides the § 20
investigation with consent, records a conversation with the child and a home visit,
concludes (needs support), makes barnets plan with a measurable goal, decides family
treatment from the catalogue and sends it, starts the measure, plans and records a follow-up
that scores the goal and decides to end, ends the measure (goal met) and closes the case
through the checklist (refused first, then complete). axe on every page visited, also the
checklist's error state; at the end the case's events in order and its clocks, from the
database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.models import Case, CaseClosure
from boernesag.cases.tests.factories import build_world
from boernesag.catalogue import services as catalogue
from boernesag.deadlines.models import Clock
from boernesag.deadlines.rules import window_rule_keys
from boernesag.decisions.models import Decision
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.events.models import Event
from boernesag.intake.models import IntakeChild
from boernesag.measures.models import FollowUp, GoalScore, Measure
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import person_create, relation_add
from tests.browser.conftest import AXE_SOURCE, login
from tests.browser.test_people import activate

ALMA_CPR = "0304154123"


@pytest.fixture
def world(transactional_db):
    """The organisation (teams, a caseworker, an intake coordinator), the catalogue with
    family treatment (2–10 hours a week) from a provider at 500 kr. an hour under a contract,
    and Alma — known in the person register with her custody holder, without a case."""
    w = build_world(phase_event=None)
    w.cat = build_catalogue(w.admin)
    catalogue.contract_add(
        provider=w.cat.provider,
        title="Rammeaftale om familiebehandling",
        starts_on=date(2024, 1, 1),
        ends_on=None,
        services=[w.cat.family],
    )
    alma = person_create(cpr=ALMA_CPR, first_name="Alma", last_name="Berg", is_test=True)
    lise = person_create(cpr="1107881237", first_name="Lise", last_name="Berg", is_test=True)
    relation_add(child=alma, person=lise, kind=RelationKind.CUSTODY_HOLDER)
    w.alma = alma
    return w


def path_of(page) -> str:
    return "/" + page.url.split("/", 3)[3]


def test_one_case_from_concern_report_to_closure(page, world, axe, csp_watch, browser, live_server):
    w = world
    # letters are rendered to PDF in the request (the immediate task backend): on a loaded
    # machine a click that makes one may take longer than the default 10 s
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    today = timezone.localdate()
    checked: list[str] = []

    def check(path: str | None = None):
        path = path or path_of(page)
        violations = axe(page, path)
        assert violations == [], (path, violations)
        checked.append(path)

    def check_after(path: str, action):
        """axe on the page an action leads to (an error state): in a context with the same
        session that bypasses CSP, so that axe can be injected."""
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, storage_state=page.context.storage_state()
        )
        try:
            checker = context.new_page()
            checker.goto(path)
            action(checker)
            checker.wait_for_load_state("networkidle")
            checker.add_script_tag(content=AXE_SOURCE.read_text())
            found = checker.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => v.id)"
            )
            assert found == [], (path, found)
            checked.append(path + " (error state)")
        finally:
            context.close()

    # ---- 1. the intake coordinator registers the school's concern report ----------------
    login(page, w.intake.email, PASSWORD)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("link", name="Modtagelse").click()
    check()
    page.get_by_role("link", name="Registrér ny henvendelse").click()
    check()
    page.get_by_label("Modtaget via").select_option(label="Telefon")
    page.get_by_label("Underretter/afsender").select_option(label="Skole")
    page.get_by_label("Navn (frivillig)", exact=True).fill("Klasselærer Jonas Friis")
    page.get_by_label("Organisation").fill("Demoby Skole")
    page.get_by_label("Adresse (frivillig)", exact=True).fill("Skolevej 2\n9990 Demoby")
    page.get_by_label("Hvad handler henvendelsen om?").fill(
        "Alma kommer ofte sulten i skole og har meget fravær."
    )
    page.get_by_label("Omsorgssvigt").check()
    page.get_by_label("Barn 1: CPR-nummer").fill("030415-4123")
    page.get_by_label("Barn 1: fornavn").fill("Alma")
    page.get_by_label("Barn 1: efternavn").fill("Berg")
    page.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Henvendelsen er registreret")).to_be_visible()
    check()
    row = IntakeChild.objects.get(child=w.alma)
    case_id = row.case_id
    assert case_id is not None and case_id != w.case.pk  # a new case for Alma

    # ---- 2. the 24-hour triage: investigate, to a caseworker --------------------------------
    menu.get_by_role("link", name="Modtagelse").click()
    queue = page.get_by_role("table", name="Børn der afventer vurdering, mindst tid tilbage først")
    queue.get_by_role("link", name="Alma Berg").click()
    page.get_by_role("link", name="Vurdér Alma Berg").click()
    check()
    page.get_by_role("group", name="Er barnets sundhed eller udvikling i fare?").get_by_label(
        "Ja"
    ).check()
    page.get_by_role("group", name="Er der behov for akut indsats?").get_by_label("Nej").check()
    page.get_by_role("group", name="Hvad sker der nu?").get_by_label(
        "Børnefaglig undersøgelse (BL § 20)"
    ).check()
    page.get_by_label("Begrundelse", exact=True).fill(
        "Vedvarende fravær og sult; undersøgelse er nødvendig."
    )
    page.get_by_label("Team").select_option(label="Team Nord")
    page.get_by_label("Sagsbehandler").select_option(label=w.caseworker.get_full_name())
    page.get_by_role("button", name="Gem vurdering").click()
    expect(page.get_by_text("Vurderingen er gemt.")).to_be_visible()
    check()

    # the receipt to the school (the 6-weekday clock is not ended by closing the case: it
    # must be met) — made, then marked sent from the outbox
    page.get_by_role("button", name="Send kvittering").click()
    expect(page.get_by_text("Kvitteringen er lagt på sagen og i udbakken.")).to_be_visible(
        timeout=60_000
    )
    menu.get_by_role("link", name="Udbakke").click()
    check()
    page.get_by_label("Sendt som").select_option(label="Printet og sendt med posten")
    page.get_by_role("button", name="Markér som sendt").click()
    expect(page.get_by_text("Brevet er markeret som sendt.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # ---- 3. the caseworker decides the § 20 investigation, with consent -----------------
    login(page, w.caseworker.email, PASSWORD)
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
    page.goto(f"/sager/{case_id}/")
    check()
    tabs = page.get_by_role("navigation", name="Sagens dele")
    # the custody holder's consents, recorded on the case first
    tabs.get_by_role("link", name="Samtykker").click()
    check()
    for scope in ("Indhente oplysninger fra skole/dagtilbud", "Dele oplysninger med leverandør"):
        page.get_by_role("radio", name="Lise Berg (forældremyndighed)").check()
        page.get_by_label("Samtykke til").select_option(label=scope)
        page.get_by_role("button", name="Gem samtykke").click()
        expect(page.get_by_text("Samtykket er registreret.")).to_be_visible()
    tabs.get_by_role("link", name="Børnefaglig undersøgelse").click()
    expect(page.get_by_test_id("decision-missing")).to_be_visible()
    check()
    page.get_by_role("link", name="Træf afgørelse om børnefaglig undersøgelse").click()
    check()
    page.get_by_label("Barnets Lov § 20, stk. 2").check()
    page.get_by_label("Begrundelse").fill("Skolen beskriver stort fravær og sult.")
    page.get_by_label("Med samtykke").check()
    page.get_by_label("Lise Berg: Indhente oplysninger fra skole/dagtilbud").check()
    page.get_by_label("Fokusområder").fill("Fravær i skolen")
    page.get_by_role("button", name="Træf afgørelse og send brev").click()
    expect(page.get_by_text("klagevejledning er lagt i udbakken")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("assessment-status")).to_have_text("Afgørelse truffet")
    check()

    # a conversation with the child and a home visit, planned and recorded as held
    page.get_by_role("link", name="Ret planen og planlæg aktiviteter").click()
    check()
    for kind in ("Samtale med barnet (Barnets Lov § 5)", "Hjemmebesøg"):
        page.get_by_label("Aktivitet", exact=True).select_option(label=kind)
        page.get_by_label("Planlagt til").fill(today.isoformat())
        page.get_by_role("button", name="Planlæg aktivitet").click()
        expect(page.get_by_text("Aktiviteten er planlagt.")).to_be_visible()
    for kind, said in (
        ("Samtale med barnet (Barnets Lov § 5)", "Alma fortæller, at hun ofte er træt."),
        ("Hjemmebesøg", "Hjemmet er ryddeligt; morgenerne er svære."),
    ):
        page.get_by_role("link", name=kind).click()
        check()
        page.get_by_label("Ja").check()
        page.get_by_label("Gennemført den").fill(today.isoformat())
        page.get_by_label("Hvad kom frem").fill(said)
        page.get_by_label("Kilde").fill("Sagsbehandler")
        page.get_by_role("button", name="Gem").click()
        expect(page.get_by_text("Aktiviteten er registreret.")).to_be_visible()
        page.get_by_role("link", name="Tilbage til undersøgelsen").click()

    # concluded: Alma needs support
    page.get_by_role("link", name="Afslut undersøgelsen").click()
    check()
    page.get_by_label("Ja").check()
    page.get_by_label("Hvilken støtte").fill("Familiebehandling")
    page.get_by_label("Begrundelse").fill("Presset hverdag derhjemme.")
    page.get_by_label("Barnets syn (med barnets egne ord)").fill("Jeg vil gerne sove mere.")
    page.get_by_label("Forældrenes syn (med deres egne ord)").fill("Vi vil gerne have hjælp.")
    page.get_by_role("button", name="Afslut undersøgelsen").click()
    expect(page.get_by_text("Undersøgelsen er afsluttet.")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("assessment-status")).to_have_text("Afsluttet")
    check()

    # ---- 4. barnets plan with a measurable goal ------------------------------------------
    tabs.get_by_role("link", name="Planer").click()
    check()
    page.get_by_role("link", name="Opret barnets plan").click()
    check()
    expect(page.get_by_role("radio", name="Barnets plan")).to_be_checked()
    page.get_by_label("Overordnet formål").fill("Alma trives og møder i skole")
    page.get_by_role("button", name="Opret plan").click()
    expect(page.get_by_text("Planen er oprettet som kladde.")).to_be_visible()
    page.get_by_role("link", name="Tilføj mål").click()
    check()
    page.get_by_label("Område").select_option(label="Skole og dagtilbud")
    page.get_by_label("Hvad skal være anderledes?").fill("Alma møder i skole hver dag")
    page.get_by_label("Hvordan ved vi det?").fill("Skolens fraværsliste: under 5 % fravær")
    page.get_by_label("Hvornår skal målet være nået?").fill(
        (today + timedelta(days=120)).isoformat()
    )
    page.get_by_role("button", name="Tilføj").click()
    expect(page.get_by_text("Målet er tilføjet.")).to_be_visible()
    check()
    page.get_by_role("link", name="Markér planen som udarbejdet").click()
    check()
    page.get_by_role("button", name="Markér som udarbejdet").click()
    expect(page.get_by_text("Planen er udarbejdet (version 1).")).to_be_visible()

    # ---- 5. the support decision: family treatment from the catalogue, sent ---------------
    tabs.get_by_role("link", name="Afgørelser").click()
    check()
    page.get_by_role("link", name="Ny afgørelse").click()
    check()
    # the concluded investigation and the made plan it builds on (the only ones of the case)
    page.get_by_label("Den børnefaglige undersøgelse, afgørelsen bygger på").select_option(index=1)
    page.get_by_label("Barnets plan, afgørelsen bygger på").select_option(index=1)
    page.get_by_label("Bevilling").check()
    page.get_by_label("Indsats fra indsatskataloget").select_option(label="Familiebehandling")
    page.get_by_label("Leverandør").select_option(label="Familiecentret")
    page.get_by_label("Omfang (timer pr. uge)").fill("4")
    page.get_by_label("Startdato").fill(today.isoformat())
    page.get_by_label("Forventet varighed (uger)").fill("26")
    page.locator("#id_reasons").fill("Undersøgelsen viser et behov for støtte i hjemmet.")
    page.get_by_label("Formål med indsatsen").fill("At give Alma gode morgener")
    page.get_by_label("Barnets Lov § 32 stk. 1 nr. 3 – Familiebehandling").check()
    page.get_by_label("Barnets synspunkter (Barnets Lov § 5)").fill("Alma vil gerne have hjælp.")
    page.get_by_label("Skal der udarbejdes en plan? (Barnets Lov § 91, stk. 1)").select_option(
        "yes"
    )
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Afgørelsen er gemt som kladde.")).to_be_visible(timeout=30_000)
    problems = page.get_by_test_id("problems")
    assert problems.count() == 0, problems.all_inner_texts()
    check()
    activate(page, page.get_by_role("button", name="Træf afgørelsen"))
    expect(page.get_by_text("Afgørelsen er truffet.")).to_be_visible(timeout=30_000)
    check()
    activate(page, page.get_by_role("button", name="Send afgørelsen til parterne"))
    expect(page.get_by_text("Afgørelsen er lagt i udbakken til")).to_be_visible(timeout=90_000)
    decision = Decision.objects.get(case_id=case_id)
    assert decision.status == "sent"

    # ---- 6. the measure started from the decision --------------------------------------
    tabs.get_by_role("link", name="Indsatser").click()
    check()
    page.get_by_role("link", name="Iværksæt en indsats").click()
    check()
    page.get_by_label("Afgørelse").select_option(str(decision.pk))
    page.get_by_label("Startdato (iværksat den)").fill(today.isoformat())
    page.get_by_label("Omfang").fill("4")
    page.get_by_role("button", name="Iværksæt").click()
    expect(page.get_by_text("Indsatsen er iværksat.")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("ingen gyldig kontrakt")).to_have_count(0)  # the contract covers it
    measure = Measure.objects.get(case_id=case_id)
    assert (measure.provider, measure.volume) == (w.cat.provider, Decimal(4))
    check()

    # ---- 7. the follow-up: planned, held, the goal scored, the decision to end ----------
    page.get_by_role("link", name="Planlæg opfølgning").click()
    check()
    meeting = timezone.localtime() + timedelta(days=14)
    page.get_by_label("Statusmødets tidspunkt").fill(meeting.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Dagsorden").fill("Status, Almas syn og målet")
    page.get_by_role("button", name="Planlæg").click()
    expect(page.get_by_text("Statusmødet er planlagt.")).to_be_visible(timeout=60_000)
    follow_up = FollowUp.objects.get(measure=measure)
    page.locator(f'a[href$="/opfoelgning/{follow_up.pk}/"]').click()
    check()
    page.get_by_label("Opfølgningen blev holdt den").fill(today.isoformat())
    page.get_by_label("Samtale med barnet før mødet").fill(today.isoformat())
    page.get_by_label("Barnets syn").fill("Jeg kommer i skole hver dag nu.")
    goal = measure.plan.goals.get()
    page.locator(f"#id_score_{goal.pk}").select_option("5")
    page.get_by_label("Indsatsen skal ophøre").check()
    page.get_by_label("Samlet vurdering").fill("Målet er nået.")
    page.get_by_role("button", name="Registrér opfølgningen").click()
    expect(page.get_by_text("Opfølgningen er registreret.")).to_be_visible()
    check()
    assert list(GoalScore.objects.filter(goal=goal).values_list("score", flat=True)) == [5]

    # ---- 8. the measure ended: goal met ---------------------------------------------------
    page.get_by_role("link", name="Afslut indsatsen").click()
    check()
    page.get_by_label("Ophørt den").fill(today.isoformat())
    page.get_by_label("Målet er nået").check()
    page.get_by_label("Målene er nået").check()
    page.get_by_role("button", name="Afslut indsatsen").click()
    expect(page.get_by_text("Indsatsen er afsluttet.")).to_be_visible(timeout=60_000)
    measure.refresh_from_db()
    assert (measure.status, measure.end_reason) == ("ended", "goal_met")
    check()

    # ---- 9. the closure checklist: refused with what is missing, then complete ----------
    page.goto(f"/sager/{case_id}/")
    course = page.get_by_role("region", name="Forløb")
    course.get_by_role("link", name="Afslut sagen").click()
    expect(page.get_by_role("heading", name="Afslut sagen")).to_be_visible()
    check()
    close_path = path_of(page)

    def submit_incomplete(p):
        p.get_by_role("button", name="Afslut sagen").click()
        expect(p.locator("#closure-missing")).to_contain_text(
            "Sagen er ikke afsluttet – dette mangler"
        )

    check_after(close_path, submit_incomplete)  # axe on the error state itself

    yesterday = today - timedelta(days=1)
    page.get_by_label("Hvorfor afsluttes sagen").fill("Målet er nået")
    page.get_by_role("group", name="Har der været dialog med barnet eller den unge?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Dato for dialogen med barnet", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Hvordan dialogen med barnet foregik (samtale, hjemmebesøg …)").fill(
        "Samtale i skolen"
    )
    page.get_by_role("button", name="Afslut sagen").click()
    missing = page.locator("#closure-missing")
    expect(missing).to_contain_text("Sagen er ikke afsluttet – dette mangler")
    expect(missing).to_contain_text("Dialog med forældrene")
    expect(
        page.get_by_label("Hvordan dialogen med barnet foregik (samtale, hjemmebesøg …)")
    ).to_have_value("Samtale i skolen")
    assert Case.objects.get(pk=case_id).closed_at is None

    page.get_by_role("group", name="Har der været dialog med forældrene?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Dato for dialogen med forældrene", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Hvordan dialogen med forældrene foregik").fill("Møde med Lise Berg")
    page.get_by_role(
        "group", name="Er der modtaget aktuel status fra skole eller dagtilbud?"
    ).get_by_label("Ja").check()
    page.get_by_label("Status fra skole/dagtilbud modtaget", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Status fra skole/dagtilbud: fra hvem").fill("Klasselærer")
    page.get_by_role("group", name="Er der modtaget aktuel status fra leverandøren?").get_by_label(
        "Ja"
    ).check()
    page.get_by_label("Status fra leverandøren modtaget", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Status fra leverandøren: fra hvem").fill("Familiecentret")
    page.get_by_label("Afsluttende vurdering").fill("Alma møder i skole og trives.")
    page.get_by_label("Parterne orienteret om afslutningen", exact=True).fill(yesterday.isoformat())
    page.get_by_role("group", name="Er underretteren orienteret?").get_by_label(
        "Orienteret"
    ).check()
    page.get_by_role("group", name="Er leverandøren orienteret?").get_by_label("Orienteret").check()
    # PRODUCT BUG (reported with this test): the triage starts the 4-month clock with the
    # report as its subject (intake.services.intake_triage → assessment_started, subject the
    # IntakeChild), the conclusion stops it with the assessment as subject
    # (assessment_concluded), and the engine matches a stop to a clock with another subject
    # never — so the investigation's clock still runs after the conclusion and the
    # checklist asks for it to be explained. The product's own path around it is that
    # explanation (the closure then cancels the clock); the database check below still
    # demands the clock stopped by the conclusion, so this test fails until the bug is fixed.
    stale = page.get_by_label("Børnefaglig undersøgelse afsluttet inden for 4 måneder")
    if stale.count():
        stale.fill("Undersøgelsen er afsluttet; fristen burde være stoppet (fejl).")
    page.get_by_role("button", name="Afslut sagen").click()
    expect(page.get_by_text("Sagen er afsluttet.")).to_be_visible()
    check()

    # ---- 10. the case shows as closed ----------------------------------------------------
    page.goto(f"/sager/{case_id}/")
    course = page.get_by_role("region", name="Forløb")
    expect(course.get_by_test_id("course-phase")).to_have_text("8. Afslutning")
    expect(course.get_by_text("Afsluttet", exact=True).first).to_be_visible()
    expect(course.get_by_role("link", name="Genåbn sagen")).to_be_visible()
    expect(course.get_by_role("link", name="Afslut sagen")).to_have_count(0)
    check()

    # ---- from the database: the events in order, the clocks ------------------------------
    case = Case.objects.get(pk=case_id)
    assert case.closed_at is not None and not case.is_open
    assert CaseClosure.objects.filter(case=case).count() == 1
    kinds = list(Event.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    expected = [
        "report_received",
        "report_triaged",
        "assessment_started",
        "receipt_sent",
        "assessment_decided",
        "assessment_concluded",
        "plan_made",
        "decision_made",
        "measure_started",
        "follow_up_held",
        "measure_ended",
        "case_closed",
    ]
    positions = [kinds.index(kind) for kind in expected]  # ValueError names a missing kind
    assert positions == sorted(positions), kinds
    assert kinds[-1] == "case_closed", kinds
    for once in ("report_received", "report_triaged", "measure_started", "case_closed"):
        assert kinds.count(once) == 1, (once, kinds)

    clocks = {c.rule_key: c for c in Clock.objects.filter(case=case)}

    def met(key):
        clock = clocks[key]
        assert clock.stopped_at is not None and clock.cancelled_at is None, (
            key,
            clock.subject,
            clock.stopped_at,
            clock.cancelled_at,
        )
        assert clock.stopped_at <= clock.due_at, key

    met("report_triage")  # within the 24 hours
    met("notifier_receipt")  # the school's receipt within 6 weekdays
    met("plan_after_support_decision")  # the plan (made before the decision) satisfies it
    # the follow-up clock: its first period stopped by the follow-up held; the next period
    # the engine opens (restart on stop) is cancelled when the measure ends
    follow = list(
        Clock.objects.filter(case=case, rule_key="measure_follow_up").order_by("sequence")
    )
    ended_at = Event.objects.get(case=case, kind="measure_ended").occurred_at
    assert len(follow) == 2, follow
    assert follow[0].stopped_at is not None and follow[0].cancelled_at is None
    assert follow[0].stopped_at <= follow[0].due_at
    assert (follow[1].stopped_at, follow[1].cancelled_at) == (None, ended_at)
    # nothing left running but the family's appeal windows (they simply run out)
    running = Clock.objects.filter(case=case).running().exclude(rule_key__in=window_rule_keys())
    assert not running.exists(), [(c.rule_key, c.due_at) for c in running]
    assert len(checked) >= 25, checked
    assert csp_watch.violations == []
    # concluded within the 4 months — fails today: the conclusion does not stop the clock the
    # triage started (different subjects; see the closure step above)
    met("assessment_duration")
