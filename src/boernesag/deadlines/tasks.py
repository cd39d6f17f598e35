"""Background tasks (django-tasks, run by the database worker)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from boernesag.accounts.models import User
from boernesag.deadlines.models import Clock
from boernesag.deadlines.rules import load_rules
from boernesag.deadlines.services import escalate_overdue
from boernesag.deadlines.services import local_standard_recompute as _recompute


@task()
def local_standard_recompute(standard_id: int) -> int:
    """After a local standard is set: recompute only that rule's clocks, in chunks, with
    progress on the standard (shown on "Regler og frister")."""
    return _recompute(standard_id=standard_id)


@task()
def deadlines_escalate() -> int:
    """Daily and idempotent: overdue clocks are escalated to the team leader once."""
    return escalate_overdue()


def digest_text(user, clocks) -> str:
    rules = load_rules()
    lines = [f"Goddag {user.first_name}", "", "Frister i dine sager, der forfalder denne uge:", ""]
    for clock in clocks:
        due = timezone.localtime(clock.due_at)
        state = "OVERSKREDET" if clock.due_at < timezone.now() else f"{due:%d.%m.%Y %H:%M}"
        lines.append(f"- Sag {clock.case.reference}: {rules[clock.rule_key].title} – {state}")
    lines += [
        "",
        "Åbn Børnesag for at se detaljerne. Mailen indeholder ingen navne eller CPR-numre.",
    ]
    return "\n".join(lines)


@task()
def deadlines_send_digests() -> int:
    """Each caseworker who asked for it gets a morning e-mail with this week's deadlines.
    No names or CPR numbers go in the e-mail, only case references."""
    horizon = timezone.now() + timedelta(days=7)
    sent = 0
    for user in User.objects.filter(is_active=True, wants_deadline_digest=True):
        clocks = list(
            Clock.objects.actionable()
            .filter(
                Q(due_at__lte=horizon),
                case__caseworker=user,
                case__closed_at__isnull=True,
                paused_since__isnull=True,
            )
            .select_related("case")
            .order_by("due_at")
        )
        if not clocks:
            continue
        send_mail(
            "Børnesag: ugens frister",
            digest_text(user, clocks),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        sent += 1
    return sent
