"""All writes for organisation, users and login go through these services."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from boernesag.accounts import throttling
from boernesag.accounts.constants import Role, ThrottleScope, UnitKind
from boernesag.accounts.models import (
    LoginAttempt,
    LoginLockout,
    RoleAssignment,
    TeamMembership,
    Unit,
    User,
    throttle_key,
)

logger = logging.getLogger(__name__)


class LoginFailed(Exception):
    """Wrong e-mail or password. Deliberately does not say which."""


class AccountLocked(Exception):
    def __init__(self, locked_until):
        super().__init__("account locked")
        self.locked_until = locked_until


class AddressLocked(Exception):
    """Too many failures from one network address (password spraying)."""

    def __init__(self, locked_until):
        super().__init__("address locked")
        self.locked_until = locked_until


class LoginThrottled(Exception):
    """Unusually many failures across the installation: only network addresses that have
    logged in successfully lately may try now."""


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def lockout_active(*, email: str):
    """The lockout currently in force for this e-mail address, or None."""
    return (
        LoginLockout.objects.filter(
            scope=ThrottleScope.ACCOUNT,
            email=_normalise_email(email),
            lifted_at__isnull=True,
            locked_until__gt=timezone.now(),
        )
        .order_by("-locked_until")
        .first()
    )


def _lock(*, scope: str, key: str, email: str, ip_address: str | None, now, minutes: int):
    created, until = throttling.lock(key, now=now, until=now + timedelta(minutes=minutes))
    if created:
        LoginLockout.objects.create(
            scope=scope,
            email=email if scope == ThrottleScope.ACCOUNT else "",
            ip_address=ip_address if scope == ThrottleScope.ADDRESS else None,
            locked_at=now,
            locked_until=until,
        )
    return until


def _address_known(ip_address: str | None, now) -> bool:
    if not ip_address:
        return False
    return LoginAttempt.objects.filter(
        ip_address=ip_address,
        succeeded=True,
        attempted_at__gte=now - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS),
    ).exists()


def login_authenticate(
    *, request: HttpRequest | None, email: str, password: str, ip_address: str | None
) -> User:
    """Check e-mail and password, with lockout per account, per network address and across
    the installation (docs/security.md "Login").

    - Per account: after ``LOGIN_FAILURE_LIMIT`` failures within
      ``LOGIN_FAILURE_WINDOW_MINUTES`` the e-mail address is locked for
      ``LOGIN_LOCKOUT_MINUTES`` or until an administrator lifts the lock. Each attempt
      reserves its number atomically *before* the password is checked, so with any number
      of parallel guesses no attempt beyond the limit ever has its password checked.
      Unknown addresses are counted and locked the same way, so the answers never reveal
      whether an address exists.
    - Per network address (password spraying from one place): more than
      ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures in the window lock the address for
      ``LOGIN_ADDRESS_LOCKOUT_MINUTES``.
    - Installation-wide (spraying from many places): more than
      ``LOGIN_GLOBAL_FAILURE_LIMIT`` failures in the window admit only addresses with a
      successful login in the last ``LOGIN_KNOWN_ADDRESS_DAYS`` days until it calms down.

    Not one transaction on purpose: the attempts are a security log and must be kept
    when the login fails (the failure is raised as an exception).
    """
    email = _normalise_email(email)
    now = timezone.now()
    window = _window()

    def refuse(exc: Exception):
        LoginAttempt.objects.create(email=email, succeeded=False, ip_address=ip_address)
        raise exc

    account_key = throttle_key(ThrottleScope.ACCOUNT, email)
    account = throttling.reserve(account_key, now=now, window=window)
    if account.locked_until is not None:
        refuse(AccountLocked(account.locked_until))
    if account.number > settings.LOGIN_FAILURE_LIMIT:
        until = _lock(
            scope=ThrottleScope.ACCOUNT,
            key=account_key,
            email=email,
            ip_address=ip_address,
            now=now,
            minutes=settings.LOGIN_LOCKOUT_MINUTES,
        )
        refuse(AccountLocked(until))

    address_key = throttle_key(ThrottleScope.ADDRESS, ip_address or "unknown")
    address = throttling.reserve(address_key, now=now, window=window)
    if address.locked_until is not None:
        refuse(AddressLocked(address.locked_until))
    if address.number > settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        until = _lock(
            scope=ThrottleScope.ADDRESS,
            key=address_key,
            email=email,
            ip_address=ip_address,
            now=now,
            minutes=settings.LOGIN_ADDRESS_LOCKOUT_MINUTES,
        )
        logger.warning("Login: network address locked after repeated failures (spraying).")
        refuse(AddressLocked(until))

    global_key = throttle_key(ThrottleScope.GLOBAL)
    overall = throttling.reserve(global_key, now=now, window=window)
    if overall.number > settings.LOGIN_GLOBAL_FAILURE_LIMIT and not _address_known(ip_address, now):
        logger.warning("Login: installation-wide failure limit reached; unknown address refused.")
        refuse(LoginThrottled())

    user = authenticate(request, email=email, password=password)
    LoginAttempt.objects.create(email=email, succeeded=user is not None, ip_address=ip_address)
    if user is not None:
        throttling.reset(account_key, now=now)
        throttling.release(address_key)
        throttling.release(global_key)
        return user

    if account.number >= settings.LOGIN_FAILURE_LIMIT:
        until = _lock(
            scope=ThrottleScope.ACCOUNT,
            key=account_key,
            email=email,
            ip_address=ip_address,
            now=now,
            minutes=settings.LOGIN_LOCKOUT_MINUTES,
        )
        raise AccountLocked(until)
    raise LoginFailed()


@transaction.atomic
def lockout_lift(*, lockout: LoginLockout, lifted_by: User) -> LoginLockout:
    """An administrator unlocks an address before the lock runs out."""
    if lockout.lifted_at is None:
        lockout.lifted_at = timezone.now()
        lockout.lifted_by = lifted_by
        lockout.save(update_fields=["lifted_at", "lifted_by"])
        throttling.reset(lockout.throttle_key, now=lockout.lifted_at, unlock=True)
    return lockout


def login_attempts_prune(*, now=None) -> int:
    """Delete login attempts older than ``LOGIN_ATTEMPT_RETENTION_DAYS`` (a security log
    kept for a limited time, as the municipality's retention rule says), with the locks and
    counters that ended before then. Run daily by the audit scheduler. Returns how many
    attempts were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOGIN_ATTEMPT_RETENTION_DAYS)
    deleted, _ = LoginAttempt.objects.filter(attempted_at__lt=cutoff).delete()
    LoginLockout.objects.filter(locked_until__lt=cutoff).delete()
    throttling.prune(older_than=now - _window())
    return deleted


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
