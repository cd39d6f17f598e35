"""Clocks (derived from case events), local standards, escalations."""

from __future__ import annotations

import pghistory
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

    def actionable(self, now=None):
        """Running clocks someone must act on: without windows that have simply ended
        (the family's appeal window after its 4 weeks)."""
        from boernesag.deadlines.rules import window_rule_keys

        return self.running().exclude(
            rule_key__in=window_rule_keys(), due_at__lt=now or timezone.now()
        )


class ClockBase(models.Model):
    """What every clock has: the rule version, when it started, is due, stopped."""

    rule_key = models.CharField(max_length=60)
    rule_version = models.PositiveSmallIntegerField()
    law = models.CharField(max_length=10)
    sequence = models.PositiveIntegerField()
    subject = models.CharField(max_length=80, blank=True)
    start_event = models.ForeignKey(
        "events.Event", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    local_due_at = models.DateTimeField()
    stop_event = models.ForeignKey(
        "events.Event",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    stopped_at = models.DateTimeField(null=True)
    cancelled_at = models.DateTimeField(null=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        abstract = True

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

    @property
    def stopped_before_start(self) -> bool:
        return self.stopped_at is not None and self.stopped_at < self.started_at

    def outcome(self, *, local: bool = False, now=None) -> str:
        due = self.local_due_at if local else self.due_at
        if self.cancelled_at:
            return "cancelled"
        if self.stopped_at:
            return "met" if self.stopped_at <= due else "late"
        if getattr(self, "paused_since", None):
            return "paused"
        if (now or timezone.now()) > due:
            return "expired" if self.rule.window else "missed"
        return "open"

    def time_left(self, now=None):
        return self.due_at - (now or timezone.now())


class Clock(ClockBase):
    """A legal deadline running in a case. Derived from the case's events (projection
    ``clocks``): ``projections_rebuild clocks`` recomputes every clock and gives the same rows.

    Responsibility at the time: the team and caseworker when the clock started, when it
    stopped (or was cancelled), and ``team``/``caseworker`` — who it counts for in
    compliance: responsible at the stop if it came by the due time, otherwise at the due
    time. Reassigning a case never changes these for clocks already decided."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clocks")
    paused_since = models.DateTimeField(null=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    pause = models.ForeignKey(
        "deadlines.ClockPause", null=True, on_delete=models.PROTECT, related_name="+"
    )
    start_team = models.ForeignKey(
        "accounts.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    start_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    stop_team = models.ForeignKey(
        "accounts.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    stop_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("team (ansvarligt ved fristen)"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sagsbehandler (ansvarlig ved fristen)"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

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
            models.Index(fields=["subject"], name="clock_subject", condition=~models.Q(subject="")),
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}#{self.sequence}"

    @classmethod
    def from_state(cls, case_id: int, s) -> Clock:
        from boernesag.deadlines.engine import COMPARED

        return cls(case_id=case_id, **{name: getattr(s, name) for name in COMPARED})

    @property
    def pause_reason(self) -> str:
        return self.pause.reason if self.pause_id else ""


class OrganisationClock(ClockBase):
    """A deadline of the organisation, not of a case: a catalogue service's revision, a
    casework standard's review, the triage of a report whose child is not yet known. Derived
    from organisation events (projection ``organisation_clocks``); ``subject`` names the
    object the work is on (``catalogue.service:12``)."""

    class Meta:
        verbose_name = _("organisationsfrist")
        verbose_name_plural = _("organisationsfrister")
        constraints = [
            models.UniqueConstraint(fields=["rule_key", "sequence"], name="org_clock_natural_key")
        ]
        indexes = [models.Index(fields=["subject", "rule_key"], name="org_clock_subject")]

    def __str__(self) -> str:
        return f"{self.rule_key}#{self.sequence} {self.subject}"

    @classmethod
    def from_state(cls, s) -> OrganisationClock:
        from boernesag.deadlines.engine import ORG_COMPARED

        return cls(**{name: getattr(s, name) for name in ORG_COMPARED})


class ClockPause(models.Model):
    """Why a clock was paused (e.g. waiting for the family's consent). The events
    ``clock_paused``/``clock_resumed`` reference this row; the reason is never in them."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField(_("regel"), max_length=60)
    reason = models.TextField(_("begrundelse"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paused_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("frist i bero")
        verbose_name_plural = _("frister i bero")

    def __str__(self) -> str:
        return f"{self.case_id}/{self.rule_key}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # the background recomputation's progress is not a change of the standard
    exclude=[
        "recompute_total",
        "recompute_done",
        "recompute_started_at",
        "recompute_finished_at",
    ],
    model_name="LocalStandardHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
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
    # Recomputing the rule's clocks runs as a background task; these show its progress.
    recompute_total = models.PositiveIntegerField(default=0)
    recompute_done = models.PositiveIntegerField(default=0)
    recompute_started_at = models.DateTimeField(null=True, blank=True)
    recompute_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lokal standard")
        verbose_name_plural = _("lokale standarder")
        ordering = ["rule_key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["rule_key", "valid_from"], name="local_standard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}: {self.amount} {self.get_unit_display()}"

    @property
    def rule_title(self) -> str:
        """The rule's Danish title (the key is code, not for people)."""
        from boernesag.deadlines.rules import RuleError, rule_get

        try:
            return rule_get(self.rule_key).title
        except RuleError:
            return self.rule_key

    @property
    def recompute_state(self) -> str:
        if self.recompute_finished_at:
            return "done"
        return "running" if self.recompute_started_at else "queued"

    @property
    def recompute_percent(self) -> int:
        if self.recompute_finished_at:
            return 100
        return int(100 * self.recompute_done / self.recompute_total) if self.recompute_total else 0


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

    @cached_property
    def rule(self):
        from boernesag.deadlines.rules import rule_get

        return rule_get(self.rule_key)


class ScheduledRun(models.Model):
    """Which daily job ran on which day (keeps the scheduler idempotent)."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="scheduled_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
