"""Closing a case through the checklist, reopening it, and the steps that start or stop a
legal deadline (docs/closure.md)."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from boernesag.audit.models import AccessLogEntry
from boernesag.cases import services
from boernesag.cases.closure import closure_check, closure_unregister, explain_field
from boernesag.cases.constants import Phase
from boernesag.cases.models import (
    Case,
    CaseClosure,
    CaseReopening,
    CaseStep,
    ClosureExplanation,
    StepKind,
)
from boernesag.cases.steps import add_months
from boernesag.cases.tests.factories import build_world, child
from boernesag.deadlines.models import Clock
from boernesag.deadlines.simulate import simulate
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.services import event_write

TODAY = timezone.localdate


@pytest.fixture
def w(db):
    return build_world()


def complete_answers(**over) -> dict:
    day = TODAY() - timedelta(days=1)
    answers = dict(
        child_dialogue="yes",
        child_dialogue_on=day,
        child_dialogue_how="Samtale i hjemmet",
        parents_dialogue="yes",
        parents_dialogue_on=day,
        parents_dialogue_how="Møde på forvaltningen",
        school_status="yes",
        school_status_on=day,
        school_status_source="Klasselærer, Demoby Skole",
        provider_status="no",
        provider_status_why_not="Sagen har ikke haft en indsats",
        final_assessment="Fraværet er ophørt; familien klarer sig selv.",
        parties_told_on=day,
        notifier_told="told",
        provider_told="not_relevant",
    )
    answers.update(over)
    return answers


def close(w, *, answers=None, explanations=None, token=None, by=None):
    case = Case.objects.get(pk=w.case.pk)
    return services.case_close_checked(
        case=case,
        by=by or w.caseworker,
        reason="Målene er nået",
        answers=complete_answers() if answers is None else answers,
        explanations=explanations,
        expected_version=case.version,
        token=token,
    )


def clock_explained(w) -> dict:
    """The running investigation deadline of the world, explained."""
    clock = Clock.objects.running().get(case=w.case, rule_key="assessment_duration")
    return {("open_deadlines", f"{clock.rule_key}:{clock.sequence}"): "Undersøgelsen er afbrudt"}


# --- closing -------------------------------------------------------------------------------


def test_closing_with_nothing_filled_in_is_refused_with_every_missing_item_in_danish(w):
    with pytest.raises(services.ClosureIncomplete) as refused:
        close(w, answers={})
    labels = [m.label for m in refused.value.missing]
    assert labels == [
        "Dialog med barnet eller den unge",
        "Dialog med forældrene",
        "Aktuel status fra skole eller dagtilbud",
        "Aktuel status fra leverandøren",
        "Afsluttende vurdering",
        "Hvem er orienteret om afslutningen",
        "Alle frister er stoppet eller forklaret",
    ]
    messages = " ".join(refused.value.messages)
    assert "Svar på om der har været dialog med barnet." in messages
    clock = Clock.objects.running().get(case=w.case, rule_key="assessment_duration")
    due = date_format(timezone.localtime(clock.due_at), "j. F Y")
    assert refused.value.missing[-1].messages == [
        f"Børnefaglig undersøgelse afsluttet inden for 4 måneder (frist {due}): løser fristen, "
        "eller skriv hvorfor sagen kan afsluttes alligevel."
    ]
    case = Case.objects.get(pk=w.case.pk)
    assert case.closed_at is None
    assert not CaseClosure.objects.exists()
    assert not Event.objects.filter(case=w.case, kind="case_closed").exists()


def test_an_item_answered_no_needs_the_reason_and_yes_needs_date_and_how(w):
    answers = complete_answers(
        child_dialogue="no",
        child_dialogue_why_not="",
        parents_dialogue="yes",
        parents_dialogue_on=None,
        parents_dialogue_how="",
    )
    with pytest.raises(services.ClosureIncomplete) as refused:
        close(w, answers=answers, explanations=clock_explained(w))
    assert [(m.key, m.messages) for m in refused.value.missing] == [
        ("child_dialogue", ["Skriv hvorfor der ikke er dialog med barnet."]),
        (
            "parents_dialogue",
            [
                "Skriv datoen for dialog med forældrene.",
                "Skriv hvordan dialogen med forældrene foregik.",
            ],
        ),
    ]


def test_the_provider_must_be_told_when_the_case_had_a_measure(w):
    event_write(ev.MeasureStarted(measure_kind="support"), case=w.case, actor=w.caseworker)
    event_write(ev.MeasureEnded(), case=w.case, actor=w.caseworker)
    with pytest.raises(services.ClosureIncomplete) as refused:
        close(w, explanations=clock_explained(w))
    assert [m.key for m in refused.value.missing] == ["told"]
    assert "orientér leverandøren" in refused.value.messages[0]


def test_closing_with_everything_done_keeps_the_checklist_and_cancels_the_explained_clock(w):
    clock = Clock.objects.running().get(case=w.case, rule_key="assessment_duration")
    closure = close(w, explanations=clock_explained(w))
    case = Case.objects.get(pk=w.case.pk)
    assert case.closed_at == closure.closed_at and case.phase == Phase.CLOSURE
    assert case.closed_reason == "Målene er nået"
    assert closure.child_dialogue_how == "Samtale i hjemmet"
    explanation = ClosureExplanation.objects.get(closure=closure)
    assert (explanation.check_key, explanation.ref, explanation.text) == (
        "open_deadlines",
        f"assessment_duration:{clock.sequence}",
        "Undersøgelsen er afbrudt",
    )
    assert "Børnefaglig undersøgelse" in explanation.label
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")  # rows are rebuilt
    assert clock.cancelled_at is not None and clock.outcome() == "cancelled"
    event = Event.objects.get(case=w.case, kind="case_closed")
    assert event.payload == {"closure": closure.pk}  # no free text in the event


def test_a_deadline_the_closure_does_not_end_must_be_met_an_explanation_is_not_enough(w):
    event_write(ev.AccessRequested(), case=w.case, actor=w.caseworker)
    clock = Clock.objects.running().get(case=w.case, rule_key="access_request_decision")
    explanations = {
        **clock_explained(w),
        ("open_deadlines", f"access_request_decision:{clock.sequence}"): "Glemt",
    }
    with pytest.raises(services.ClosureIncomplete) as refused:
        close(w, explanations=explanations)
    assert refused.value.missing[0].key == "open_deadlines"
    assert "skal overholdes" in refused.value.messages[0]
    event_write(ev.AccessRequestDecided(), case=w.case, actor=w.caseworker)
    close(w, explanations=clock_explained(w))
    assert Case.objects.get(pk=w.case.pk).closed_at is not None


def test_a_check_registered_by_another_app_is_picked_up(w):
    """As the measures app registers "every measure ended" from its ready()."""

    @closure_check("test_measures_ended", "Alle indsatser er afsluttet", order=60)
    def measures_ended(case, answers):
        return ["Indsatsen Familiebehandling er ikke afsluttet."] if case.pk == w.case.pk else []

    try:
        with pytest.raises(services.ClosureIncomplete) as refused:
            close(w, explanations=clock_explained(w))
        assert [(m.key, m.label, m.messages) for m in refused.value.missing] == [
            (
                "test_measures_ended",
                "Alle indsatser er afsluttet",
                ["Indsatsen Familiebehandling er ikke afsluttet."],
            )
        ]
        with pytest.raises(ValueError, match="already registered"):
            closure_check("test_measures_ended", "Igen")(lambda case, answers: [])
    finally:
        closure_unregister("test_measures_ended")
    close(w, explanations=clock_explained(w))
    assert Case.objects.get(pk=w.case.pk).closed_at is not None


def test_a_double_submit_closes_once(w):
    token = uuid.uuid4()
    explained = clock_explained(w)
    first = close(w, explanations=explained, token=token)
    again = services.case_close_checked(
        case=Case.objects.get(pk=w.case.pk),
        by=w.caseworker,
        reason="Målene er nået",
        answers=complete_answers(),
        explanations=explained,
        expected_version=1,
        token=token,
    )
    assert again.pk == first.pk
    assert Event.objects.filter(case=w.case, kind="case_closed").count() == 1
    assert CaseClosure.objects.count() == 1


def test_a_stale_version_is_a_conflict(w):
    case = Case.objects.get(pk=w.case.pk)
    stale = case.version
    services.case_reassign(
        case=case,
        caseworker=w.colleague,
        team=w.team_a,
        by=w.leader_a,
        reason="Ferie",
        expected_version=stale,
    )
    with pytest.raises(services.ConflictError):
        services.case_close_checked(
            case=case,
            by=w.caseworker,
            reason="Målene er nået",
            answers=complete_answers(),
            explanations=clock_explained(w),
            expected_version=stale,
        )
    assert Case.objects.get(pk=w.case.pk).closed_at is None
    assert not CaseClosure.objects.exists()


def test_only_those_who_work_in_the_case_may_close_it(w):
    for user in (w.other_caseworker, w.manager, w.finance):
        with pytest.raises(PermissionDenied):
            close(w, explanations=clock_explained(w), by=user)
    close(w, explanations=clock_explained(w), by=w.colleague)  # same team


def test_a_future_date_is_refused(w):
    with pytest.raises(ValidationError, match="fremtiden"):
        close(w, answers=complete_answers(parties_told_on=TODAY() + timedelta(days=2)))


# --- reopening -----------------------------------------------------------------------------


def test_reopening_needs_a_reason_starts_the_course_again_and_keeps_the_history(w):
    closure = close(w, explanations=clock_explained(w))
    case = Case.objects.get(pk=w.case.pk)
    with pytest.raises(ValidationError, match="hvorfor sagen genåbnes"):
        services.case_reopen(case=case, by=w.caseworker, reason=" ", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.case_reopen(
            case=case, by=w.other_caseworker, reason="Ny bekymring", expected_version=None
        )
    token = uuid.uuid4()
    row = services.case_reopen(
        case=case,
        by=w.caseworker,
        reason="Skolen ringer igen om fravær",
        expected_version=case.version,
        token=token,
    )
    again = services.case_reopen(
        case=case, by=w.caseworker, reason="x", expected_version=case.version, token=token
    )
    assert again.pk == row.pk
    case.refresh_from_db()
    assert case.is_open and case.closed_reason == "" and case.phase == Phase.INQUIRY
    assert (row.closed_at, row.closed_reason, row.cause) == (
        closure.closed_at,
        "Målene er nået",
        "manual",
    )
    event = Event.objects.get(case=case, kind="case_reopened")
    assert event.payload == {"reopening": row.pk, "cause": "manual", "intake_child": None}
    assert [what for _at, what, _row in services.case_course_history(case)] == [
        "reopened",
        "closed",
    ]
    with pytest.raises(ValidationError, match="ikke afsluttet"):
        services.case_reopen(case=case, by=w.caseworker, reason="Igen", expected_version=None)


def test_a_case_cannot_be_reopened_while_the_child_has_another_open_case(w):
    close(w, explanations=clock_explained(w))
    other = services.case_open(
        child=w.child, caseworker=w.caseworker, team=w.team_a, opened_by=w.intake
    )
    with pytest.raises(ValidationError, match=other.reference):
        services.case_reopen(
            case=Case.objects.get(pk=w.case.pk),
            by=w.caseworker,
            reason="Ny bekymring",
            expected_version=None,
        )
    assert not CaseReopening.objects.exists()


def test_the_intake_closure_at_triage_needs_no_checklist_and_a_new_report_reopens(w):
    from boernesag.intake import services as intake
    from boernesag.intake.constants import Outcome

    kid = child(first="Bo", last="Berg", born="120818")

    def report():
        return intake.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=timezone.now(),
            notifier_kind="school",
            notifier_name="Lærer Lise",
            notifier_organisation="Demoby Skole",
            notifier_address="Skolevej 2",
            content="Barnet kommer ofte sultent.",
            by=w.intake,
            children=[intake.ChildRef(kid.cpr)],
            reasons=[],
        ).children.get()

    def triage(row, outcome):
        return intake.intake_triage(
            intake_child=row,
            by=w.intake,
            at_risk=False,
            acute_needed=False,
            outcome=outcome,
            reasons_text="Vurderet.",
            expected_version=row.version,
        )

    first = report()
    services.case_reassign(  # distributed to a caseworker before the triage
        case=Case.objects.get(child=kid),
        caseworker=w.caseworker,
        team=w.team_a,
        by=w.intake,
        reason="Fordelt",
        expected_version=None,
    )
    triage(first, Outcome.NO_ACTION)
    case = Case.objects.get(child=kid)
    assert (case.team, case.caseworker) == (w.team_a, w.caseworker)
    assert case.closed_at is not None and not CaseClosure.objects.filter(case=case).exists()
    second = report()
    assert second.case_id == case.pk  # the same case, reopened through intake
    case.refresh_from_db()
    assert case.is_open and case.phase == Phase.INQUIRY
    reopening = CaseReopening.objects.get(case=case)
    assert (reopening.cause, reopening.intake_child_id) == ("report", second.pk)
    assert (case.team, case.caseworker) == (w.intake_team, None)  # intake's, like a new case
    assert Case.objects.filter(child=kid).count() == 1
    triage(second, Outcome.NO_ACTION)  # reopened for this report: closes again at triage
    case.refresh_from_db()
    assert case.closed_at is not None and case.phase == Phase.CLOSURE


def test_a_report_received_before_the_closure_but_registered_after_keeps_its_24_hours(w):
    """Review 13, P2 4 (BL § 136): the report's clock runs from its receipt; the closure that
    was recorded before the report was registered does not cancel it."""
    from boernesag.intake import services as intake
    from boernesag.intake.constants import Outcome

    kid = child(first="Bo", last="Berg", born="120818")

    def report(received_at):
        return intake.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=received_at,
            notifier_kind="school",
            notifier_name="Lærer Lise",
            notifier_organisation="Demoby Skole",
            notifier_address="Skolevej 2",
            content="Barnet kommer ofte sultent.",
            by=w.intake,
            children=[intake.ChildRef(kid.cpr)],
            reasons=[],
            backdate_reason="Lå i den fælles postkasse",
        ).children.get()

    first = report(timezone.now() - timedelta(hours=5))
    intake.intake_triage(
        intake_child=first,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome=Outcome.NO_ACTION,
        reasons_text="Vurderet.",
        expected_version=first.version,
    )
    case = Case.objects.get(child=kid)
    assert case.closed_at is not None
    received = case.closed_at - timedelta(hours=2)  # before the closure
    second = report(received)
    case.refresh_from_db()
    assert case.is_open and second.case_id == case.pk
    clock = Clock.objects.get(
        case=case, rule_key="report_triage", subject=f"intake.intakechild:{second.pk}"
    )
    assert clock.started_at == received and clock.due_at == received + timedelta(hours=24)
    assert clock.cancelled_at is None and clock.is_running
    # the first report's clock ended with its triage, as before
    (first_clock,) = Clock.objects.filter(
        case=case, rule_key="report_triage", subject=f"intake.intakechild:{first.pk}"
    )
    assert first_clock.outcome() == "met"


# --- steps that start or stop a deadline ----------------------------------------------------


def _clock(case, rule_key):
    return Clock.objects.filter(case=case, rule_key=rule_key).order_by("-sequence").first()


def _simulated(case, rule_key, birth_date=None):
    """The same clock computed by the simulator from the case's stored events."""
    events = [
        {
            "kind": e.kind,
            "occurred_at": e.occurred_at.isoformat(),
            "payload": e.payload,
            **({"subject": f"{e.subject_type}:{e.subject_id}"} if e.subject_id else {}),
        }
        for e in Event.objects.filter(case=case).order_by("occurred_at", "id")
    ]
    data = {"events": events}
    if birth_date:
        data["birth_date"] = birth_date.isoformat()
    result = simulate(data)
    return [c for c in result.clocks if c["rule"] == rule_key]


@pytest.mark.parametrize(
    ("start", "stop", "rule_key", "days"),
    [
        (StepKind.POLICE_DOCUMENTATION, StepKind.NETWORK_MEETING, "youth_crime_network_meeting", 7),
        (StepKind.TREATMENT_REQUEST, StepKind.TREATMENT_OFFER, "substance_treatment", 14),
    ],
)
def test_a_start_opens_its_clock_and_its_stop_meets_it(w, start, stop, rule_key, days):
    received = TODAY() - timedelta(days=3)
    with pytest.raises(ValidationError, match="Registrér først"):
        services.step_record(
            case=w.case, by=w.caseworker, kind=stop, occurred_on=received, note="Holdt"
        )
    first = services.step_record(
        case=w.case, by=w.caseworker, kind=start, occurred_on=received, note=""
    )
    clock = _clock(w.case, rule_key)
    assert clock.is_running
    assert timezone.localtime(clock.due_at).date() == received + timedelta(days=days)
    with pytest.raises(ValidationError, match="Udfyld feltet"):
        services.step_record(case=w.case, by=w.caseworker, kind=stop, occurred_on=TODAY())
    with pytest.raises(ValidationError, match="før"):
        services.step_record(
            case=w.case,
            by=w.caseworker,
            kind=stop,
            occurred_on=received - timedelta(days=1),
            note="Holdt",
        )
    token = uuid.uuid4()
    answer = services.step_record(
        case=w.case, by=w.caseworker, kind=stop, occurred_on=TODAY(), note="Holdt", token=token
    )
    services.step_record(
        case=w.case, by=w.caseworker, kind=stop, occurred_on=TODAY(), note="Holdt", token=token
    )
    assert CaseStep.objects.filter(kind=stop).count() == 1  # double submit
    assert answer.answers == first
    clock = _clock(w.case, rule_key)
    assert clock.outcome() == "met"
    [simulated] = _simulated(w.case, rule_key)
    assert simulated["status"] == "met"
    assert simulated["due"] == timezone.localtime(clock.due_at).isoformat()
    for step in (first, answer):
        event = Event.objects.get(case=w.case, payload__step=step.pk)
        assert event.payload == {"step": step.pk}  # the text stays on the row
        assert (event.subject_type, event.subject_id) == ("cases.casestep", first.pk)


def test_a_late_network_meeting_is_recorded_as_late(w):
    received = TODAY() - timedelta(days=10)
    services.step_record(
        case=w.case, by=w.caseworker, kind=StepKind.POLICE_DOCUMENTATION, occurred_on=received
    )
    services.step_record(
        case=w.case,
        by=w.caseworker,
        kind=StepKind.NETWORK_MEETING,
        occurred_on=TODAY(),
        note="Netværksmøde med skole og SSP",
    )
    assert _clock(w.case, "youth_crime_network_meeting").outcome() == "late"


def _youth(w, born: date, measure_kind="support"):
    kid = child(first="Sara", last="Lind", born=born.strftime("%d%m%y"))
    case = services.case_open(
        child=kid,
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        opened_at=timezone.now() - timedelta(days=60),
    )
    event_write(
        ev.MeasureStarted(measure_kind=measure_kind),
        case=case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=30),
    )
    return kid, case


def test_the_youth_plan_position_without_a_plan_meets_the_16_year_deadline(w):
    born = TODAY().replace(year=TODAY().year - 16) - timedelta(days=20)
    kid, case = _youth(w, born)
    clock = _clock(case, "youth_plan_at_16")
    assert clock.is_running
    with pytest.raises(ValidationError, match="Udfyld feltet"):
        services.step_record(
            case=case, by=w.caseworker, kind=StepKind.YOUTH_PLAN_POSITION, occurred_on=TODAY()
        )
    step = services.step_record(
        case=case,
        by=w.caseworker,
        kind=StepKind.YOUTH_PLAN_POSITION,
        occurred_on=TODAY(),
        note="Indsatsen ophører om to måneder; en ungeplan giver ikke mening.",
    )
    clock = _clock(case, "youth_plan_at_16")
    assert clock.outcome() == "met"
    event = Event.objects.get(case=case, kind="youth_plan_decided")
    assert event.payload == {"plan": None, "step": step.pk}
    [simulated] = _simulated(case, "youth_plan_at_16", birth_date=kid.birth_date)
    assert simulated["status"] == "met"


def test_the_youth_support_decision_before_18_meets_the_placement_deadline(w):
    # 17 years and 2 months today (the step is accepted from 17): 17½ in 4 months
    born = add_months(TODAY(), -(17 * 12 + 2))
    kid, case = _youth(w, born, measure_kind="placement_with_consent")
    clock = _clock(case, "youth_support_decision")
    assert clock.is_running
    # 6 months before the 18th birthday
    assert timezone.localtime(clock.due_at).date() == add_months(born, 17 * 12 + 6)
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=case,
            by=w.caseworker,
            kind=StepKind.YOUTH_SUPPORT,
            occurred_on=TODAY(),
            note="Ungestøtte",
        )
    assert refused.value.message_dict == {"outcome": ["Vælg afgørelsen."]}
    step = services.step_record(
        case=case,
        by=w.caseworker,
        kind=StepKind.YOUTH_SUPPORT,
        occurred_on=TODAY(),
        note="Ungestøtte: fortsat ophold på opholdsstedet til 19 år.",
        outcome="granted",
    )
    clock = _clock(case, "youth_support_decision")
    assert clock.outcome() == "met"
    event = Event.objects.get(case=case, kind="youth_support_decided")
    assert event.payload == {"step": step.pk, "outcome": "granted"}
    [simulated] = _simulated(case, "youth_support_decision", birth_date=kid.birth_date)
    assert simulated["status"] == clock.outcome()


def test_a_support_measure_starts_no_youth_support_clock(w):
    born = TODAY().replace(year=TODAY().year - 17)
    _kid, case = _youth(w, born, measure_kind="support")
    assert _clock(case, "youth_support_decision") is None


def test_steps_refuse_future_dates_and_users_outside_the_case(w):
    with pytest.raises(ValidationError, match="fremtiden"):
        services.step_record(
            case=w.case,
            by=w.caseworker,
            kind=StepKind.POLICE_DOCUMENTATION,
            occurred_on=TODAY() + timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.step_record(
            case=w.case,
            by=w.other_caseworker,
            kind=StepKind.POLICE_DOCUMENTATION,
            occurred_on=TODAY(),
        )


def test_steps_are_refused_for_a_child_of_the_wrong_age(w):
    """Review 13, P3: the youth steps belong to ages (youth support from 17, the youth plan
    position from 15½, police documentation of youth crime 10–17 — that range unverified)."""
    # w.child is 11 (born 15 March 2015)
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=w.case,
            by=w.caseworker,
            kind=StepKind.YOUTH_SUPPORT,
            occurred_on=TODAY(),
            note="Ungestøtte",
            outcome="granted",
        )
    assert refused.value.messages == [
        "Afgørelsen om støtte efter det 18. år træffes senest 6 måneder før 18-årsdagen "
        "(Barnets Lov § 111, stk. 1) og registreres, når den unge er mellem 17 og 18 år. "
        f"Den unge er {w.child.age} år."
    ]
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=w.case,
            by=w.caseworker,
            kind=StepKind.YOUTH_PLAN_POSITION,
            occurred_on=TODAY(),
            note="Ingen plan",
        )
    assert refused.value.messages == [
        "Stillingtagen til ungeplan hører til, når den unge fylder 16 år (Barnets Lov § 108, "
        "stk. 1); den kan tidligst registreres fra 15½ år. "
        f"Barnet er {w.child.age} år."
    ]
    _small, small_case = _youth(w, add_months(TODAY(), -(9 * 12 + 11)))  # 9 years 11 months
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=small_case,
            by=w.caseworker,
            kind=StepKind.POLICE_DOCUMENTATION,
            occurred_on=TODAY(),
        )
    assert refused.value.messages == [
        "Politiets dokumentation for alvorlig ungdomskriminalitet registreres for unge mellem "
        "10 og 17 år (aldersgrænsen er ikke verificeret). Barnet er 9 år."
    ]
    assert not CaseStep.objects.exists()
    # the boundaries: 15½ exactly for the youth plan, 17 exactly for youth support
    _kid, plan_case = _youth(w, add_months(TODAY(), -(15 * 12 + 6)))
    services.step_record(
        case=plan_case,
        by=w.caseworker,
        kind=StepKind.YOUTH_PLAN_POSITION,
        occurred_on=TODAY(),
        note="Indsatsen ophører snart.",
    )
    _kid, support_case = _youth(
        w, add_months(TODAY(), -17 * 12), measure_kind="placement_with_consent"
    )
    services.step_record(
        case=support_case,
        by=w.caseworker,
        kind=StepKind.YOUTH_SUPPORT,
        occurred_on=TODAY(),
        note="Ungestøtte til 19 år.",
        outcome="granted",
    )
    assert CaseStep.objects.count() == 2


def test_a_placed_youth_cannot_be_given_the_position_without_a_plan(w):
    """Review 13, P2 6: a placed young person must have a youth plan (Barnets Lov § 108,
    DOMAIN §4); the position "no plan" is refused while a placement runs."""
    born = add_months(TODAY(), -(16 * 12 + 1))
    _kid, case = _youth(w, born, measure_kind="placement_with_consent")
    with pytest.raises(ValidationError) as refused:
        services.step_record(
            case=case,
            by=w.caseworker,
            kind=StepKind.YOUTH_PLAN_POSITION,
            occurred_on=TODAY(),
            note="En ungeplan giver ikke mening.",
        )
    assert refused.value.messages == [
        "Den unge er anbragt. En anbragt ung skal have en ungeplan (Barnets Lov § 108); "
        "udarbejd ungeplanen under Planer i stedet for at tage stilling uden en plan."
    ]
    assert not CaseStep.objects.filter(case=case).exists()
    assert _clock(case, "youth_plan_at_16").is_running
    # a support measure alongside does not change it; the placement ended does
    event_write(ev.MeasureStarted(measure_kind="support"), case=case, actor=w.caseworker)
    with pytest.raises(ValidationError):
        services.step_record(
            case=case,
            by=w.caseworker,
            kind=StepKind.YOUTH_PLAN_POSITION,
            occurred_on=TODAY(),
            note="En ungeplan giver ikke mening.",
        )
    assert services.has_active_placement(case)
    event_write(ev.MeasureEnded(), case=case, actor=w.caseworker)
    assert not services.has_active_placement(case)
    services.step_record(
        case=case,
        by=w.caseworker,
        kind=StepKind.YOUTH_PLAN_POSITION,
        occurred_on=TODAY(),
        note="Anbringelsen er ophørt; en ungeplan giver ikke mening.",
    )


# --- pages ---------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_data(w, **over) -> dict:
    day = (TODAY() - timedelta(days=1)).isoformat()
    clock = Clock.objects.running().get(case=w.case, rule_key="assessment_duration")
    data = {
        "token": str(uuid.uuid4()),
        "version": Case.objects.get(pk=w.case.pk).version,
        "reason": "Målene er nået",
        **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in complete_answers().items()},
        explain_field("open_deadlines", f"assessment_duration:{clock.sequence}"): "Afbrudt",
    }
    data["child_dialogue_on"] = day
    data.update(over)
    return data


def test_the_closure_page_lists_what_is_missing_and_keeps_what_was_typed(w):
    client = _client(w.caseworker)
    page = client.get(f"/sager/{w.case.pk}/afslut/")
    assert page.status_code == 200
    assert "Børnefaglig undersøgelse" in page.content.decode()  # the running clock is listed
    row = AccessLogEntry.objects.filter(what="case_close").latest("id")
    assert (row.user, row.case_id) == (w.caseworker, w.case.pk)
    data = _post_data(w, final_assessment="", child_dialogue_how="Samtale <b>hjemme</b>")
    response = client.post(f"/sager/{w.case.pk}/afslut/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sagen er ikke afsluttet – dette mangler" in html
    assert "Skriv den afsluttende vurdering" in html
    assert "Samtale &lt;b&gt;hjemme&lt;/b&gt;" in html  # kept, as text
    assert Case.objects.get(pk=w.case.pk).closed_at is None
    data = _post_data(w)
    response = client.post(f"/sager/{w.case.pk}/afslut/", data)
    assert response.status_code == 302
    again = client.post(f"/sager/{w.case.pk}/afslut/", data)  # a double submit
    assert (again.status_code, again["Location"]) == (302, f"/sager/{w.case.pk}/")
    assert Event.objects.filter(case=w.case, kind="case_closed").count() == 1
    case = Case.objects.get(pk=w.case.pk)
    assert case.closed_at is not None
    closure = CaseClosure.objects.get(case=case)
    page = client.get(f"/sager/{w.case.pk}/")
    html = page.content.decode()
    assert "Afsluttet" in html and f"/sager/{w.case.pk}/afslutninger/{closure.pk}/" in html
    assert f"/sager/{w.case.pk}/genaabn/" in html and f"/sager/{w.case.pk}/afslut/" not in html
    detail = client.get(f"/sager/{w.case.pk}/afslutninger/{closure.pk}/")
    assert detail.status_code == 200 and "Afbrudt" in detail.content.decode()
    row = AccessLogEntry.objects.filter(what="case_closure").latest("id")
    assert (row.case_id, row.object_ref) == (w.case.pk, str(closure.pk))


def test_a_closure_under_another_case_is_not_found(w):
    closure = close(w, explanations=clock_explained(w))
    kid = child(first="Ida", born="010116")
    other = services.case_open(
        child=kid, caseworker=w.caseworker, team=w.team_a, opened_by=w.intake
    )
    client = _client(w.caseworker)
    assert client.get(f"/sager/{other.pk}/afslutninger/{closure.pk}/").status_code == 404
    assert client.get(f"/sager/{w.case.pk}/registrer/ukendt/").status_code == 404


def test_the_case_page_shows_the_course_phase_what_is_due_and_the_actions(w):
    html = _client(w.caseworker).get(f"/sager/{w.case.pk}/").content.decode()
    assert 'data-testid="course-phase">3. Børnefaglig undersøgelse' in html
    clock = Clock.objects.running().get(case=w.case, rule_key="assessment_duration")
    due = date_format(timezone.localtime(clock.due_at), "j. F Y")
    assert f"4 måneder – <strong>frist {due}</strong>" in html
    for slug in ("politiets-dokumentation", "netvaerksmoede"):
        assert f"/sager/{w.case.pk}/registrer/{slug}/" in html
    # the child is 11: no youth plan position, no youth support decision (review 13, P3)
    for slug in ("ungeplan-stillingtagen", "ungestoette"):
        assert f"/sager/{w.case.pk}/registrer/{slug}/" not in html
    # someone who only reads the case (reasoned access, read-only) sees it but no actions
    services.reasoned_access_grant(
        user=w.other_caseworker, child=w.child, reason="Dækker for kollega i dag"
    )
    reader = _client(w.other_caseworker).get(f"/sager/{w.case.pk}/")
    assert reader.status_code == 200
    reader_html = reader.content.decode()
    assert 'data-testid="course-phase">3. Børnefaglig undersøgelse' in reader_html
    assert "Afslut sagen" not in reader_html and f"/sager/{w.case.pk}/afslut/" not in reader_html
    assert f"/sager/{w.case.pk}/registrer/" not in reader_html
    # and a team leader of another team, without reasoned access, may not know the case exists
    assert _client(w.leader_b).get(f"/sager/{w.case.pk}/").status_code == 404


def test_the_step_and_reopen_pages(w):
    client = _client(w.caseworker)
    url = f"/sager/{w.case.pk}/registrer/politiets-dokumentation/"
    page = client.get(url)
    assert page.status_code == 200 and "ikke verificeret" in page.content.decode()
    row = AccessLogEntry.objects.filter(what="case_step").latest("id")
    assert (row.user, row.case_id, row.child_id) == (w.caseworker, w.case.pk, w.child.pk)
    bad = client.post(url, {"token": str(uuid.uuid4()), "occurred_on": "", "note": "Vold"})
    assert bad.status_code == 400 and "Vold" in bad.content.decode()
    token = str(uuid.uuid4())
    ok = client.post(url, {"token": token, "occurred_on": TODAY().isoformat(), "note": ""})
    assert ok.status_code == 302
    client.post(url, {"token": token, "occurred_on": TODAY().isoformat(), "note": ""})
    assert CaseStep.objects.filter(case=w.case).count() == 1
    meeting = _clock(w.case, "youth_crime_network_meeting")
    page = client.get(f"/sager/{w.case.pk}/registrer/netvaerksmoede/").content.decode()
    due = date_format(timezone.localtime(meeting.due_at), "j. F Y")
    assert f"ungdomskriminalitet – <strong>{due}</strong>" in page  # the clock it stops
    assert meeting.is_running
    close(
        w,
        explanations={
            **clock_explained(w),
            ("open_deadlines", f"{meeting.rule_key}:{meeting.sequence}"): "Den unge er flyttet",
        },
    )
    assert client.get(url).status_code == 403  # a closed case records nothing
    reopen = f"/sager/{w.case.pk}/genaabn/"
    assert client.get(reopen).status_code == 200
    bad = client.post(reopen, {"version": 99, "reason": "Ny bekymring", "token": str(uuid.uuid4())})
    assert bad.status_code == 409 and "Ny bekymring" in bad.content.decode()
    version = Case.objects.get(pk=w.case.pk).version
    data = {"version": version, "reason": "Ny bekymring", "token": str(uuid.uuid4())}
    ok = client.post(reopen, data)
    assert ok.status_code == 302 and Case.objects.get(pk=w.case.pk).is_open
    assert client.post(reopen, data).status_code == 302  # a double submit: no refusal
    assert CaseReopening.objects.filter(case=w.case).count() == 1


def test_the_case_page_answers_with_constant_queries_however_long_the_course(w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boernesag.cases.closure import explain_items

    client = _client(w.caseworker)
    url = f"/sager/{w.case.pk}/"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def cycle(day):
        """A police documentation (a clock on the page), closed and reopened (history)."""
        services.step_record(
            case=w.case, by=w.caseworker, kind=StepKind.POLICE_DOCUMENTATION, occurred_on=day
        )
        case = Case.objects.get(pk=w.case.pk)
        explanations = {
            (key, item.ref): "Forklaret"
            for key, found in explain_items(case).items()
            for item in found
        }
        services.case_close_checked(
            case=case,
            by=w.caseworker,
            reason="Afsluttet",
            answers=complete_answers(),
            explanations=explanations,
            expected_version=case.version,
        )
        case.refresh_from_db()
        services.case_reopen(
            case=case, by=w.caseworker, reason="Ny bekymring", expected_version=case.version
        )

    cycle(TODAY() - timedelta(days=5))
    services.step_record(
        case=w.case, by=w.caseworker, kind=StepKind.TREATMENT_REQUEST, occurred_on=TODAY()
    )
    client.get(url)
    small = count()
    for i in range(4):
        cycle(TODAY() - timedelta(days=4 - i))
    for _ in range(3):
        services.step_record(
            case=w.case, by=w.caseworker, kind=StepKind.TREATMENT_REQUEST, occurred_on=TODAY()
        )
    html = client.get(url).content.decode()
    assert html.count("Genåbnet") == 5 and html.count("Behandling for misbrug tilbudt") >= 4
    assert count() == small


def test_closures_reopenings_and_steps_cannot_be_changed_afterwards(w):
    from django.db import DatabaseError, connection, transaction

    closure = close(w, explanations=clock_explained(w))
    case = Case.objects.get(pk=w.case.pk)
    services.case_reopen(case=case, by=w.caseworker, reason="Ny bekymring", expected_version=None)
    services.step_record(
        case=w.case, by=w.caseworker, kind=StepKind.POLICE_DOCUMENTATION, occurred_on=TODAY()
    )
    for model in (CaseClosure, ClosureExplanation, CaseReopening, CaseStep):
        assert model.objects.exists()
        table = model._meta.db_table
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # the database refuses
            with (
                pytest.raises(DatabaseError, match=r"permission denied|append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
    assert CaseClosure.objects.get().reason == closure.reason


def test_an_overdue_deadline_is_flagged_at_closure_and_stays_missed_after_it(w):
    """Review 13, P1 2: the closure page says the follow-up is overdue, and explaining it
    closes the case but leaves the miss in compliance (outcome ``missed_closed``)."""
    event_write(
        ev.MeasureStarted(measure_kind="support"),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=130),
    )
    follow_up = _clock(w.case, "measure_follow_up")
    assert follow_up.due_at < timezone.now()
    due = date_format(timezone.localtime(follow_up.due_at), "j. F Y")
    label = f"Opfølgning på indsatsen (frist {due})"
    html = _client(w.caseworker).get(f"/sager/{w.case.pk}/afslut/").content.decode()
    assert f'data-testid="overdue"><strong class="app-late">Overskredet: {label}</strong>' in html
    with pytest.raises(services.ClosureIncomplete) as refused:
        close(w, answers=complete_answers(provider_told="told"), explanations=clock_explained(w))
    youth_plan = _clock(w.case, "youth_plan_at_16")  # due at 16 + 3 months: not overdue
    youth_due = date_format(timezone.localtime(youth_plan.due_at), "j. F Y")
    assert refused.value.missing[-1].messages == [
        f"{label}: fristen er overskredet. Løs opgaven, eller skriv hvorfor sagen kan afsluttes "
        "alligevel (fristen tæller stadig som overskredet).",
        f"Stillingtagen til ungeplan, når den unge fylder 16 (frist {youth_due}): løser "
        "fristen, eller skriv hvorfor sagen kan afsluttes alligevel.",
    ]
    assert "Overskredet: Stillingtagen til ungeplan" not in html
    close(
        w,
        answers=complete_answers(provider_told="told"),
        explanations={
            **clock_explained(w),
            ("open_deadlines", f"measure_follow_up:{follow_up.sequence}"): "Familien fraflyttet",
            ("open_deadlines", f"youth_plan_at_16:{youth_plan.sequence}"): "Familien fraflyttet",
        },
    )
    follow_up = _clock(w.case, "measure_follow_up")  # rows are rebuilt
    assert follow_up.cancelled_at is not None and follow_up.outcome() == "missed_closed"
    # the investigation and the youth plan, explained before their due time, fall away
    assert _clock(w.case, "assessment_duration").outcome() == "cancelled"
    assert _clock(w.case, "youth_plan_at_16").outcome() == "cancelled"


def test_closing_and_reopening_check_the_permission_inside_the_service(w):
    """Review 13, P2 11: case_close and case_reopen(cause="report") refuse a user without
    the permission, whoever calls them."""
    for outsider in (w.other_caseworker, w.finance):
        with pytest.raises(PermissionDenied):
            services.case_close(case=w.case, by=outsider, reason="Afsluttet")
    with pytest.raises(PermissionDenied):  # intake's closure at triage needs intake.triage
        services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet", by_intake=True)
    assert Case.objects.get(pk=w.case.pk).closed_at is None
    services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    case = Case.objects.get(pk=w.case.pk)
    for who in (w.caseworker, w.other_caseworker):  # only intake reopens for a report
        with pytest.raises(PermissionDenied):
            services.case_reopen(
                case=case, by=who, reason="Ny henvendelse", expected_version=None, cause="report"
            )
    with pytest.raises(ValidationError):
        services.case_reopen(
            case=case, by=w.intake, reason="Ny", expected_version=None, cause="anything"
        )
    assert Case.objects.get(pk=w.case.pk).closed_at is not None
    assert not CaseReopening.objects.exists()
    row = services.case_reopen(
        case=case, by=w.intake, reason="Ny henvendelse", expected_version=None, cause="report"
    )
    assert row.cause == "report"
