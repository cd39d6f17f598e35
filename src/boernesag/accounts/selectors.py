"""Reads for organisation and users."""

from __future__ import annotations

from django.utils import timezone

from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User


def municipality_get() -> Municipality | None:
    return Municipality.objects.order_by("pk").first()


def user_role_assignments(*, user: User):
    return (
        RoleAssignment.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("unit")
        .order_by("role", "unit__name")
    )


def user_teams(*, user: User) -> list[Unit]:
    return [
        m.team
        for m in TeamMembership.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("team")
        .order_by("team__name")
    ]
