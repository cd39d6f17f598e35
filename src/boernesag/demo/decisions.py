"""Demo Kommune's decisions, through the services as they would have been made on the day
(``simulated_now``): granted; refused after a hearing; approved above the caseworker's
authority; appealed and changed; appealed, upheld, forwarded and ruled on by Ankestyrelsen;
a placement with consent waiting in the team leader's queue; a temporary decision. All in
Distrikt Nord's cases first (Mette Hansen, team leader Lone Mikkelsen), so one login shows them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

CHILD_VIEW = "Barnet fortalte ved børnesamtalen, at det gerne vil have hjælp, men helst hjemme."
REASONS = (
    "Den børnefaglige undersøgelse viser, at familien har brug for støtte til struktur og "
    "samspil i hverdagen. Indsatsen svarer til målene i barnets plan."
)


def _moment(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_decisions_seed() -> dict[str, int]:
    """Idempotent: nothing is added if a decision exists."""
    from boernesag.accounts.models import RoleAssignment, User
    from boernesag.cases.models import Case
    from boernesag.catalogue.models import LegalSection, Service
    from boernesag.decisions import services
    from boernesag.decisions.models import Decision, DecisionLetter
    from boernesag.demo.clock import simulated_now
    from boernesag.letters.outbox import letter_advance
    from boernesag.persons import selectors as people

    # the measures' own decisions (demo/measures.py) are made while the histories are
    # written; this seed's mark is its refusal after a hearing
    if Decision.objects.filter(outcome="refusal").exists() or not Service.objects.exists():
        return {}
    from boernesag.decisions import authority

    authority.defaults_ensure()
    mette = User.objects.filter(email__startswith="mette.hansen").first()
    if mette is None:
        return {}
    # open cases without an active measure (a decision then moves the case to "Afgørelse"),
    # with custody holders and a team leader; Distrikt Nord (Lone Mikkelsen's team) and Mette
    # Hansen's cases first. Each decision is made by the case's own caseworker.
    leaders = {
        ra.unit_id: ra.user
        for ra in RoleAssignment.objects.filter(role="team_leader").select_related("user")
    }
    cases = [
        c
        for c in Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False)
        .filter(phase__in=["assessment", "plan", "decision"])
        .exclude(intake_reports__reassessment=True)
        .select_related("child", "caseworker", "team")
        .order_by("opened_at")
        if c.team_id in leaders and people.custody_holders(c.child)
    ]
    cases.sort(key=lambda c: (c.team.code != "distrikt-nord", c.caseworker_id != mette.pk))
    if len(cases) < 7:
        return {}

    family = Service.objects.get(versions__name="Familiebehandling i hjemmet")
    foster = Service.objects.get(versions__name="Familiepleje (almindelig plejefamilie)")
    s32 = LegalSection.objects.get(law="BL", paragraph="§ 32")
    s46 = LegalSection.objects.get(law="BL", paragraph="§ 46")
    provider_family = family.providers.order_by("pk").first()
    provider_foster = foster.providers.order_by("pk").first()

    def fields(days_ago, **overrides):
        data = dict(
            kind="support",
            outcome="grant",
            service=family,
            provider=provider_family,
            hours_per_week=4,
            starts_on=timezone.localdate() - timedelta(days=days_ago) + timedelta(days=7),
            duration_weeks=26,
            purpose="At styrke forældrenes omsorg og barnets trivsel i hjemmet.",
            reasons=REASONS,
            child_view=CHILD_VIEW,
            plan_needed=True,
            legal_sections=[s32],
        )
        data.update(overrides)
        return data

    def made(case, days_ago, by=None, **overrides):
        by = by or case.caseworker
        with simulated_now(_moment(days_ago)):
            decision = services.decision_create(case=case, by=by, **fields(days_ago, **overrides))
            decision.refresh_from_db()
            return services.decision_decide(
                decision=decision, by=by, expected_version=decision.version
            )

    def send(decision, days_ago):
        by = decision.case.caseworker
        with simulated_now(_moment(days_ago, 13)):
            services.decision_send(decision=decision, by=by)
            for link in DecisionLetter.objects.filter(decision=decision, hearing=None):
                letter_advance(link.letter_id)
                services.decision_letter_mark_sent(
                    decision=decision, letter=link.letter, by=by, channel="digital_post"
                )

    counts = {"decisions": 0, "appeals": 0}
    granted, refused, approved, changed, upheld, waiting, temporary = cases[:7]

    # 1. granted within the caseworker's authority (4 hours × 690 kr. × 52 < 150.000 kr.)
    send(made(granted, 40), 40)

    # 2. refused after a hearing
    with simulated_now(_moment(50)):
        refusal = services.decision_create(
            case=refused, by=refused.caseworker, **fields(50, outcome="refusal", plan_needed=None)
        )
        hearing = services.hearing_send(
            decision=refusal,
            by=refused.caseworker,
            answer_due=timezone.localdate() + timedelta(days=14),
            information="Skolens udtalelse af sidste måned og referatet af netværksmødet.",
        )
    with simulated_now(_moment(38)):
        services.hearing_answer(
            hearing=hearing,
            by=refused.caseworker,
            answered_on=timezone.localdate(),
            answer="Forældrene mener, at familien klarer sig med hjælp fra netværket.",
        )
    with simulated_now(_moment(35)):
        refusal.refresh_from_db()
        refusal = services.decision_decide(
            decision=refusal, by=refused.caseworker, expected_version=refusal.version
        )
    send(refusal, 35)

    # 3. above the caseworker's authority (8 hours ≈ 287.000 kr.), approved by the team leader
    pending = made(approved, 30, hours_per_week=8)
    with simulated_now(_moment(29)):
        services.decision_approve(
            decision=pending,
            by=leaders[approved.team_id],
            approved=True,
            reasons="Omfanget er nødvendigt i de første måneder; følges op efter 3 måneder.",
        )
    pending.refresh_from_db()
    send(pending, 29)

    # 4. appealed and changed by a new decision
    first = made(changed, 45)
    send(first, 45)
    parent = people.custody_holders(changed.child)[0]
    with simulated_now(_moment(30)):
        appeal = services.appeal_register(
            decision=first,
            by=changed.caseworker,
            received_on=timezone.localdate(),
            appellant=parent,
            content="Forælderen mener, at 4 timer om ugen er for lidt.",
        )
    with simulated_now(_moment(20)):
        appeal = services.appeal_reconsider(
            appeal=appeal,
            by=changed.caseworker,
            upheld=False,
            reconsideration="Kommunen giver medhold: 6 timer om ugen i de første 3 måneder.",
            expected_version=appeal.version,
        )
        new = appeal.new_decision
        new = services.decision_update(
            decision=new, by=changed.caseworker, expected_version=new.version, hours_per_week=6
        )
    # 6 hours is above the caseworker's limit (the cost is recomputed from the rate): the
    # team leader, who holds that level, makes the new decision
    with simulated_now(_moment(19)):
        new = services.decision_decide(
            decision=new, by=leaders[changed.team_id], expected_version=new.version
        )
    send(new, 19)

    # 5. appealed, upheld, forwarded and ruled on by Ankestyrelsen
    contested = made(upheld, 120)
    send(contested, 120)
    parent = people.custody_holders(upheld.child)[0]
    with simulated_now(_moment(100)):
        appeal2 = services.appeal_register(
            decision=contested,
            by=upheld.caseworker,
            received_on=timezone.localdate(),
            appellant=parent,
            content="Forælderen ønsker en anden leverandør.",
        )
    with simulated_now(_moment(80)):
        appeal2 = services.appeal_reconsider(
            appeal=appeal2,
            by=upheld.caseworker,
            upheld=True,
            reconsideration="Kommunen fastholder: leverandøren har de kompetencer, barnet har "
            "brug for.",
            forwarded_material="Klagen, afgørelsen, den børnefaglige undersøgelse og barnets plan.",
            expected_version=appeal2.version,
        )
    with simulated_now(_moment(10)):
        services.appeal_ruling_record(
            appeal=appeal2,
            by=upheld.caseworker,
            ruling="upheld",
            ruled_on=timezone.localdate(),
            note="Ankestyrelsen lagde vægt på barnets plan og leverandørens kompetencer.",
            expected_version=appeal2.version,
        )

    # 6. a placement with consent waiting in the team leader's queue; the custody holders
    # (and a young person from 15) consented first (Barnets Lov § 46)
    from boernesag.cases.constants import ConsentScope
    from boernesag.cases.services import consent_record

    with simulated_now(_moment(3)):
        for giver in people.consent_givers(waiting):
            consent_record(
                case=waiting,
                by=waiting.caseworker,
                given_by=giver,
                scope=ConsentScope.PLACEMENT,
                form="written",
                given_on=timezone.localdate(),
                description="Samtykke til anbringelse i plejefamilie.",
            )
    made(
        waiting,
        2,
        kind="placement_with_consent",
        service=foster,
        provider=provider_foster,
        hours_per_week=None,
        duration_weeks=52,
        plan_needed=None,
        yearly_cost=None,
        legal_sections=[s46],
        reasons="Barnet kan ikke få den nødvendige omsorg hjemme; forældrene samtykker.",
    )

    # 7. a temporary decision during the investigation (acute case)
    send(made(temporary, 6, temporary=True, plan_needed=False), 6)

    counts["decisions"] = Decision.objects.count()
    from boernesag.decisions.models import Appeal

    counts["appeals"] = Appeal.objects.count()
    return counts
