"""Reads for intake. Who may see which item and child: ``intake/access.py``."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, User
from boernesag.cases.models import Case
from boernesag.deadlines.selectors import subject_due
from boernesag.intake.models import IntakeChild, IntakeItem
from boernesag.persons.constants import RelationKind
from boernesag.persons.models import Relation


def queue():
    """Children awaiting triage, the least time left first (the 24 hours run from receipt;
    applications and inquiries after concern reports received at the same time)."""
    return (
        IntakeChild.objects.filter(triaged_at__isnull=True)
        .select_related("item", "child", "case")
        .order_by("item__received_at", "item__kind", "id")
    )


def recently_triaged(days: int = 7):
    since = timezone.now() - timedelta(days=days)
    return (
        IntakeChild.objects.filter(triaged_at__gte=since)
        .select_related("item", "child", "case", "triaged_by")
        .order_by("-triaged_at")
    )


TRIAGE_RULES = ("report_triage", "report_triage_unidentified")


def triage_dues(rows) -> dict[int, object]:
    """The 24-hour due time of each intake child, read from its running clock (the case's, or
    the organisation's while the child is unknown). One query per clock table."""
    subjects = {f"{IntakeChild._meta.label_lower}:{row.pk}": row.pk for row in rows}
    clocks = subject_due(list(subjects), rule_keys=TRIAGE_RULES)
    return {subjects[subject]: clock.due_at for subject, clock in clocks.items()}


def triage_due(item: IntakeItem):
    """The earliest running triage deadline among the item's children (None when every child
    is triaged, or for applications and inquiries, which have none)."""
    dues = triage_dues(list(item.children.all()))
    return min(dues.values(), default=None)


def child_reports(child):
    return (
        IntakeChild.objects.filter(child=child)
        .select_related("item", "triaged_by")
        .order_by("-item__received_at")
    )


def caseloads():
    """Open cases per caseworker, counted per child and per family (children sharing a
    custody holder count once). Fixed number of queries."""
    today = timezone.localdate()
    workers = list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.active_on(today)
            .filter(role=Role.CASEWORKER)
            .values("user_id"),
        ).order_by("first_name", "last_name")
    )
    rows = list(
        Case.objects.open().filter(caseworker__in=workers).values_list("caseworker_id", "child_id")
    )
    holders = defaultdict(set)
    for child_id, person_id in Relation.objects.filter(
        child_id__in={c for _, c in rows}, kind=RelationKind.CUSTODY_HOLDER
    ).values_list("child_id", "person_id"):
        holders[child_id].add(person_id)
    children = defaultdict(set)
    families = defaultdict(set)
    for worker_id, child_id in rows:
        children[worker_id].add(child_id)
        family = min(holders[child_id]) if holders[child_id] else f"c{child_id}"
        families[worker_id].add(family)
    return [(w, len(children[w.pk]), len(families[w.pk])) for w in workers]
