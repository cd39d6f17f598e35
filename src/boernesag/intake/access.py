"""Need-to-know in intake: who may see which intake item, and which of its children.

Intake coordinators see every item and every child in it (they triage all of them). Anyone
else sees an item only through a child they may see (``cases.view_child``: a visible case
or reasoned access), and on that item only those children: a report about siblings shows a
caseworker of one child nothing of the other — no name, case, team, caseworker, earlier
reports or triage reasons."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from boernesag.accounts.constants import Role
from boernesag.cases.selectors import children_visible_to
from boernesag.intake.models import IntakeChild, IntakeItem


def intake_children_visible_to(user):
    """The ``IntakeChild`` rows the user may see."""
    if user.has_role(Role.INTAKE_COORDINATOR):
        return IntakeChild.objects.all()
    return IntakeChild.objects.filter(child__in=children_visible_to(user))


def items_visible_to(user):
    rows = intake_children_visible_to(user).filter(item=OuterRef("pk"))
    if user.has_role(Role.INTAKE_COORDINATOR):
        return IntakeItem.objects.all()
    return IntakeItem.objects.filter(Exists(rows))


def item_visible(user, item: IntakeItem) -> bool:
    return items_visible_to(user).filter(pk=item.pk).exists()


def notifier_visible(user, item: IntakeItem) -> bool:
    """Notifier contact details: intake coordinators and the caseworker responsible for a
    child's case on the item."""
    if user.has_role(Role.INTAKE_COORDINATOR):
        return True
    return item.children.filter(Q(case__caseworker=user) & Q(case__closed_at__isnull=True)).exists()
