"""The investigation's services: every step, every refusal (issue 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boernesag.assessments import services
from boernesag.assessments.constants import (
    ActivityKind,
    ActivityStatus,
    AssessmentStatus,
    ConsentRoute,
    Law,
    LegalBasis,
    StatementSource,
)
from boernesag.assessments.models import Assessment, AssessmentLetter
from boernesag.assessments.tests.helpers import conclusion, decided, held, teacher
from boernesag.cases.models import Document
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.models import Clock
from boernesag.events.models import Event
from boernesag.letters.models import Letter, LetterKind

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(Event.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def test_the_decision_records_law_basis_consent_sections_and_letters_with_appeal_guidance():
    w = build_world()
    a = decided(w)
    assert (a.status, a.law, a.legal_basis) == ("decided", Law.BL, LegalBasis.BL_20_2)
    assert a.consent_route == ConsentRoute.WITH_CONSENT
    assert [c.given_by_id for c in a.consents.all()] == [w.parent.pk]
    # the template's eight areas of Barnets Lov § 22, in order
    titles = [s.section.title for s in a.sections.order_by("section__order")]
    assert titles[0] == "Udvikling og adfærd" and len(titles) == 8
    assert "Barnets eget syn" in titles and "Forældrenes syn" in titles
    # a letter to the family: the custody holder — not the child of 11 (§ 3 gives a child
    # from 10 no party rights in the § 20 decision; the young person from 15 cooperates,
    # § 22, stk. 2)
    letters = Letter.objects.filter(kind=LetterKind.ASSESSMENT_DECISION).order_by("pk")
    assert {x.recipient_name for x in letters} == {w.parent.full_name}
    body = letters[0].body
    assert "Klagevejledning" in body and "Ankestyrelsen" in body and "inden 4 uger" in body
    assert "kan ikke påklages" not in body
    assert a.reasons in body
    # the triage already started the clock: no second assessment_started
    assert kinds(w.case).count("assessment_started") == 1
    assert kinds(w.case)[-1] == "assessment_decided"
    assert Clock.objects.filter(case=w.case, rule_key="assessment_duration").count() == 1


def test_a_double_submit_makes_one_investigation_and_a_second_open_one_is_refused():
    import uuid

    w = build_world()
    token = uuid.uuid4()
    first = decided(w, token=token)
    assert decided(w, token=token).pk == first.pk
    assert Assessment.objects.filter(case=w.case).count() == 1
    with pytest.raises(ValidationError, match="allerede en igangværende"):
        decided(w)


def test_without_a_running_investigation_the_decision_needs_aware_at_and_starts_the_clock():
    w = build_world(phase_event=None)
    with pytest.raises(ValidationError) as exc:
        decided(w)
    assert "aware_at" in exc.value.message_dict
    aware = timezone.now() - timedelta(days=12)
    a = decided(w, aware_at=aware)
    assert a.aware_at == aware
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.started_at == aware


def test_the_decision_refuses_missing_reasons_wrong_law_and_missing_consent():
    w = build_world()
    with pytest.raises(ValidationError) as exc:
        decided(w, reasons=" ", legal_basis=LegalBasis.SEL_50)
    assert set(exc.value.message_dict) == {"reasons", "legal_basis"}
    with pytest.raises(ValidationError) as exc:
        decided(w, consents=[])
    assert "Der mangler samtykke fra Mette Hansen" in exc.value.message_dict["consents"][0]
    with pytest.raises(ValidationError) as exc:
        decided(w, consent_route=ConsentRoute.WITHOUT_CONSENT, consents=[])
    assert "without_consent_reasons" in exc.value.message_dict
    a = decided(
        w,
        consent_route=ConsentRoute.WITHOUT_CONSENT,
        consents=[],
        without_consent_reasons="Mor afviser samarbejde; barnet kan være i fare.",
    )
    letter = Letter.objects.filter(kind=LetterKind.ASSESSMENT_DECISION).first()
    assert "uden jeres samtykke" in letter.body and a.without_consent_reasons in letter.body
    assert Assessment.objects.count() == 1


def test_the_planned_end_cannot_pass_the_legal_deadline():
    w = build_world()
    with pytest.raises(ValidationError) as exc:
        decided(w, planned_end=timezone.localdate() + timedelta(days=200))
    assert "Barnets Lov § 20, stk. 3" in exc.value.message_dict["planned_end"][0]


def test_activities_cannot_be_before_the_decision_nor_held_in_the_future():
    w = build_world()
    a = decided(w, days_ago=3)
    with pytest.raises(ValidationError) as exc:
        services.activity_add(
            assessment=a,
            by=w.caseworker,
            kind=ActivityKind.HOME_VISIT,
            planned_on=a.decided_on - timedelta(days=1),
        )
    assert "før afgørelsen" in exc.value.message_dict["planned_on"][0]
    visit = services.activity_add(
        assessment=a, by=w.caseworker, kind=ActivityKind.HOME_VISIT, planned_on=a.decided_on
    )
    for day, text in (
        (timezone.localdate() + timedelta(days=1), "i fremtiden"),
        (a.decided_on - timedelta(days=1), "før afgørelsen"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.activity_record(
                activity=visit,
                by=w.caseworker,
                expected_version=visit.version,
                held=True,
                held_on=day,
                summary="Noget",
            )
        assert text in exc.value.message_dict["held_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.activity_record(
            activity=visit, by=w.caseworker, expected_version=visit.version, held=False
        )
    assert "not_held_reason" in exc.value.message_dict
    services.activity_record(
        activity=visit,
        by=w.caseworker,
        expected_version=visit.version,
        held=False,
        not_held_reason="Familien aflyste to gange.",
    )
    visit.refresh_from_db()
    assert (visit.status, visit.not_held_reason) == (
        ActivityStatus.NOT_HELD,
        "Familien aflyste to gange.",
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.IN_PROGRESS
    with pytest.raises(services.ConflictError):
        services.activity_record(
            activity=visit, by=w.caseworker, expected_version=1, held=False, not_held_reason="x"
        )
    assert "assessment_activity_recorded" in kinds(w.case)


def test_a_statement_needs_a_professional_an_answer_date_and_its_source():
    w = build_world()
    a = decided(w)
    person = teacher(w)
    with pytest.raises(ValidationError) as exc:
        services.activity_add(
            assessment=a,
            by=w.caseworker,
            kind=ActivityKind.STATEMENT,
            planned_on=timezone.localdate(),
            statement_source=StatementSource.SCHOOL,
            person=w.parent,
        )
    assert set(exc.value.message_dict) == {"person", "answer_by"}
    statement = services.activity_add(
        assessment=a,
        by=w.caseworker,
        kind=ActivityKind.STATEMENT,
        planned_on=timezone.localdate(),
        statement_source=StatementSource.SCHOOL,
        person=person,
        answer_by=timezone.localdate() + timedelta(days=14),
    )
    letter = statement.request_letter
    assert letter.kind == LetterKind.STATEMENT_REQUEST
    assert letter.recipient_name == "Lise Lærer, Demoby Skole"
    assert letter.recipient_address == "Skolegade 9\n9990 Demoby"
    with pytest.raises(ValidationError) as exc:
        services.activity_record(
            activity=statement,
            by=w.caseworker,
            expected_version=statement.version,
            held=True,
            held_on=timezone.localdate(),
            summary="Mange fraværsdage.",
        )
    assert "source" in exc.value.message_dict


def test_a_protected_childs_school_is_never_printed_on_the_request():
    w = build_world()
    w.child.address_protected = True
    w.child.save()
    a = decided(w)
    person = teacher(w)
    statement = services.activity_add(
        assessment=a,
        by=w.caseworker,
        kind=ActivityKind.STATEMENT,
        planned_on=timezone.localdate(),
        statement_source=StatementSource.SCHOOL,
        person=person,
        answer_by=timezone.localdate() + timedelta(days=14),
    )
    letter = statement.request_letter
    assert letter.recipient_name == "Lise Lærer"
    assert letter.recipient_address == ""
    for text in (letter.body, letter.recipient_name):
        assert "Demoby Skole" not in text and "Skolegade" not in text
        assert "Adressebeskyttet" not in text
    # the decision letter to the parent prints no address either (the child's protection)
    to_parent = Letter.objects.get(
        kind=LetterKind.ASSESSMENT_DECISION, recipient_name=w.parent.full_name
    )
    assert to_parent.recipient_address == "" and "Skolevej" not in to_parent.body


def test_sections_use_optimistic_concurrency():
    w = build_world()
    a = decided(w)
    section = a.sections.order_by("section__order").first()
    services.section_save(section=section, by=w.caseworker, expected_version=1, text="Første")
    with pytest.raises(services.ConflictError):
        services.section_save(section=section, by=w.colleague, expected_version=1, text="Anden")
    section.refresh_from_db()
    assert (section.text, section.version) == ("Første", 2)


def test_midway_draft_comments_and_conclusion_stop_the_clock_at_recording():
    import uuid

    w = build_world()
    a = decided(w)
    held(a, by=w.caseworker)
    a.refresh_from_db()
    services.midway_record(
        assessment=a, by=w.caseworker, expected_version=a.version, focus_holds=True, text="Ja"
    )
    with pytest.raises(ValidationError, match="Send udkastet"):
        services.comments_record(
            assessment=a, by=w.caseworker, expected_version=a.version, comments="x"
        )
    token = uuid.uuid4()
    sent = services.draft_send(
        assessment=a,
        by=w.caseworker,
        expected_version=a.version,
        recipients=[w.parent],
        comments_by=timezone.localdate() + timedelta(days=7),
        token=token,
    )
    again = services.draft_send(
        assessment=a,
        by=w.caseworker,
        expected_version=a.version,
        recipients=[w.parent],
        comments_by=timezone.localdate() + timedelta(days=7),
        token=token,
    )
    assert [x.pk for x in again] == [x.pk for x in sent] and len(sent) == 1
    draft_letter = sent[0].letter
    assert "UDKAST" in draft_letter.body and "Hjemmebesøg" in draft_letter.body
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT_SENT
    services.comments_record(
        assessment=a, by=w.caseworker, expected_version=a.version, comments="Mor er enig."
    )
    a.refresh_from_db()
    # a conclusion without the views is refused, in Danish
    with pytest.raises(ValidationError) as exc:
        services.assessment_conclude(
            assessment=a,
            by=w.caseworker,
            expected_version=a.version,
            **conclusion(child_view="", parents_view="", support_kind=""),
        )
    assert set(exc.value.message_dict) == {"child_view", "parents_view", "support_kind"}
    assert "Barnets Lov § 5" in exc.value.message_dict["child_view"][0]
    # a back-dated conclusion date is the document's date; the clock stops when recorded
    before = timezone.now()
    services.assessment_conclude(
        assessment=a,
        by=w.caseworker,
        expected_version=a.version,
        **conclusion(concluded_on=timezone.localdate() - timedelta(days=3)),
    )
    a.refresh_from_db()
    assert a.status == AssessmentStatus.CONCLUDED
    assert a.concluded_on == timezone.localdate() - timedelta(days=3)
    stop = Event.objects.get(case=w.case, kind="assessment_concluded")
    assert stop.occurred_at >= before and stop.payload == {
        "assessment": a.pk,
        "needs_support": True,
    }
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert clock.stopped_at == stop.occurred_at
    reports = AssessmentLetter.objects.filter(assessment=a, purpose="report")
    assert {r.person_id for r in reports} == {w.parent.pk}
    assert "Mor er enig." in reports[0].letter.body  # the comments, as an addition
    # nothing changes after the conclusion
    section = a.sections.first()
    with pytest.raises(ValidationError, match="afsluttet"):
        services.section_save(section=section, by=w.caseworker, expected_version=1, text="x")


def test_conclusion_without_conversation_needs_the_reason():
    w = build_world()
    a = decided(w)
    a = services.assessment_conclude(
        assessment=a,
        by=w.caseworker,
        expected_version=a.version,
        **conclusion(
            child_view="",
            no_conversation_reason="Barnet er 11 måneder og kan ikke udtrykke sig.",
            needs_support=False,
        ),
    )
    assert a.no_conversation_reason and a.support_kind == ""


def test_the_report_pdf_is_filed_once_after_commit(django_capture_on_commit_callbacks):
    w = build_world()
    a = decided(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_conclude(
            assessment=a, by=w.caseworker, expected_version=a.version, **conclusion()
        )
    a.refresh_from_db()
    document = a.report_document
    assert document is not None and document.title == "Børnefaglig undersøgelse"
    assert document.file.read(4) == b"%PDF"
    assert services.report_file(a.pk) == "idle"  # a retried task files nothing new
    assert Document.objects.filter(case=w.case, kind="other").count() == 1
    # the report letter to the family (the custody holder) is filed too, as an outgoing
    # letter
    assert Document.objects.filter(case=w.case, kind="letter_out").count() == 1


def test_the_provisional_assessment_only_when_four_months_passed():
    w = build_world(phase_event=None)
    a = decided(w, aware_at=timezone.now() - timedelta(days=20), days_ago=5)
    with pytest.raises(ValidationError, match="4 måneder er ikke gået"):
        services.provisional_record(
            assessment=a, by=w.caseworker, expected_version=a.version, text="x"
        )
    Clock.objects.filter(case=w.case).update(due_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.provisional_record(
            assessment=a, by=w.caseworker, expected_version=a.version, text=" "
        )
    assert "text" in exc.value.message_dict
    services.provisional_record(
        assessment=a, by=w.caseworker, expected_version=a.version, text="Barnet trives bedre."
    )
    a.refresh_from_db()
    assert a.provisional_text == "Barnet trives bedre."
    assert kinds(w.case)[-1] == "assessment_provisional_recorded"
    # it does not stop the clock
    assert Clock.objects.get(case=w.case, rule_key="assessment_duration").stopped_at is None


def test_others_are_refused_by_the_registry():
    w = build_world()
    with pytest.raises(services.NotAllowed):
        decided(w, by=w.other_caseworker)
    with pytest.raises(services.NotAllowed):
        decided(w, by=w.manager)
    a = decided(w, by=w.leader_a)  # the team leader may
    with pytest.raises(services.NotAllowed):
        services.midway_record(
            assessment=a, by=w.finance, expected_version=a.version, focus_holds=True, text="x"
        )


def test_a_reassessment_starts_a_new_investigation_after_the_conclusion():
    w = build_world()
    first = decided(w)
    services.assessment_conclude(
        assessment=first, by=w.caseworker, expected_version=first.version, **conclusion()
    )
    with pytest.raises(ValidationError) as exc:
        decided(w)  # the earlier investigation's clock is stopped: a new awareness is needed
    assert "aware_at" in exc.value.message_dict
    second = decided(w, aware_at=timezone.now() - timedelta(hours=2), days_ago=0)
    assert second.pk != first.pk and second.status == "decided"
    assert Clock.objects.filter(case=w.case, rule_key="assessment_duration").count() == 2


def test_law_follows_awareness_sel_before_2024():
    from datetime import datetime

    assert services.law_for(timezone.make_aware(datetime(2023, 12, 31, 12))) == Law.SEL
    assert services.law_for(timezone.make_aware(datetime(2024, 1, 1, 0, 1))) == Law.BL


def test_the_draft_for_a_protected_child_needs_the_confirmation_and_prints_no_address():
    w = build_world()
    w.child.address_protected = True
    w.child.save()
    a = decided(w)
    send = dict(
        assessment=a,
        by=w.caseworker,
        expected_version=a.version,
        recipients=[w.parent],
        comments_by=timezone.localdate() + timedelta(days=7),
    )
    with pytest.raises(ValidationError) as exc:
        services.draft_send(**send)
    assert "navne- og adressebeskyttelse" in exc.value.message_dict["confirm_protected"][0]
    assert not AssessmentLetter.objects.filter(purpose="draft").exists()
    rows = services.draft_send(**send, confirm_protected=True)
    [to_parent] = [r.letter for r in rows]
    assert to_parent.recipient_address == ""
    assert "Skolevej" not in to_parent.body


def test_the_decision_needs_someone_in_the_family_to_send_it_to():
    from boernesag.persons.models import Relation

    w = build_world()
    Relation.objects.filter(child=w.child).update(valid_to=timezone.localdate() - timedelta(days=1))
    w.child.birth_date = timezone.localdate() - timedelta(days=365 * 4)  # under 10: no party
    w.child.save()
    with pytest.raises(ValidationError, match="ingen forældremyndighedsindehavere registreret"):
        decided(w, consent_route=ConsentRoute.WITHOUT_CONSENT, without_consent_reasons="x")
    assert not Assessment.objects.exists()


def test_a_decision_recorded_after_the_four_months_can_still_be_recorded():
    """Faxe: investigations ran without the decision. Recording it late must be possible:
    the planned end then lies after the passed deadline (and the provisional assessment is
    asked for)."""
    w = build_world()
    aware = timezone.now() - timedelta(days=150)
    a = decided(w, days_ago=0, aware_at=aware)
    assert a.planned_end >= a.start_date
    assert services.legal_deadline(aware) < a.start_date


def test_the_report_of_a_protected_child_is_filed_but_not_sent_by_itself(
    django_capture_on_commit_callbacks,
):
    w = build_world()
    w.child.address_protected = True
    w.child.save()
    a = decided(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_conclude(
            assessment=a,
            by=w.caseworker,
            expected_version=a.version,
            **conclusion(child_view="", no_conversation_reason="Barnet ville ikke tale."),
        )
    assert not AssessmentLetter.objects.filter(assessment=a, purpose="report").exists()
    a.refresh_from_db()
    assert a.report_document is not None  # filed on the case


def test_the_text_of_a_protected_childs_investigation_names_no_teacher():
    """The teacher's name next to "(skole)" would be enough to find the school."""
    from boernesag.assessments.content import assessment_text

    w = build_world()
    w.child.address_protected = True
    w.child.save()
    a = decided(w)
    person = teacher(w)
    services.activity_add(
        assessment=a,
        by=w.caseworker,
        kind=ActivityKind.STATEMENT,
        planned_on=timezone.localdate(),
        statement_source=StatementSource.SCHOOL,
        person=person,
        answer_by=timezone.localdate() + timedelta(days=14),
    )
    a.refresh_from_db()
    text = assessment_text(a, draft=True)
    assert "Udtalelse" in text or "udtalelse" in text
    assert "Lise Lærer" not in text and "Demoby Skole" not in text


def test_the_starting_templates_come_back_when_the_table_was_emptied():
    from boernesag.assessments.models import AssessmentTemplate, TemplateSection

    TemplateSection.objects.all().delete()
    AssessmentTemplate.objects.all().delete()
    template = services.template_for("BL")
    assert template.sections.count() == 8
    AssessmentTemplate.objects.filter(law="SEL").update(active=False)
    with pytest.raises(ValidationError, match="ingen aktiv skabelon"):
        services.template_for("SEL")  # deactivated by the municipality: not put back
