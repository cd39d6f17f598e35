"""Background tasks of decisions (django-tasks, run by the database worker after commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from boernesag.accounts.constants import Role
from boernesag.accounts.models import RoleAssignment, Unit
from boernesag.decisions.constants import DecisionStatus
from boernesag.decisions.models import Decision


def team_leaders_of(team_id: int):
    """The active users who lead the team now (a team leader role on the team or a unit
    above it)."""
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    units, unit = [], team_id
    while unit is not None and unit not in units:
        units.append(unit)
        unit = parent_of.get(unit)
    return (
        RoleAssignment.objects.active_on(timezone.localdate())
        .filter(role=Role.TEAM_LEADER, unit_id__in=units, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )


def approval_mail_text(decision: Decision) -> str:
    """No names and no CPR numbers: the case reference and where to find the queue."""
    return "\n".join(
        [
            f"En afgørelse på sag {decision.case.reference} venter på godkendelse.",
            "",
            f"Åbn Børnesag under »Til godkendelse«: {reverse('decisions:queue')}",
            "",
            "Mailen indeholder ingen navne eller CPR-numre.",
        ]
    )


@task()
def decision_approval_notify(decision_id: int, version: int) -> int:
    """Tell the case team's leaders that a decision waits for their approval (sent once per
    submission: ``version`` is the decision's version when it was submitted; a retry, or a
    decision approved or sent back meanwhile, sends nothing)."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(pk=decision_id)
            .first()
        )
        if (
            decision is None
            or decision.status != DecisionStatus.AWAITING_APPROVAL
            or decision.version != version
            or decision.approval_notified_version == version
        ):
            return 0
        recipients = sorted(
            {
                a.user.email
                for a in team_leaders_of(decision.case.team_id)
                if a.user.email and a.user_id != decision.submitted_by_id
            }
        )
        if recipients:
            send_mail(
                "Børnesag: en afgørelse venter på godkendelse",
                approval_mail_text(decision),
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        Decision.objects.filter(pk=decision.pk).update(approval_notified_version=version)
        return len(recipients)
