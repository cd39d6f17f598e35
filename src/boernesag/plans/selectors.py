"""Reads for plans. They check no need-to-know: get the case through the gate
(``cases.gate``) first; every function here reads one case's plans with a fixed number of
queries, whatever the number of goals, tasks and versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from boernesag.cases.models import Case
from boernesag.events.models import Event
from boernesag.plans.constants import YOUTH_PLAN_AGE, GoalStatus, PlanKind, PlanStatus
from boernesag.plans.content import plan_content
from boernesag.plans.models import Plan, PlanDispatch, PlanGoal, PlanTask, PlanVersion


def case_plans(case: Case) -> list[Plan]:
    """Every plan of the case, newest first (two queries)."""
    return list(
        Plan.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "goals", queryset=PlanGoal.objects.only("id", "plan_id", "status", "parent_id")
            )
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class GoalView:
    goal: PlanGoal
    sub_goals: list[PlanGoal] = field(default_factory=list)
    tasks: list[PlanTask] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan
    goals: list[GoalView]
    tasks: list[PlanTask]  # tasks not tied to a goal
    versions: list[PlanVersion]
    dispatches: list[PlanDispatch]
    changed_since_version: bool

    @property
    def current(self) -> PlanVersion | None:
        return self.versions[0] if self.versions else None


def plan_view(plan: Plan) -> PlanView:
    """The plan with its goals (sub-goals under their goal), tasks, versions and who
    received which version — a fixed number of queries."""
    goals = list(PlanGoal.objects.filter(plan=plan).order_by("position", "id"))
    tasks = list(
        PlanTask.objects.filter(plan=plan).select_related("person", "provider").order_by("id")
    )
    versions = list(
        PlanVersion.objects.filter(plan=plan).select_related("made_by").order_by("-number")
    )
    dispatches = list(
        PlanDispatch.objects.filter(version__plan=plan)
        .select_related("person", "letter", "version")
        .order_by("-sent_at", "-id")
    )
    views = {g.pk: GoalView(goal=g) for g in goals if g.parent_id is None}
    for g in goals:
        if g.parent_id is not None and g.parent_id in views:
            views[g.parent_id].sub_goals.append(g)
    loose = []
    for t in tasks:
        top = t.goal_id
        if top is not None:
            goal = next((g for g in goals if g.pk == top), None)
            if goal is not None and goal.parent_id is not None:
                top = goal.parent_id
        if top in views:
            views[top].tasks.append(t)
        else:
            loose.append(t)
    changed = bool(versions) and _content_changed(plan, versions[0], goals, tasks)
    return PlanView(
        plan=plan,
        goals=list(views.values()),
        tasks=loose,
        versions=versions,
        dispatches=dispatches,
        changed_since_version=changed,
    )


def _content_changed(plan, version, goals, tasks) -> bool:
    """The plan has changes not yet saved as a version (compared with the rows read)."""
    return plan_content(plan, goals, tasks) != version.content


def youth_plan_proposed(case: Case, plans: list[Plan], on: date | None = None) -> bool:
    """Barnets Lov § 108, stk. 1: the young person has turned 16 and the case has no youth
    plan — propose one."""
    on = on or timezone.localdate()
    age = case.child.age_on(on)
    if age is None or age < YOUTH_PLAN_AGE:
        return False
    return not any(p.kind == PlanKind.YOUTH for p in plans)


def assessment_concluded_at(case: Case):
    """When the case's latest children's investigation concluded (from the event store,
    so that this app does not depend on the assessments app), or None."""
    row = (
        Event.objects.filter(case=case, kind="assessment_concluded")
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return row


def goal_ids_current(plan: Plan) -> list[int]:
    """The ids of the active goals in the plan's current version (for follow-up)."""
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is None:
        return []
    return [g["id"] for g in version.content["goals"] if g["status"] == GoalStatus.ACTIVE]


__all__ = [
    "PlanStatus",
    "assessment_concluded_at",
    "case_plans",
    "goal_ids_current",
    "plan_view",
    "youth_plan_proposed",
]
