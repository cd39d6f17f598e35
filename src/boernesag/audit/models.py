"""Who looked at which child's data, and reason-based access.

The three tables are append-only (``@append_only``): the database refuses UPDATE, DELETE
and TRUNCATE, and the application's role has no such privilege (``audit.append_only``).
The access log is a keyed hash chain (HMAC with a key outside the database) whose head is
anchored outside the database, so that ``manage.py audit_verify`` detects rows altered,
removed or re-hashed (``audit.chain``, ``audit.anchoring``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.append_only import append_only


@append_only
class AccessLogEntry(models.Model):
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    child = models.ForeignKey(
        "persons.Person",
        verbose_name=_("barn"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("sag"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.CharField(_("hvad"), max_length=60)
    object_ref = models.CharField(_("objekt"), max_length=60, blank=True)
    reason = models.TextField(_("begrundelse"), blank=True)
    grant = models.ForeignKey(
        "audit.AccessGrant", null=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)
    # Which key chained the row (a fingerprint, never the key); "" for rows written before
    # the chain was keyed (plain SHA-256; they may only come first).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("opslag i adgangslog")
        verbose_name_plural = _("adgangslog")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["child", "-at"], name="accesslog_child_at"),
            models.Index(fields=["case", "-at"], name="accesslog_case_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class GrantKind(models.TextChoices):
    """Why reasoned access is needed: the kind decides whether the grant may write."""

    INFORMATION = "information", _("Oplysninger til brug i min opgave (kun læse)")
    ASSIGNMENT = "assignment", _("Jeg er sat på sagen eller dækker for en kollega (læse og skrive)")


@append_only
class AccessGrant(models.Model):
    """Reasoned access: time-limited access to one child's data, granted to a user who
    stated a reason. Read-only unless the kind is an assignment (see cases/access.py).

    Appears on the team leader's review list until it has been reviewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    child = models.ForeignKey(
        "persons.Person",
        verbose_name=_("barn"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    reason = models.TextField(_("begrundelse"))
    kind = models.CharField(
        _("formål"), max_length=20, choices=GrantKind.choices, default=GrantKind.INFORMATION
    )
    granted_at = models.DateTimeField(_("givet"), default=timezone.now)
    expires_at = models.DateTimeField(_("udløber"))

    class Meta:
        verbose_name = _("adgang med begrundelse")
        verbose_name_plural = _("adgange med begrundelse")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "child", "expires_at"], name="grant_lookup")]

    def __str__(self) -> str:
        return f"{self.user} → {self.child_id}"


@append_only
class AccessGrantReview(models.Model):
    """A team leader's review of a reason-based access (separate, so grants stay immutable)."""

    grant = models.OneToOneField(AccessGrant, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    approved = models.BooleanField(_("i orden"))
    note = models.TextField(_("bemærkning"), blank=True)

    class Meta:
        verbose_name = _("gennemgang af adgang")
        verbose_name_plural = _("gennemgange af adgange")

    def __str__(self) -> str:
        return f"{self.grant_id}: {'OK' if self.approved else 'ikke OK'}"


class DailyRun(models.Model):
    """Which daily audit job ran on which day (keeps the scheduler idempotent)."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="audit_daily_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
