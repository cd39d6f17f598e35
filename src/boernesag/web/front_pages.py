"""The front page of each role (issue 20): what needs the user now.

- Caseworker, "Min uge": overdue deadlines and this week's, meetings this week, hearing
  answers and professionals' statements due within 7 days (or overdue), cases assigned to
  her in the last 7 days — grouped per child, with
  counts; everything further ahead is one click away ("Mine frister").
- Intake coordinator: the children awaiting the 24-hour assessment, least time left first.
- Team leader: her team — caseload per caseworker (children and families), overdue
  deadlines with the responsible caseworker, escalations, decisions awaiting approval.

Every list is read with a fixed number of queries whatever the data size. The children
shown are collected in ``shown`` and the view writes ONE access-log row naming all of them
(``gate.list_logged``, what ``front_page``), as every list page does."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from boernesag.accounts.models import User
from boernesag.assessments.constants import ActivityKind, ActivityStatus
from boernesag.assessments.models import AssessmentActivity
from boernesag.cases.access import scope_for
from boernesag.cases.models import Case, Meeting
from boernesag.deadlines import selectors as deadline_selectors
from boernesag.decisions.models import Hearing
from boernesag.decisions.selectors import approval_queue
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.intake import selectors as intake_selectors
from boernesag.persons.constants import RelationKind
from boernesag.persons.models import Relation

NEW_CASE_DAYS = 7
ANSWER_DAYS = 7  # hearing answers and statements due within a week (or overdue)
LIST_LIMIT = 200


def _refs(item) -> tuple[int, int]:
    case = item if isinstance(item, Case) else item.case
    return case.child_id, case.pk


def _collect(shown: set, items, refs=_refs) -> list:
    """Evaluate a list for the page and remember the (child, case) of every row shown."""
    rows = list(items)
    shown.update(pair for pair in map(refs, rows) if pair[0] is not None)
    return rows


def week_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, local time."""
    now = timezone.localtime(now or timezone.now())
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=7)


@dataclass
class ChildWeek:
    child: object
    overdue: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    new_cases: list = field(default_factory=list)

    @property
    def first_due(self):
        dates = [c.due_at for c in self.overdue + self.deadlines]
        dates += [m.held_at for m in self.meetings]
        return min(dates) if dates else None


@dataclass
class MyWeek:
    week_start: datetime
    week_end: datetime
    children: list[ChildWeek]
    counts: dict[str, int]
    later: int  # running deadlines after this week, within the half-year horizon


def my_week(request, shown: set) -> MyWeek:
    user = request.user
    now = timezone.now()
    start, end = week_bounds(now)
    soon = timezone.localdate() + timedelta(days=ANSWER_DAYS)
    clocks = _collect(
        shown,
        # a paused clock (a recorded reason) is not due while paused: not shown as overdue
        deadline_selectors.my_deadlines(user=user).filter(
            due_at__lt=end, paused_since__isnull=True
        )[:LIST_LIMIT],
    )
    later = deadline_selectors.my_deadlines(user=user).filter(due_at__gte=end).count()
    meetings = _collect(
        shown,
        Meeting.objects.filter(
            case__caseworker=user,
            case__closed_at__isnull=True,
            held_at__gte=start,
            held_at__lt=end,
        )
        .select_related("case", "case__child")
        .order_by("held_at")[:LIST_LIMIT],
    )
    hearings = _collect(
        shown,
        Hearing.objects.filter(
            case__caseworker=user,
            case__closed_at__isnull=True,
            answered_on__isnull=True,
            no_answer=False,
            answer_due__lte=soon,
        )
        .select_related("case", "case__child")
        .order_by("answer_due")[:LIST_LIMIT],
    )
    statements = _collect(
        shown,
        AssessmentActivity.objects.filter(
            assessment__case__caseworker=user,
            assessment__case__closed_at__isnull=True,
            kind=ActivityKind.STATEMENT,
            status=ActivityStatus.PLANNED,
            answer_by__lte=soon,
        )
        .select_related("assessment__case", "assessment__case__child")
        .order_by("answer_by")[:LIST_LIMIT],
        refs=lambda a: (a.assessment.case.child_id, a.assessment.case_id),
    )
    assigned = [
        e
        for e in Event.objects.filter(
            kind__in=[ev.CaseOpened.kind, ev.CaseReassigned.kind],
            case__caseworker=user,
            case__closed_at__isnull=True,
            occurred_at__gte=now - timedelta(days=NEW_CASE_DAYS),
        )
        .select_related("case", "case__child")
        .order_by("-occurred_at")[:LIST_LIMIT]
        if user.pk in (e.payload.get("caseworker"), e.payload.get("to_caseworker"))
    ]
    new_cases = _collect(
        shown,
        list({e.case_id: e.case for e in assigned}.values()),
    )

    by_child: dict[int, ChildWeek] = {}

    def slot(case) -> ChildWeek:
        return by_child.setdefault(case.child_id, ChildWeek(child=case.child))

    for clock in clocks:
        (slot(clock.case).overdue if clock.due_at < now else slot(clock.case).deadlines).append(
            clock
        )
    for meeting in meetings:
        slot(meeting.case).meetings.append(meeting)
    for hearing in hearings:
        slot(hearing.case).hearings.append(hearing)
    for activity in statements:
        slot(activity.assessment.case).statements.append(activity)
    for case in new_cases:
        slot(case).new_cases.append(case)
    children = sorted(
        by_child.values(),
        key=lambda c: (
            not c.overdue,
            c.first_due or datetime.max.replace(tzinfo=now.tzinfo),
            c.child.last_name,
            c.child.first_name,
        ),
    )
    counts = {
        "overdue": sum(len(c.overdue) for c in children),
        "deadlines": sum(len(c.deadlines) for c in children),
        "meetings": len(meetings),
        "hearings": len(hearings),
        "statements": len(statements),
        "new_cases": len(new_cases),
        "children": len(children),
    }
    return MyWeek(start, end, children, counts, later)


def intake_front(request, shown: set) -> dict:
    rows = list(intake_selectors.queue()[:LIST_LIMIT])
    _collect(shown, rows, refs=lambda r: (r.child_id, r.case_id))
    now = timezone.now()
    dues = intake_selectors.triage_dues(rows)
    for row in rows:
        row.due = dues.get(row.pk)
        row.overdue = row.due is not None and row.due < now
    rows.sort(key=lambda r: (r.due is None, r.due or now))
    return {
        "rows": rows,
        "count": len(rows),
        "overdue": sum(1 for r in rows if r.overdue),
        "acute": sum(1 for r in rows if r.item.acute),
    }


@dataclass
class Caseload:
    caseworker: User | None
    children: int
    families: int
    overdue: int


def team_front(request, shown: set) -> dict:
    """The team leader's teams: counts per caseworker (no child is named), overdue deadlines
    and escalations with the responsible caseworker, decisions awaiting her approval."""
    user = request.user
    led = scope_for(user).led_unit_ids
    now = timezone.now()
    rows = list(
        Case.objects.open().filter(team_id__in=led).values_list("caseworker_id", "child_id")
    )
    holders: dict[int, set] = defaultdict(set)
    for child_id, person_id in Relation.objects.filter(
        child_id__in={c for _, c in rows}, kind=RelationKind.CUSTODY_HOLDER
    ).values_list("child_id", "person_id"):
        holders[child_id].add(person_id)
    children: dict[int | None, set] = defaultdict(set)
    families: dict[int | None, set] = defaultdict(set)
    for worker_id, child_id in rows:
        children[worker_id].add(child_id)
        families[worker_id].add(min(holders[child_id]) if holders[child_id] else f"c{child_id}")
    overdue = _collect(
        shown,
        deadline_selectors.team_deadlines(user=user, within_days=0).filter(
            due_at__lt=now, paused_since__isnull=True
        )[:LIST_LIMIT],
    )
    overdue_per: dict[int | None, int] = defaultdict(int)
    for clock in overdue:
        overdue_per[clock.case.caseworker_id] += 1
    workers = {u.pk: u for u in User.objects.filter(pk__in=[w for w in children if w is not None])}
    caseloads = sorted(
        (
            Caseload(workers.get(w), len(children[w]), len(families[w]), overdue_per.get(w, 0))
            for w in children
        ),
        key=lambda c: (c.caseworker is None, c.caseworker.get_full_name() if c.caseworker else ""),
    )
    escalations = _collect(
        shown,
        deadline_selectors.team_escalations(user=user)[:LIST_LIMIT],
    )
    approvals = _collect(
        shown,
        approval_queue(user)[:LIST_LIMIT],
    )
    return {
        "caseloads": caseloads,
        "overdue": overdue,
        "escalations": escalations,
        "approvals": approvals,
        "totals": {
            "cases": len(rows),
            "children": len({c for _, c in rows}),
            "unassigned": len(children.get(None, ())),
        },
    }
