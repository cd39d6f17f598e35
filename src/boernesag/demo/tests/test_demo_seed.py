"""Demo Kommune: built through the real services and event constructors, plausible, and
consistent with its events (projections_verify passes). The demo is seeded once for this
module (inside a transaction rolled back at the end), since writing ~120 case histories
through the services takes a few seconds."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User
from boernesag.demo.data import DEMO_PASSWORD

README = Path(__file__).resolve().parents[4] / "README.md"


def counts():
    return [
        Model.objects.count()
        for Model in (Municipality, Unit, User, RoleAssignment, TeamMembership)
    ]


def casework_counts():
    from boernesag.cases.models import Case, Consent, JournalEntry, Meeting
    from boernesag.events.models import Event
    from boernesag.persons.models import Person

    return [M.objects.count() for M in (Person, Case, Event, JournalEntry, Meeting, Consent)]


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_municipality_alone(municipality):
    out = StringIO()
    call_command("demo_seed", "--if-empty", stdout=out)
    assert User.objects.count() == 0
    assert "allerede" in out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = StringIO()
        call_command("demo_seed", stdout=out)
        try:
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_demo_seed_builds_demo_kommune_and_is_idempotent(demo):
    first, first_casework = counts(), casework_counts()
    assert Municipality.objects.get().name == "Demo Kommune"
    assert User.objects.count() >= 20
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    team_names = set(Unit.objects.filter(kind="team").values_list("name", flat=True))
    assert {"Modtagelsen", "Distrikt Nord", "Distrikt Syd", "Distrikt Vest"} <= team_names
    assert {"Ungeteamet", "Handicapteamet"} <= team_names
    assert "mette.hansen@demo-kommune.dk" in demo
    assert DEMO_PASSWORD in demo
    call_command("demo_seed", stdout=StringIO())
    assert counts() == first
    assert casework_counts() == first_casework


@pytest.mark.django_db
def test_projections_verify_passes_on_the_demo_and_a_rebuild_changes_nothing(demo):
    from boernesag.cases.models import Case
    from boernesag.deadlines.models import Clock, OrganisationClock

    call_command("projections_verify", stdout=StringIO())  # raises (exit 1) on a difference

    def state():
        return (
            sorted(
                Clock.objects.values_list(
                    "case_id", "rule_key", "sequence", "due_at", "stopped_at", "team_id"
                )
            ),
            sorted(
                OrganisationClock.objects.values_list("rule_key", "sequence", "subject", "due_at")
            ),
            sorted(Case.objects.values_list("pk", "phase", "last_activity_at", "team_id")),
        )

    before = state()
    out = StringIO()
    call_command("projections_rebuild", stdout=out)
    assert "0 rettet" in out.getvalue()
    assert state() == before


@pytest.mark.django_db
def test_demo_casework_is_realistic_and_written_through_the_services(demo):
    from boernesag.cases.models import Case, Reassignment
    from boernesag.events.models import Event
    from boernesag.intake.models import IntakeChild
    from boernesag.persons.models import Person

    assert Person.objects.filter(relations__isnull=False).distinct().count() >= 150
    assert 90 <= Case.objects.count() <= 140
    assert Person.objects.filter(cpr_is_test=False).count() == 0
    phases = set(Case.objects.values_list("phase", flat=True))
    assert len(phases) >= 5  # a realistic spread over the process
    assert Case.objects.filter(closed_at__isnull=False).exists()
    # every case began with a registered report, triaged and distributed through intake
    assert not Case.objects.filter(intake_reports__isnull=True).exists()
    assert Reassignment.objects.filter(reason="Fordelt ved modtagelsen").count() >= 60
    assert not Event.objects.filter(actor_kind="user", actor__isnull=True).exists()
    # written at the time it happened, not "recorded late" en masse (meeting minutes are
    # finished some hours after the meeting: that is recorded late, truthfully)
    events = Event.objects.filter(scope="case").exclude(kind="meeting_held")
    assert sum(e.recorded_late for e in events) < events.count() * 0.02
    for case in Case.objects.filter(opened_at__lt=timezone.now() - timedelta(days=2)):
        assert (
            case.events.filter(kind="report_triaged").exists()
            or case.intake_reports.filter(triaged_at__isnull=True).exists()
        )
    # the intake queue has something to do
    assert IntakeChild.objects.filter(triaged_at__isnull=True).count() >= 5
    assert IntakeChild.objects.filter(child__isnull=True).exists()  # an unknown child
    assert IntakeChild.objects.filter(item__reasons__contains=["violence"]).exists()
    # § 137: new reports on cases with a measure, handled inside the case
    inside = IntakeChild.objects.filter(reassessment=True)
    assert inside.exists()
    assert set(Case.objects.filter(intake_reports__in=inside).values_list("phase", flat=True)) <= {
        "start",
        "follow_up",
        "closure",
    }


@pytest.mark.django_db
def test_demo_deadlines_are_mostly_kept_and_none_is_absurdly_overdue(demo):
    from collections import Counter

    from boernesag.deadlines.models import Clock, OrganisationClock

    now = timezone.now()
    outcomes = Counter(c.outcome(now=now) for c in Clock.objects.all())
    assert {"met", "late", "open"} <= set(outcomes)
    decided = outcomes["met"] + outcomes["late"] + outcomes["missed"]
    assert outcomes["met"] / decided > 0.85
    overdue = [
        c
        for c in Clock.objects.actionable(now).filter(case__closed_at__isnull=True)
        if c.outcome(now=now) == "missed"
    ]
    running = Clock.objects.actionable(now).filter(case__closed_at__isnull=True).count()
    assert len(overdue) <= running * 0.1
    assert all(now - c.due_at < timedelta(days=60) for c in overdue), [
        (c.rule_key, (now - c.due_at).days) for c in overdue
    ]
    # plans made before the decision count as kept
    assert any(
        c.stopped_before_start and c.outcome() == "met"
        for c in Clock.objects.filter(rule_key__startswith="plan_")
    )
    # the catalogue's revisions are organisation clocks, mostly in good time
    revisions = OrganisationClock.objects.running().filter(rule_key="catalogue_service_revision")
    assert revisions.count() >= 35
    assert all(
        now - c.due_at < timedelta(days=40) for c in revisions if c.outcome(now=now) == "missed"
    )


@pytest.mark.django_db
def test_mette_hansens_front_page_shows_a_realistic_picture(demo, client):
    from boernesag.cases.models import Case
    from boernesag.deadlines.selectors import my_deadlines

    mette = User.objects.get(email="mette.hansen@demo-kommune.dk")
    cases = Case.objects.open().filter(caseworker=mette)
    assert cases.count() >= 4
    now = timezone.now()
    overdue_cases = {c.case_id for c in my_deadlines(user=mette) if c.outcome(now=now) == "missed"}
    assert len(overdue_cases) <= cases.count() // 2
    client.force_login(mette)
    page = client.get("/frister/mine/").content.decode()
    assert "Klagefrist" not in page or "Udløbet" not in page  # ended windows are not listed


@pytest.mark.django_db
def test_every_demo_user_can_log_in_with_the_documented_password(demo, client):
    assert DEMO_PASSWORD in README.read_text()
    for user in User.objects.all():
        assert client.login(email=user.email, password=DEMO_PASSWORD), user.email
        client.logout()


@pytest.mark.django_db
def test_demo_children_have_people_around_them(demo, client):
    """Issue 11 part A in the demo: custody holders, professionals with their organisation,
    resource-person agreements on the engine's clock, relatives to fetch from the CPR
    register, a half-sibling whose case is in another team, a protected child."""
    from boernesag.cases.models import Case
    from boernesag.deadlines.models import Clock
    from boernesag.integrations.cpr import register
    from boernesag.persons import selectors as people
    from boernesag.persons.constants import RelationKind
    from boernesag.persons.models import Person, Relation, ResourcePersonAgreement

    open_cases = Case.objects.open().select_related("child")
    without = {c.child.full_name for c in open_cases if not people.custody_holders(c.child)}
    assert without == {"Magnus Holm"}  # known from an earlier contact, entered by hand
    # registering the report imported the Østergaard siblings and their custody holders
    liva = Person.objects.get(cpr="0208224811")
    assert liva.source == "register"
    assert {p.first_name for p in people.custody_holders(liva)} == {"Pernille", "Nikolaj"}
    professionals = Relation.objects.filter(kind=RelationKind.PROFESSIONAL)
    assert professionals.count() >= 60
    assert {"school", "daycare", "doctor"} <= set(
        professionals.values_list("professional_role", flat=True)
    )
    assert not professionals.filter(person__organisation="").exists()
    # the register knows the demo children, with their custody holders
    some = open_cases.filter(child__cpr_is_test=True).first().child
    record = register().lookup(some.cpr)
    assert {p.cpr for p in record.custody_holders} == {p.cpr for p in people.custody_holders(some)}
    # agreements on the engine's clock: followed up in time, running, overdue, ended
    assert ResourcePersonAgreement.objects.count() >= 4
    outcomes = {c.outcome() for c in Clock.objects.filter(rule_key="resource_person_follow_up")}
    assert {"met", "open", "missed", "cancelled"} <= outcomes
    # Mette: a half-sibling with a case in another team, relatives left to fetch, a
    # protected child
    mette = User.objects.get(email="mette.hansen@demo-kommune.dk")
    first = Case.objects.open().filter(caseworker=mette).order_by("opened_at").first()
    half = Relation.objects.get(child=first.child, kind=RelationKind.HALF_SIBLING)
    assert half.person.cases.exclude(team=first.team).exists()
    client.force_login(mette)
    html = client.get(f"/sager/{first.pk}/personer/").content.decode()
    assert half.person.full_name in html
    assert not any(c.reference in html for c in half.person.cases.all())
    protected = Person.objects.filter(address_protected=True, cases__caseworker=mette).first()
    assert protected is not None and protected.source == "register"
    page = client.get(f"/boern/{protected.pk}/").content.decode()
    assert "Adressebeskyttet" in page and protected.street not in page


@pytest.mark.django_db
def test_demo_plans_are_made_through_the_plans_services(demo):
    from boernesag.events.models import Event
    from boernesag.letters.models import Letter, LetterKind
    from boernesag.plans.models import Plan, PlanDispatch, PlanGoal, PlanTask, PlanVersion

    made = Event.objects.filter(kind="plan_made")
    plans = Plan.objects.filter(status="made")
    # every plan_made of the demo has its plan (written by plans.services.plan_make)
    assert made.count() == plans.count() > 10
    assert set(made.values_list("payload__plan", flat=True)) == set(
        plans.values_list("pk", flat=True)
    )
    assert PlanGoal.objects.filter(parent__isnull=False).exists()  # sub-goals
    assert set(PlanTask.objects.values_list("responsible", flat=True)) >= {
        "family",
        "provider",
        "caseworker",
    }
    assert PlanVersion.objects.filter(number=2).exclude(reason="").exists()  # revisions
    assert PlanDispatch.objects.exists()
    assert Letter.objects.filter(kind=LetterKind.PLAN).count() == PlanDispatch.objects.count()
    for plan in plans.filter(made_on__lt="2024-01-01"):
        assert plan.kind == "action"  # a handleplan only for Serviceloven-era plans
    for plan in plans.filter(made_on__gte="2024-01-01"):
        assert plan.kind in ("child", "youth")


@pytest.mark.django_db
def test_demo_children_have_network_maps_and_genograms(demo, client):
    """Issue 11 item 4 in the demo: maps drawn through the services on Mette's cases first,
    some with the parents' relationship on the genogram; the pages show them."""
    from boernesag.events.models import Event
    from boernesag.persons.models import NetworkMap, NetworkMapPlacement

    mette = User.objects.get(email="mette.hansen@demo-kommune.dk")
    maps = NetworkMap.objects.select_related("case")
    assert maps.count() >= 5
    assert maps.filter(case__caseworker=mette).count() >= 3
    assert maps.exclude(parents_relationship="").exists()
    assert NetworkMapPlacement.objects.exclude(note="").exists()
    assert Event.objects.filter(kind="network_map_saved").count() >= maps.count()
    drawn = maps.filter(case__caseworker=mette).first()
    note = NetworkMapPlacement.objects.filter(network_map=drawn).exclude(note="").first()
    client.force_login(mette)
    html = client.get(f"/sager/{drawn.case_id}/netvaerkskort/").content.decode()
    assert "Senest gemt af Mette Hansen" in html
    if note is not None:
        assert note.note in html
    assert client.get(f"/sager/{drawn.case_id}/genogram/").status_code == 200


@pytest.mark.django_db
def test_demo_has_two_administrators_and_a_request_waiting_for_the_second(demo):
    from boernesag.rights.models import AccessChange

    admins = User.objects.filter(role_assignments__role=Role.ADMIN).distinct()
    assert admins.count() >= 2
    waiting = AccessChange.objects.get(status="pending")
    kirsten = User.objects.get(email="kirsten.madsen@demo-kommune.dk")
    anders = User.objects.get(email="anders.holm@demo-kommune.dk")
    assert waiting.requested_by == kirsten
    assert not kirsten.has_perm("rights.confirm_access_change", waiting)
    assert anders.has_perm("rights.confirm_access_change", waiting)
    assert AccessChange.objects.filter(status="rejected", user=kirsten).exists()


@pytest.mark.django_db
def test_demo_decisions_cover_every_path(demo):
    from boernesag.decisions.models import Appeal, Approval, Decision, Hearing

    assert Decision.objects.filter(outcome="grant", status="sent", replaces=None).exists()
    refused = Decision.objects.get(outcome="refusal")
    assert refused.status == "sent" and Hearing.objects.filter(decision=refused).exists()
    assert Approval.objects.filter(approved=True, level="team_leader").exists()
    assert Decision.objects.filter(status="awaiting_approval").exists()
    changed = Appeal.objects.get(status="changed")
    assert changed.new_decision.status == "sent"
    ruled = Appeal.objects.get(status="ruled")
    assert ruled.ruling == "upheld" and ruled.forwarded_on is not None
    assert Decision.objects.filter(temporary=True).exists()


@pytest.mark.django_db
def test_demo_has_cases_closed_through_the_checklist_and_one_reopened(demo):
    from boernesag.cases.models import Case, CaseClosure, CaseReopening, CaseStep
    from boernesag.deadlines.models import Clock
    from boernesag.demo.closure import CLOSE, demo_closure_seed

    # the closure seed's cases had no measure (those closed after a measure: test below)
    closures = list(
        CaseClosure.objects.filter(provider_status="no")
        .select_related("case")
        .prefetch_related("explanations")
    )
    assert len(closures) == CLOSE
    for closure in closures:
        assert closure.final_assessment and closure.child_dialogue == "yes"
        # every deadline that ran when it closed was explained, and the closure cancelled it
        for explanation in closure.explanations.all():
            rule_key, sequence = explanation.ref.split(":")
            clock = Clock.objects.get(case=closure.case, rule_key=rule_key, sequence=sequence)
            assert clock.cancelled_at == closure.closed_at
    assert any(closure.explanations.exists() for closure in closures)
    [reopening] = CaseReopening.objects.all()
    reopened = Case.objects.get(pk=reopening.case_id)
    assert reopened.is_open and reopened.phase == "inquiry"
    assert sum(c.case.closed_at is not None for c in closures) == CLOSE - 1
    kinds = sorted(CaseStep.objects.values_list("kind", flat=True))
    assert kinds == ["network_meeting", "police_documentation", "treatment_request"]
    assert Clock.objects.get(rule_key="youth_crime_network_meeting").outcome() == "met"
    assert Clock.objects.get(rule_key="substance_treatment").outcome() == "open"
    assert demo_closure_seed() == {}  # idempotent


@pytest.mark.django_db
def test_demo_measures_through_the_services_of_many_kinds_with_scores_and_ends(demo):
    """Issue 13, item 9: measures of many kinds from the catalogue, started from their
    decisions, followed up with goal scores over time, placements visited, ended with a
    reason, a case closed through the checklist after its measure ended."""
    from boernesag.cases.models import CaseClosure
    from boernesag.demo.measures import PLACEMENT, SUPPORT
    from boernesag.events.models import Event
    from boernesag.measures.models import FollowUp, GoalScore, Measure, SupervisionVisit

    measures = list(Measure.objects.select_related("service", "decision"))
    names = {}
    for m in measures:
        name = m.service.current_version.name
        names[name] = names.get(name, 0) + 1
    # family treatment, contact person, relief family, foster care, residential institution
    for wanted, _section, _volume in [*SUPPORT[:3], *PLACEMENT[:2]]:
        assert names.get(wanted, 0) >= 1, (wanted, names)
    assert len(measures) >= 8
    # every measure started from its own granted decision, with its event
    assert all(m.decision.outcome == "grant" and m.decision.case_id == m.case_id for m in measures)
    started = Event.objects.filter(kind="measure_started").values_list("payload", flat=True)
    assert sorted(p["measure"] for p in started if p.get("measure")) == sorted(
        m.pk for m in measures
    )
    # follow-ups with a score for the goals, several on a measure, rising over time
    held = FollowUp.objects.filter(status="held")
    assert held.count() >= 10
    assert GoalScore.objects.count() >= held.count()
    per_measure = {}
    for f in held.order_by("held_on", "pk"):
        per_measure.setdefault(f.measure_id, []).append(f)
    assert max(len(v) for v in per_measure.values()) >= 3
    rising = 0
    for follow_ups in per_measure.values():
        scores = [
            sum(s.score for s in f.scores.all()) / max(f.scores.count(), 1) for f in follow_ups
        ]
        rising += len(scores) >= 2 and scores[-1] > scores[0]
    assert rising >= 1
    # placements get supervision visits (Barnets Lov § 156, stk. 5), talking alone mostly
    assert SupervisionVisit.objects.filter(measure__kind__startswith="placement").count() >= 2
    assert not SupervisionVisit.objects.exclude(measure__kind__startswith="placement").exists()
    # a placement records its place and the contact with the parents
    placements = [m for m in measures if m.kind.startswith("placement")]
    assert placements and all(m.place_name and m.contact_frequency for m in placements)
    # ended with a reason and the final attainment
    ended = [m for m in measures if m.status == "ended"]
    assert ended and all(m.end_reason and m.final_attainment and m.ended_on for m in ended)
    # closed through the checklist after its measure ended: the provider was told
    closed = CaseClosure.objects.filter(provider_status="yes", provider_told="told")
    assert closed.exists()
    for closure in closed:
        assert not Measure.objects.filter(case=closure.case, status="active").exists()
        assert closure.case.closed_at is not None
    counts = (Measure.objects.count(), FollowUp.objects.count(), GoalScore.objects.count())
    call_command("demo_seed", stdout=StringIO())
    assert (Measure.objects.count(), FollowUp.objects.count(), GoalScore.objects.count()) == counts
