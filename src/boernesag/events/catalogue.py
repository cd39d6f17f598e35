"""The event catalogue: one constructor per kind of event, with its payload declared.

Usage (see docs/events.md)::

    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    event_write(
        ev.ReportTriaged(outcome="investigation", at_risk=True, acute=False),
        case=case, actor=user, subject=intake_child, occurred_at=now,
    )

Each class declares its ``kind`` (stored in the database), a Danish ``label``, its ``scope``
(case or organisation), the ``phase`` of the case's main course it implies (case events only)
and the model its ``subject`` usually is. The payload is the dataclass fields, validated when
the object is constructed: a malformed payload raises ``PayloadError`` before anything is
written. Payloads hold codes, flags, dates and references only (see ``payload.py``).

The rule files under ``deadlines/rules`` are validated against this catalogue when they load.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _

from boernesag.events.constants import Phase, Scope
from boernesag.events.payload import (
    Code,
    FieldSpec,
    PayloadError,
    Ref,
    coerce,
    field_specs,
    to_json_value,
)

REGISTRY: dict[str, type[TypedEvent]] = {}
# Kinds renamed since they were first stored; old names keep working when read.
ALIASES: dict[str, str] = {"report_assessed": "report_triaged"}

# Shared vocabularies (codes). Tests assert they match the apps' TextChoices.
MeasureKind = Literal["support", "placement_with_consent", "placement_without_consent"]
IntakeKindCode = Literal["concern_report", "application", "inquiry"]
TriageOutcome = Literal[
    "no_action",
    "advice",
    "early_support",
    "exploration",
    "investigation",
    "acute_measure",
    "forwarded",
]
DurationUnit = Literal["hours", "days", "weekdays", "working_days", "months"]


class TypedEvent:
    """Base of every event constructor (not itself registered)."""

    kind: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    scope: ClassVar[str] = Scope.CASE
    phase: ClassVar[str | None] = None
    subject: ClassVar[str | None] = None
    specs: ClassVar[dict[str, FieldSpec]] = {}

    def __post_init__(self):
        for name, spec in self.specs.items():
            object.__setattr__(
                self, name, coerce(self.kind, spec, getattr(self, name), from_json=False)
            )

    def to_payload(self) -> dict:
        return {name: to_json_value(getattr(self, name)) for name in self.specs}

    @classmethod
    def from_payload(cls, data: dict | None) -> TypedEvent:
        """Read stored (or typed-in) JSON back into the typed event, validating it."""
        data = dict(data or {})
        unknown = sorted(set(data) - set(cls.specs))
        if unknown:
            raise PayloadError(cls.kind, unknown[0], "feltet findes ikke i kataloget")
        values = {}
        for name, spec in cls.specs.items():
            if name not in data:
                if spec.required:
                    raise PayloadError(cls.kind, name, "mangler")
                continue
            values[name] = coerce(cls.kind, spec, data[name], from_json=True)
        return cls(**values)

    def summary(self) -> str:
        """A short Danish description for the timeline, made from codes only."""
        return ""


class CaseScoped(TypedEvent):
    scope: ClassVar[str] = Scope.CASE


class OrganisationScoped(TypedEvent):
    scope: ClassVar[str] = Scope.ORGANISATION


def declare(cls):
    """Register an event constructor: a frozen, keyword-only dataclass in the catalogue."""
    cls = dataclasses.dataclass(frozen=True, kw_only=True)(cls)
    if not cls.kind or not cls.label:
        raise TypeError(f"{cls.__name__} needs a kind and a label")
    if cls.kind in REGISTRY or cls.kind in ALIASES:
        raise TypeError(f"event kind {cls.kind!r} is declared twice")
    if cls.scope == Scope.ORGANISATION and cls.phase is not None:
        raise TypeError(f"{cls.__name__}: organisation events imply no case phase")
    cls.specs = field_specs(cls)
    REGISTRY[cls.kind] = cls
    return cls


def _choice_label(model: str, field: str, value) -> str:
    """The Danish label of a choice value of a domain model (looked up, not imported)."""
    from django.apps import apps

    try:
        choices = dict(apps.get_model(model)._meta.get_field(field).flatchoices)
    except LookupError:
        return str(value or "")
    return str(choices.get(value, value or ""))


# --- Case events -----------------------------------------------------------------------


@declare
class CaseOpened(CaseScoped):
    """A case is opened; who is responsible from the start. The reason is on the case."""

    kind = "case_opened"
    label = _("Sag oprettet")
    phase = Phase.INQUIRY
    subject = "cases.case"
    team: Ref
    caseworker: Ref | None = None
    intake_child: Ref | None = None


@declare
class CaseReassigned(CaseScoped):
    """Responsibility moves; the reason is on the ``cases.Reassignment`` row."""

    kind = "case_reassigned"
    label = _("Sag omfordelt")
    subject = "cases.case"
    reassignment: Ref
    from_team: Ref
    from_caseworker: Ref | None = None
    to_team: Ref
    to_caseworker: Ref | None = None


@declare
class CaseClosed(CaseScoped):
    """The case is closed; the reason is on the case (``Case.closed_reason``). ``closure``:
    the checklist row (``cases.CaseClosure``) when the caseworker closed it through the
    closure checklist; none when intake closed it at triage (docs/closure.md)."""

    kind = "case_closed"
    label = _("Sag afsluttet")
    phase = Phase.CLOSURE
    subject = "cases.case"
    closure: Ref | None = None


@declare
class CaseReopened(CaseScoped):
    """A closed case is opened again; the reason is on the ``cases.CaseReopening`` row.
    ``cause``: reopened by a caseworker (``manual``) or by a new report through intake
    (``report``, with the report's ``intake_child``)."""

    kind = "case_reopened"
    label = _("Sag genåbnet")
    phase = Phase.INQUIRY
    subject = "cases.case"
    reopening: Ref
    cause: Literal["manual", "report"] = "manual"
    intake_child: Ref | None = None

    def summary(self) -> str:
        return str(_("Ny henvendelse") if self.cause == "report" else _("Af sagsbehandler"))


@declare
class JournalWritten(CaseScoped):
    kind = "journal_written"
    label = _("Journalnotat skrevet")
    subject = "cases.journalentry"
    journal_kind: Code

    def summary(self) -> str:
        return _choice_label("cases.JournalEntry", "kind", self.journal_kind)


@declare
class JournalCorrected(CaseScoped):
    kind = "journal_corrected"
    label = _("Journalnotat rettet")
    subject = "cases.journalentry"


@declare
class JournalAddendum(CaseScoped):
    kind = "journal_addendum"
    label = _("Tilføjelse til journalnotat")
    subject = "cases.journalentry"
    to: Ref


@declare
class DocumentAdded(CaseScoped):
    kind = "document_added"
    label = _("Dokument tilføjet")
    subject = "cases.document"
    document_kind: Code

    def summary(self) -> str:
        return _choice_label("cases.Document", "kind", self.document_kind)


@declare
class MeetingPlanned(CaseScoped):
    kind = "meeting_planned"
    label = _("Møde registreret")
    subject = "cases.meeting"
    meeting_kind: Code
    held_at: datetime | None = None

    def summary(self) -> str:
        return _choice_label("cases.Meeting", "kind", self.meeting_kind)


@declare
class MeetingHeld(CaseScoped):
    kind = "meeting_held"
    label = _("Møde afholdt")
    subject = "cases.meeting"
    meeting_kind: Code
    journal_entry: Ref | None = None

    def summary(self) -> str:
        return _choice_label("cases.Meeting", "kind", self.meeting_kind)


@declare
class ConsentGiven(CaseScoped):
    kind = "consent_given"
    label = _("Samtykke givet")
    subject = "cases.consent"
    consent_scope: Code | None = None
    form: Code | None = None
    given_by: Ref | None = None

    def summary(self) -> str:
        return _choice_label("cases.Consent", "scope", self.consent_scope)


@declare
class ConsentWithdrawn(CaseScoped):
    kind = "consent_withdrawn"
    label = _("Samtykke trukket tilbage")
    subject = "cases.consent"
    consent_scope: Code

    def summary(self) -> str:
        return _choice_label("cases.Consent", "scope", self.consent_scope)


@declare
class AccessGranted(CaseScoped):
    """Reasoned access to the child's data; the reason is on the grant row."""

    kind = "access_granted"
    label = _("Adgang med begrundelse")
    subject = "audit.accessgrant"
    grant: Ref | None = None
    grant_kind: Literal["information", "assignment"] | None = None
    expires_at: datetime | None = None

    def summary(self) -> str:
        return _choice_label("audit.AccessGrant", "kind", self.grant_kind)


@declare
class ReportReceived(CaseScoped):
    """A concern report, application or inquiry about the child is received (BL § 136)."""

    kind = "report_received"
    label = _("Underretning modtaget")
    phase = Phase.INQUIRY
    subject = "intake.intakechild"
    intake_kind: IntakeKindCode | None = None
    notifier_professional: bool = False
    acute: bool = False
    flagged: bool = False

    def summary(self) -> str:
        return _choice_label("intake.IntakeItem", "kind", self.intake_kind)


@declare
class ReportTriaged(CaseScoped):
    """The 24-hour triage of one child (BL § 136; SEL § 155). Reasons are on the intake row."""

    kind = "report_triaged"
    label = _("Underretning vurderet (24 timer)")
    phase = Phase.TRIAGE
    subject = "intake.intakechild"
    outcome: TriageOutcome
    at_risk: bool | None = None
    acute: bool | None = None
    reassessment: bool = False

    def summary(self) -> str:
        return _choice_label("intake.IntakeChild", "outcome", self.outcome)


@declare
class AssessmentStarted(CaseScoped):
    """A children's investigation starts; ``aware_at``: when the municipality became aware
    (BL § 20, stk. 3 counts from then)."""

    kind = "assessment_started"
    label = _("Børnefaglig undersøgelse startet")
    phase = Phase.ASSESSMENT
    aware_at: datetime | None = None


@declare
class AssessmentConcluded(CaseScoped):
    """The investigation is concluded (Barnets Lov § 22, stk. 6); stops the 4-month clock
    at the moment it is recorded. The reasons and views are on ``assessments.Assessment``."""

    kind = "assessment_concluded"
    label = _("Børnefaglig undersøgelse afsluttet")
    phase = Phase.ASSESSMENT
    subject = "assessments.assessment"
    assessment: Ref | None = None
    needs_support: bool | None = None


AssessmentLaw = Literal["BL", "SEL"]


@declare
class AssessmentDecided(CaseScoped):
    """The decision to carry out a children's investigation (Barnets Lov § 20; Serviceloven
    § 50 before 2024) with its legal basis; reasons are on ``assessments.Assessment``."""

    kind = "assessment_decided"
    label = _("Afgørelse om børnefaglig undersøgelse")
    subject = "assessments.assessment"
    assessment: Ref
    law: AssessmentLaw
    legal_basis: Code
    with_consent: bool

    def summary(self) -> str:
        return _choice_label("assessments.Assessment", "legal_basis", self.legal_basis)


@declare
class AssessmentActivityPlanned(CaseScoped):
    kind = "assessment_activity_planned"
    label = _("Aktivitet i undersøgelsen planlagt")
    subject = "assessments.assessmentactivity"
    assessment: Ref
    activity_kind: Code

    def summary(self) -> str:
        return _choice_label("assessments.AssessmentActivity", "kind", self.activity_kind)


@declare
class AssessmentSectionSaved(CaseScoped):
    """A section of the investigation saved (the text is on ``assessments.AssessmentSection``
    and its history)."""

    kind = "assessment_section_saved"
    label = _("Afsnit i undersøgelsen gemt")
    subject = "assessments.assessmentsection"
    assessment: Ref
    section_key: Code


@declare
class AssessmentActivityRecorded(CaseScoped):
    """An activity of the investigation recorded as held or not held (what came out of it
    and why not are on ``assessments.AssessmentActivity``)."""

    kind = "assessment_activity_recorded"
    label = _("Aktivitet i undersøgelsen registreret")
    subject = "assessments.assessmentactivity"
    assessment: Ref
    activity_kind: Code
    held: bool

    def summary(self) -> str:
        kind = _choice_label("assessments.AssessmentActivity", "kind", self.activity_kind)
        return f"{kind} – {_('gennemført') if self.held else _('ikke gennemført')}"


@declare
class AssessmentMidwayRecorded(CaseScoped):
    kind = "assessment_midway_recorded"
    label = _("Midtvejsstatus på undersøgelsen")
    subject = "assessments.assessment"
    assessment: Ref
    focus_holds: bool


@declare
class AssessmentDraftSent(CaseScoped):
    kind = "assessment_draft_sent"
    label = _("Udkast til undersøgelsen sendt til familien")
    subject = "assessments.assessment"
    assessment: Ref
    recipients: int


@declare
class AssessmentCommentsRecorded(CaseScoped):
    kind = "assessment_comments_recorded"
    label = _("Familiens bemærkninger til udkastet")
    subject = "assessments.assessment"
    assessment: Ref


@declare
class AssessmentProvisionalRecorded(CaseScoped):
    """The provisional assessment (foreløbig vurdering) when the investigation cannot be
    concluded within 4 months (Barnets Lov § 20, stk. 3, 2. pkt.). It does not stop the
    clock: the investigation is still to be concluded as soon as possible."""

    kind = "assessment_provisional_recorded"
    label = _("Foreløbig vurdering (undersøgelsen over 4 måneder)")
    subject = "assessments.assessment"
    assessment: Ref


PlanKindCode = Literal["action", "child", "youth"]


@declare
class PlanMade(CaseScoped):
    """A plan is made (version 1): barnets plan (Barnets Lov § 91), ungeplan (§ 108) or a
    handleplan (Serviceloven § 140). Stops the plan deadlines; the content is on
    ``plans.PlanVersion``."""

    kind = "plan_made"
    label = _("Plan udarbejdet")
    phase = Phase.PLAN
    # no subject: a stop without subject stops the decision's plan clock whatever the
    # decision's own subject (the plan is named in ``plan``)
    plan_kind: PlanKindCode | None = None
    plan: Ref | None = None

    def summary(self) -> str:
        return _choice_label("plans.Plan", "kind", self.plan_kind) if self.plan_kind else ""


@declare
class PlanRevised(CaseScoped):
    """A plan is revised: a new version (``number``); what changed and why are on the
    ``plans.PlanVersion``. Counts as the plan for a new decision's plan deadline."""

    kind = "plan_revised"
    label = _("Plan revideret")
    plan_kind: PlanKindCode
    plan: Ref
    number: int

    def summary(self) -> str:
        return _choice_label("plans.Plan", "kind", self.plan_kind)


@declare
class PlanSent(CaseScoped):
    """A version of a plan is sent: ``family`` letters to the custody holders (and the young
    person), ``professionals`` letters to professionals with consent to share the plan."""

    kind = "plan_sent"
    label = _("Plan sendt")
    plan: Ref
    number: int
    family: int = 0
    professionals: int = 0


@declare
class DecisionMade(CaseScoped):
    """A decision on a measure (grant or refusal). ``plan_needed``: the position taken, when
    support is granted, on whether a plan is to be made (Barnets Lov § 91, stk. 1; None: not
    recorded). The reasons are on the decision row."""

    kind = "decision_made"
    label = _("Afgørelse truffet")
    phase = Phase.DECISION
    outcome: Literal["grant", "refusal"] = "grant"
    measure_kind: MeasureKind | None = None
    plan_needed: bool | None = None
    decision: Ref | None = None
    temporary: bool = False
    committee: bool = False

    def summary(self) -> str:
        outcome = _("Bevilling") if self.outcome == "grant" else _("Afslag")
        label = _choice_label("decisions.Decision", "kind", self.measure_kind)
        return f"{outcome}: {label}" if label else str(outcome)


@declare
class MeasureStarted(CaseScoped):
    kind = "measure_started"
    label = _("Indsats iværksat")
    phase = Phase.START
    measure_kind: MeasureKind
    measure: Ref | None = None
    # early support without a decision (Barnets Lov § 30; Serviceloven § 11)
    early_support: bool = False


@declare
class FollowUpHeld(CaseScoped):
    """A follow-up on the measure; ``next_follow_up_due``: the date the municipality set,
    with reasons, for the next one (BL § 95, stk. 3)."""

    kind = "follow_up_held"
    label = _("Opfølgning gennemført")
    phase = Phase.FOLLOW_UP
    next_follow_up_due: date | None = None


@declare
class MeasureEnded(CaseScoped):
    kind = "measure_ended"
    label = _("Indsats ophørt")
    phase = Phase.FOLLOW_UP
    measure: Ref | None = None


@declare
class MeasureChanged(CaseScoped):
    """A measure's terms changed by a new decision that replaces the one before (a new
    version of the measure: more or fewer hours, another provider)."""

    kind = "measure_changed"
    label = _("Indsats ændret")
    measure: Ref | None = None
    decision: Ref | None = None


@declare
class PlacementDetailsRecorded(CaseScoped):
    """A placement's place and the arrangement for contact with the parents recorded or
    changed (the details stay on the measure; the event names it only)."""

    kind = "placement_details_recorded"
    label = _("Anbringelsessted og samvær registreret")
    measure: Ref | None = None


@declare
class ReceiptSent(CaseScoped):
    kind = "receipt_sent"
    label = _("Kvittering sendt til underretter")
    subject = "intake.intakechild"
    letter: Ref | None = None


@declare
class NotifierInformed(CaseScoped):
    kind = "notifier_informed"
    label = _("Underretter orienteret")
    subject = "intake.intakechild"
    letter: Ref | None = None


@declare
class YouthPlanDecided(CaseScoped):
    """The position on a youth plan (Barnets Lov § 108, stk. 1): ``plan`` when it is the
    youth plan itself being made (``plans``)."""

    kind = "youth_plan_decided"
    label = _("Stillingtagen til ungeplan")
    plan: Ref | None = None
    # the position taken without (or before) a plan, with its reasons (``cases.CaseStep``)
    step: Ref | None = None


@declare
class YouthSupportDecided(CaseScoped):
    """The position on support after the 18th birthday (Barnets Lov § 111, stk. 1; SEL § 68,
    stk. 11), recorded with its reasons on a ``cases.CaseStep`` row; ``outcome``: support
    granted, refused, or not wanted by the young person."""

    kind = "youth_support_decided"
    label = _("Afgørelse om efterværn/ungestøtte")
    step: Ref | None = None
    outcome: Literal["granted", "refused", "declined"] | None = None

    def summary(self) -> str:
        return _choice_label("cases.CaseStep", "outcome", self.outcome) if self.outcome else ""


@declare
class SupervisionVisitHeld(CaseScoped):
    kind = "supervision_visit_held"
    label = _("Tilsynsbesøg gennemført")


@declare
class PoliceDocumentationReceived(CaseScoped):
    kind = "police_documentation_received"
    label = _("Politiets dokumentation for ungdomskriminalitet modtaget")
    step: Ref | None = None


@declare
class NetworkMeetingHeld(CaseScoped):
    kind = "network_meeting_held"
    label = _("Netværksmøde og foreløbig plan")
    step: Ref | None = None


@declare
class TreatmentRequested(CaseScoped):
    kind = "treatment_requested"
    label = _("Anmodning om misbrugsbehandling")
    step: Ref | None = None


@declare
class TreatmentOffered(CaseScoped):
    kind = "treatment_offered"
    label = _("Misbrugsbehandling tilbudt")
    step: Ref | None = None


@declare
class AccessRequested(CaseScoped):
    """A request for access to files (aktindsigt) — not reasoned access."""

    kind = "access_requested"
    label = _("Anmodning om aktindsigt")


@declare
class AccessRequestDecided(CaseScoped):
    kind = "access_request_decided"
    label = _("Afgørelse om aktindsigt")


@declare
class DecisionSent(CaseScoped):
    """The decision letter was sent to the parties; the family's appeal window starts
    (Retssikkerhedsloven § 67). Subject: the decision, so the window is one per decision."""

    kind = "decision_sent"
    label = _("Afgørelse sendt")
    subject = "decisions.decision"
    letter: Ref | None = None
    decision: Ref | None = None


@declare
class AppealReceived(CaseScoped):
    """An appeal against a decision (subject: the decision); ``late``: received after the
    4-week window, accepted and flagged. The appeal's text is on the appeal row."""

    kind = "appeal_received"
    label = _("Klage modtaget")
    subject = "decisions.decision"
    appeal: Ref | None = None
    late: bool = False


@declare
class AppealReconsidered(CaseScoped):
    """The municipality reconsidered the decision (Retssikkerhedsloven § 66): changed (a new
    decision) or upheld (then forwarded to Ankestyrelsen). Subject: the decision."""

    kind = "appeal_reconsidered"
    label = _("Klage genvurderet")
    subject = "decisions.decision"
    appeal: Ref | None = None
    outcome: Literal["changed", "upheld"] | None = None

    def summary(self) -> str:
        return {"changed": _("Afgørelsen ændret"), "upheld": _("Afgørelsen fastholdt")}.get(
            self.outcome or "", ""
        )


@declare
class AppealForwarded(CaseScoped):
    """An upheld appeal sent to Ankestyrelsen; what was sent is on the appeal row."""

    kind = "appeal_forwarded"
    label = _("Klage sendt til Ankestyrelsen")
    subject = "decisions.appeal"
    appeal: Ref
    forwarded_on: date


@declare
class AppealRuled(CaseScoped):
    """Ankestyrelsen's ruling on a forwarded appeal."""

    kind = "appeal_ruled"
    label = _("Ankestyrelsens afgørelse modtaget")
    subject = "decisions.appeal"
    appeal: Ref
    ruling: Literal["upheld", "changed", "set_aside", "sent_back"]

    def summary(self) -> str:
        return _choice_label("decisions.Appeal", "ruling", self.ruling)


@declare
class HearingSent(CaseScoped):
    """Partshøring sent before a decision (forvaltningsloven § 19); the letter holds the text."""

    kind = "hearing_sent"
    label = _("Partshøring sendt")
    subject = "decisions.hearing"
    decision: Ref
    answer_due: date


@declare
class HearingAnswered(CaseScoped):
    """The parties' answer to a hearing was recorded (or none came by the answer date)."""

    kind = "hearing_answered"
    label = _("Svar på partshøring registreret")
    subject = "decisions.hearing"
    decision: Ref
    answered: bool = True
    new_information: bool = False


@declare
class DecisionSubmitted(CaseScoped):
    """A decision above the author's authority waits for approval (kompetenceplan)."""

    kind = "decision_submitted"
    label = _("Afgørelse sendt til godkendelse")
    subject = "decisions.decision"
    level: Literal["caseworker", "team_leader", "committee"]


@declare
class DecisionApprovalRecorded(CaseScoped):
    """Approval or rejection of a decision (reasons on the approval row)."""

    kind = "decision_approval_recorded"
    label = _("Godkendelse af afgørelse")
    subject = "decisions.decision"
    approval: Ref
    approved: bool
    level: Literal["caseworker", "team_leader", "committee"]

    def summary(self) -> str:
        return _("Godkendt") if self.approved else _("Afvist")


@declare
class TemporaryDecisionResolved(CaseScoped):
    """A temporary decision made during an investigation was confirmed, changed (a new
    decision) or stopped by the investigation's conclusion."""

    kind = "temporary_decision_resolved"
    label = _("Midlertidig afgørelse afklaret")
    subject = "decisions.decision"
    resolution: Literal["confirmed", "changed", "stopped"]


@declare
class ClockPaused(CaseScoped):
    """A deadline paused; the reason is on the ``deadlines.ClockPause`` row."""

    kind = "clock_paused"
    label = _("Frist sat i bero")
    rule: Code
    pause: Ref


@declare
class ClockResumed(CaseScoped):
    kind = "clock_resumed"
    label = _("Frist genoptaget")
    rule: Code
    pause: Ref | None = None


# --- Organisation events -----------------------------------------------------------------


@declare
class ServiceApproved(OrganisationScoped):
    """A version of a catalogue service is approved; it is revised at its own interval."""

    kind = "service_approved"
    label = _("Indsats i kataloget godkendt")
    subject = "catalogue.service"
    version: int
    revision_interval_months: int


@declare
class ServiceRevised(OrganisationScoped):
    """The periodic revision of a service; the reasons are on the ``catalogue.Revision``."""

    kind = "service_revised"
    label = _("Indsats i kataloget revideret")
    subject = "catalogue.service"
    revision: Ref
    decision: Literal["continue", "adjust", "close"]
    revision_interval_months: int


@declare
class ServiceClosed(OrganisationScoped):
    kind = "service_closed"
    label = _("Indsats i kataloget lukket")
    subject = "catalogue.service"


@declare
class StandardApproved(OrganisationScoped):
    """A casework standard (standard for sagsbehandling) is approved."""

    kind = "standard_approved"
    label = _("Standard for sagsbehandling godkendt")
    subject = "policies.caseworkstandard"
    review_interval_months: int | None = None


@declare
class StandardReviewed(OrganisationScoped):
    kind = "standard_reviewed"
    label = _("Standard for sagsbehandling revideret")
    subject = "policies.caseworkstandard"
    review_interval_months: int | None = None


@declare
class LocalStandardSet(OrganisationScoped):
    """A stricter local deadline; the reason is on the ``deadlines.LocalStandard`` row."""

    kind = "local_standard_set"
    label = _("Lokal standard fastsat")
    subject = "deadlines.localstandard"
    rule: Code
    amount: int
    unit: DurationUnit
    valid_from: date


# Changes of staff access (boernesag.rights, docs/authorisation.md "Separation of duties").
# ``change`` references the ``rights.AccessChange`` row that holds who asked, who confirmed
# and the reasons; the payload holds only ids, codes and dates.
AccessChangeKindCode = Literal[
    "role_grant",
    "role_end",
    "role_move",
    "team_join",
    "team_leave",
    "protected_addresses",
    "protected_addresses_end",
    "user_reactivate",
]


@declare
class RoleGranted(OrganisationScoped):
    kind = "role_granted"
    label = _("Rolle tildelt")
    subject = "accounts.roleassignment"
    user: Ref
    role: Code
    unit: Ref
    valid_from: date | None = None
    change: Ref | None = None


@declare
class RoleRevoked(OrganisationScoped):
    kind = "role_revoked"
    label = _("Rolle frataget")
    subject = "accounts.roleassignment"
    user: Ref
    role: Code
    unit: Ref
    valid_to: date | None = None
    change: Ref | None = None


@declare
class TeamJoined(OrganisationScoped):
    kind = "team_joined"
    label = _("Medlem af team")
    subject = "accounts.teammembership"
    user: Ref
    team: Ref
    valid_from: date | None = None
    change: Ref | None = None


@declare
class TeamLeft(OrganisationScoped):
    kind = "team_left"
    label = _("Udmeldt af team")
    subject = "accounts.teammembership"
    user: Ref
    team: Ref
    valid_to: date | None = None
    change: Ref | None = None


@declare
class ProtectedAddressAccessChanged(OrganisationScoped):
    """A user may (or may no longer) see protected addresses (navne- og
    adressebeskyttelse)."""

    kind = "protected_address_access_changed"
    label = _("Adgang til beskyttede adresser ændret")
    subject = "accounts.user"
    user: Ref
    allowed: bool
    change: Ref | None = None


@declare
class UserReactivated(OrganisationScoped):
    """A deactivated user is active again, with the roles and teams still in force."""

    kind = "user_reactivated"
    label = _("Bruger genaktiveret")
    subject = "accounts.user"
    user: Ref
    change: Ref | None = None


@declare
class AccessChangeRequested(OrganisationScoped):
    """A change that widens someone's access to case content waits for a second person
    (four eyes): another administrator, or a leader with the permission."""

    kind = "access_change_requested"
    label = _("Adgangsændring anmodet")
    subject = "rights.accesschange"
    change_kind: AccessChangeKindCode
    user: Ref
    role: Code | None = None
    unit: Ref | None = None
    self_change: bool = False


@declare
class AccessChangeConfirmed(OrganisationScoped):
    kind = "access_change_confirmed"
    label = _("Adgangsændring godkendt")
    subject = "rights.accesschange"
    change_kind: AccessChangeKindCode
    user: Ref
    requested_by: Ref


@declare
class AccessChangeRejected(OrganisationScoped):
    """The reason for the rejection is on the ``rights.AccessChange`` row."""

    kind = "access_change_rejected"
    label = _("Adgangsændring afvist")
    subject = "rights.accesschange"
    change_kind: AccessChangeKindCode
    user: Ref
    requested_by: Ref


@declare
class AccessChangeWithdrawn(OrganisationScoped):
    kind = "access_change_withdrawn"
    label = _("Adgangsændring trukket tilbage")
    subject = "rights.accesschange"
    change_kind: AccessChangeKindCode
    user: Ref


@declare
class UnidentifiedReportReceived(OrganisationScoped):
    """A concern report about a child not yet identified: it has no case, so its 24-hour
    clock is the organisation's until the child is identified (or it is explained)."""

    kind = "unidentified_report_received"
    label = _("Underretning om ukendt barn modtaget")
    subject = "intake.intakechild"
    intake_kind: IntakeKindCode | None = None


@declare
class UnidentifiedReportResolved(OrganisationScoped):
    kind = "unidentified_report_resolved"
    label = _("Underretning om ukendt barn afklaret")
    subject = "intake.intakechild"
    identified: bool


# --- People around the child (issue 11, part A: persons, integrations) ----------------

RelationKindCode = Literal[
    "custody_holder",
    "parent_without_custody",
    "sibling",
    "half_sibling",
    "grandparent",
    "other_family",
    "network_person",
    "resource_person",
    "foster_family",
    "professional",
]
PersonSourceCode = Literal["register", "manual"]
RegisterStatusCode = Literal["active", "disappeared", "emigrated", "dead", "inactive"]


@declare
class RelationAdded(CaseScoped):
    """A person around the child is registered (custody holder, sibling, network,
    professional …); names and details are on the ``persons.Relation`` and its person."""

    kind = "relation_added"
    label = _("Person omkring barnet tilføjet")
    subject = "persons.relation"
    relation_kind: RelationKindCode
    person: Ref
    person_source: PersonSourceCode = "manual"
    valid_from: date | None = None

    def summary(self) -> str:
        return _choice_label("persons.Relation", "kind", self.relation_kind)


@declare
class RelationChanged(CaseScoped):
    kind = "relation_changed"
    label = _("Person omkring barnet ændret")
    subject = "persons.relation"
    relation_kind: RelationKindCode

    def summary(self) -> str:
        return _choice_label("persons.Relation", "kind", self.relation_kind)


@declare
class RelationEnded(CaseScoped):
    kind = "relation_ended"
    label = _("Relation til barnet ophørt")
    subject = "persons.relation"
    relation_kind: RelationKindCode
    valid_to: date

    def summary(self) -> str:
        return _choice_label("persons.Relation", "kind", self.relation_kind)


@declare
class NetworkMapSaved(CaseScoped):
    """The child's network map or genogram was saved (placements, closeness, the genogram's
    sides); names, labels and notes are on ``persons.NetworkMap`` and its placements."""

    kind = "network_map_saved"
    label = _("Netværkskort gemt")
    subject = "persons.networkmap"
    part: Literal["map", "genogram"] = "map"
    version: int
    people: int
    changed: int

    def summary(self) -> str:
        return str(_("Genogram") if self.part == "genogram" else _("Netværkskort"))


@declare
class ResourcePersonAgreementMade(CaseScoped):
    """An agreement with a resource person (Slagelse: followed up after 3 months, then at
    least yearly — rule ``resource_person_follow_up``); the agreement's text is on the
    ``persons.ResourcePersonAgreement``."""

    kind = "resource_person_agreement_made"
    label = _("Aftale med ressourceperson indgået")
    subject = "persons.resourcepersonagreement"
    relation: Ref


@declare
class ResourcePersonFollowedUp(CaseScoped):
    kind = "resource_person_followed_up"
    label = _("Opfølgning på ressourcepersonaftale")
    subject = "persons.resourcepersonagreement"
    follow_up: Ref


@declare
class ResourcePersonAgreementEnded(CaseScoped):
    kind = "resource_person_agreement_ended"
    label = _("Aftale med ressourceperson ophørt")
    subject = "persons.resourcepersonagreement"
    case_closed: bool = False


@declare
class PersonImported(OrganisationScoped):
    """A person's identity data imported from the CPR register (a new person in Børnesag,
    or an update of one); the data itself is on the ``persons.Person``."""

    kind = "person_imported"
    label = _("Person hentet fra CPR-registeret")
    subject = "persons.person"
    register_status: RegisterStatusCode
    address_protected: bool
    updated: bool = False


# --- Lookups -----------------------------------------------------------------------------


def canonical(kind: str) -> str:
    return ALIASES.get(kind, kind)


def kind_class(kind: str) -> type[TypedEvent]:
    try:
        return REGISTRY[canonical(kind)]
    except KeyError:
        raise PayloadError(kind, "", "ukendt hændelse") from None


def parse(kind: str, payload: dict | None) -> TypedEvent:
    """The typed event for a stored kind and payload (validated)."""
    return kind_class(kind).from_payload(payload)


def kind_label(kind: str) -> str:
    cls = REGISTRY.get(canonical(kind))
    return str(cls.label) if cls else kind


def kinds(scope: str | None = None) -> frozenset[str]:
    return frozenset(k for k, c in REGISTRY.items() if scope is None or c.scope == scope)


CASE_KINDS = kinds(Scope.CASE)
ORGANISATION_KINDS = kinds(Scope.ORGANISATION)


def _choices(scope: str):
    return [
        (cls.kind.upper(), (cls.kind, cls.label)) for cls in REGISTRY.values() if cls.scope == scope
    ]


# ``EventKind.REPORT_TRIAGED == "report_triaged"``: TextChoices made from the catalogue, for
# code that names kinds (queries, forms). The catalogue is the one source of kinds and labels.
EventKind = models.TextChoices("EventKind", _choices(Scope.CASE))
OrganisationEventKind = models.TextChoices("OrganisationEventKind", _choices(Scope.ORGANISATION))
