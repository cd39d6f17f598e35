"""Children's investigations in Demo Kommune, through the services, in every state and across
the teams: just decided, midway (activities recorded, sections written, midway status),
draft sent to the family, concluded (PDF filed, letters in the outbox), and overdue with a
provisional assessment (Barnets Lov § 20, stk. 3).

Cases with an investigation running from the intake get the § 20 decision; in every team
one case without a running investigation gets a new one where the municipality became aware
five months ago (overdue, with the provisional assessment) and one two months ago (the whole
course to the conclusion). Each step is written at its own moment in the past
(``demo.clock.simulated_now``), as on the day. Everyone and everything is fictitious.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

STATES = ("decided", "midway", "draft_sent", "concluded")
PER_TEAM = 5  # one of each state, and one overdue, per team where there are cases enough

REASONS = [
    "Skolen har underrettet om stort fravær og et barn, der virker trist og træt. Mor har "
    "fortalt om svære morgener. Der er grund til at undersøge, om barnet har behov for støtte.",
    "Sundhedsplejersken beskriver et spædbarn, der ikke tager på, og en mor, der er meget "
    "alene. Barnets trivsel og forældrenes ressourcer skal undersøges.",
    "Gentagne underretninger fra dagtilbuddet om uro og konflikter derhjemme. Undersøgelsen "
    "skal afdække familiens samspil og barnets udvikling.",
]
FOCUS = [
    "Fravær i skolen\nTrivsel hjemme og i klassen",
    "Barnets trivsel og vægt\nMors netværk",
    "Konflikter i hjemmet\nBarnets sprog og adfærd",
]
SECTIONS = {
    "development": "Barnet er alderssvarende motorisk, men trækker sig i grupper. "
    "(Kilde: udtalelse fra skolen; egen observation ved hjemmebesøg.)",
    "family": "Mor er alene med tre børn og beskriver travle morgener. Far ser børnene hver "
    "anden weekend. (Kilde: samtale med mor.)",
    "school": "Fravær på 18 % i seneste kvartal; klasselæreren beskriver et venligt barn, der "
    "ofte er træt. (Kilde: skolens udtalelse.)",
    "child_view": "»Jeg kan godt lide at tegne. Det er svært at stå op, når mor er ked af det.«",
    "parents_view": "Mor vil gerne have hjælp til morgenerne og til at få barnet i skole.",
}


def demo_assessments_seed(*, seed: int = 1120) -> dict[str, int]:
    """Investigations written through the services as the work would have been done on the
    day (``demo.clock.simulated_now``): each step at its own moment between the decision and
    now, so nothing is "recorded late"."""
    from boernesag.assessments import services
    from boernesag.assessments.constants import (
        ActivityKind,
        ConsentRoute,
        LegalBasis,
        StatementSource,
    )
    from boernesag.assessments.models import Assessment
    from boernesag.cases.models import Case, Consent
    from boernesag.demo.clock import simulated_now
    from boernesag.persons.constants import RelationKind
    from boernesag.persons.selectors import consent_givers, people_around

    rng = random.Random(seed)
    counts = dict.fromkeys([*STATES, "overdue_provisional"], 0)
    cases = list(
        Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False)
        .select_related("child", "caseworker", "team")
        .order_by("team__name", "opened_at", "pk")
    )
    by_team: dict[int, list] = {}
    for case in cases:
        by_team.setdefault(case.team_id, []).append(case)

    def moments(aware, steps: int, *, recent: bool = False):
        """``steps`` moments after ``aware``, a few days apart where there is room, the last
        before now."""
        end = timezone.now() - timedelta(minutes=10)
        start = aware + timedelta(minutes=5)
        if recent:
            start = max(start, end - timedelta(hours=2))
        elif end - start > timedelta(days=1):
            start += timedelta(days=1)
        gap = min(timedelta(days=5), (end - start) / max(steps, 1))
        return iter([start + gap * i for i in range(steps)])

    def day(moment):
        return timezone.localdate(moment)

    def consents_for(case, on):
        givers = {p.pk for p in consent_givers(case, on=on)}
        chosen = [c for c in Consent.objects.filter(case=case) if c.is_active_on(on)]
        return chosen if givers and givers <= {c.given_by_id for c in chosen} else None

    def course(case, *, upto: str, aware_at=None, provisional: bool = False, steps=None):
        by = case.caseworker
        start = services.running_start(case)
        aware = services.aware_at_of(start) if start else aware_at
        when = steps or moments(aware, 10, recent=upto == "decided")
        moment = next(when)
        with simulated_now(moment):
            consents = consents_for(case, day(moment))
            i = rng.randrange(len(REASONS))
            a = services.assessment_decide(
                case=case,
                by=by,
                decided_on=day(moment),
                legal_basis=LegalBasis.BL_20_2 if i else LegalBasis.BL_20_1_1,
                reasons=REASONS[i],
                consent_route=(
                    ConsentRoute.WITH_CONSENT if consents else ConsentRoute.WITHOUT_CONSENT
                ),
                consents=consents or [],
                without_consent_reasons=""
                if consents
                else "Forældrene har ikke villet give samtykke; der er bekymring for barnets "
                "trivsel.",
                focus_areas=FOCUS[i],
                aware_at=aware_at if start is None else None,
            )
        if upto == "decided":
            return a
        for kind, summary, source in (
            (
                ActivityKind.HOME_VISIT,
                "Hjemmet er ryddeligt. Mor fortæller åbent om morgenerne; barnet viser sit "
                "værelse.",
                "Hjemmebesøg ved sagsbehandler",
            ),
            (
                ActivityKind.CHILD_CONVERSATION,
                "Barnet fortæller om skolen og vennerne og vil gerne have, at mor får det bedre.",
                "Børnesamtale på skolen (Barnets Lov § 5)",
            ),
        ):
            moment = next(when)
            with simulated_now(moment):
                activity = services.activity_add(
                    assessment=a, by=by, kind=kind, planned_on=day(moment)
                )
                services.activity_record(
                    activity=activity,
                    by=by,
                    expected_version=activity.version,
                    held=True,
                    held_on=day(moment),
                    summary=summary,
                    source=source,
                )
        moment = next(when)
        with simulated_now(moment):
            professional = next(
                iter(people_around(case.child, kinds=[RelationKind.PROFESSIONAL])), None
            )
            if professional is not None:
                services.activity_add(
                    assessment=a,
                    by=by,
                    kind=ActivityKind.STATEMENT,
                    planned_on=day(moment),
                    statement_source=StatementSource.SCHOOL,
                    person=professional.person,
                    answer_by=day(moment) + timedelta(days=14),
                )
            for section in a.sections.select_related("section"):
                text = SECTIONS.get(section.section.key)
                if text:
                    services.section_save(
                        section=section, by=by, expected_version=section.version, text=text
                    )
        moment = next(when)
        with simulated_now(moment):
            a.refresh_from_db()
            services.midway_record(
                assessment=a,
                by=by,
                expected_version=a.version,
                focus_holds=True,
                text="Fokusområderne holder. Skolens udtalelse er bedt om.",
            )
        if provisional:
            with simulated_now(timezone.now() - timedelta(minutes=5)):
                a.refresh_from_db()
                services.provisional_record(
                    assessment=a,
                    by=by,
                    expected_version=a.version,
                    text="Undersøgelsen kan ikke afsluttes til tiden, fordi skolens og PPR's "
                    "udtalelser mangler. Foreløbigt vurderes barnet at have behov for støtte til "
                    "skolegang; undersøgelsen afsluttes, så snart udtalelserne er modtaget.",
                )
            return a
        if upto == "midway":
            return a
        moment = next(when)
        with simulated_now(moment):
            a.refresh_from_db()
            services.draft_send(
                assessment=a,
                by=by,
                expected_version=a.version,
                recipients=services.family_recipients(case),
                comments_by=day(moment) + timedelta(days=10),
                confirm_protected=True,
            )
        if upto == "draft_sent":
            return a
        moment = next(when)
        with simulated_now(moment):
            a.refresh_from_db()
            services.comments_record(
                assessment=a,
                by=by,
                expected_version=a.version,
                comments="Mor er enig i beskrivelsen, men vil gerne understrege, at barnet har "
                "det godt i weekenderne.",
            )
        moment = next(when)
        with simulated_now(moment):
            a.refresh_from_db()
            support = rng.random() < 0.7
            services.assessment_conclude(
                assessment=a,
                by=by,
                expected_version=a.version,
                concluded_on=day(moment),
                needs_support=support,
                support_kind="Familiebehandling efter Barnets Lov § 32 (ikke verificeret)"
                if support
                else "",
                reasons="Barnets fravær og trivsel hænger sammen med en presset hverdag "
                "derhjemme. Familien har ressourcer og ønsker selv hjælp."
                if support
                else "Familien har selv fundet en løsning på morgenerne, og fraværet er "
                "faldet. Der er ikke grundlag for støtte efter Barnets Lov §§ 32, 46 eller 47.",
                child_view=SECTIONS["child_view"],
                parents_view=SECTIONS["parents_view"],
            )
        return a

    now = timezone.now()
    for team_cases in by_team.values():
        # the decision goes to the family: only cases with someone to send it to
        team_cases = [c for c in team_cases if services.family_recipients(c)]
        running = [c for c in team_cases if services.running_start(c) is not None]
        idle = [c for c in team_cases if services.running_start(c) is None]
        for state, case in zip(STATES, running, strict=False):
            if Assessment.objects.filter(case=case).exists():
                continue
            deadline = services.legal_deadline(services.aware_at_of(services.running_start(case)))
            if deadline < timezone.localdate() and state != "concluded":
                continue  # its 4 months have passed: not an example of this state
            course(case, upto=state)
            counts[state] += 1
        # overdue with a provisional assessment: aware five months ago, not concluded
        for case in idle[:1]:
            course(case, upto="midway", aware_at=now - timedelta(days=150), provisional=True)
            counts["overdue_provisional"] += 1
        # concluded: aware two months ago, the whole course
        for case in idle[1:2]:
            course(case, upto="concluded", aware_at=now - timedelta(days=60))
            counts["concluded"] += 1
    return {f"assessments_{k}": v for k, v in counts.items()}
