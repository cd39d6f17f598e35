"""All writes for organisation, users and login go through these services."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import (
    LoginAttempt,
    LoginLockout,
    RoleAssignment,
    TeamMembership,
    Unit,
    User,
)


class LoginFailed(Exception):
    """Wrong e-mail or password. Deliberately does not say which."""


class AccountLocked(Exception):
    def __init__(self, locked_until):
        super().__init__("account locked")
        self.locked_until = locked_until


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def lockout_active(*, email: str):
    """The lockout currently in force for this e-mail address, or None."""
    return (
        LoginLockout.objects.filter(
            email=_normalise_email(email), lifted_at__isnull=True, locked_until__gt=timezone.now()
        )
        .order_by("-locked_until")
        .first()
    )


def login_authenticate(
    *, request: HttpRequest | None, email: str, password: str, ip_address: str | None
) -> User:
    """Check e-mail and password, with lockout after repeated failures.

    After ``LOGIN_FAILURE_LIMIT`` failures for one address within
    ``LOGIN_FAILURE_WINDOW_MINUTES`` the address is locked for ``LOGIN_LOCKOUT_MINUTES``
    or until an administrator lifts the lock. Unknown addresses are counted and locked
    the same way, so the answers never reveal whether an address exists.

    Not one transaction on purpose: the attempts are a security log and must be kept
    when the login fails (the failure is raised as an exception).
    """
    email = _normalise_email(email)
    lockout = lockout_active(email=email)
    if lockout is not None:
        LoginAttempt.objects.create(email=email, succeeded=False, ip_address=ip_address)
        raise AccountLocked(lockout.locked_until)

    user = authenticate(request, email=email, password=password)
    LoginAttempt.objects.create(email=email, succeeded=user is not None, ip_address=ip_address)
    if user is not None:
        return user

    now = timezone.now()
    window_start = now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    # Failures only count after the last success or the last lifted lock.
    last_reset = max(
        filter(
            None,
            [
                LoginAttempt.objects.filter(email=email, succeeded=True)
                .order_by("-attempted_at")
                .values_list("attempted_at", flat=True)
                .first(),
                LoginLockout.objects.filter(email=email)
                .order_by("-locked_at")
                .values_list("locked_at", flat=True)
                .first(),
                window_start,
            ],
        )
    )
    failures = LoginAttempt.objects.filter(
        email=email, succeeded=False, attempted_at__gt=last_reset
    ).count()
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        LoginLockout.objects.create(email=email, locked_at=now, locked_until=until)
        raise AccountLocked(until)
    raise LoginFailed()


@transaction.atomic
def lockout_lift(*, lockout: LoginLockout, lifted_by: User) -> LoginLockout:
    """An administrator unlocks an address before the lock runs out."""
    if lockout.lifted_at is None:
        lockout.lifted_at = timezone.now()
        lockout.lifted_by = lifted_by
        lockout.save(update_fields=["lifted_at", "lifted_by"])
    return lockout


def sessions_end_everywhere(*, user: User) -> None:
    """Log the user out of every browser and device ("log ud overalt")."""
    User.objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])


@transaction.atomic
def unit_create(*, kind: str, name: str, code: str, parent: Unit | None = None) -> Unit:
    unit = Unit(kind=kind, name=name, code=code, parent=parent)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    job_title: str = "",
) -> User:
    return User.objects.create_user(
        email, password, first_name=first_name, last_name=last_name, job_title=job_title
    )


@transaction.atomic
def role_grant(
    *, user: User, role: Role | str, unit: Unit, valid_from: date | None = None
) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, role=role, unit=unit, valid_from=valid_from or timezone.localdate()
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def team_join(*, user: User, team: Unit, valid_from: date | None = None) -> TeamMembership:
    if team.kind != UnitKind.TEAM:
        raise ValueError("only teams have members")
    membership = TeamMembership(user=user, team=team, valid_from=valid_from or timezone.localdate())
    membership.full_clean()
    membership.save()
    return membership


def user_digest_set(*, user: User, wants: bool) -> None:
    """The user's own choice of a morning e-mail with the week's deadlines."""
    User.objects.filter(pk=user.pk).update(wants_deadline_digest=wants)
    user.wants_deadline_digest = wants
