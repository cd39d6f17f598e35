import io
from datetime import datetime, timedelta

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.services import role_grant, team_join
from boernesag.accounts.tests.factories import UserFactory
from boernesag.cases.constants import EventKind, Phase
from boernesag.cases.models import Case
from boernesag.cases.tests.factories import build_world
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.models import Clock
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.intake import services
from boernesag.intake.constants import Outcome
from boernesag.intake.models import IntakeChild
from boernesag.letters.models import Letter, LetterStatus, SendChannel
from boernesag.letters.services import letter_mark_sent
from boernesag.persons.services import person_create


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


def register(w, *, children, received_at=None, notifier_kind="school", reasons=(), **extra):
    return services.intake_register(
        kind=extra.pop("kind", "concern_report"),
        channel="phone",
        received_at=received_at or timezone.now(),
        notifier_kind=notifier_kind,
        notifier_name="Lærer Lise Ølstrup",
        notifier_organisation="Demoby Skole",
        notifier_address="Skolevej 2\n9990 Demoby",
        content="Barnet kommer ofte sultent.",
        by=w.intake,
        children=children,
        reasons=list(reasons),
        **extra,
    )


def siblings():
    a = person_create(cpr="0304154123", first_name="Alma", last_name="Berg")
    b = person_create(cpr="1208184456", first_name="Bo", last_name="Berg")
    return a, b


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages)


def test_a_report_about_two_siblings_gives_two_triages_cases_and_clocks(w):
    a, b = siblings()
    item = register(w, children=[services.ChildRef(a.cpr), services.ChildRef(b.cpr)])
    rows = list(item.children.order_by("id"))
    assert [r.child for r in rows] == [a, b]
    for row in rows:
        assert row.case.team == w.intake_team and row.case.caseworker is None
        event = row.case.events.get(kind=EventKind.REPORT_RECEIVED)
        assert event.subject_id == row.pk and event.typed.notifier_professional is True
        rules = set(Clock.objects.filter(case=row.case).values_list("rule_key", flat=True))
        assert rules == {"report_triage", "notifier_receipt"}


def test_a_report_on_a_child_with_an_open_case_joins_it(w):
    item = register(w, children=[services.ChildRef(w.child.cpr)])
    assert item.children.get().case == w.case
    assert Case.objects.filter(child=w.child).count() == 1


def test_received_at_in_the_future_is_refused_and_backdating_needs_a_reason(w):
    with pytest.raises(ValidationError) as error:
        register(
            w,
            children=[services.ChildRef(w.child.cpr)],
            received_at=timezone.now() + timedelta(hours=2),
        )
    assert "fremtiden" in str(error.value)
    with pytest.raises(ValidationError) as error:
        register(
            w,
            children=[services.ChildRef(w.child.cpr)],
            received_at=timezone.now() - timedelta(days=2),
        )
    assert "tidligere modtagelsestidspunkt" in str(error.value)
    item = register(
        w,
        children=[services.ChildRef(w.child.cpr)],
        received_at=timezone.now() - timedelta(days=2),
        backdate_reason="Lå i den fælles postkasse over weekenden",
    )
    event = w.case.events.get(kind=EventKind.REPORT_RECEIVED)
    assert event.recorded_late and item.backdate_reason.startswith("Lå i")


def test_friday_evening_before_easter_gets_the_right_deadlines(w):
    friday = datetime(2026, 3, 27, 19, 30, tzinfo=TZ)
    item = register(
        w,
        children=[services.ChildRef(w.child.cpr)],
        received_at=friday,
        backdate_reason="Registreret efter påske",
    )
    clocks = {c.rule_key: c for c in Clock.objects.filter(case=w.case)}
    assert clocks["report_triage"].due_at == datetime(2026, 3, 28, 19, 30, tzinfo=TZ)
    assert clocks["notifier_receipt"].due_at.date().isoformat() == "2026-04-09"
    assert item.children.get().case == w.case


def test_private_and_anonymous_notifiers_get_no_receipt(w):
    item = register(w, children=[services.ChildRef(w.child.cpr)], notifier_kind="private")
    assert not Clock.objects.filter(case=w.case, rule_key="notifier_receipt").exists()
    with pytest.raises(ValidationError, match="Kun fagpersoner"):
        services.receipt_send(item=item, by=w.intake)
    assert not Letter.objects.exists()


def test_applications_have_no_24_hour_clock(w):
    register(
        w, kind="application", notifier_kind="family", children=[services.ChildRef(w.child.cpr)]
    )
    assert not Clock.objects.filter(case=w.case, rule_key="report_triage").exists()


def test_receipt_letter_pdf_goes_on_each_case_and_in_the_outbox_without_addresses(
    w, django_capture_on_commit_callbacks
):
    a, b = siblings()
    a.street, a.postcode, a.city, a.address_protected = "Hemmelig Vej 7", "9999", "Skjulby", True
    a.save()
    item = register(w, children=[services.ChildRef(a.cpr), services.ChildRef(b.cpr)])
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.TO_SEND
    assert letter.recipient_name == "Lærer Lise Ølstrup, Demoby Skole"
    documents = list(letter.documents.all())
    assert {d.case.child for d in documents} == {a, b}
    text = pdf_text(documents[0])
    assert "Kvittering for modtagelse af underretning" in text
    assert "Kære Lærer Lise Ølstrup" in text
    assert "Skolevej 2" in text  # the notifier's address, as recipient
    assert "Hemmelig Vej" not in text and "Skjulby" not in text
    assert a.cpr not in text
    assert "Alma og Bo" in text  # the children's first names
    for row in item.children.all():
        assert row.case.reference in text
        # made is not sent: the receipt clock runs until the letter is sent
        clock = Clock.objects.get(case=row.case, rule_key="notifier_receipt")
        assert clock.stopped_at is None
        assert row.case.events.filter(kind=EventKind.DOCUMENT_ADDED).exists()
    letter_mark_sent(letter=letter, channel=SendChannel.PRINTED, by=w.intake)
    for row in item.children.all():
        clock = Clock.objects.get(case=row.case, rule_key="notifier_receipt")
        assert clock.outcome() == "met"


def test_assessment_outcomes(w, django_capture_on_commit_callbacks):
    a, b = siblings()
    item = register(w, children=[services.ChildRef(a.cpr), services.ChildRef(b.cpr)])
    first, second = item.children.order_by("id")
    services.intake_triage(
        intake_child=first,
        by=w.intake,
        at_risk=True,
        acute_needed=False,
        outcome=Outcome.INVESTIGATION,
        reasons_text="Bekymrende fravær.",
        expected_version=1,
        caseworker=w.caseworker,
        team=w.team_a,
    )
    case = Case.objects.get(pk=first.case_id)
    assert (case.caseworker, case.team, case.phase) == (w.caseworker, w.team_a, Phase.ASSESSMENT)
    clock = Clock.objects.get(case=case, rule_key="assessment_duration")
    assert clock.started_at == item.received_at  # 4 months from when we became aware
    assert Clock.objects.get(case=case, rule_key="report_triage").outcome() == "met"
    services.intake_triage(
        intake_child=second,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.NO_ACTION,
        reasons_text="Ingen bekymring for Bo.",
        expected_version=1,
    )
    closed = Case.objects.get(pk=second.case_id)
    assert closed.closed_at is not None and closed.phase == Phase.CLOSURE
    with pytest.raises(ValidationError, match="allerede vurderet"):
        services.intake_triage(
            intake_child=IntakeChild.objects.get(pk=second.pk),
            by=w.intake,
            at_risk=False,
            acute_needed=False,
            outcome=Outcome.ADVICE,
            reasons_text="x",
            expected_version=2,
        )
    # feedback tells the notifier that an investigation was started
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.feedback_send(item=item, by=w.intake)
    assert "børnefaglig undersøgelse" in pdf_text(letter.documents.first())


def test_forwarding_needs_the_municipality(w):
    item = register(w, children=[services.ChildRef(w.child.cpr)])
    row = item.children.get()
    with pytest.raises(ValidationError) as error:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=False,
            acute_needed=False,
            outcome=Outcome.FORWARDED,
            reasons_text="Flyttet",
            expected_version=1,
        )
    assert "forwarded_to" in error.value.message_dict
    services.intake_triage(
        intake_child=row,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.FORWARDED,
        reasons_text="Familien er flyttet",
        forwarded_to="Aarhus Kommune",
        expected_version=1,
    )
    item.refresh_from_db()
    assert item.forwarded_to == "Aarhus Kommune"


def test_violence_reports_require_the_child_conversation_and_barnehus_checklist(w):
    item = register(w, children=[services.ChildRef(w.child.cpr)], reasons=["violence"])
    row = item.children.get()
    assert item.is_flagged
    with pytest.raises(ValidationError) as error:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=True,
            acute_needed=True,
            outcome=Outcome.INVESTIGATION,
            reasons_text="Mærker på armen",
            expected_version=1,
        )
    assert {"child_conversation_on", "barnehus"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=True,
            acute_needed=True,
            outcome=Outcome.INVESTIGATION,
            reasons_text="Mærker på armen",
            expected_version=1,
            child_conversation_on=timezone.localdate(),
            barnehus="not_relevant",
        )
    assert "barnehus_note" in error.value.message_dict
    services.intake_triage(
        intake_child=row,
        by=w.intake,
        at_risk=True,
        acute_needed=True,
        outcome=Outcome.INVESTIGATION,
        reasons_text="Mærker på armen",
        expected_version=1,
        child_conversation_on=timezone.localdate(),
        barnehus="contacted",
    )
    row.refresh_from_db()
    assert row.barnehus == "contacted" and row.child_conversation_on == timezone.localdate()


def test_section_137_someone_new_must_reassess_a_child_with_a_measure(w):
    event_write(ev.MeasureStarted(measure_kind="support"), case=w.case, actor=w.caseworker)
    # the child's own caseworker also works in intake this week
    role_grant(user=w.caseworker, role=Role.INTAKE_COORDINATOR, unit=w.intake_team)
    item = register(w, children=[services.ChildRef(w.child.cpr)])
    row = item.children.get()
    with pytest.raises(ValidationError, match="§ 137"):
        services.intake_triage(
            intake_child=row,
            by=w.caseworker,
            at_risk=False,
            acute_needed=False,
            outcome=Outcome.ADVICE,
            reasons_text="Kendt sag",
            expected_version=1,
        )
    newcomer = UserFactory()
    role_grant(user=newcomer, role=Role.INTAKE_COORDINATOR, unit=w.intake_team)
    team_join(user=newcomer, team=w.intake_team)
    services.intake_triage(
        intake_child=row,
        by=newcomer,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.ADVICE,
        reasons_text="Genvurderet af ny medarbejder",
        expected_version=1,
    )
    row.refresh_from_db()
    assert row.reassessment is True
    case = Case.objects.get(pk=w.case.pk)
    assert case.closed_at is None  # the measure case stays open
    assert case.phase == Phase.START  # handled inside the case: no step back to "Afklaring"


def test_unknown_child_cannot_be_triaged_until_identified_or_explained(w):
    item = register(w, children=[], unknown_description="Pige ca. 8 år, går på Nordskolen")
    row = item.children.get()
    assert row.child is None and row.case is None
    with pytest.raises(ValidationError, match="Identificér barnet"):
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=False,
            acute_needed=False,
            outcome=Outcome.NO_ACTION,
            reasons_text="x",
            expected_version=1,
        )
    with pytest.raises(ValidationError):
        services.intake_explain_unresolved(intake_child=row, explanation="kort", by=w.intake)
    services.intake_identify_child(
        intake_child=row, by=w.intake, ref=services.ChildRef(w.child.cpr)
    )
    row.refresh_from_db()
    assert row.case == w.case
    event = w.case.events.get(kind=EventKind.REPORT_RECEIVED)
    assert event.occurred_at == item.received_at


def test_every_triage_due_time_is_read_from_its_clock_also_for_an_unknown_child(w):
    """No received_at + 24 h in code: the queue shows the clock's due time — the case's, or
    the organisation's while the child is not yet known."""
    from boernesag.deadlines.models import OrganisationClock
    from boernesag.intake import selectors

    received = timezone.now() - timedelta(hours=3)
    why = "Modtaget på telefon, registreret senere"
    unknown = register(
        w,
        children=[],
        unknown_description="Dreng ca. 5 år",
        received_at=received,
        backdate_reason=why,
    ).children.get()
    known = register(
        w, children=[services.ChildRef(w.child.cpr)], received_at=received, backdate_reason=why
    ).children.get()
    clock = OrganisationClock.objects.get(subject=f"intake.intakechild:{unknown.pk}")
    assert (clock.rule_key, clock.due_at) == (
        "report_triage_unidentified",
        received + timedelta(hours=24),
    )
    dues = selectors.triage_dues([unknown, known])
    assert dues == {
        unknown.pk: clock.due_at,
        known.pk: Clock.objects.get(
            subject=f"intake.intakechild:{known.pk}", rule_key="report_triage"
        ).due_at,
    }
    # a local standard of 12 hours would show; the product reads the clock, not the law
    Clock.objects.filter(subject=f"intake.intakechild:{known.pk}", rule_key="report_triage").update(
        due_at=received + timedelta(hours=12)
    )
    assert selectors.triage_dues([known])[known.pk] == received + timedelta(hours=12)
    services.intake_explain_unresolved(
        intake_child=unknown, explanation="Ingen oplysninger om navn eller adresse", by=w.intake
    )
    clock = OrganisationClock.objects.get(subject=f"intake.intakechild:{unknown.pk}")
    assert clock.stopped_at is not None and clock.outcome() == "met"
    assert selectors.triage_dues([unknown]) == {}
    # applications and inquiries have no 24-hour clock
    app = register(
        w, kind="application", notifier_kind="family", children=[], unknown_description="x"
    ).children.get()
    assert selectors.triage_dues([app]) == {}


def test_registration_needs_a_child_or_a_description(w):
    with pytest.raises(ValidationError) as error:
        register(w, children=[])
    assert "unknown_description" in error.value.message_dict


def test_caseload_counts_children_and_families(w):
    from boernesag.cases.services import case_open
    from boernesag.intake.selectors import caseloads
    from boernesag.persons.constants import RelationKind
    from boernesag.persons.services import relation_add

    sibling = person_create(cpr="0505174321", first_name="Ida", last_name="Hansen")
    relation_add(child=sibling, person=w.parent, kind=RelationKind.CUSTODY_HOLDER)
    case_open(child=sibling, caseworker=w.caseworker, team=w.team_a, opened_by=w.leader_a)
    loads = {u: (c, f) for u, c, f in caseloads()}
    assert loads[w.caseworker] == (2, 1)  # two children, one family


def test_caseworkers_only_see_intake_about_their_own_cases(w):
    item = register(w, children=[services.ChildRef(w.child.cpr)])
    mine, other = Client(), Client()
    mine.force_login(w.caseworker)
    other.force_login(w.other_caseworker)
    page = mine.get(f"/modtagelse/{item.pk}/")
    assert page.status_code == 200
    assert "Lærer Lise Ølstrup" in page.content.decode()  # the responsible caseworker
    assert other.get(f"/modtagelse/{item.pk}/").status_code == 404
    assert other.get("/modtagelse/").status_code == 403
    colleague = Client()
    colleague.force_login(w.leader_a)  # team leader: sees the item, not the notifier
    html = colleague.get(f"/modtagelse/{item.pk}/").content.decode()
    assert "Barnet kommer ofte sultent" in html and "Lærer Lise Ølstrup" not in html


def test_register_form_keeps_input_on_errors(w):
    client = Client()
    client.force_login(w.intake)
    response = client.post(
        "/modtagelse/ny/",
        {
            "kind": "concern_report",
            "channel": "phone",
            "received_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "notifier_kind": "school",
            "notifier_name": "Lise",
            "content": "Bekymring om Emma",
            "child_1_cpr": "311399-1234",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bekymring om Emma" in html and 'value="311399-1234"' in html
    assert "kan ikke ligge i fremtiden" in html or "måned" in html


def test_child_page_lists_every_report(w):
    register(w, children=[services.ChildRef(w.child.cpr)])
    register(w, children=[services.ChildRef(w.child.cpr)], notifier_kind="police")
    client = Client()
    client.force_login(w.caseworker)
    html = client.get(f"/modtagelse/barn/{w.child.pk}/").content.decode()
    assert html.count("Underretning") >= 2 and "Politi" in html


def test_administrators_edit_the_letter_texts(w, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(w.admin)
    page = client.get("/brevskabeloner/receipt/")
    assert page.status_code == 200
    response = client.post(
        "/brevskabeloner/receipt/",
        {
            "subject": "Tak for din underretning",
            "body": "Kære {{ notifier_name }}. Vi har modtaget den "
            "{{ received_date }}. Hilsen {{ municipality }}",
            "version": page.context["form"]["version"].value(),
        },
    )
    assert response.status_code == 302
    item = register(w, children=[services.ChildRef(w.child.cpr)])
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.receipt_send(item=item, by=w.intake)
    text = pdf_text(letter.documents.get())
    assert "Tak for din underretning" in text
    assert "Kære Lærer Lise Ølstrup. Vi har modtaget den" in text
    assert "Testkommune" in text


# --- issue 20: triage that protects children ---------------------------------------------

SUBSTANTIVE = (
    "Mor har samme dag taget barnet med til lægen, og morfar er flyttet ind og passer "
    "barnet hver eftermiddag; skolen bekræfter, at barnet igen møder mæt og veltilpas."
)


def _one_child(w):
    a, _b = siblings()
    item = register(w, children=[services.ChildRef(a.cpr)])
    return item, item.children.get()


@pytest.mark.parametrize("outcome", [Outcome.NO_ACTION, Outcome.ADVICE])
def test_acute_need_with_no_action_or_advice_is_refused(w, outcome):
    _item, row = _one_child(w)
    with pytest.raises(ValidationError, match="behov for akut indsats") as exc:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=True,
            acute_needed=True,
            outcome=outcome,
            reasons_text=SUBSTANTIVE,
            expected_version=row.version,
            danger_confirmed=True,  # not even an explicit confirmation opens this door
        )
    assert "outcome" in exc.value.message_dict
    row.refresh_from_db()
    assert row.triaged_at is None and row.case.closed_at is None


def test_danger_with_no_action_needs_an_explicit_confirmation(w):
    _item, row = _one_child(w)
    with pytest.raises(ValidationError) as exc:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=True,
            acute_needed=False,
            outcome=Outcome.NO_ACTION,
            reasons_text=SUBSTANTIVE,
            expected_version=row.version,
        )
    assert set(exc.value.message_dict) == {"danger_confirmed"}
    row.refresh_from_db()
    assert row.triaged_at is None


@pytest.mark.parametrize(
    "reason",
    ["ok", "Se notat.", "ingen " * 40, "Barnet er ikke i fare alligevel efter en ny samtale."],
)
def test_danger_with_no_action_needs_a_substantive_reason(w, reason):
    _item, row = _one_child(w)
    with pytest.raises(ValidationError) as exc:
        services.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=True,
            acute_needed=False,
            outcome=Outcome.NO_ACTION,
            reasons_text=reason,
            expected_version=row.version,
            danger_confirmed=True,
        )
    assert "mindst 100 tegn og 15 forskellige ord" in exc.value.message_dict["reasons_text"][0]


def test_danger_with_no_action_confirmed_and_reasoned_is_saved_and_closes(w):
    _item, row = _one_child(w)
    services.intake_triage(
        intake_child=row,
        by=w.intake,
        at_risk=True,
        acute_needed=False,
        outcome=Outcome.NO_ACTION,
        reasons_text=SUBSTANTIVE,
        expected_version=row.version,
        danger_confirmed=True,
    )
    row.refresh_from_db()
    assert row.outcome == Outcome.NO_ACTION and row.at_risk is True
    assert row.reasons_text == SUBSTANTIVE
    assert Case.objects.get(pk=row.case_id).closed_at is not None


def test_no_danger_needs_no_confirmation_for_no_action(w):
    _item, row = _one_child(w)
    services.intake_triage(
        intake_child=row,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.NO_ACTION,
        reasons_text="Ingen bekymring.",
        expected_version=row.version,
    )
    row.refresh_from_db()
    assert row.outcome == Outcome.NO_ACTION


def test_the_triage_page_has_no_default_outcome_and_refuses_none(w):
    item, row = _one_child(w)
    client = Client()
    client.force_login(w.intake)
    url = f"/modtagelse/{item.pk}/barn/{row.pk}/vurder/"
    page = client.get(url)
    assert page.status_code == 200
    import re

    pattern = rf'<input[^>]*name="c{row.pk}-outcome"[^>]*>'
    outcome_inputs = re.findall(pattern, page.content.decode())
    assert len(outcome_inputs) == len(Outcome.choices)
    assert not any("checked" in tag for tag in outcome_inputs)
    posted = client.post(
        url,
        {
            f"c{row.pk}-at_risk": "0",
            f"c{row.pk}-acute_needed": "0",
            f"c{row.pk}-reasons_text": "Min begrundelse står her",
            f"c{row.pk}-version": row.version,
        },
    )
    assert posted.status_code == 400
    body = posted.content.decode()
    assert "Vælg hvad der sker nu." in body and "Min begrundelse står her" in body
    row.refresh_from_db()
    assert row.triaged_at is None


def test_the_triage_page_asks_for_the_confirmation_and_keeps_what_was_typed(w):
    item, row = _one_child(w)
    client = Client()
    client.force_login(w.intake)
    url = f"/modtagelse/{item.pk}/barn/{row.pk}/vurder/"
    data = {
        f"c{row.pk}-at_risk": "1",
        f"c{row.pk}-acute_needed": "0",
        f"c{row.pk}-outcome": "no_action",
        f"c{row.pk}-reasons_text": SUBSTANTIVE,
        f"c{row.pk}-version": row.version,
    }
    posted = client.post(url, data)
    assert posted.status_code == 400
    body = posted.content.decode()
    assert "Bekræft det udtrykkeligt" in body and "morfar er flyttet ind" in body
    row.refresh_from_db()
    assert row.triaged_at is None
    confirmed = client.post(url, {**data, f"c{row.pk}-danger_confirmed": "on"})
    assert confirmed.status_code == 302
    row.refresh_from_db()
    assert row.outcome == Outcome.NO_ACTION and row.at_risk is True


def test_a_second_report_during_a_running_investigation_starts_no_second_clock(w):
    """Barnets Lov § 20, stk. 3: one 4-month clock per investigation. A new report about a
    child under investigation goes into the running investigation — a second start would be
    a second clock no conclusion stops (a false miss in compliance; review of issue 13)."""
    a, _b = siblings()

    def triage(item):
        services.intake_triage(
            intake_child=item.children.get(),
            by=w.intake,
            at_risk=True,
            acute_needed=False,
            outcome=Outcome.INVESTIGATION,
            reasons_text="Bekymrende fravær.",
            expected_version=1,
            caseworker=w.caseworker,
            team=w.team_a,
        )

    first = register(w, children=[services.ChildRef(a.cpr)])
    triage(first)
    second = register(w, children=[services.ChildRef(a.cpr)])
    triage(second)
    case = first.children.get().case
    assert second.children.get().case == case
    assert case.events.filter(kind="assessment_started").count() == 1
    (clock,) = Clock.objects.filter(case=case, rule_key="assessment_duration")
    assert clock.started_at == first.received_at
