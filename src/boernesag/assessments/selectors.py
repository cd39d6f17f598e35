"""Reads for the investigation pages. The case comes through ``cases.gate`` (need-to-know,
access log); these read what hangs off an investigation the gate let through, with a number
of queries that does not grow with its activities, sections, statements or letters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from boernesag.assessments import services
from boernesag.assessments.constants import ActivityKind, ActivityStatus
from boernesag.assessments.models import Assessment, AssessmentLetter
from boernesag.cases.models import Case


@dataclass
class AssessmentView:
    assessment: Assessment
    activities: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    deadline: date | None = None
    local_deadline: date | None = None
    overdue: bool = False
    statements: int = 0
    child_conversation_held: bool = False
    home_visit_recorded: bool = False


def case_assessments(case: Case, limit: int = 20) -> list[Assessment]:
    return list(Assessment.objects.filter(case=case).order_by("-decided_at", "-pk")[:limit])


def assessment_view(assessment: Assessment) -> AssessmentView:
    from django.utils import timezone

    activities = list(
        assessment.activities.select_related("person", "request_letter").order_by(
            "planned_on", "pk"
        )
    )
    sections = list(
        assessment.sections.select_related("section", "updated_by").order_by("section__order", "pk")
    )
    letters = list(
        AssessmentLetter.objects.filter(assessment=assessment)
        .select_related("person", "letter")
        .order_by("sent_at", "pk")
    )
    consents = list(assessment.consents.select_related("given_by"))
    clock = services.clock_of(assessment)
    deadline = services.legal_deadline(assessment.aware_at)
    local = None
    if clock is not None:
        deadline = timezone.localdate(clock.due_at)
        if clock.local_due_at and clock.local_due_at < clock.due_at:
            local = timezone.localdate(clock.local_due_at)
    return AssessmentView(
        assessment=assessment,
        activities=activities,
        sections=sections,
        letters=letters,
        consents=consents,
        deadline=deadline,
        local_deadline=local,
        overdue=services.is_overdue(assessment, clock),
        statements=sum(a.kind == ActivityKind.STATEMENT for a in activities),
        child_conversation_held=any(
            a.kind == ActivityKind.CHILD_CONVERSATION and a.status == ActivityStatus.HELD
            for a in activities
        ),
        home_visit_recorded=any(
            a.kind == ActivityKind.HOME_VISIT and a.status != ActivityStatus.PLANNED
            for a in activities
        ),
    )
