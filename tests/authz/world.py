"""The municipality the authorisation matrix runs in: one user per role, and one case per
relation a user can have to a case (built once per test module, through the services).

Relations (to a case, its child and everything on it):

- ``own``: the caseworker's own case, in team A (led by the team leader);
- ``team``: a colleague's case in team A;
- ``other``: a case in team B;
- ``intake``: a case in team B still in intake (phase 2, triage) — intake coordinators see it;
- ``grant``: a case in team B whose child every role allowed to use reasoned access has an
  information grant for (read-only);
- ``assign``: the same, with an assignment grant (may write);
- ``none``: ids that do not exist.

Every child has a name and CPR number found nowhere else, so that a denied answer can be
searched for personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import LoginAttempt, LoginLockout, Municipality, Unit, User
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.audit.models import GrantKind
from boernesag.cases import services
from boernesag.cases.constants import ConsentForm, ConsentScope, MeetingKind
from boernesag.cases.tests.factories import pdf_upload
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import (
    person_create,
    relation_add,
    resource_person_agreement_make,
)

ROLES = (
    "caseworker",
    "team_leader",
    "intake_coordinator",
    "manager",
    "finance",
    "admin",
    "anonymous",
)
RELATIONS = ("own", "team", "other", "intake", "grant", "assign", "none")
MISSING = 10**12  # ids that do not exist (still valid bigints)

NAMES = {
    "own": ("Ottilie", "Zebrafisk", "0203154101"),
    "team": ("Thorvald", "Kvasbjerg", "0304164102"),
    "other": ("Oskarine", "Frydendahl", "0405174103"),
    "intake": ("Ingolf", "Vesterbrik", "0506184104"),
    "grant": ("Gunnhild", "Ravnsborgh", "0607194105"),
    "assign": ("Asmund", "Tvillingsø", "0708204106"),
}
REASONS = {
    "grant": "Oplysninger til brug i en børnesamtale i skolen",
    "assign": "Jeg dækker for sagsbehandleren under hendes ferie",
}


@dataclass
class Target:
    """The objects of one relation."""

    relation: str
    child: object
    case: object
    entry: object = None
    document: object = None
    meeting: object = None
    consent: object = None
    parent: object = None
    person_relation: object = None  # a grandparent (people around the child)
    agreement: object = None  # a resource-person agreement with that grandparent
    decision: object = None  # a draft decision (decisions app)
    decided: object = None  # a decision made and sent
    pending: object = None  # a decision waiting for the team leader's approval
    hearing: object = None  # an open hearing on the draft decision
    appeal: object = None  # an appeal against the decided decision, being reconsidered
    item: object = None
    item_row: object = None
    grant_reason: str = ""
    words: tuple[str, ...] = ()  # personal data that a refusal must not show

    @property
    def ids(self) -> SimpleNamespace:
        return SimpleNamespace(
            child=self.child.pk,
            case=self.case.pk,
            entry=self.entry.pk,
            document=self.document.pk,
            meeting=self.meeting.pk,
            consent=self.consent.pk,
            item=self.item.pk,
            item_row=self.item_row.pk,
            person_relation=self.person_relation.pk,
            agreement=self.agreement.pk,
            decision=self.decision.pk,
            decided=self.decided.pk,
            pending=self.pending.pk,
            hearing=self.hearing.pk,
            appeal=self.appeal.pk,
        )


@dataclass
class World:
    municipality: Municipality
    team_a: Unit
    team_b: Unit
    intake_unit: Unit
    users: dict[str, User]
    colleague: User
    caseworker_b: User
    leader_b: User
    targets: dict[str, Target] = field(default_factory=dict)
    extra: SimpleNamespace = field(default_factory=SimpleNamespace)

    def target(self, relation: str) -> Target:
        return self.targets[relation]

    def ids(self, relation: str) -> SimpleNamespace:
        """The ids of a relation's objects (for ``none``: ids that do not exist)."""
        if relation == "none":
            return SimpleNamespace(
                child=MISSING,
                case=MISSING + 1,
                entry=MISSING + 2,
                document=MISSING + 3,
                meeting=MISSING + 4,
                consent=MISSING + 5,
                item=MISSING + 6,
                item_row=MISSING + 7,
                person_relation=MISSING + 8,
                agreement=MISSING + 9,
                decision=MISSING + 10,
                decided=MISSING + 11,
                pending=MISSING + 12,
                hearing=MISSING + 13,
                appeal=MISSING + 14,
            )
        return self.targets[relation].ids

    @property
    def personal_words(self) -> list[str]:
        return [w for t in self.targets.values() for w in t.words]


def build_matrix_world() -> World:
    municipality = Municipality.objects.create(
        name="Matrixkommune", cvr="87654321", municipality_number="997"
    )
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Matrixkommune", code="mx")
    dept = unit_create(kind=UnitKind.DEPARTMENT, name="Børn og Familie", code="mx-bf", parent=root)
    team_a = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="mx-nord", parent=dept)
    team_b = unit_create(kind=UnitKind.TEAM, name="Team Syd", code="mx-syd", parent=dept)
    intake_unit = unit_create(kind=UnitKind.TEAM, name="Modtagelsen", code="mx-mod", parent=dept)

    def staff(role, unit, member=True):
        user = UserFactory()
        role_grant(user=user, role=role, unit=unit)
        if member and unit.kind == UnitKind.TEAM:
            team_join(user=user, team=unit)
        return user

    users = {
        "caseworker": staff(Role.CASEWORKER, team_a),
        "team_leader": staff(Role.TEAM_LEADER, team_a),
        "intake_coordinator": staff(Role.INTAKE_COORDINATOR, intake_unit),
        "manager": staff(Role.MANAGER, dept, member=False),
        "finance": staff(Role.FINANCE, root, member=False),
        "admin": staff(Role.ADMIN, root, member=False),
    }
    w = World(
        municipality=municipality,
        team_a=team_a,
        team_b=team_b,
        intake_unit=intake_unit,
        users=users,
        colleague=staff(Role.CASEWORKER, team_a),
        caseworker_b=staff(Role.CASEWORKER, team_b),
        leader_b=staff(Role.TEAM_LEADER, team_b),
    )
    now = timezone.now()
    responsible = {
        "own": (team_a, users["caseworker"]),
        "team": (team_a, w.colleague),
        "other": (team_b, w.caseworker_b),
        "intake": (team_b, w.caseworker_b),
        "grant": (team_b, w.caseworker_b),
        "assign": (team_b, w.caseworker_b),
    }
    from boernesag.intake import services as intake_services

    for index, (relation, (first, last, cpr)) in enumerate(NAMES.items()):
        team, worker = responsible[relation]
        kid = person_create(
            cpr=cpr, first_name=first, last_name=last, is_test=True, street="Matrixvej 7"
        )
        parent = person_create(
            cpr=f"010185{1000 + index}",
            first_name=f"Forælder{last}",
            last_name=last,
            is_test=True,
        )
        relation_add(child=kid, person=parent, kind=RelationKind.CUSTODY_HOLDER)
        case = services.case_open(
            child=kid,
            caseworker=worker,
            team=team,
            opened_by=users["intake_coordinator"],
            reason="Underretning fra skolen",
            opened_at=now - timedelta(days=30),
        )
        item = intake_services.intake_register(
            kind="concern_report",
            channel="email",
            received_at=now - timedelta(days=25),
            notifier_kind="school",
            notifier_name=f"Lærer {last}",
            notifier_organisation="Matrixskolen",
            notifier_email="laerer@matrixskolen.dk",
            content="Barnet har meget fravær.",
            backdate_reason="Modtaget med posten og registreret senere",
            by=users["intake_coordinator"],
            children=[intake_services.ChildRef(cpr)],
        )
        event_write(
            ev.ReportTriaged(outcome="exploration")
            if relation == "intake"
            else ev.AssessmentStarted(),
            case=case,
            actor=worker,
            occurred_at=now - timedelta(days=20),
        )
        entry = services.journal_write(
            case=case,
            author=worker,
            kind="note",
            title="Samtale med skolen",
            text="Fravær drøftet.",
            occurred_on=timezone.localdate() - timedelta(days=5),
        )
        document = services.document_add(
            case=case,
            uploaded_by=worker,
            file=pdf_upload(),
            title="Skoleudtalelse",
            kind="school",
            document_date=timezone.localdate(),
        )
        meeting = services.meeting_create(
            case=case,
            by=worker,
            kind=MeetingKind.DIALOGUE_MEETING,
            held_at=now - timedelta(days=2),
            agenda="Skolegang",
            staff=[worker],
            persons=[parent],
        )
        consent = services.consent_record(
            case=case,
            by=worker,
            given_by=parent,
            scope=ConsentScope.INFO_FROM_SCHOOL,
            form=ConsentForm.WRITTEN,
            given_on=timezone.localdate(),
        )
        grandmother = person_create(
            cpr=None, first_name=f"Bedste{last}", last_name=last, is_test=True
        )
        grand = relation_add(
            child=kid, person=grandmother, kind=RelationKind.GRANDPARENT, by=worker, case=case
        )
        agreement = resource_person_agreement_make(
            case=case,
            relation=grand,
            by=worker,
            agreed_on=date(2025, 6, 1),
            content="Henter i skolen om onsdagen",
        )
        case.refresh_from_db()
        w.targets[relation] = Target(
            relation=relation,
            child=kid,
            case=case,
            entry=entry,
            document=document,
            meeting=meeting,
            consent=consent,
            parent=parent,
            person_relation=grand,
            agreement=agreement,
            item=item,
            item_row=item.children.get(),
            grant_reason=REASONS.get(relation, ""),
            words=(first, last, cpr[:6], f"{cpr[:6]}-{cpr[6:]}", cpr),
        )

    # reasoned access for every role the municipality allows (the default roles)
    for relation, kind in (("grant", GrantKind.INFORMATION), ("assign", GrantKind.ASSIGNMENT)):
        for role in ("caseworker", "team_leader", "intake_coordinator"):
            services.reasoned_access_grant(
                user=users[role],
                child=w.targets[relation].child,
                reason=REASONS[relation],
                kind=kind,
            )
    # grants to review: on a child of team A by someone from team B, and the other way round
    w.extra.grant_team = services.reasoned_access_grant(
        user=w.caseworker_b,
        child=w.targets["team"].child,
        reason="Søskendesag i mit team – skal se skolens udtalelse",
    )
    w.extra.grant_other = services.reasoned_access_grant(
        user=w.colleague,
        child=w.targets["other"].child,
        reason="Søskendesag i mit team – skal se skolens udtalelse",
    )
    # a person in the (local, fictitious) CPR register, to look up
    from boernesag.integrations.population import FictitiousPerson, register_store_family

    w.extra.register_cpr = "0909651235"
    register_store_family(
        children=[
            FictitiousPerson(
                cpr=w.extra.register_cpr,
                first_name="Registrerede",
                last_name="Moster",
                birth_date=date(1965, 9, 9),
                sex="M",
                street="Registervej 1",
            )
        ]
    )
    # a letter in the outbox (receipt to the professional notifier of the own case's report)
    intake_services.receipt_send(item=w.targets["own"].item, by=users["intake_coordinator"])
    from boernesag.letters.models import Letter
    from boernesag.letters.outbox import letter_advance

    w.extra.letter = Letter.objects.get()
    letter_advance(w.extra.letter.pk)  # what the worker does after commit: the PDF, filed
    # the catalogue
    from boernesag.catalogue import services as catalogue_services
    from boernesag.catalogue.models import LegalSection, TargetGroup

    group = TargetGroup.objects.create(name="Skolebørn 6–14 år")
    w.extra.legal_section = LegalSection.objects.create(
        law="BL", paragraph="§ 32", title="Støttende indsatser", valid_from=now.date()
    )
    w.extra.target_group = group
    version = catalogue_services.service_create(
        by=users["admin"],
        name="Familiebehandling",
        purpose="Styrke trivslen",
        target_groups=[group],
    )
    w.extra.service = version.service
    w.extra.version = version
    w.extra.provider = catalogue_services.provider_create(name="Matrix Familiecenter")
    _decisions(w, responsible)
    # administration objects
    w.extra.lockout = LoginLockout.objects.create(
        email="laast@matrixkommune.dk", locked_until=now + timedelta(minutes=30)
    )
    w.extra.login_attempt = LoginAttempt.objects.create(email="x@matrixkommune.dk", succeeded=False)
    # separation of duties: a second administrator asked for a newcomer's role (pending)
    from boernesag.rights import services as rights_services

    w.extra.admin_2 = staff(Role.ADMIN, root, member=False)
    w.extra.newcomer = UserFactory()
    w.extra.access_change = rights_services.role_grant_request(
        actor=w.extra.admin_2,
        user=w.extra.newcomer,
        role=Role.CASEWORKER,
        unit=team_b,
        reason="Ny medarbejder i Team Syd",
    )
    # plans (tests/authz/plans.py)
    from tests.authz.plans import plans_build

    plans_build(w)
    # the children's investigation (tests/authz/assessments.py)
    from boernesag.assessments.models import AssessmentTemplate
    from tests.authz.assessments import assessments_build

    assessments_build(w)
    # measures (tests/authz/measures.py)
    from tests.authz.measures import measures_build

    measures_build(w)
    w.extra.assessment_template = AssessmentTemplate.objects.filter(law="BL").first()
    # closures (tests/authz/closure.py)
    from tests.authz.closure import closure_build

    closure_build(w)
    return w


def _decisions(w: World, responsible) -> None:
    """Per relation: a draft decision with an open hearing, a decision made and sent with an
    appeal being reconsidered, and one above the caseworker's authority waiting for the team
    leader (decisions app)."""
    from boernesag.decisions import services as decisions
    from boernesag.decisions.models import Decision
    from boernesag.decisions.tests.helpers import build_catalogue, complete, decide

    cat = build_catalogue(w.users["admin"])
    w.extra.decision_catalogue = cat
    for relation, target in w.targets.items():
        _team, worker = responsible[relation]

        def make(target=target, worker=worker, **overrides):
            return decisions.decision_create(
                case=target.case, by=worker, **complete(cat, **overrides)
            )

        target.decision = make(outcome="refusal", plan_needed=None)
        target.hearing = decisions.hearing_send(
            decision=target.decision,
            by=worker,
            answer_due=timezone.localdate() + timedelta(days=14),
            information="Skolens udtalelse",
        )
        target.decision.refresh_from_db()
        if relation == "intake":
            # the case must stay in intake (phase 2) for the intake coordinator to know it:
            # its decided decision is stored without its decision_made event
            target.decided = make()
            Decision.objects.filter(pk=target.decided.pk).update(
                status="decided", decided_at=timezone.now(), decided_by=worker
            )
        else:
            target.decided = decide(make(), worker)
        decisions.decision_send(decision=target.decided, by=worker)
        target.decided.refresh_from_db()
        target.appeal = decisions.appeal_register(
            decision=target.decided,
            by=worker,
            received_on=timezone.localdate(),
            appellant=target.parent,
            content="Forælderen er uenig i omfanget.",
        )
        target.pending = decide(make(hours_per_week=8), worker)
