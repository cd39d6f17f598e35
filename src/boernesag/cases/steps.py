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

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

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
    # the ages (in whole months, on the step's date) the step belongs to: [from, to)
    age_from_months: int | None = None
    age_to_months: int | None = None
    age_text: object = ""  # the Danish refusal when the child's age is outside

    def fits_age(self, birth_date: date | None, on: date) -> bool:
        """Whether a child born on ``birth_date`` is of an age for this step on ``on``. An
        unknown birth date never blocks (the caseworker knows the child)."""
        if birth_date is None:
            return True
        if self.age_from_months is not None and on < add_months(birth_date, self.age_from_months):
            return False
        return self.age_to_months is None or on < add_months(birth_date, self.age_to_months)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 29th–31st become the month's last day
    (a birthday on 29 February falls on 28 February in other years)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


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
            # the age range of the duty is not verified (the rule's paragraph is unverified):
            # Børnesag accepts 10–17 years, the ages the youth-crime act (lov om bekæmpelse
            # af ungdomskriminalitet) covers — also unverified for this rule (docs/closure.md)
            age_from_months=10 * 12,
            age_to_months=18 * 12,
            age_text=_(
                "Politiets dokumentation for alvorlig ungdomskriminalitet registreres for unge "
                "mellem 10 og 17 år (aldersgrænsen er ikke verificeret). Barnet er %(age)s år."
            ),
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
            # the position is taken when the young person turns 16 (§ 108, stk. 1); from
            # 15½ years it may be taken ahead of the birthday
            age_from_months=15 * 12 + 6,
            age_text=_(
                "Stillingtagen til ungeplan hører til, når den unge fylder 16 år (Barnets Lov "
                "§ 108, stk. 1); den kan tidligst registreres fra 15½ år. Barnet er %(age)s år."
            ),
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
            # due 6 months before the 18th birthday (§ 111, stk. 1); Børnesag accepts it from
            # 17 years until the 18th birthday (the placement then ends)
            age_from_months=17 * 12,
            age_to_months=18 * 12,
            age_text=_(
                "Afgørelsen om støtte efter det 18. år træffes senest 6 måneder før "
                "18-årsdagen (Barnets Lov § 111, stk. 1) og registreres, når den unge er "
                "mellem 17 og 18 år. Den unge er %(age)s år."
            ),
        ),
    )
}

BY_SLUG = {s.slug: s for s in SPECS.values()}
