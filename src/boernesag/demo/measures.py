"""Demo Kommune's measures (docs/measures.md), written through the real services while a
case history is written (``demo/writers.py``), at the moment each step happened: the
decision (``decisions.services``: made by the caseworker, approved by the team leader where
the authority matrix asks for it, by the children and young people's committee for a
placement without consent; the custody holders' consent first for a placement with
consent), the start (``measure_start``), each follow-up (``follow_up_plan`` and
``follow_up_record`` with a score for every goal of the plan in force, rising over time),
supervision visits of placed children, the end with its reason, and — for a case closed
after its measure ended — the closure checklist (``case_close_checked``).

Only a bounded set of histories get real measures (``choose``): letters to the provider are
rendered as PDFs, and the demo seed must stay quick. The other histories keep their plain
events. Deterministic: every choice comes from a ``random.Random`` seeded by the case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

# (service name in the demo catalogue, legal section, volume) — per kind of history
SUPPORT = [
    ("Familiebehandling i hjemmet", "§ 32", Decimal(4)),
    ("Kontaktperson for barnet", "§ 32", Decimal(3)),
    ("Aflastning i plejefamilie", "§ 32", Decimal("0.5")),  # a weekend a month
    ("Praktisk pædagogisk støtte i hjemmet", "§ 32", Decimal(3)),
]
PLACEMENT = [
    ("Familiepleje (almindelig plejefamilie)", "§ 46", Decimal(1)),
    ("Døgninstitution", "§ 46", Decimal(7)),
    ("Opholdssted", "§ 46", Decimal(7)),
]
# how many histories get real measures (of the ones that start a measure)
SUPPORT_CASES = 6
PLACEMENT_CASES = 4

CHILD_VIEW = "Barnet fortalte ved børnesamtalen, hvad der er svært, og hvad det ønsker hjælp til."
REASONS = (
    "Den børnefaglige undersøgelse viser, at barnet har behov for særlig støtte. Indsatsen "
    "svarer til målene i barnets plan og er den mindst indgribende, der kan hjælpe."
)
SCORE_NOTES = {
    1: "Ingen fremgang endnu – familien og leverandøren arbejder videre med målet.",
    2: "Lidt fremgang: de første aftaler holder nogle uger ad gangen.",
    3: "Tydelig fremgang ifølge skolen og familien, men ikke stabilt endnu.",
    4: "Næsten nået: det går godt de fleste uger.",
    5: "Målet er nået og har holdt siden sidste møde.",
}
WORD = {"weekly": "uge", "fortnightly": "anden uge", "monthly": "måned"}
END_REASONS = ["goal_met", "goal_met", "no_longer_meets_goal"]


@dataclass
class Choice:
    service: str
    section: str
    volume: Decimal


def choose(histories) -> dict[int, Choice]:
    """Which histories (by index) get real measures and of which service: the first ones
    that start a measure, support and placements in turn through the catalogue's kinds —
    every history whose measure ends among them."""
    chosen: dict[int, Choice] = {}
    support = placement = 0
    for i, plan in enumerate(histories):
        kinds = [s.data.get("measure_kind") for s in plan.steps if s.action == "measure_start"]
        if not kinds:
            continue
        ends = any(s.action == "measure_end" for s in plan.steps)
        if kinds[0] == "support" and (support < SUPPORT_CASES or (ends and support < 9)):
            chosen[i] = Choice(*SUPPORT[support % len(SUPPORT)])
            support += 1
        elif kinds[0] != "support" and placement < PLACEMENT_CASES:
            chosen[i] = Choice(*PLACEMENT[placement % len(PLACEMENT)])
            placement += 1
    return chosen


def _yearly_cost(provider, service, volume: Decimal, on) -> Decimal | None:
    """The figure the caseworker types when the rate is not hourly (an hourly rate's
    estimate is computed by the decisions app; a typed figure would only raise it)."""
    from boernesag.catalogue.selectors import rate_for

    rate = rate_for(provider=provider, service=service, on=on)
    if rate is None or rate.unit == "hour":
        return None
    factor = {"day": volume * 52, "month": Decimal(12), "module": volume}[rate.unit]
    return (rate.price * factor).quantize(Decimal(1))


@dataclass
class MeasureWork:
    """The real measure of one demo history; each method is called at its step's moment
    (under ``simulated_now``)."""

    choice: Choice
    case: object
    caseworker: object
    rng: random.Random = field(default_factory=random.Random)
    decision: object = None
    measure: object = None
    held: int = 0

    def _leader(self):
        from boernesag.accounts.models import RoleAssignment

        ra = (
            RoleAssignment.objects.filter(role="team_leader", unit_id=self.case.team_id)
            .exclude(user=self.caseworker)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return ra.user if ra else None

    def decide(self, *, kind: str) -> None:
        """The decision (Barnets Lov § 32, § 46 or § 47), as the caseworker makes it."""
        from django.utils import timezone

        from boernesag.cases.constants import ConsentScope
        from boernesag.cases.services import consent_record
        from boernesag.catalogue.models import LegalSection, Service
        from boernesag.decisions import authority, services
        from boernesag.decisions.constants import DecisionStatus
        from boernesag.measures.services import default_unit
        from boernesag.persons import selectors as people

        authority.defaults_ensure()
        case, by, today = self.case, self.caseworker, timezone.localdate()
        case.refresh_from_db()
        service = Service.objects.get(versions__name=self.choice.service)
        provider = service.providers.order_by("pk").first()
        version = service.current_version
        section = {"placement_without_consent": "§ 47"}.get(kind, self.choice.section)
        if kind == "placement_with_consent":
            for giver in people.consent_givers(case, on=today):
                consent_record(
                    case=case,
                    by=by,
                    given_by=giver,
                    scope=ConsentScope.PLACEMENT,
                    form="written",
                    given_on=today,
                    description="Samtykke til anbringelse uden for hjemmet.",
                )
        weeks = version.max_weeks or 52
        decision = services.decision_create(
            case=case,
            by=by,
            kind=kind,
            outcome="grant",
            service=service,
            provider=provider,
            hours_per_week=int(self.choice.volume) if version.min_hours else None,
            starts_on=today + timedelta(days=3),
            duration_weeks=min(weeks, 52),
            purpose="At barnet trives og udvikler sig alderssvarende, hjemme og i skolen.",
            reasons=REASONS,
            child_view=CHILD_VIEW,
            plan_needed=True if kind == "support" else None,
            yearly_cost=_yearly_cost(provider, service, self.choice.volume, today),
            legal_sections=[LegalSection.objects.get(law="BL", paragraph=section)],
        )
        decision.refresh_from_db()
        decision = services.decision_decide(
            decision=decision, by=by, expected_version=decision.version
        )
        if decision.status == DecisionStatus.AWAITING_APPROVAL:
            leader = self._leader()
            if leader is None:
                return
            services.decision_approve(
                decision=decision,
                by=leader,
                approved=True,
                reasons="Indsatsen er nødvendig og svarer til barnets behov.",
                committee_meeting_on=today if decision.required_level == "committee" else None,
            )
            decision.refresh_from_db()
        self.decision = decision
        self.unit = default_unit(decision=decision, provider=provider, on=today)

    def start(self) -> None:
        from django.utils import timezone

        from boernesag.measures import services
        from boernesag.measures.constants import PLACEMENT_KINDS

        if self.decision is None or self.decision.status not in ("decided", "sent"):
            return
        today = timezone.localdate()
        self.measure = services.measure_start(
            case=self.case,
            decision=self.decision,
            by=self.caseworker,
            starts_on=today,
            volume=self.choice.volume,
            volume_unit=self.unit,
        ).measure
        if self.measure.kind in PLACEMENT_KINDS:
            # the place and the arrangement for contact with the parents
            frequency = self.rng.choice(["weekly", "fortnightly", "monthly"])
            services.placement_details_record(
                measure=self.measure,
                by=self.caseworker,
                expected_version=self.measure.version,
                place_name=self.measure.provider.name,
                place_department=self.rng.choice(["", "Afdeling Lærken", "Afdeling Solsikken"]),
                place_from=today,
                contact_frequency=frequency,
                contact_form=self.rng.choice(["home", "placement", "accompanied"]),
                contact_note=f"Samvær hver {WORD[frequency]} efter aftale med forældrene og "
                "stedet; telefon om søndagen.",
            )
            self.measure.refresh_from_db()

    def follow_up(self, *, next_due) -> bool:
        """A status meeting today with the provider's report, the conversation with the
        child and a score for every goal of the plan in force — better each time."""
        from django.utils import timezone

        from boernesag.measures import services

        if self.measure is None:
            return False
        now = timezone.now()
        by = self.caseworker
        follow_up = services.follow_up_plan(
            measure=self.measure,
            by=by,
            held_at=now - timedelta(minutes=2),
            agenda="1. Leverandørens status\n2. Barnets syn\n3. Målene\n4. Næste skridt",
            persons=[],
            other_participants="Leverandøren, klasselæreren",
        )
        _version, goals = services.plan_goals(self.measure)
        self.held += 1
        scores = {}
        for goal in goals:
            score = max(1, min(5, 1 + self.held + self.rng.choice([-1, 0, 0, 1])))
            scores[goal.pk] = (score, SCORE_NOTES[score])
        today = timezone.localdate()
        services.follow_up_record(
            follow_up=follow_up,
            by=by,
            expected_version=follow_up.version,
            held_on=today,
            decision="continue",
            scores=scores,
            next_follow_up_on=max(next_due, today + timedelta(days=1)),
            interval_reasons="Indsatsen virker; næste opfølgning når leverandøren har haft "
            "tid til at arbejde med de næste mål.",
            report_received_on=today - timedelta(days=self.rng.randint(2, 8)),
            report_source=f"Statusudtalelse fra {self.measure.provider.name}"[:200],
            report_summary="Leverandøren beskriver fremgang på de fleste mål.",
            child_talked_on=today - timedelta(days=self.rng.randint(1, 6)),
            child_view="Barnet synes, det går bedre, og vil gerne fortsætte.",
            assessment="Indsatsen fortsætter uændret.",
        )
        self.measure.refresh_from_db()
        return True

    def visit(self) -> bool:
        from django.utils import timezone

        from boernesag.measures import services
        from boernesag.measures.constants import PLACEMENT_KINDS

        if self.measure is None or self.measure.kind not in PLACEMENT_KINDS:
            return False
        alone = self.rng.random() < 0.85
        services.supervision_visit_record(
            measure=self.measure,
            by=self.caseworker,
            visited_on=timezone.localdate(),
            talked_alone=alone,
            not_alone_reason=""
            if alone
            else "Barnet ville ikke tale med rådgiveren uden plejemor til stede denne gang.",
        )
        return True

    def end(self) -> bool:
        from django.utils import timezone

        from boernesag.measures import services

        if self.measure is None:
            return False
        self.measure.refresh_from_db()
        reason = self.rng.choice(END_REASONS)
        services.measure_end(
            measure=self.measure,
            by=self.caseworker,
            ended_on=timezone.localdate(),
            reason=reason,
            final_attainment="met" if reason == "goal_met" else "partly",
            expected_version=self.measure.version,
        )
        self.measure.refresh_from_db()
        return True

    def close(self) -> bool:
        """The case is closed through the closure checklist after the measure ended: every
        item answered, the provider told, each running deadline explained."""
        from django.utils import timezone

        from boernesag.cases import services
        from boernesag.cases.closure import explain_items

        if self.measure is None or self.measure.is_active:
            return False
        case = self.case
        case.refresh_from_db()
        today = timezone.localdate()
        name = case.child.first_name
        answers = {
            "child_dialogue": "yes",
            "child_dialogue_on": today - timedelta(days=5),
            "child_dialogue_how": f"Afslutningssamtale med {name} uden forældrene til stede",
            "parents_dialogue": "yes",
            "parents_dialogue_on": today - timedelta(days=4),
            "parents_dialogue_how": "Afslutningsmøde hjemme hos familien",
            "school_status": "yes",
            "school_status_on": today - timedelta(days=8),
            "school_status_source": "Klasselærerens skriftlige status",
            "provider_status": "yes",
            "provider_status_on": today - timedelta(days=6),
            "provider_status_source": f"Slutstatus fra {self.measure.provider.name}"[:200],
            "final_assessment": f"Målene i planen er nået, og {name} trives hjemme og i "
            "skolen. Familien ved, hvor de kan henvende sig, hvis der igen bliver behov.",
            "parties_told_on": today - timedelta(days=1),
            "notifier_told": "not_relevant",
            "provider_told": "told",
        }
        items = explain_items(case)
        if any(not item.explainable for found in items.values() for item in found):
            return False
        explanations = {
            (key, item.ref): "Indsatsen er afsluttet; fristen bortfalder, da sagen afsluttes."
            for key, found in items.items()
            for item in found
        }
        services.case_close_checked(
            case=case,
            by=self.caseworker,
            reason="Målene er nået",
            answers=answers,
            explanations=explanations,
            expected_version=case.version,
        )
        return True
