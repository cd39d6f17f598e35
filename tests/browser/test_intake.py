import pytest
from playwright.sync_api import expect

from boernesag.accounts.tests.factories import PASSWORD
from boernesag.cases.models import Case
from boernesag.cases.tests.factories import build_world
from boernesag.intake.models import IntakeChild
from boernesag.letters.models import Letter
from tests.browser.conftest import login


@pytest.fixture
def world(transactional_db):
    return build_world(phase_event=None)


def test_coordinator_registers_siblings_assesses_both_and_sends_a_receipt(page, world, axe):
    login(page, world.intake.email, PASSWORD)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Modtagelse").click()
    page.get_by_role("link", name="Registrér ny henvendelse").click()
    page.get_by_label("Modtaget via").select_option(label="Telefon")
    page.get_by_label("Underretter/afsender").select_option(label="Skole")
    page.get_by_label("Navn (frivillig)", exact=True).fill("Klasselærer Jonas Friis")
    page.get_by_label("Organisation").fill("Demoby Skole")
    page.get_by_label("Adresse (frivillig)", exact=True).fill("Skolevej 2\n9990 Demoby")
    page.get_by_label("Hvad handler henvendelsen om?").fill(
        "Søskende kommer ofte sultne i skole og har meget fravær."
    )
    page.get_by_label("Omsorgssvigt").check()
    page.get_by_label("Barn 1: CPR-nummer").fill("030415-4123")
    page.get_by_label("Barn 1: fornavn").fill("Alma")
    page.get_by_label("Barn 1: efternavn").fill("Berg")
    page.get_by_label("Barn 2: CPR-nummer").fill("1208184456")
    page.get_by_label("Barn 2: fornavn").fill("Bo")
    page.get_by_label("Barn 2: efternavn").fill("Berg")
    page.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Henvendelsen er registreret")).to_be_visible()
    assert axe(page, "/" + page.url.split("/", 3)[3]) == []

    # both children wait in the queue, with the 24 hours running
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Modtagelse").click()
    queue = page.get_by_role("table", name="Børn der afventer vurdering, mindst tid tilbage først")
    expect(queue.get_by_role("link", name="Alma Berg")).to_be_visible()
    expect(queue.get_by_role("link", name="Bo Berg")).to_be_visible()
    expect(queue.get_by_text("tilbage").first).to_be_visible()

    # Alma: a children's investigation, assigned to a caseworker
    queue.get_by_role("link", name="Alma Berg").click()
    page.get_by_role("link", name="Vurdér Alma Berg").click()
    page.get_by_role("group", name="Er barnets sundhed eller udvikling i fare?").get_by_label(
        "Ja"
    ).check()
    page.get_by_role("group", name="Er der behov for akut indsats?").get_by_label("Nej").check()
    page.get_by_role("group", name="Hvad sker der nu?").get_by_label(
        "Børnefaglig undersøgelse (BL § 20)"
    ).check()
    page.get_by_label("Begrundelse", exact=True).fill(
        "Vedvarende omsorgssvigt; undersøgelse er nødvendig."
    )
    page.get_by_label("Team").select_option(label="Team Nord")
    page.get_by_label("Sagsbehandler").select_option(label=world.caseworker.get_full_name())
    page.get_by_role("button", name="Gem vurdering").click()
    expect(page.get_by_text("Vurderingen er gemt.")).to_be_visible()

    # Bo: no further action, with reasons
    page.get_by_role("link", name="Vurdér Bo Berg").click()
    page.get_by_role("group", name="Er barnets sundhed eller udvikling i fare?").get_by_label(
        "Nej"
    ).check()
    page.get_by_role("group", name="Er der behov for akut indsats?").get_by_label("Nej").check()
    page.get_by_role("group", name="Hvad sker der nu?").get_by_label(
        "Ingen yderligere handling"
    ).check()
    page.get_by_label("Begrundelse", exact=True).fill(
        "Bo trives i skolen ifølge læreren; ingen bekymring."
    )
    page.get_by_role("button", name="Gem vurdering").click()
    expect(page.get_by_text("Ingen yderligere handling")).to_be_visible()

    page.get_by_role("button", name="Send kvittering").click()
    expect(page.get_by_text("Kvitteringen er lagt på sagen og i udbakken.")).to_be_visible()

    alma = IntakeChild.objects.get(child__first_name="Alma")
    bo = IntakeChild.objects.get(child__first_name="Bo")
    assert alma.outcome == "investigation" and alma.case.caseworker == world.caseworker
    assert Case.objects.get(pk=bo.case_id).closed_at is not None

    # the receipt is in the outbox ...
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Udbakke").click()
    expect(
        page.get_by_role("link", name="Kvittering for modtagelse af underretning – åbn PDF")
    ).to_be_visible()
    expect(page.get_by_text("Skal sendes", exact=True)).to_be_visible()
    assert Letter.objects.get().status == "to_send"  # rendered and filed after the commit
    page.get_by_label("Sendt som").select_option(label="Printet og sendt med posten")
    page.get_by_role("button", name="Markér som sendt").click()
    expect(page.get_by_text("Brevet er markeret som sendt.")).to_be_visible()

    # ... and on Alma's case, as a PDF the caseworker can open
    page.get_by_role("button", name="Log ud").click()
    login(page, world.caseworker.email, PASSWORD)
    page.goto(f"/sager/{alma.case_id}/dokumenter/")
    link = page.get_by_role("link", name="Kvittering for modtagelse af underretning")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_axe_on_intake_pages(page, world, axe):
    from django.utils import timezone

    from boernesag.intake import services

    item = services.intake_register(
        kind="concern_report",
        channel="phone",
        received_at=timezone.now(),
        notifier_kind="police",
        notifier_name="Kim Bøgh",
        content="Vold i hjemmet",
        by=world.intake,
        reasons=["violence"],
        children=[services.ChildRef(world.child.cpr)],
    )
    row = item.children.get()
    login(page, world.intake.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Goddag")
    for path in [
        "/modtagelse/",
        "/modtagelse/ny/",
        f"/modtagelse/{item.pk}/",
        f"/modtagelse/{item.pk}/barn/{row.pk}/vurder/",
        "/modtagelse/udbakke/",
        f"/boern/{world.child.pk}/",
    ]:
        assert axe(page, path) == [], path
