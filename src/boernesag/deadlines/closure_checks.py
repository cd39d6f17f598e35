"""What the deadlines app contributes to the case page and the closure checklist
(``cases/closure.py``, ``cases/course.py``): the running deadlines of a case."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boernesag.cases.closure import ExplainItem, closure_check
from boernesag.cases.course import Due, due_provider
from boernesag.deadlines.models import Clock


def _running(case_ids):
    return Clock.objects.actionable().filter(case_id__in=case_ids).order_by("due_at", "rule_key")


def _label(clock) -> str:
    due = formats.date_format(timezone.localtime(clock.due_at), "j. F Y")
    return _("%(title)s (frist %(due)s)") % {"title": clock.rule.title, "due": due}


@due_provider
def running_clocks(cases) -> dict[int, list[Due]]:
    now = timezone.now()
    out: dict[int, list[Due]] = {}
    for clock in _running([c.pk for c in cases]):
        out.setdefault(clock.case_id, []).append(
            Due(
                label=str(clock.rule.title),
                due_at=clock.due_at,
                reference=clock.version.reference,
                rule_key=clock.rule_key,
                overdue=clock.paused_since is None and clock.due_at < now,
                paused=clock.paused_since is not None,
            )
        )
    return out


# case_close ends the case's resource-person agreements, which ends their clocks
ENDED_BY_CLOSURE = frozenset({"resource_person_follow_up"})


def _explainable(clock) -> bool:
    return "case_closed" in clock.version.cancel or clock.rule_key in ENDED_BY_CLOSURE


def open_clock_items(case) -> list[ExplainItem]:
    """Every deadline still running (not the family's appeal window, which just ends): each
    is stopped by doing the work, or explained — the explanation is kept on the closure, and
    ``case_closed`` then cancels the clock. A deadline the closure does not end (a request
    for access to files, an appeal's reconsideration, the receipt to a professional notifier:
    duties towards others that outlive the case) cannot be explained away: it must be met."""
    now = timezone.now()
    return [
        ExplainItem(
            ref=f"{c.rule_key}:{c.sequence}",
            label=_label(c),
            explainable=_explainable(c),
            overdue=c.paused_since is None and c.due_at < now,
        )
        for c in _running([case.pk])
        if not c.rule.window
    ]


@closure_check(
    "open_deadlines",
    gettext_lazy("Alle frister er stoppet eller forklaret"),
    order=80,
    explain=open_clock_items,
)
def open_deadlines(case, answers):
    return []  # each running clock is an explain item (see cases/closure.py)
