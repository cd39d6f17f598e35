"""Clocks (derived from case events), local standards, escalations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from boernesag.deadlines.calendar import UNITS

UNIT_CHOICES = [
    ("hours", _("timer")),
    ("days", _("dage")),
    ("weekdays", _("hverdage")),
    ("working_days", _("arbejdsdage")),
    ("months", _("måneder")),
]
assert [u for u, _label in UNIT_CHOICES] == list(UNITS)


class ClockQuerySet(models.QuerySet):
    def running(self):
        return self.filter(stopped_at__isnull=True, cancelled_at__isnull=True)


class Clock(models.Model):
    """A legal deadline running in a case. Derived data: ``deadlines_rebuild`` recomputes
    every clock from the case events and gives the same rows."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clocks")
    rule_key = models.CharField(max_length=60)
    rule_version = models.PositiveSmallIntegerField()
    law = models.CharField(max_length=10)
    sequence = models.PositiveIntegerField()
    subject = models.CharField(max_length=80, blank=True)
    start_event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    local_due_at = models.DateTimeField()
    stop_event = models.ForeignKey(
        "cases.CaseEvent",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    stopped_at = models.DateTimeField(null=True)
    cancelled_at = models.DateTimeField(null=True)
    paused_since = models.DateTimeField(null=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    pause_reason = models.TextField(blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule_key", "sequence"], name="clock_natural_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="clock_due",
                condition=models.Q(stopped_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["rule_key", "due_at"], name="clock_rule_due"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}#{self.sequence}"

    @classmethod
    def from_state(cls, case_id: int, s) -> Clock:
        return cls(
            case_id=case_id,
            rule_key=s.rule_key,
            rule_version=s.rule_version,
            law=s.law,
            sequence=s.sequence,
            subject=s.subject,
            start_event_id=s.start_event_id,
            started_at=s.started_at,
            due_at=s.due_at,
            local_due_at=s.local_due_at,
            stop_event_id=s.stop_event_id,
            stopped_at=s.stopped_at,
            cancelled_at=s.cancelled_at,
            paused_since=s.paused_since,
            paused_seconds=s.paused_seconds,
            pause_reason=s.pause_reason,
        )

    @cached_property
    def rule(self):
        from boernesag.deadlines.rules import rule_get

        return rule_get(self.rule_key)

    @cached_property
    def version(self):
        return next(v for v in self.rule.versions if v.version == self.rule_version)

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.cancelled_at is None

    def outcome(self, *, local: bool = False, now=None) -> str:
        due = self.local_due_at if local else self.due_at
        if self.cancelled_at:
            return "cancelled"
        if self.stopped_at:
            return "met" if self.stopped_at <= due else "late"
        if self.paused_since:
            return "paused"
        return "missed" if (now or timezone.now()) > due else "open"

    def time_left(self, now=None):
        return self.due_at - (now or timezone.now())


class LocalStandard(models.Model):
    """The municipality's stricter version of a rule (Varde: investigation within 2 months)."""

    rule_key = models.CharField(_("regel"), max_length=60)
    amount = models.PositiveIntegerField(_("varighed"))
    unit = models.CharField(_("enhed"), max_length=20, choices=UNIT_CHOICES)
    valid_from = models.DateField(_("gælder fra"))
    reason = models.TextField(_("begrundelse"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lokal standard")
        verbose_name_plural = _("lokale standarder")
        ordering = ["rule_key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["rule_key", "valid_from"], name="local_standard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}: {self.amount} {self.get_unit_display()}"


class Escalation(models.Model):
    """An overdue clock escalated to the team leader(s). Keyed by the clock's natural key so
    the daily task is idempotent and survives clock rebuilds."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    rule_key = models.CharField(max_length=60)
    sequence = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "rule_key", "sequence"], name="escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.rule_key}#{self.sequence}"


class ScheduledRun(models.Model):
    """Which daily job ran on which day (keeps the scheduler idempotent)."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="scheduled_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
