"""The bad inputs found by testing the running product from outside (issue 9, "Why" 8 and 10):
each is answered with a clear Danish message, and what the user typed is shown again."""

import html as html_lib
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from boernesag.cases import services as case_services
from boernesag.cases.constants import MeetingKind
from boernesag.cases.models import JournalEntry, Meeting
from boernesag.cases.tests.factories import build_world
from boernesag.intake import services as intake_services
from boernesag.letters.models import Letter


@pytest.fixture
def w(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return html_lib.unescape(response.content.decode())


def test_a_216000_character_journal_text_is_refused_with_the_text_kept(w):
    text = ("Samtale med skolen. " * 10_800).strip() + "!"
    assert len(text) == 216_000
    response = client_for(w.caseworker).post(
        f"/sager/{w.case.pk}/journal/",
        {
            "kind": "note",
            "title": "Langt notat",
            "occurred_on": timezone.localdate().isoformat(),
            "text": text,
        },
    )
    assert response.status_code == 400
    html = page_text(response)
    assert "højst 50.000 tegn, og du har skrevet 216.000" in html
    assert "Højst 50.000 tegn." in html  # the limit is stated before anyone types
    assert text in html and 'value="Langt notat"' in html
    assert not JournalEntry.objects.filter(title="Langt notat").exists()


@pytest.mark.parametrize(
    "typed,message",
    [
        ("0001-01-01T00:00", "Datoen kan ikke ligge før"),
        ("9999-12-31T23:59", "Datoen kan ikke ligge efter"),
    ],
)
def test_a_meeting_in_year_1_or_9999_is_refused_with_the_agenda_kept(w, typed, message):
    response = client_for(w.caseworker).post(
        f"/sager/{w.case.pk}/moeder/",
        {"kind": MeetingKind.DIALOGUE_MEETING, "held_at": typed, "agenda": "Skolegang og trivsel"},
    )
    assert response.status_code == 400
    html = page_text(response)
    assert message in html
    assert f'value="{typed}"' in html and "Skolegang og trivsel" in html
    assert w.case.meetings.count() == 1


def test_a_meeting_already_stored_in_year_1_no_longer_breaks_the_case(w):
    """Stored before the forms refused it: year 1 at midnight in Danish time is 2 BC in UTC,
    which the database driver cannot read. The pages still work and show the bad date."""
    year_1 = timezone.make_aware(datetime(1, 1, 1, 0, 0))
    # today the service refuses it too (its event's payload holds dates 1900–2199) …
    with pytest.raises(ValidationError, match="held_at: skal ligge mellem 1900 og 2199"):
        case_services.meeting_create(
            case=w.case,
            by=w.caseworker,
            kind=MeetingKind.DIALOGUE_MEETING,
            held_at=year_1,
            agenda="Fejlindtastet",
        )
    assert not Meeting.objects.filter(agenda="Fejlindtastet").exists()
    # … so the old row is made as it was stored then
    meeting = case_services.meeting_create(
        case=w.case,
        by=w.caseworker,
        kind=MeetingKind.DIALOGUE_MEETING,
        held_at=timezone.now(),
        agenda="Fejlindtastet",
    )
    Meeting.objects.filter(pk=meeting.pk).update(held_at=year_1)
    client = client_for(w.caseworker)
    meetings = client.get(f"/sager/{w.case.pk}/moeder/")
    assert meetings.status_code == 200
    assert "Fejlindtastet" not in page_text(meetings)  # agenda is not listed; the row is
    assert "<td>2. jan. 0001 00:50</td>" in page_text(meetings)  # read as the first safe day
    assert client.get(f"/sager/{w.case.pk}/").status_code == 200
    stored = Meeting.objects.get(agenda="Fejlindtastet")
    assert stored.held_at.year == 1


def test_the_deadline_calculator_refuses_year_1_instead_of_failing(w):
    response = client_for(w.caseworker).get(
        "/frister/beregn/", {"rule_key": "report_assessment", "start": "0001-01-01T00:00"}
    )
    assert response.status_code == 200
    assert "Datoen kan ikke ligge før 1. januar 2000." in page_text(response)


def test_a_consent_dated_in_the_future_is_refused_with_the_form_kept(w):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(w.caseworker).post(
        f"/sager/{w.case.pk}/samtykker/",
        {
            "given_by": str(w.parent.pk),
            "scope": "info_from_school",
            "form": "written",
            "given_on": tomorrow.isoformat(),
            "description": "Samtykke til at tale med skolen",
        },
    )
    assert response.status_code == 400
    html = page_text(response)
    assert "Datoen kan ikke ligge i fremtiden." in html
    assert "Samtykke til at tale med skolen" in html


def register_data(w, **fields):
    return {
        "kind": "concern_report",
        "channel": "phone",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "notifier_kind": "school",
        "content": "Barnet kommer ofte sultent i skole.",
        "child_1_cpr": w.child.cpr,
        **fields,
    }


def test_a_notifier_name_over_200_characters_is_refused_with_everything_kept(w):
    name = "Lærer " + "Ølstrup-" * 30  # 246 characters
    response = client_for(w.intake).post(
        "/modtagelse/ny/", register_data(w, notifier_name=name, notifier_organisation="Skolen")
    )
    assert response.status_code == 400
    html = page_text(response)
    assert "højst 200 tegn, og du har skrevet 246" in html
    assert f'value="{name}"' in html and "Barnet kommer ofte sultent i skole." in html


def test_the_longest_allowed_name_and_organisation_give_a_receipt_not_an_error(
    w, django_capture_on_commit_callbacks
):
    """200 + 200 characters used to overflow the letter's recipient and the document title
    (500 when the receipt was sent)."""
    client = client_for(w.intake)
    response = client.post(
        "/modtagelse/ny/",
        register_data(w, notifier_name="N" * 200, notifier_organisation="O" * 200),
    )
    assert response.status_code == 302
    item = intake_services.IntakeItem.objects.get(notifier_name="N" * 200)
    with django_capture_on_commit_callbacks(execute=True):  # rendered and filed after commit
        response = client.post(f"/modtagelse/{item.pk}/brev/kvittering/")
    assert response.status_code == 302
    letter = Letter.objects.get(intake_item_id=item.pk)
    assert letter.recipient_name == "N" * 199 + "…"
    assert letter.documents.get().file


def test_a_request_body_over_the_limit_gets_a_danish_page(w, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client_for(w.caseworker).post(
        f"/sager/{w.case.pk}/journal/",
        {"kind": "note", "title": "x", "occurred_on": "2026-01-02", "text": "x" * 20_000},
    )
    assert response.status_code == 413
    html = page_text(response)
    assert "Det du sendte, er for stort" in html and "Intet er gemt" in html
    assert "Gå tilbage i browseren" in html


def test_formulas_in_the_compliance_export_are_neutralised(w):
    from boernesag.deadlines.calendar import TZ
    from boernesag.deadlines.models import Clock
    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    w.team_a.name = '=HYPERLINK("https://angriber.example","Klik")'
    w.team_a.save(update_fields=["name"])
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=200),
    )
    due = Clock.objects.get(rule_key="assessment_duration").due_at.astimezone(TZ)
    quarter = (due.month - 1) // 3 + 1
    response = client_for(w.manager).get(
        "/frister/lovoverholdelse/",
        {
            "kind": "quarter",
            "year": due.year,
            "number": quarter,
            "group": "team",
            "basis": "law",
            "format": "csv",
        },
    )
    text = response.content.decode("utf-8-sig")
    assert """;"'=HYPERLINK(""https://angriber.example"",""Klik"")";""" in text
    assert ';"=HYPERLINK' not in text and ";=HYPERLINK" not in text


@pytest.fixture
def protected(w):
    child = w.child
    child.address_protected = True
    child.institution = "Demoby Skole"
    child.school_district = "Distrikt Nord"
    child.save(update_fields=["address_protected", "institution", "school_district"])
    return child


def test_school_daycare_and_district_are_masked_like_the_address(w, protected):
    client = client_for(w.caseworker)
    for url in (f"/boern/{protected.pk}/", f"/sager/{w.case.pk}/"):
        html = page_text(client.get(url))
        assert "Adressebeskyttet" in html
        for secret in ("Demoby Skole", "Distrikt Nord", "Skolevej 1"):
            assert secret not in html, (url, secret)

    w.leader_a.may_see_protected_addresses = True
    w.leader_a.save(update_fields=["may_see_protected_addresses"])
    html = page_text(client_for(w.leader_a).get(f"/boern/{protected.pk}/"))
    assert "Demoby Skole" in html and "Distrikt Nord" in html and "Skolevej 1" in html


def test_the_display_functions_mask_only_protected_persons(w, protected):
    from boernesag.persons.display import person_institution, person_school_district

    assert person_institution(protected, w.caseworker) == "Adressebeskyttet"
    assert person_school_district(protected, w.caseworker) == "Adressebeskyttet"
    protected.address_protected = False
    assert person_institution(protected, w.caseworker) == "Demoby Skole"
    protected.address_protected, protected.institution = True, ""
    assert person_institution(protected, w.caseworker) == ""  # nothing to hide
