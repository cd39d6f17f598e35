"""The event store and its projections (issue 10): typed, validated, append-only events;
derived state with an incremental update that always equals a rebuild; verify that finds
any difference; phase that matches practice; responsibility at the time."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boernesag.cases import services as case_services
from boernesag.cases.constants import Phase
from boernesag.cases.models import Case
from boernesag.cases.tests.factories import build_world, child
from boernesag.deadlines.calendar import TZ, add_months
from boernesag.deadlines.models import Clock
from boernesag.deadlines.rules import load_rules
from boernesag.deadlines.selectors import Period, compliance_table
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.payload import PayloadError
from boernesag.events.projections import REGISTRY, get, rebuild, verify
from boernesag.events.services import Actor, event_write


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


def counts():
    return (Event.objects.count(), Clock.objects.count(), Case.objects.count())


# --- the catalogue ----------------------------------------------------------------------


def test_the_catalogue_vocabularies_match_the_apps_choices():
    from typing import get_args

    from boernesag.intake.constants import IntakeKind, Outcome

    assert set(get_args(ev.TriageOutcome)) == set(Outcome.values)
    assert set(get_args(ev.IntakeKindCode)) == set(IntakeKind.values)
    assert set(get_args(ev.DurationUnit)) == {"hours", "days", "weekdays", "working_days", "months"}


def test_every_kind_has_a_danish_label_scope_and_only_coded_payload_fields():
    for kind, cls in ev.REGISTRY.items():
        assert str(cls.label) and cls.scope in ("case", "organisation"), kind
        for spec in cls.specs.values():
            assert spec.base != "str", (kind, spec)
    phases = {cls.phase for cls in ev.REGISTRY.values() if cls.phase}
    assert phases == set(Phase.values)
    assert {"service_approved", "service_revised", "standard_approved", "standard_reviewed"} <= (
        ev.ORGANISATION_KINDS
    )
    assert {"local_standard_set", "role_granted", "role_revoked", "team_joined", "team_left"} <= (
        ev.ORGANISATION_KINDS
    )


def test_free_text_cannot_even_be_declared_in_a_payload():
    with pytest.raises(TypeError, match="free text is not allowed"):

        @ev.declare
        class Bad(ev.CaseScoped):
            kind = "bad_kind_for_test"
            label = "Test"
            reason: str

    assert "bad_kind_for_test" not in ev.REGISTRY
    with pytest.raises(TypeError, match="unsupported payload type"):

        @ev.declare
        class Listy(ev.CaseScoped):
            kind = "listy_kind_for_test"
            label = "Test"
            names: list

    assert "listy_kind_for_test" not in ev.REGISTRY


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ev.ReportTriaged(outcome="maybe"), "outcome"),
        (lambda: ev.MeasureStarted(measure_kind="Anbringelse hos mormor"), "measure_kind"),
        (lambda: ev.JournalWritten(journal_kind="Samtale med Emma om hjemmet"), "journal_kind"),
        (lambda: ev.FollowUpHeld(next_follow_up_due="snart"), "next_follow_up_due"),
        (lambda: ev.AssessmentStarted(aware_at=datetime(2026, 1, 1)), "aware_at"),  # naive
        (lambda: ev.CaseOpened(team=0), "team"),
        (lambda: ev.ReportReceived(notifier_professional="yes"), "notifier_professional"),
        # a typing slip in a year would overflow the deadline arithmetic in the projection
        (lambda: ev.AssessmentStarted(aware_at=datetime(1, 1, 1, tzinfo=TZ)), "aware_at"),
        (lambda: ev.FollowUpHeld(next_follow_up_due=date(9999, 12, 31)), "next_follow_up_due"),
        (lambda: ev.FollowUpHeld(next_follow_up_due="2026-02-30"), "next_follow_up_due"),
        (lambda: ev.DecisionMade(plan_needed="ja"), "plan_needed"),
    ],
)
def test_a_malformed_payload_is_refused_before_anything_is_written(w, make, field):
    before = counts()
    with pytest.raises(PayloadError) as error:
        event_write(make(), case=w.case, actor=w.caseworker)
    assert error.value.field == field
    assert counts() == before


def test_a_services_own_revision_interval_is_capped_by_the_rule_not_overflowing(w):
    """A huge interval in a valid payload (10⁹ months) is capped by the rule's longest
    (12 months) instead of overflowing the calendar inside the writing transaction."""
    from boernesag.deadlines.models import OrganisationClock

    event_write(
        ev.ServiceApproved(version=1, revision_interval_months=10**9),
        actor=w.admin,
        subject=("catalogue.service", 991),
    )
    clock = OrganisationClock.objects.get(subject="catalogue.service:991")
    today = clock.started_at.astimezone(TZ).date()
    assert clock.due_at.astimezone(TZ).date() == add_months(today, 12)


def test_the_old_api_validates_like_the_constructors(w):
    from boernesag.cases.events import event_record

    before = counts()
    with pytest.raises(PayloadError, match="feltet findes ikke"):
        event_record(case=w.case, kind="receipt_sent", actor=w.caseworker, payload={"title": "x"})
    with pytest.raises(PayloadError, match="ukendt hændelse"):
        event_record(case=w.case, kind="receipt_mailed", actor=w.caseworker)
    assert counts() == before
    event = event_record(
        case=w.case, kind="receipt_sent", actor=w.caseworker, payload={"letter": 3}
    )
    assert event.typed == ev.ReceiptSent(letter=3)


def test_scope_actor_and_time_are_checked(w):
    before = counts()
    with pytest.raises(ValueError, match="organisation event"):
        event_write(ev.ServiceClosed(), case=w.case, actor=w.admin)
    with pytest.raises(ValueError, match="case event"):
        event_write(ev.CaseClosed(), actor=w.admin)
    with pytest.raises(ValueError, match="explicit actor"):
        event_write(ev.CaseClosed(), case=w.case, actor=None)
    with pytest.raises(ValidationError, match="fremtiden"):
        event_write(
            ev.JournalCorrected(),
            case=w.case,
            actor=w.caseworker,
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert counts() == before


def test_system_and_integration_actors(w):
    system = event_write(
        ev.ClockResumed(rule="assessment_duration"), case=w.case, actor=Actor.system("nightly")
    )
    api = event_write(
        ev.DocumentAdded(document_kind="other"), case=w.case, actor=Actor.integration("erp")
    )
    assert (system.actor_kind, system.actor_id, system.actor_ref) == ("system", None, "nightly")
    assert (api.actor_kind, api.actor_ref) == ("integration", "erp")


# --- append-only, enforced by the database ---------------------------------------------------


def test_events_cannot_be_updated_or_deleted(w):
    """Refused to the application's role (no privilege) and to the owner (guard trigger)."""
    event = w.case.events.first()
    statements = (
        f"UPDATE events_event SET kind = 'x' WHERE id = {event.pk}",
        f"DELETE FROM events_event WHERE id = {event.pk}",
    )
    for statement in statements:
        with pytest.raises(Exception, match=r"permission denied|append-only"), transaction.atomic():
            connection.cursor().execute(statement)
    with connection.owner_connection() as owner, owner.cursor() as cursor:
        for verb in ("UPDATE events_event SET kind = 'x'", "DELETE FROM events_event"):
            cursor.execute("BEGIN")
            try:  # the owner sees committed rows only: it writes one in its transaction
                cursor.execute(
                    "INSERT INTO events_event (scope, kind, occurred_at, recorded_at, "
                    "actor_kind, actor_ref, subject_type, payload) VALUES ('organisation', "
                    "'service_closed', now(), now(), 'system', 'test', '', '{}') RETURNING id"
                )
                (row,) = cursor.fetchone()
                with pytest.raises(Exception, match="append-only"):
                    cursor.execute(f"{verb} WHERE id = %s", [row])
            finally:
                cursor.execute("ROLLBACK")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            scope="case", case=None, kind="case_closed", occurred_at=timezone.now(), actor=w.admin
        )


def test_truncate_is_refused_and_the_guards_are_in_place(w):
    """The application's role has no TRUNCATE privilege, and the table carries the guard
    triggers every append-only table has (the audit trail's tamper tests run UPDATE, DELETE
    and TRUNCATE against all of them, also as the owner)."""
    from boernesag.audit.append_only import append_only_tables
    from boernesag.conf import db_roles

    with pytest.raises(Exception, match=r"permission denied|append-only"), transaction.atomic():
        connection.cursor().execute("TRUNCATE events_event, events_legacypayloadvalue")
    assert "events_event" in append_only_tables()
    assert "events_legacypayloadvalue" not in append_only_tables()  # retention may remove
    with connection.cursor() as cursor:
        inventory = db_roles.trigger_inventory(cursor, ["events_event"])["events_event"]
    assert inventory == {db_roles.NO_CHANGE_TRIGGER: "O", db_roles.NO_TRUNCATE_TRIGGER: "O"}
    assert Event.objects.exists()


# --- projections: incremental == rebuild, verify finds differences -----------------------


def snapshot():
    return {
        "clocks": sorted(
            Clock.objects.values_list(
                "case_id",
                "rule_key",
                "sequence",
                "due_at",
                "stopped_at",
                "cancelled_at",
                "team_id",
                "caseworker_id",
                "pause_id",
                "stop_event_id",
            )
        ),
        "cases": sorted(
            Case.objects.values_list(
                "pk", "phase", "last_activity_at", "last_activity_kind", "team_id", "caseworker_id"
            )
        ),
    }


PAUSE = {"id": None}  # a real ClockPause row (the clock refers to it), made per test


@pytest.fixture
def pause_row(w):
    from boernesag.deadlines.models import ClockPause

    PAUSE["id"] = ClockPause.objects.create(
        case=w.case,
        rule_key="assessment_duration",
        reason="Afventer samtykke",
        by=w.caseworker,
        paused_at=timezone.now(),
    ).pk
    return PAUSE["id"]


KINDS = [
    lambda d: ev.ReportReceived(
        intake_kind=d.draw(st.sampled_from(["concern_report", "application"])),
        notifier_professional=d.draw(st.booleans()),
    ),
    lambda d: ev.ReportTriaged(outcome=d.draw(st.sampled_from(["advice", "investigation"]))),
    lambda d: ev.ReceiptSent(),
    lambda d: ev.AssessmentStarted(),
    lambda d: ev.AssessmentConcluded(),
    lambda d: ev.PlanMade(),
    lambda d: ev.DecisionMade(
        measure_kind=d.draw(
            st.sampled_from(["support", "placement_with_consent", "placement_without_consent"])
        )
    ),
    lambda d: ev.MeasureStarted(
        measure_kind=d.draw(st.sampled_from(["support", "placement_with_consent"]))
    ),
    lambda d: ev.FollowUpHeld(
        next_follow_up_due=d.draw(
            st.one_of(st.none(), st.dates(date(2023, 6, 1), date(2026, 12, 31)))
        )
    ),
    lambda d: ev.SupervisionVisitHeld(),
    lambda d: ev.MeasureEnded(),
    lambda d: ev.DecisionSent(),
    lambda d: ev.JournalCorrected(),
    # pauses (with the ClockPause row holding the reason) and closure: due times move,
    # clocks cancel
    lambda d: ev.ClockPaused(
        rule=d.draw(st.sampled_from(["assessment_duration", "measure_follow_up"])),
        pause=PAUSE["id"],
    ),
    lambda d: ev.ClockResumed(
        rule=d.draw(st.sampled_from(["assessment_duration", "measure_follow_up"]))
    ),
    lambda d: ev.CaseClosed(),
]


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incremental_projections_equal_a_rebuild_for_any_order_also_recorded_late(
    w, pause_row, data
):
    """Events written in a random order of recording, each with a random time of occurring
    (so many are recorded late, some before the SEL/BL switch): the clocks, phase and
    responsibility kept up to date event by event equal a full recomputation."""
    case = case_services.case_open(
        child=child(first="Prop"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        opened_at=datetime(2023, 6, 1, 9, tzinfo=TZ),
    )
    base = datetime(2023, 6, 1, 10, tzinfo=TZ)
    for _ in range(data.draw(st.integers(3, 14))):
        typed = data.draw(st.sampled_from(KINDS))(data)
        offset = data.draw(st.integers(0, 1200 * 24)) * 3600 // 24
        event_write(
            typed, case=case, actor=w.caseworker, occurred_at=base + timedelta(seconds=offset)
        )
        if data.draw(st.booleans()) and typed.kind == "report_triaged":
            case_services.case_reassign(
                case=case,
                caseworker=w.colleague,
                team=w.team_b,
                by=w.leader_a,
                reason="Omfordeling",
                expected_version=None,
            )
    incremental = snapshot()
    for projection in REGISTRY.values():
        assert verify(projection).differences == 0, projection.name
    for projection in REGISTRY.values():
        rebuild(projection)
    assert snapshot() == incremental


def _clock_facts(case, index_of):
    """A case's clocks with event ids replaced by the event's position in the drawn list, so
    two cases holding the same events can be compared."""
    return sorted(
        (
            c.rule_key,
            c.rule_version,
            c.sequence,
            c.started_at,
            c.due_at,
            c.local_due_at,
            c.stopped_at,
            c.cancelled_at,
            c.paused_since,
            c.paused_seconds,
            index_of[c.start_event_id],
            index_of.get(c.stop_event_id),
        )
        for c in Clock.objects.filter(case=case)
    )


@settings(
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_clocks_depend_on_when_events_happened_not_on_when_they_were_recorded(w, pause_row, data):
    """Not only incremental == rebuild (both recompute the case with the same function):
    the same events, recorded in a random order (many late) on one case and in the order
    they happened on another, give the same clocks and phase — and the clocks obey the
    rules' own invariants (a stop satisfies one clock of a rule, a recurrence restarts at
    its stop, a due time is never before the start except a date the municipality set)."""
    drawn = []
    offsets = data.draw(st.lists(st.integers(0, 1100), min_size=3, max_size=12, unique=True))
    for offset in offsets:
        drawn.append((data.draw(st.sampled_from(KINDS))(data), offset))
    base = datetime(2023, 6, 1, 10, tzinfo=TZ)
    cases = []
    for name, order in (
        ("Sent", data.draw(st.permutations(range(len(drawn))))),
        ("Tid", sorted(range(len(drawn)), key=lambda i: drawn[i][1])),
    ):
        case = case_services.case_open(
            child=child(first=name),
            caseworker=w.caseworker,
            team=w.team_a,
            opened_by=w.intake,
            opened_at=base - timedelta(days=1),
        )
        index_of = {}
        for i in order:
            typed, offset = drawn[i]
            row = event_write(
                typed, case=case, actor=w.caseworker, occurred_at=base + timedelta(days=offset)
            )
            index_of[row.pk] = i
        cases.append((case, index_of))
    (late, late_ids), (timely, timely_ids) = cases
    assert _clock_facts(late, late_ids) == _clock_facts(timely, timely_ids)
    late.refresh_from_db()
    timely.refresh_from_db()
    assert late.phase == timely.phase
    assert late.last_activity_at == timely.last_activity_at
    # the rules' own invariants
    rules = load_rules()
    clocks = list(Clock.objects.filter(case=late).order_by("rule_key", "sequence"))
    for rule_key in {c.rule_key for c in clocks}:
        chain = [c for c in clocks if c.rule_key == rule_key]
        stops = [c.stop_event_id for c in chain if c.stop_event_id]
        assert len(stops) == len(set(stops)), rule_key  # one stop satisfies one clock
        for clock, after in itertools.pairwise(chain):
            version = rules[rule_key].version_for(clock.started_at)
            if version.restart_on_stop and clock.stopped_at and not clock.cancelled_at:
                assert after.started_at == clock.stopped_at, rule_key  # restarts at its stop
        for clock in chain:
            version = rules[rule_key].version_for(clock.started_at)
            if not version.due_from_payload:
                assert clock.due_at >= clock.started_at, rule_key


def test_verify_finds_tampering_and_rebuild_repairs_it(w):
    event_write(
        ev.AssessmentStarted(),
        case=w.case,
        actor=w.caseworker,
        occurred_at=timezone.now() - timedelta(days=3),
    )
    Clock.objects.filter(case=w.case).update(due_at=timezone.now() + timedelta(days=999))
    Case.objects.filter(pk=w.case.pk).update(phase=Phase.CLOSURE)
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("projections_verify", stdout=out)
    assert error.value.returncode == 1
    text = out.getvalue()
    assert "clocks: " in text and "assessment_duration#1 (due_at" in text
    assert f"case_state sag #{w.case.pk}" in text
    call_command("projections_rebuild", stdout=StringIO())
    call_command("projections_verify", stdout=StringIO())  # no error: all equal again
    assert Case.objects.get(pk=w.case.pk).phase == Phase.ASSESSMENT
    call_command("projections_rebuild", "clocks", stdout=StringIO())
    call_command("deadlines_rebuild", stdout=StringIO())  # the old name still works
    with pytest.raises(CommandError, match="ukendt projektion"):
        call_command("projections_verify", "no_such", stdout=StringIO())


def test_rebuild_skips_a_case_being_written_and_recomputes_it_when_free(w):
    """A rebuild chunk never waits while holding other cases: a case another transaction
    is writing (holding its lock) is left for the end and recomputed once it is free."""
    import threading
    import time

    import psycopg

    from boernesag.events.locks import CASE_NAMESPACE, case_try_locks

    busy = w.case.pk + 10_000  # a case id this test's own transaction has not locked
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [CASE_NAMESPACE, busy])
        assert case_try_locks([busy, w.case.pk]) == {w.case.pk}
        releaser = threading.Timer(0.5, lambda: other.execute("SELECT pg_advisory_unlock_all()"))
        releaser.start()
        started = time.perf_counter()
        result = rebuild(get("clocks"), keys=[[w.case.pk, busy]])
        assert (result.checked, result.retried) == (2, 1)
        assert time.perf_counter() - started >= 0.4  # it waited for that case only, at the end
        releaser.join()
    finally:
        other.close()


# --- phase that matches practice ---------------------------------------------------------------


def test_a_new_report_on_a_case_with_a_measure_is_handled_inside_the_case(w):
    for typed in (
        ev.AssessmentStarted(),
        ev.AssessmentConcluded(),
        ev.DecisionMade(measure_kind="support"),
        ev.MeasureStarted(measure_kind="support"),
    ):
        event_write(typed, case=w.case, actor=w.caseworker)
    assert Case.objects.get(pk=w.case.pk).phase == Phase.START
    event_write(ev.ReportReceived(intake_kind="concern_report"), case=w.case, actor=w.intake)
    event_write(ev.ReportTriaged(outcome="advice", reassessment=True), case=w.case, actor=w.intake)
    assert Case.objects.get(pk=w.case.pk).phase == Phase.START  # not back to "2. Afklaring"
    event_write(
        ev.FollowUpHeld(next_follow_up_due=timezone.localdate() + timedelta(days=90)),
        case=w.case,
        actor=w.caseworker,
    )
    assert Case.objects.get(pk=w.case.pk).phase == Phase.FOLLOW_UP
    event_write(ev.MeasureEnded(), case=w.case, actor=w.caseworker)
    event_write(ev.ReportReceived(), case=w.case, actor=w.intake)
    assert Case.objects.get(pk=w.case.pk).phase == Phase.FOLLOW_UP
    case_services.case_close(case=w.case, by=w.caseworker, reason="Målene er nået")
    assert Case.objects.get(pk=w.case.pk).phase == Phase.CLOSURE


def test_early_phases_follow_reports_and_a_late_triage_does_not_move_the_phase_back(w):
    assert Case.objects.get(pk=w.case.pk).phase == Phase.INQUIRY
    event_write(ev.ReportTriaged(outcome="exploration"), case=w.case, actor=w.intake)
    assert Case.objects.get(pk=w.case.pk).phase == Phase.TRIAGE
    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker)
    event_write(ev.PlanMade(), case=w.case, actor=w.caseworker)
    late = event_write(
        ev.ReportTriaged(outcome="advice"),
        case=w.case,
        actor=w.intake,
        occurred_at=timezone.now() - timedelta(days=25),
    )
    assert late.recorded_late
    assert Case.objects.get(pk=w.case.pk).phase == Phase.PLAN


# --- responsibility at the time ------------------------------------------------------------------


def test_reassigning_a_case_does_not_change_last_quarters_compliance(w):
    """Team Nord missed an investigation deadline last quarter; the case moves to Team Syd
    today. Last quarter's figures still count the miss (and the met one) for Team Nord."""
    now = timezone.now()
    due_quarter_start = datetime(
        now.year if now.month > 3 else now.year - 1,
        ((now.month - 1) // 3 - 1) % 4 * 3 + 1,
        1,
        tzinfo=TZ,
    )
    period = Period("quarter", due_quarter_start.year, (due_quarter_start.month - 1) // 3 + 1)
    start = due_quarter_start - timedelta(days=100)  # due 4 months later: inside that quarter
    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker, occurred_at=start)
    other = case_services.case_open(
        child=child(first="Anden"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        opened_at=start - timedelta(days=1),
    )
    event_write(ev.AssessmentStarted(), case=other, actor=w.caseworker, occurred_at=start)
    event_write(
        ev.AssessmentConcluded(),
        case=other,
        actor=w.caseworker,
        occurred_at=start + timedelta(days=60),
    )

    def figures():
        return {
            (r["rule_key"], r["who"], r["met"], r["missed"])
            for r in compliance_table(period=period, group="team", now=now)
        } | {
            (r["rule_key"], r["who"], r["met"], r["missed"])
            for r in compliance_table(period=period, group="caseworker", now=now)
        }

    before = figures()
    assert ("assessment_duration", "Team Nord", 1, 1) in before
    for case in (w.case, other):
        case.refresh_from_db()
        case_services.case_reassign(
            case=case,
            caseworker=w.other_caseworker,
            team=w.team_b,
            by=w.leader_a,
            reason="Ny struktur",
            expected_version=None,
        )
    assert Case.objects.get(pk=w.case.pk).team == w.team_b
    assert figures() == before
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    assert (clock.start_team, clock.team, clock.caseworker) == (w.team_a, w.team_a, w.caseworker)
    assert verify(get("clocks")).differences == 0
