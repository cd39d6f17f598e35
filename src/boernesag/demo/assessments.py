"""Children's investigations in Demo Kommune, through the services, in every state and across
the teams: just decided, midway (activities recorded, sections written, midway status),
draft sent to the family, concluded (PDF filed, letters in the outbox), and overdue with a
provisional assessment (Barnets Lov § 20, stk. 3).

Cases with an investigation running from the intake get the § 20 decision; the overdue ones
are cases without a running investigation where the municipality became aware five months
ago (a new investigation whose decision came late). Everyone and everything is fictitious.
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


def _yesterday():
    return timezone.localdate() - timedelta(days=1)


def demo_assessments_seed(*, seed: int = 1120) -> dict[str, int]:
    from boernesag.assessments import services
    from boernesag.assessments.constants import (
        ActivityKind,
        ConsentRoute,
        LegalBasis,
        StatementSource,
    )
    from boernesag.assessments.models import Assessment
    from boernesag.cases.models import Case, Consent
    from boernesag.persons.constants import RelationKind
    from boernesag.persons.selectors import consent_givers, people_around

    rng = random.Random(seed)
    today = timezone.localdate()
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

    def consents_for(case):
        givers = {p.pk for p in consent_givers(case)}
        chosen = [c for c in Consent.objects.filter(case=case) if c.is_active_on(today)]
        return chosen if givers and givers <= {c.given_by_id for c in chosen} else None

    def decide(case, *, decided_on, aware_at=None):
        consents = consents_for(case)
        i = rng.randrange(len(REASONS))
        return services.assessment_decide(
            case=case,
            by=case.caseworker,
            decided_on=decided_on,
            legal_basis=LegalBasis.BL_20_2 if i else LegalBasis.BL_20_1_1,
            reasons=REASONS[i],
            consent_route=ConsentRoute.WITH_CONSENT if consents else ConsentRoute.WITHOUT_CONSENT,
            consents=consents or [],
            without_consent_reasons=""
            if consents
            else "Forældrene har ikke villet give samtykke; der er bekymring for barnets trivsel.",
            focus_areas=FOCUS[i],
            aware_at=aware_at,
        )

    def work(a, *, by):
        case = a.case
        since = max(a.decided_on, today - timedelta(days=40))
        visit = services.activity_add(
            assessment=a, by=by, kind=ActivityKind.HOME_VISIT, planned_on=since
        )
        services.activity_record(
            activity=visit,
            by=by,
            expected_version=visit.version,
            held=True,
            held_on=since,
            summary="Hjemmet er ryddeligt. Mor fortæller åbent om morgenerne; barnet viser sit "
            "værelse.",
            source="Hjemmebesøg ved sagsbehandler",
        )
        talk = services.activity_add(
            assessment=a, by=by, kind=ActivityKind.CHILD_CONVERSATION, planned_on=since
        )
        services.activity_record(
            activity=talk,
            by=by,
            expected_version=talk.version,
            held=True,
            held_on=min(today, since + timedelta(days=3)),
            summary="Barnet fortæller om skolen og vennerne. Barnet vil gerne have, at mor får "
            "det bedre.",
            source="Børnesamtale på skolen (Barnets Lov § 5)",
        )
        professional = next(
            iter(people_around(case.child, kinds=[RelationKind.PROFESSIONAL])), None
        )
        if professional is not None:
            services.activity_add(
                assessment=a,
                by=by,
                kind=ActivityKind.STATEMENT,
                planned_on=today,
                statement_source=StatementSource.SCHOOL,
                person=professional.person,
                answer_by=today + timedelta(days=14),
            )
        for section in a.sections.select_related("section"):
            text = SECTIONS.get(section.section.key)
            if text:
                services.section_save(
                    section=section, by=by, expected_version=section.version, text=text
                )
        a.refresh_from_db()
        services.midway_record(
            assessment=a,
            by=by,
            expected_version=a.version,
            focus_holds=True,
            text="Fokusområderne holder. Skolens udtalelse er bedt om.",
        )
        a.refresh_from_db()

    for team_cases in by_team.values():
        # the decision goes to the family: only cases with someone to send it to
        team_cases = [c for c in team_cases if services.family_recipients(c)]
        running = [c for c in team_cases if services.running_start(c) is not None]
        idle = [c for c in team_cases if services.running_start(c) is None]
        for state, case in zip(STATES, running, strict=False):
            if Assessment.objects.filter(case=case).exists():
                continue
            aware = services.aware_at_of(services.running_start(case))
            aware_day = timezone.localdate(aware)
            deadline = services.legal_deadline(aware)
            if deadline < today and state != "concluded":
                continue  # its 4 months have passed: not a "just decided" example
            decided_on = today if state == "decided" else min(today, aware_day + timedelta(days=3))
            a = decide(case, decided_on=max(decided_on, aware_day))
            by = case.caseworker
            if state != "decided":
                work(a, by=by)
            if state in ("draft_sent", "concluded") and services.family_recipients(case):
                services.draft_send(
                    assessment=a,
                    by=by,
                    expected_version=a.version,
                    recipients=services.family_recipients(case),
                    comments_by=today + timedelta(days=10),
                    confirm_protected=True,
                )
                a.refresh_from_db()
            if state == "concluded" and a.draft_sent_at:
                services.comments_record(
                    assessment=a,
                    by=by,
                    expected_version=a.version,
                    comments="Mor er enig i beskrivelsen, men vil gerne understrege, at "
                    "barnet har det godt i weekenderne.",
                )
                a.refresh_from_db()
            if state == "concluded":
                services.assessment_conclude(
                    assessment=a,
                    by=by,
                    expected_version=a.version,
                    concluded_on=today,
                    needs_support=True,
                    support_kind="Familiebehandling efter Barnets Lov § 32, stk. 1, nr. 3 "
                    "(ikke verificeret)",
                    reasons="Barnets fravær og trivsel hænger sammen med en presset hverdag "
                    "derhjemme. Familien har ressourcer og ønsker selv hjælp.",
                    child_view=SECTIONS["child_view"],
                    parents_view=SECTIONS["parents_view"],
                )
            counts[state] += 1
        # overdue with a provisional assessment: aware five months ago, no conclusion
        for case in idle[:1]:
            if Assessment.objects.filter(case=case).exclude(status="concluded").exists():
                continue
            aware = timezone.now() - timedelta(days=150)
            a = decide(
                case, decided_on=timezone.localdate(aware) + timedelta(days=2), aware_at=aware
            )
            work(a, by=case.caseworker)
            services.provisional_record(
                assessment=a,
                by=case.caseworker,
                expected_version=a.version,
                text="Undersøgelsen kan ikke afsluttes til tiden, fordi skolens og PPR's "
                "udtalelser mangler. Foreløbigt vurderes barnet at have behov for støtte til "
                "skolegang; undersøgelsen afsluttes, så snart udtalelserne er modtaget.",
            )
            counts["overdue_provisional"] += 1
        # a concluded one in every team: aware two months ago, the whole course
        for case in idle[1:2]:
            if Assessment.objects.filter(case=case).exclude(status="concluded").exists():
                continue
            aware = timezone.now() - timedelta(days=60)
            a = decide(
                case, decided_on=timezone.localdate(aware) + timedelta(days=3), aware_at=aware
            )
            by = case.caseworker
            work(a, by=by)
            services.draft_send(
                assessment=a,
                by=by,
                expected_version=a.version,
                recipients=services.family_recipients(case),
                comments_by=today + timedelta(days=1),
                confirm_protected=True,
            )
            a.refresh_from_db()
            services.comments_record(
                assessment=a,
                by=by,
                expected_version=a.version,
                comments="Far mener, at skolen overdriver fraværet, men er enig i resten.",
            )
            a.refresh_from_db()
            services.assessment_conclude(
                assessment=a,
                by=by,
                expected_version=a.version,
                concluded_on=today,
                needs_support=False,
                reasons="Familien har selv fundet en løsning på morgenerne, og fraværet er "
                "faldet. Der er ikke grundlag for støtte efter Barnets Lov §§ 32, 46 eller 47.",
                child_view="»Det er blevet bedre. Jeg cykler selv i skole nu.«",
                parents_view="Forældrene er glade for, at sagen kan lukkes.",
            )
            counts["concluded"] += 1
    return {f"assessments_{k}": v for k, v in counts.items()}
