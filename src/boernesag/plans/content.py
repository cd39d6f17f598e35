"""A plan's content as data (what a version freezes) and as text (what a letter says)."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from boernesag.plans.constants import GoalArea, GoalStatus, Responsible
from boernesag.plans.models import Plan, PlanGoal, PlanTask


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


def plan_content(plan: Plan, goals=None, tasks=None) -> dict:
    """The plan's content as it stands, for a version: every field, every goal with its
    stable id, every task. Names of persons are kept as shown then. ``goals``/``tasks``:
    the rows when the caller has read them already (no queries then)."""
    if goals is None:
        goals = list(PlanGoal.objects.filter(plan=plan).order_by("position", "id"))
    if tasks is None:
        tasks = list(
            PlanTask.objects.filter(plan=plan).select_related("person", "provider").order_by("id")
        )
    return {
        "kind": plan.kind,
        "purpose": plan.purpose,
        "basis": plan.basis,
        "involvement": plan.involvement,
        "drafted_with_family": plan.drafted_with_family,
        "family_support": plan.family_support,
        "expected_duration_months": plan.expected_duration_months,
        "meeting": plan.meeting_id,
        "goals": [
            {
                "id": g.pk,
                "parent": g.parent_id,
                "area": g.area,
                "what": g.what,
                "measure": g.measure,
                "due_on": g.due_on.isoformat(),
                "status": g.status,
                "status_reason": g.status_reason,
            }
            for g in goals
        ],
        "tasks": [
            {
                "id": t.pk,
                "goal": t.goal_id,
                "responsible": t.responsible,
                "person": t.person_id,
                "person_name": t.person.full_name if t.person else "",
                "provider": t.provider_id,
                "provider_name": t.provider.name if t.provider else "",
                "what": t.what,
                "ended": t.ended,
            }
            for t in tasks
        ],
    }


def plan_text(
    content: dict, *, persons: dict[int, str] | None = None, hide_places: bool = False
) -> str:
    """A version's content as plain text for a letter (the letters escape it). For a child
    with name and address protection (``hide_places``) no provider is named: the name of a
    foster family, institution, school or day service would tell where the child is; nor
    is any person (a foster parent or a teacher would tell it too)."""
    lines = [_("Formål: %(text)s") % {"text": content["purpose"]}]
    if content.get("basis"):
        lines += ["", _("Udgangspunkt: %(text)s") % {"text": content["basis"]}]
    goals = [g for g in content["goals"] if g["status"] != GoalStatus.DROPPED]
    tops = [g for g in goals if not g["parent"]]
    for index, goal in enumerate(tops, start=1):
        lines += ["", _goal_lines(f"{index}", goal, GoalArea)]
        subs = [g for g in goals if g["parent"] == goal["id"]]
        for sub_index, sub in enumerate(subs, start=1):
            lines.append(_goal_lines(f"{index}.{sub_index}", sub, GoalArea, indent="  "))
    tasks = [t for t in content["tasks"] if not t["ended"]]
    if tasks:
        lines += ["", _("Hvem gør hvad:")]
        for task in tasks:
            who = str(Responsible(task["responsible"]).label)
            # no names at all for a protected child: a foster parent, a teacher or a
            # provider named in the letter would tell where the child lives or goes to school
            name = "" if hide_places else task.get("person_name") or task.get("provider_name")
            if name:
                who = f"{who} ({name})"
            lines.append(f"- {who}: {task['what']}")
    if content.get("family_support"):
        lines += ["", _("Støtte til familien: %(text)s") % {"text": content["family_support"]}]
    if content.get("expected_duration_months"):
        lines += [
            "",
            _("Forventet varighed: %(n)s måneder.") % {"n": content["expected_duration_months"]},
        ]
    return "\n".join(lines)


def _goal_lines(number: str, goal: dict, areas, indent: str = "") -> str:
    due = date.fromisoformat(goal["due_on"])
    head = _("Mål") if not goal["parent"] else _("Delmål")
    status = "" if goal["status"] == GoalStatus.ACTIVE else f" ({GoalStatus(goal['status']).label})"
    return "\n".join(
        [
            f"{indent}{head} {number} ({areas(goal['area']).label}){status}: {goal['what']}",
            f"{indent}  " + _("Sådan ved vi det: %(text)s") % {"text": goal["measure"]},
            f"{indent}  " + _("Hvornår: %(day)s") % {"day": _day(due)},
        ]
    )
