"""Letters that name the notifier are filed so that only those allowed to see the notifier
can open them: intake coordinators and the case's responsible caseworker (issue 9 item 7).
To everyone else who can see the case they do not exist: not listed, 404 on download."""

from __future__ import annotations

import pytest
from django.test import Client

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.constants import DocumentAudience, Phase
from boernesag.cases.selectors import documents_visible_to
from boernesag.cases.services import case_reassign
from boernesag.cases.tests.factories import build_world
from boernesag.intake import services as intake
from tests.letters.helpers import report, siblings


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    w = build_world(phase_event=None)
    alma, bo = siblings()
    item = report(w, children=[alma, bo], notifier_name="Lærer Lise Ølstrup")
    alma_row, bo_row = item.children.order_by("pk")
    # Alma's case goes to the caseworker, her brother's to the colleague in the same team;
    # both are still in triage, where intake sees them too
    case_reassign(
        case=alma_row.case, caseworker=w.caseworker, team=w.team_a, by=w.intake,
        reason="Fordelt", expected_version=None,
    )  # fmt: skip
    case_reassign(
        case=bo_row.case, caseworker=w.colleague, team=w.team_a, by=w.intake,
        reason="Fordelt", expected_version=None,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)
    alma_case, bo_case = alma_row.case, bo_row.case
    alma_case.refresh_from_db()
    assert alma_case.phase in (Phase.INQUIRY, Phase.TRIAGE)
    w.letter = letter
    w.alma_case, w.bo_case = alma_case, bo_case
    w.alma_letter = letter.documents.get(case=alma_case)
    w.bo_letter = letter.documents.get(case=bo_case)
    return w


def get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def download(case, document):
    return f"/sager/{case.pk}/dokumenter/{document.pk}/hent/"


def test_the_letter_is_filed_for_the_notifiers_audience(world):
    assert world.alma_letter.audience == DocumentAudience.NOTIFIER
    assert world.bo_letter.audience == DocumentAudience.NOTIFIER


def test_the_responsible_caseworker_and_intake_open_it(world):
    url = download(world.alma_case, world.alma_letter)
    for user in (world.caseworker, world.intake):
        response = get(user, url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        listing = get(user, f"/sager/{world.alma_case.pk}/dokumenter/").content.decode()
        assert url in listing
    # the colleague is responsible for the brother: his copy opens for her
    assert get(world.colleague, download(world.bo_case, world.bo_letter)).status_code == 200


def test_the_siblings_caseworker_the_team_and_its_leader_get_404(world):
    url = download(world.alma_case, world.alma_letter)
    for user in (world.colleague, world.leader_a):
        assert get(user, url).status_code == 404, user
        listing = get(user, f"/sager/{world.alma_case.pk}/dokumenter/")
        assert listing.status_code == 200
        html = listing.content.decode()
        assert url not in html and "Kvittering" not in html
    # the restriction is only on the letter: an ordinary document of the case still opens
    ordinary = world.case.documents.get(title="Skoleudtalelse")
    assert get(world.colleague, download(world.case, ordinary)).status_code == 200


def test_those_who_cannot_see_the_case_get_nothing(world):
    url = download(world.alma_case, world.alma_letter)
    for user in (world.other_caseworker, world.leader_b, world.manager, world.finance, world.admin):
        # the case gate answers 403 today; the "gate" work makes it 404 — either way nothing
        assert get(user, url).status_code in (403, 404), user
        assert not documents_visible_to(user, world.alma_case).exists()


def test_the_selector_is_the_rule(world):
    visible = documents_visible_to(world.colleague, world.alma_case)
    assert world.alma_letter not in visible
    assert set(documents_visible_to(world.caseworker, world.alma_case)) == set(
        world.alma_case.documents.all()
    )


def test_the_outbox_opens_the_pdf_for_intake_only_and_logs_each_child(world):
    url = f"/modtagelse/udbakke/{world.letter.pk}/pdf/"
    before = AccessLogEntry.objects.count()
    response = get(world.intake, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # one row for the page, naming each child (and case) the letter is filed on
    [row] = AccessLogEntry.objects.order_by("pk")[before:]
    assert (row.user_id, row.what, row.child_id) == (world.intake.pk, "letter_pdf", None)
    assert set(row.children_shown.values_list("child_id", "case_id")) == {
        (world.alma_case.child_id, world.alma_case.pk),
        (world.bo_case.child_id, world.bo_case.pk),
    }
    for user in (world.caseworker, world.leader_a, world.admin, world.manager):
        assert get(user, url).status_code == 403, user
        assert get(user, "/modtagelse/udbakke/").status_code == 403, user
    outbox = get(world.intake, "/modtagelse/udbakke/").content.decode()
    assert url in outbox and world.alma_case.reference in outbox and "Skal sendes" in outbox
