"""Reads for measures. Callers have passed the gate (``cases.gate``) for the case.

For other apps:

- ``measures_open(case) -> list[Measure]``: the measures of the case not yet ended (the case
  closure checklist: "every measure ended");
- ``measure_terms(measures)`` / ``rates_for(measures)``: the inputs of ``measures.costing``
  for any set of measures, in two queries (issue 14, economy).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from boernesag.catalogue.models import Rate
from boernesag.measures import costing
from boernesag.measures.constants import FOLLOW_UP_RULE, SUPERVISION_RULE, MeasureStatus
from boernesag.measures.models import (
    FollowUp,
    GoalScore,
    Measure,
    MeasureLetter,
    MeasureVersion,
)


def measures_open(case) -> list[Measure]:
    """The measures of ``case`` that have not ended (started, possibly changed)."""
    return list(
        Measure.objects.filter(case=case, status=MeasureStatus.ACTIVE)
        .select_related("provider")
        .order_by("starts_on", "id")
    )


def case_measures(case) -> list[Measure]:
    measures = list(
        Measure.objects.filter(case=case).select_related("provider").order_by("-starts_on", "-id")
    )
    _service_names(measures)
    return measures


def _service_names(measures) -> None:
    from boernesag.decisions.selectors import service_names

    service_names(measures)


# --- cost ----------------------------------------------------------------------------------


def measure_terms(measures) -> dict[int, list[costing.Terms]]:
    """Each measure's versions as ``costing.Terms`` (a version runs until the day before the
    next one; the last until the measure ended, or open)."""
    ids = [m.pk for m in measures]
    ended = {m.pk: m.ended_on for m in measures}
    by_measure: dict[int, list] = defaultdict(list)
    for v in MeasureVersion.objects.filter(measure_id__in=ids).order_by("measure_id", "number"):
        by_measure[v.measure_id].append(v)
    out = {}
    for measure_id, versions in by_measure.items():
        terms = []
        for index, v in enumerate(versions):
            nxt = versions[index + 1] if index + 1 < len(versions) else None
            ends = nxt.valid_from - timedelta(days=1) if nxt else ended.get(measure_id)
            terms.append(
                costing.Terms(
                    provider_id=v.provider_id,
                    service_id=v.service_id,
                    volume=v.volume,
                    unit=v.volume_unit,
                    starts_on=v.valid_from,
                    ends_on=ends,
                    expected_end_on=v.expected_end_on,
                )
            )
        out[measure_id] = terms
    return out


def rates_for(terms_by_measure: dict[int, list[costing.Terms]]) -> list[costing.RateTerms]:
    """Every rate of the providers and services the terms name, in one query."""
    pairs = {(t.provider_id, t.service_id) for terms in terms_by_measure.values() for t in terms}
    if not pairs:
        return []
    q = Q()
    for provider_id, service_id in pairs:
        q |= Q(provider_id=provider_id, service_id=service_id)
    return [costing.RateTerms.of(r) for r in Rate.objects.filter(q)]


def measure_cost(measure: Measure, start: date, end: date) -> costing.Cost:
    terms = measure_terms([measure])
    return costing.period_cost(terms.get(measure.pk, []), rates_for(terms), start, end)


# --- the case page's panel --------------------------------------------------------------------


@dataclass
class GoalLine:
    goal: object
    latest: GoalScore | None = None


@dataclass
class Panel:
    measures: list[Measure]
    goals: list[GoalLine]
    follow_up_due: object = None  # the engine's follow-up clock
    supervision_due: object = None
    ended_count: int = 0
    startable: int = 0


def case_panel(case) -> Panel:
    """Active measures with provider, cost per month and next follow-up; the goals of the
    plan in force with their latest scores; the engine's follow-up and supervision clocks.
    A fixed number of queries whatever the number of measures, follow-ups, goals and
    scores."""
    from boernesag.deadlines.models import Clock
    from boernesag.plans.constants import GoalStatus
    from boernesag.plans.models import PlanGoal, PlanVersion

    measures = list(
        Measure.objects.filter(case=case).select_related("provider").order_by("starts_on", "id")
    )
    active = [m for m in measures if m.is_active]
    _service_names(active)
    terms = measure_terms(active)
    rates = rates_for(terms)
    today = timezone.localdate()
    for m in active:
        m.month_cost = costing.running_month_cost(terms.get(m.pk, []), rates, today)
    # the plan in force: the newest plan an active measure follows, else the case's newest
    # made plan; its newest version's active goals
    plan_ids = [m.plan_id for m in active if m.plan_id]
    version = (
        PlanVersion.objects.filter(Q(plan_id__in=plan_ids) if plan_ids else Q(plan__case=case))
        .order_by("-made_on", "-number", "-id")
        .first()
    )
    goals = []
    if version is not None:
        ids = [g["id"] for g in version.content["goals"] if g["status"] == GoalStatus.ACTIVE]
        rows = {g.pk: g for g in PlanGoal.objects.filter(pk__in=ids)}
        latest = {}
        for score in (
            GoalScore.objects.filter(goal_id__in=ids, follow_up__case=case)
            .select_related("follow_up")
            .order_by("goal_id", "-follow_up__held_on", "-id")
            .distinct("goal_id")
        ):
            latest[score.goal_id] = score
        goals = [GoalLine(rows[i], latest.get(i)) for i in ids if i in rows]
    clocks = {
        c.rule_key: c
        for c in Clock.objects.filter(
            case=case,
            rule_key__in=[FOLLOW_UP_RULE, SUPERVISION_RULE],
            stopped_at__isnull=True,
            cancelled_at__isnull=True,
        ).order_by("due_at")
    }
    return Panel(
        measures=active,
        goals=goals,
        follow_up_due=clocks.get(FOLLOW_UP_RULE),
        supervision_due=clocks.get(SUPERVISION_RULE),
        ended_count=len(measures) - len(active),
    )


# --- one measure ---------------------------------------------------------------------------


@dataclass
class MeasureView:
    versions: list[MeasureVersion]
    follow_ups: list[FollowUp]
    visits: list
    month_cost: object = None
    year_cost: object = None
    warnings: list[str] = field(default_factory=list)
    changes: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    follow_up_due: object = None  # the engine's follow-up clock of the case (one per case)


def expected_year_cost(measure: Measure, terms, rates, today: date) -> costing.Cost:
    """ "Forventet udgift i år": this calendar year's cost up to the measure's end — the day
    it ended, or while it runs its expected end (``expected_end_on`` of the version in
    force; a running measure past its expected end is priced up to today). No expected end:
    to 31 December."""
    last = date(today.year, 12, 31)
    if not measure.is_active:
        last = min(last, measure.ended_on)
    elif measure.expected_end_on is not None:
        last = min(last, max(measure.expected_end_on, today))
    return costing.period_cost(terms, rates, date(today.year, 1, 1), last)


def measure_view(measure: Measure) -> MeasureView:
    """Everything the measure's page shows, in a fixed number of queries."""
    from boernesag.measures.services import change_decisions

    versions = list(
        measure.versions.select_related("decision", "provider", "recorded_by").order_by("number")
    )
    _service_names(versions)
    follow_ups = list(
        FollowUp.objects.filter(measure=measure)
        .select_related("meeting", "plan_version")
        .prefetch_related(
            Prefetch(
                "scores", queryset=GoalScore.objects.select_related("goal").order_by("goal_id")
            )
        )
        .order_by("-created_at", "-id")
    )
    terms = measure_terms([measure])
    rates = rates_for(terms)
    today = timezone.localdate()
    mine = terms.get(measure.pk, [])
    return MeasureView(
        versions=versions,
        follow_ups=follow_ups,
        visits=list(measure.visits.order_by("-visited_on", "-id")),
        month_cost=costing.running_month_cost(mine, rates, today) if measure.is_active else None,
        year_cost=expected_year_cost(measure, mine, rates, today),
        warnings=list(versions[-1].warnings) if versions else [],
        changes=change_decisions(measure) if measure.is_active else [],
        letters=list(
            MeasureLetter.objects.filter(measure=measure)
            .select_related("letter", "provider")
            .order_by("id")
        ),
        follow_up_due=follow_up_clock(measure.case_id) if measure.is_active else None,
    )


def follow_up_clock(case_id):
    """The engine's running follow-up clock of the case (``measure_follow_up``): one clock
    for all the case's measures, restarted by any follow-up — the date the panel and the
    measure page show (docs/measures.md, "Follow-up clock")."""
    from boernesag.deadlines.models import Clock

    return (
        Clock.objects.filter(
            case_id=case_id,
            rule_key=FOLLOW_UP_RULE,
            stopped_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("due_at")
        .first()
    )
