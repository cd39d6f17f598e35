"""Second factor for local accounts: TOTP (an authenticator app) via django-otp, and
one-time recovery codes (docs/security.md "To-faktor-login").

- A user turns it on under *Min konto → To-faktor-login*: the secret is shown once as a QR
  code and as text, and becomes active when the user types a code from the app. Ten
  recovery codes are shown once; only their hashes are kept.
- At login, a user with an active app gives a code after the password. Wrong codes are
  counted like passwords (``LOGIN_FAILURE_LIMIT`` per window, then a lock).
- The municipality can require it for roles (``Municipality.second_factor_roles``): such a
  user who has not turned it on is sent to the set-up page after the password and can do
  nothing else until it is on. Single sign-on accounts (``sso_subject``) are exempt: the
  identity provider is responsible for their second factor.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from boernesag.accounts import throttling
from boernesag.accounts.constants import LoginFactor, ThrottleScope
from boernesag.accounts.models import (
    LoginAttempt,
    Municipality,
    RecoveryCode,
    User,
    throttle_key,
)

RECOVERY_CODES = 10
DEVICE_NAME = "Godkendelsesapp"


class SecondFactorFailed(Exception):
    """Wrong code."""


class SecondFactorLocked(Exception):
    def __init__(self, locked_until):
        super().__init__("second factor locked")
        self.locked_until = locked_until


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user: User) -> bool:
    """Does the municipality require a second factor of this (local) user's roles?"""
    if user.sso_subject:
        return False
    municipality = Municipality.objects.only("second_factor_roles").first()
    if municipality is None or not municipality.second_factor_roles:
        return False
    return bool(set(municipality.second_factor_roles) & user.role_codes)


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, not yet active, secret for the user's app (replacing an unfinished one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def _code_hash(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"boernesag-recovery:{normalised}".encode()).hexdigest()


def _new_code() -> str:
    raw = secrets.token_hex(6)  # 48 bits, shown as xxxx-xxxx-xxxx
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working). The plain codes are returned once
    and never stored."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_code_hash(code)) for code in codes]
    )
    return codes


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """The user typed a code from the app: the app is now active (replacing an older one)
    and fresh recovery codes are returned (to be shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise SecondFactorFailed()
    if not device.verify_token(_digits(code)):
        raise SecondFactorFailed()
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_create(user=user)


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    """Turn the second factor off, proven with a current code. Refused when the user's
    role requires it."""
    device = totp_device(user)
    if device is None:
        return
    if second_factor_required(user):
        raise PermissionError("second factor required for the user's role")
    if not device.verify_token(_digits(code)):
        raise SecondFactorFailed()
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def second_factor_verify(*, user: User, code: str, ip_address: str | None) -> str:
    """Check a code typed after the password: a TOTP code from the app or an unused
    recovery code. Returns the factor used (``LoginFactor``). Failures are counted per
    user (``LOGIN_FAILURE_LIMIT`` within the window, then a lock)."""
    now = timezone.now()
    key = throttle_key(ThrottleScope.SECOND_FACTOR, str(user.pk))
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    reservation = throttling.reserve(key, now=now, window=window)
    if reservation.locked_until is not None:
        raise SecondFactorLocked(reservation.locked_until)
    if reservation.number > settings.LOGIN_FAILURE_LIMIT:
        _, until = throttling.lock(
            key, now=now, until=now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        )
        raise SecondFactorLocked(until)

    factor = None
    device = totp_device(user)
    code = (code or "").strip()
    if device is not None and len(_digits(code)) == 6 and len(code) <= 7:
        if device.verify_token(_digits(code)):
            factor = LoginFactor.TOTP
    elif code:
        used = RecoveryCode.objects.filter(
            user=user, code_hash=_code_hash(code), used_at__isnull=True
        ).update(used_at=now)
        if used:
            factor = LoginFactor.RECOVERY
    LoginAttempt.objects.create(
        email=user.email,
        succeeded=factor is not None,
        ip_address=ip_address,
        factor=factor or LoginFactor.TOTP,
    )
    if factor is None:
        if reservation.number >= settings.LOGIN_FAILURE_LIMIT:
            _, until = throttling.lock(
                key, now=now, until=now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            )
            raise SecondFactorLocked(until)
        raise SecondFactorFailed()
    throttling.reset(key, now=now)
    return factor


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
