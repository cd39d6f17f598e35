from datetime import timedelta
from io import BytesIO
from unittest import mock
from zipfile import ZipFile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from boernesag.cases import services
from boernesag.cases.constants import ConsentForm, EventKind, JournalKind, Phase
from boernesag.cases.documents import DocumentRejected
from boernesag.cases.models import Case, JournalEntry, Reassignment
from boernesag.cases.tests.factories import PDF, build_world, child, pdf_upload
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.services import event_write


@pytest.fixture
def w(db):
    return build_world()


def test_a_child_has_at_most_one_open_case(w):
    with pytest.raises(ValidationError, match="allerede en åben sag"):
        services.case_open(
            child=w.child, caseworker=w.caseworker, team=w.team_a, opened_by=w.caseworker
        )
    assert Case.objects.filter(child=w.child).count() == 1
    services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    second = services.case_open(
        child=w.child, caseworker=w.caseworker, team=w.team_a, opened_by=w.caseworker
    )
    assert second.is_open and Case.objects.filter(child=w.child).count() == 2


def test_opening_a_case_writes_its_event_and_keeps_the_reason_out_of_it(w):
    event = w.case.events.order_by("id").first()
    assert (event.kind, event.actor, event.typed) == (
        EventKind.CASE_OPENED,
        w.intake,
        ev.CaseOpened(team=w.team_a.pk, caseworker=w.caseworker.pk),
    )
    assert w.case.opened_reason == "Underretning fra skolen"
    assert "Underretning" not in str(event.payload)


def test_reassigning_writes_who_from_whom_to_whom_and_keeps_the_reason_in_a_row(w):
    case = services.case_reassign(
        case=w.case,
        caseworker=w.other_caseworker,
        team=w.team_b,
        by=w.leader_a,
        reason="Barnet flytter til Syd",
        expected_version=w.case.version,
    )
    assert (case.team, case.caseworker) == (w.team_b, w.other_caseworker)
    event = case.events.get(kind=EventKind.CASE_REASSIGNED)
    move = Reassignment.objects.get(pk=event.typed.reassignment)
    assert (move.reason, move.from_team, move.to_team) == (
        "Barnet flytter til Syd",
        w.team_a,
        w.team_b,
    )
    assert "flytter" not in str(event.payload)


def test_phase_follows_the_main_course_also_when_recorded_late(w):
    assert w.case.phase == Phase.ASSESSMENT
    event_write(ev.PlanMade(), case=w.case, actor=w.caseworker)
    assert Case.objects.get(pk=w.case.pk).phase == Phase.PLAN
    # a report triaged long ago, recorded now, does not move the phase back
    late = event_write(
        ev.ReportTriaged(outcome="investigation"),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=25),
    )
    assert late.recorded_late
    assert Case.objects.get(pk=w.case.pk).phase == Phase.PLAN


def test_journal_date_in_the_future_is_refused(w):
    with pytest.raises(ValidationError):
        services.journal_write(
            case=w.case,
            author=w.caseworker,
            kind=JournalKind.NOTE,
            title="x",
            text="y",
            occurred_on=timezone.localdate() + timedelta(days=1),
        )


def test_only_the_author_corrects_and_only_within_the_window(w, settings):
    entry = w.case.journal_entries.get()
    with pytest.raises(services.NotAllowed, match="Kun forfatteren"):
        services.journal_correct(
            entry=entry, author=w.colleague, title="t", text="x", expected_version=entry.version
        )
    services.journal_correct(
        entry=entry,
        author=w.caseworker,
        title="Første notat",
        text="Rettet tekst",
        expected_version=1,
    )
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("Rettet tekst", 2)
    # the earlier text is kept in history
    texts = list(entry.history.order_by("pgh_id").values_list("text", flat=True))
    assert texts == ["Samtale med skolen om fravær.", "Rettet tekst"]
    later = timezone.now() + timedelta(hours=settings.JOURNAL_CORRECTION_HOURS, minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        pytest.raises(services.NotAllowed, match="Skriv en tilføjelse"),
    ):
        services.journal_correct(
            entry=entry, author=w.caseworker, title="t", text="z", expected_version=2
        )
    addendum = services.journal_addendum(entry=entry, author=w.caseworker, text="Supplement")
    assert addendum.addendum_to == entry
    assert w.case.events.filter(kind=EventKind.JOURNAL_ADDENDUM).count() == 1


def test_two_people_correcting_at_once_the_second_gets_a_conflict_and_keeps_her_text(w):
    entry = w.case.journal_entries.get()
    first, second = Client(), Client()
    first.force_login(w.caseworker)
    second.force_login(w.caseworker)
    url = f"/sager/{w.case.pk}/journal/{entry.pk}/ret/"
    first.post(url, {"title": "Første notat", "text": "Version A", "version": 1})
    response = second.post(url, {"title": "Første notat", "text": "Version B", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "En anden har gemt ændringer" in html
    assert "Version B" in html  # what she typed
    assert "Version A" in html  # the saved version, to compare
    entry.refresh_from_db()
    assert entry.text == "Version A"
    # saving again now works, on top of the current version
    assert (
        second.post(
            url, {"title": "Første notat", "text": "Version B", "version": entry.version}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is an exe", "passer ikke med endelsen .pdf"),
        ("billede.png", PDF, "passer ikke med endelsen .png"),
        ("script.exe", b"MZ\x90\x00", "Filtypen .exe kan ikke gemmes"),
        ("tom.pdf", b"", "Filen er tom"),
    ],
)
def test_disguised_or_unknown_files_are_refused(w, name, content, message):
    before = w.case.documents.count()
    with pytest.raises(DocumentRejected, match=message):
        services.document_add(
            case=w.case,
            uploaded_by=w.caseworker,
            file=SimpleUploadedFile(name, content),
            title="x",
            kind="other",
            document_date=timezone.localdate(),
        )
    assert w.case.documents.count() == before


def test_office_documents_are_recognised_by_content(w):
    buffer = BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    doc = services.document_add(
        case=w.case,
        uploaded_by=w.caseworker,
        file=SimpleUploadedFile("notat.docx", buffer.getvalue()),
        title="Notat",
        kind="other",
        document_date=timezone.localdate(),
    )
    assert doc.content_type.endswith("wordprocessingml.document")
    with pytest.raises(DocumentRejected):
        services.document_add(
            case=w.case,
            uploaded_by=w.caseworker,
            file=SimpleUploadedFile("ark.xlsx", buffer.getvalue()),
            title="Ark",
            kind="other",
            document_date=timezone.localdate(),
        )


def test_oversized_upload_keeps_what_was_typed(w, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    client = Client()
    client.force_login(w.caseworker)
    response = client.post(
        f"/sager/{w.case.pk}/dokumenter/",
        {
            "file": pdf_upload(content=PDF + b"x" * 200),
            "title": "Stor udtalelse",
            "kind": "statement",
            "document_date": "2026-01-02",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filen er for stor" in html
    assert 'value="Stor udtalelse"' in html
    assert w.case.documents.count() == 1


def test_document_download_is_the_stored_file_and_not_public(w, settings):
    document = w.case.documents.get()
    client = Client()
    client.force_login(w.caseworker)
    response = client.get(f"/sager/{w.case.pk}/dokumenter/{document.pk}/hent/")
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    # no URL serves stored files directly
    assert client.get("/" + document.file.name).status_code == 404
    assert client.get("/media/" + document.file.name).status_code == 404
    assert w.child.cpr not in document.file.name


def test_finishing_a_meeting_puts_the_minutes_in_the_journal(w):
    meeting = w.case.meetings.get()
    services.meeting_finish(
        meeting=meeting, by=w.caseworker, minutes="Vi aftalte X.", expected_version=meeting.version
    )
    entry = meeting.journal_entry
    assert entry.kind == JournalKind.MEETING_MINUTES
    assert "Vi aftalte X." in entry.text and w.caseworker.get_full_name() in entry.text
    assert w.case.events.filter(kind=EventKind.MEETING_HELD).count() == 1
    with pytest.raises(services.NotAllowed):
        services.meeting_finish(
            meeting=meeting, by=w.caseworker, minutes="igen", expected_version=meeting.version
        )


def test_an_oral_consent_needs_a_note_which_goes_to_the_journal(w):
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            case=w.case,
            by=w.caseworker,
            given_by=w.parent,
            scope="share_plan",
            form=ConsentForm.ORAL,
            given_on=timezone.localdate(),
        )
    assert "oral_note" in error.value.message_dict
    consent = services.consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope="share_plan",
        form=ConsentForm.ORAL,
        given_on=timezone.localdate(),
        oral_note="Mor sagde ja i telefonen.",
    )
    assert consent.journal_entry.kind == JournalKind.CONSENT_NOTE
    assert consent.is_active
    services.consent_withdraw(
        consent=consent, by=w.caseworker, withdrawn_on=timezone.localdate(), expected_version=1
    )
    consent.refresh_from_db()
    assert not consent.is_active


def test_oral_consent_form_error_keeps_the_input(w):
    client = Client()
    client.force_login(w.caseworker)
    response = client.post(
        f"/sager/{w.case.pk}/samtykker/",
        {
            "given_by": w.parent.pk,
            "scope": "share_plan",
            "form": "oral",
            "given_on": timezone.localdate().isoformat(),
            "description": "Til skolen",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Et mundtligt samtykke skal noteres" in html
    assert "Til skolen" in html


def test_journal_search_is_danish_full_text(w):
    services.journal_write(
        case=w.case,
        author=w.caseworker,
        kind="note",
        title="Hjemmebesøg",
        text="Familien har fået nye møbler",
        occurred_on=timezone.localdate(),
    )
    from boernesag.cases.selectors import case_journal

    # Danish stemming: inflected forms find each other
    assert [e.title for e in case_journal(case=w.case, query="møblerne")] == ["Hjemmebesøg"]
    assert [e.title for e in case_journal(case=w.case, query="skolerne")] == ["Første notat"]
    assert [e.title for e in case_journal(case=w.case, query="familier")] == ["Hjemmebesøg"]


def test_name_search_finds_prefixes_but_only_visible_children(w):
    from boernesag.cases.selectors import child_search

    other = child(first="Emil", last="Hansen")
    assert child_search(user=w.caseworker, query="em hans").children == [w.child]
    assert child_search(user=w.other_caseworker, query="em hans").children == []
    assert other not in child_search(user=w.leader_a, query="Emil").children
    bad = child_search(user=w.caseworker, query="311399-1234")
    assert bad.cpr_error.startswith("CPR-nummerets måned")


def test_protected_address_is_masked_without_the_right(w):
    w.child.address_protected = True
    w.child.save()
    client = Client()
    client.force_login(w.caseworker)
    html = client.get(f"/boern/{w.child.pk}/").content.decode()
    assert "Adressebeskyttet" in html and "Skolevej 1" not in html
    w.caseworker.may_see_protected_addresses = True
    w.caseworker.save()
    client.force_login(w.caseworker)
    assert "Skolevej 1" in client.get(f"/boern/{w.child.pk}/").content.decode()


def test_projections_run_in_the_same_transaction_as_the_event(w):
    from boernesag.events.projections import REGISTRY, Projection

    seen = []

    class Failing(Projection):
        name = "failing_for_test"

        def reacts_to(self, kind):
            return True

        def apply(self, event):
            seen.append(event.kind)
            raise RuntimeError("clock failed")

    REGISTRY["failing_for_test"] = Failing()
    try:
        before = Event.objects.count()
        with pytest.raises(RuntimeError):
            services.journal_write(
                case=w.case,
                author=w.caseworker,
                kind="note",
                title="t",
                text="x",
                occurred_on=timezone.localdate(),
            )
        assert Event.objects.count() == before
        assert not JournalEntry.objects.filter(title="t").exists()
        assert seen == [EventKind.JOURNAL_WRITTEN]
    finally:
        del REGISTRY["failing_for_test"]
