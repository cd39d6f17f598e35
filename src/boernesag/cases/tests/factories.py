"""Building a small municipality with a case, through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Municipality, Unit, User
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.cases import services
from boernesag.cases.constants import ConsentForm, ConsentScope, EventKind, MeetingKind
from boernesag.cases.models import Case
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import person_create, relation_add

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="udtalelse.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


_serial = iter(range(1000, 9999))


def child(first="Emma", last="Hansen", born="150315", **fields):
    """A child with a valid CPR number (born 2000–2036: 7th digit 4)."""
    return person_create(
        cpr=f"{born}4{next(_serial) % 1000:03d}",
        first_name=first,
        last_name=last,
        is_test=True,
        **fields,
    )


@dataclass
class World:
    team_a: Unit
    team_b: Unit
    intake_team: Unit
    caseworker: User  # responsible for the case
    colleague: User  # same team, not responsible
    other_caseworker: User  # another team
    leader_a: User
    leader_b: User
    intake: User
    manager: User
    finance: User
    admin: User
    child: object
    parent: object
    case: Case

    def users_by_role(self):
        return {
            "caseworker_own": self.caseworker,
            "caseworker_team": self.colleague,
            "caseworker_other": self.other_caseworker,
            "team_leader_own": self.leader_a,
            "team_leader_other": self.leader_b,
            "intake_coordinator": self.intake,
            "manager": self.manager,
            "finance": self.finance,
            "admin": self.admin,
        }


# Typical payloads for a phase-bearing event named by its kind (build_world(phase_event=…)).
EXAMPLES = {
    EventKind.REPORT_TRIAGED: lambda: ev.ReportTriaged(outcome="exploration"),
    EventKind.ASSESSMENT_STARTED: lambda: ev.AssessmentStarted(),
    EventKind.DECISION_MADE: lambda: ev.DecisionMade(measure_kind="support"),
    EventKind.MEASURE_STARTED: lambda: ev.MeasureStarted(measure_kind="support"),
}


def example_event(kind_or_event):
    """A typed event: given as such, or a typical one for a kind."""
    if isinstance(kind_or_event, ev.TypedEvent):
        return kind_or_event
    if kind_or_event in EXAMPLES:
        return EXAMPLES[kind_or_event]()
    return ev.kind_class(kind_or_event)()


def build_world(*, see_team_cases: bool = True, phase_event=EventKind.ASSESSMENT_STARTED):
    municipality = Municipality.objects.create(
        name="Testkommune",
        cvr="12345678",
        municipality_number="998",
        caseworkers_see_team_cases=see_team_cases,
    )
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Testkommune", code="tk")
    dept = unit_create(kind=UnitKind.DEPARTMENT, name="Børn og Familie", code="bf", parent=root)
    team_a = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="nord", parent=dept)
    team_b = unit_create(kind=UnitKind.TEAM, name="Team Syd", code="syd", parent=dept)
    intake_team = unit_create(kind=UnitKind.TEAM, name="Modtagelsen", code="mod", parent=dept)

    def staff(role, unit, member=True):
        user = UserFactory()
        role_grant(user=user, role=role, unit=unit)
        if member and unit.kind == UnitKind.TEAM:
            team_join(user=user, team=unit)
        return user

    w = dict(
        team_a=team_a,
        team_b=team_b,
        intake_team=intake_team,
        caseworker=staff(Role.CASEWORKER, team_a),
        colleague=staff(Role.CASEWORKER, team_a),
        other_caseworker=staff(Role.CASEWORKER, team_b),
        leader_a=staff(Role.TEAM_LEADER, team_a),
        leader_b=staff(Role.TEAM_LEADER, team_b),
        intake=staff(Role.INTAKE_COORDINATOR, intake_team),
        manager=staff(Role.MANAGER, dept, member=False),
        finance=staff(Role.FINANCE, root, member=False),
        admin=staff(Role.ADMIN, root, member=False),
    )
    kid = child(street="Skolevej 1", postcode="9990", city="Demoby")
    parent = person_create(cpr="0101851234", first_name="Mette", last_name="Hansen", is_test=True)
    relation_add(child=kid, person=parent, kind=RelationKind.CUSTODY_HOLDER)
    case = services.case_open(
        child=kid,
        caseworker=w["caseworker"],
        team=team_a,
        opened_by=w["intake"],
        reason="Underretning fra skolen",
        opened_at=timezone.now() - timedelta(days=30),
    )
    if phase_event:
        event_write(
            example_event(phase_event),
            case=case,
            actor=w["caseworker"],
            occurred_at=timezone.now() - timedelta(days=20),
        )
    services.journal_write(
        case=case,
        author=w["caseworker"],
        kind="note",
        title="Første notat",
        text="Samtale med skolen om fravær.",
        occurred_on=timezone.localdate() - timedelta(days=5),
    )
    services.document_add(
        case=case,
        uploaded_by=w["caseworker"],
        file=pdf_upload(),
        title="Skoleudtalelse",
        kind="school",
        document_date=timezone.localdate(),
    )
    services.meeting_create(
        case=case,
        by=w["caseworker"],
        kind=MeetingKind.DIALOGUE_MEETING,
        held_at=timezone.now() - timedelta(days=2),
        agenda="Skolegang",
        staff=[w["caseworker"]],
        persons=[parent],
    )
    services.consent_record(
        case=case,
        by=w["caseworker"],
        given_by=parent,
        scope=ConsentScope.INFO_FROM_SCHOOL,
        form=ConsentForm.WRITTEN,
        given_on=timezone.localdate(),
    )
    case.refresh_from_db()
    del municipality
    return World(child=kid, parent=parent, case=case, **w)
