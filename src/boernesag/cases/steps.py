"""Work that starts or stops a legal deadline and has no screen elsewhere (issue 13 item 8):
each kind is a ``StepSpec`` — its page, its event and the deadline rule it serves
(``deadlines/rules/*.yaml``). The text a caseworker writes is on the ``CaseStep`` row; the
event carries codes and the row's id.

- ``police_documentation`` → ``police_documentation_received`` starts *network meeting and
  provisional plan within 7 days*, stopped by ``network_meeting`` → ``network_meeting_held``
  (rule ``youth_crime_network_meeting``: Serviceloven § 57 c; the Barnets Lov paragraph is
  **unverified**);
- ``treatment_request`` → ``treatment_requested`` starts *treatment within 14 days*, stopped
  by ``treatment_offer`` → ``treatment_offered`` (rule ``substance_treatment``: Serviceloven
  § 101, stk. 3 — **unverified**, also for the period from 2024);
- ``youth_plan_position`` → ``youth_plan_decided``: the position on a youth plan taken
  *without* a plan, with its reasons (Barnets Lov § 108, stk. 1; rule ``youth_plan_at_16``).
  Making the youth plan itself is the plans app's (``plans.services.plan_make`` writes the
  same event);
- ``youth_support`` → ``youth_support_decided``: the position, 6 months before the 18th
  birthday, on support after 18 (Barnets Lov § 111, stk. 1; Serviceloven § 68, stk. 11; rule
  ``youth_support_decision``), with its outcome and reasons. Recorded here as a position;
  the letter with appeal guidance is not produced by Børnesag yet (docs/closure.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from boernesag.cases.models import StepKind
from boernesag.events import catalogue as ev


@dataclass(frozen=True)
class StepSpec:
    kind: str
    slug: str
    title: object
    event: Callable
    law: object
    date_label: object
    note_label: object
    note_help: object = ""
    note_required: bool = True
    answers: str | None = None  # the start this step stops (required on the case)
    outcome: bool = False
    rule_key: str = ""
    starts: bool = False  # opens its own clock (the subject its stop names)


SPECS: dict[str, StepSpec] = {
    s.kind: s
    for s in (
        StepSpec(
            kind=StepKind.POLICE_DOCUMENTATION,
            slug="politiets-dokumentation",
            title=_("Politiets dokumentation for alvorlig ungdomskriminalitet"),
            event=lambda step: ev.PoliceDocumentationReceived(step=step.pk),
            law=_("Serviceloven § 57 c (ikke verificeret); Barnets Lov: paragraf ikke verificeret"),
            date_label=_("Modtaget"),
            note_label=_("Hvad dokumentationen handler om"),
            note_required=False,
            rule_key="youth_crime_network_meeting",
            starts=True,
        ),
        StepSpec(
            kind=StepKind.NETWORK_MEETING,
            slug="netvaerksmoede",
            title=_("Netværksmøde og foreløbig plan"),
            event=lambda step: ev.NetworkMeetingHeld(step=step.pk),
            law=_("Serviceloven § 57 c (ikke verificeret); Barnets Lov: paragraf ikke verificeret"),
            date_label=_("Mødet blev holdt"),
            note_label=_("Deltagere og den foreløbige plan"),
            answers=StepKind.POLICE_DOCUMENTATION,
            rule_key="youth_crime_network_meeting",
        ),
        StepSpec(
            kind=StepKind.TREATMENT_REQUEST,
            slug="misbrugsbehandling-anmodning",
            title=_("Anmodning om behandling for misbrug"),
            event=lambda step: ev.TreatmentRequested(step=step.pk),
            law=_("Serviceloven § 101, stk. 3 (ikke verificeret, heller ikke fra 2024)"),
            date_label=_("Den unge anmodede"),
            note_label=_("Hvad den unge beder om"),
            note_required=False,
            rule_key="substance_treatment",
            starts=True,
        ),
        StepSpec(
            kind=StepKind.TREATMENT_OFFER,
            slug="misbrugsbehandling-tilbud",
            title=_("Behandling for misbrug tilbudt"),
            event=lambda step: ev.TreatmentOffered(step=step.pk),
            law=_("Serviceloven § 101, stk. 3 (ikke verificeret, heller ikke fra 2024)"),
            date_label=_("Behandlingen blev tilbudt"),
            note_label=_("Hvilken behandling, hvor og fra hvornår"),
            answers=StepKind.TREATMENT_REQUEST,
            rule_key="substance_treatment",
        ),
        StepSpec(
            kind=StepKind.YOUTH_PLAN_POSITION,
            slug="ungeplan-stillingtagen",
            title=_("Stillingtagen til ungeplan uden en plan"),
            event=lambda step: ev.YouthPlanDecided(step=step.pk),
            law=_("Barnets Lov § 108, stk. 1"),
            date_label=_("Stillingtagen er truffet"),
            note_label=_("Begrundelse for ikke at udarbejde en ungeplan"),
            note_help=_(
                "Skal der udarbejdes en ungeplan, laves den under Planer – den er også "
                "stillingtagen."
            ),
            rule_key="youth_plan_at_16",
        ),
        StepSpec(
            kind=StepKind.YOUTH_SUPPORT,
            slug="ungestoette",
            title=_("Afgørelse om støtte efter det 18. år (ungestøtte/efterværn)"),
            event=lambda step: ev.YouthSupportDecided(step=step.pk, outcome=step.outcome),
            law=_(
                "Barnets Lov § 111, stk. 1 (senest 6 måneder før 18-årsdagen); "
                "Serviceloven § 68, stk. 11 før 2024"
            ),
            date_label=_("Afgørelsen er truffet"),
            note_label=_("Begrundelse"),
            note_help=_(
                "Hvilken støtte efter 18 år (fx ungestøtte efter Barnets Lov § 114 – "
                "ikke verificeret) og hvorfor. Afgørelsen sendes til den unge med klagevejledning."
            ),
            outcome=True,
            rule_key="youth_support_decision",
        ),
    )
}

BY_SLUG = {s.slug: s for s in SPECS.values()}
