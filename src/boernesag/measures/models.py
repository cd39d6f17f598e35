"""Measures (indsatser) started from granted decisions, their versions, follow-ups with goal
scores, supervision visits and their end. See docs/measures.md.

Nothing is deleted. A measure changes only through a new decision (``Decision.replaces``):
applying it appends a ``MeasureVersion``; the measure row carries the terms in force (the
latest version) for quick reads. Goal attainment is data (``GoalScore``), not prose.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.decisions.constants import DecisionKind
from boernesag.lib.append_only import append_only
from boernesag.measures.constants import (
    Attainment,
    ContactForm,
    ContactFrequency,
    EndReason,
    FollowUpDecision,
    FollowUpStatus,
    MeasureStatus,
    Score,
    VisitTalk,
    VolumeUnit,
)

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="MeasureHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Measure(models.Model):
    """A measure for the child (Barnets Lov §§ 32, 46, 47; Serviceloven § 52 for older
    cases), started (iværksat) from a granted decision. The terms (service, provider,
    volume, expected end) are those of the latest version."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="measures", verbose_name=_("sag")
    )
    kind = models.CharField(_("type"), max_length=30, choices=DecisionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.ACTIVE
    )
    # null for early support without a decision (Barnets Lov § 30; Serviceloven § 11)
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgørelse i kraft"),
    )
    # early support (tidlig forebyggende indsats) of a service the catalogue marks as not
    # visiteret: the legal basis chosen by the start date and who asked for it / consented
    early_support = models.BooleanField(_("tidlig forebyggende indsats"), default=False)
    legal_basis = models.CharField(_("hjemmel"), max_length=30, blank=True)
    requested_by = models.CharField(_("anmodet om / samtykke fra"), max_length=200, blank=True)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("indsats")
    )
    provider = models.ForeignKey(
        "catalogue.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leverandør"),
    )
    volume = models.DecimalField(_("omfang"), max_digits=8, decimal_places=2)
    volume_unit = models.CharField(_("enhed"), max_length=20, choices=VolumeUnit.choices)
    starts_on = models.DateField(_("startdato"))
    expected_end_on = models.DateField(_("forventet slutdato"), null=True, blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("barnets plan"),
    )
    # the next follow-up the municipality set (the latest follow-up's date, or 3 months
    # after the start until the first one); the legal clock is the engine's
    next_follow_up_on = models.DateField(_("næste opfølgning"), null=True, blank=True)
    current_number = models.PositiveIntegerField(default=1, editable=False)
    ended_on = models.DateField(_("ophørt den"), null=True, blank=True)
    end_reason = models.CharField(
        _("årsag til ophør"), max_length=30, choices=EndReason.choices, blank=True
    )
    end_reasons = models.TextField(_("begrundelse for ophør"), blank=True)
    final_attainment = models.CharField(
        _("målopfyldelse ved ophør"), max_length=10, choices=Attainment.choices, blank=True
    )
    ended_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    end_token = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # a placement: the place (the provider's place or department) and the arrangement for
    # the child's contact with the parents, as data (docs/measures.md, "Placement details")
    place_name = models.CharField(_("anbringelsessted"), max_length=200, blank=True)
    place_department = models.CharField(_("afdeling"), max_length=200, blank=True)
    place_from = models.DateField(_("på stedet fra"), null=True, blank=True)
    contact_frequency = models.CharField(
        _("samvær og kontakt – hvor ofte"),
        max_length=20,
        choices=ContactFrequency.choices,
        blank=True,
    )
    contact_form = models.CharField(
        _("samvær og kontakt – form"), max_length=20, choices=ContactForm.choices, blank=True
    )
    contact_note = models.TextField(_("aftaler om samvær og kontakt"), blank=True)
    details_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "submit_token"], name="measure_started_once"),
            models.CheckConstraint(
                condition=Q(status=MeasureStatus.ACTIVE)
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="measure_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(volume__gt=0), name="measure_volume_positive"),
            models.CheckConstraint(
                condition=Q(decision__isnull=False) | Q(early_support=True),
                name="measure_decision_or_early_support",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"], name="measure_case_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.status == MeasureStatus.ACTIVE

    @property
    def duration_days(self) -> int | None:
        """Days from the start to the end (both included), or to today while it runs."""
        last = self.ended_on or timezone.localdate()
        return (last - self.starts_on).days + 1 if last >= self.starts_on else 0


@append_only
class MeasureVersion(models.Model):
    """One version of a measure's terms: the first from the granting decision, each later one
    from a decision that replaces the one before (more or fewer hours, another provider).
    Never changed once written."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    decision = models.OneToOneField(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgørelse"),
    )
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("catalogue.Provider", on_delete=models.PROTECT, related_name="+")
    volume = models.DecimalField(_("omfang"), max_digits=8, decimal_places=2)
    volume_unit = models.CharField(_("enhed"), max_length=20, choices=VolumeUnit.choices)
    valid_from = models.DateField(_("gælder fra"))
    expected_end_on = models.DateField(_("forventet slutdato"), null=True, blank=True)
    reason = models.TextField(_("hvorfor"), blank=True)
    # warnings given when the version was recorded (no contract or rate on its first day)
    warnings = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version af indsats")
        verbose_name_plural = _("versioner af indsatser")
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="measure_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number} fra {self.valid_from:%d.%m.%Y}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="FollowUpHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class FollowUp(models.Model):
    """A follow-up on a measure (Barnets Lov § 95, stk. 2–3; Serviceloven § 70, stk. 2 — the
    stk. is *unverified*, may be stk. 1):
    planned with a status meeting (``cases.Meeting``) and the provider's status report asked
    for a week before; held with the report's answer and source, the conversation with the
    child, a score for each goal of the plan version in force, the decision to continue,
    change or end, and the next follow-up with the reasons for the interval."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="follow_ups")
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    meeting = models.ForeignKey(
        "cases.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statusmøde"),
    )
    report_requested_on = models.DateField(_("statusrapport bedt om den"), null=True, blank=True)
    report_due_on = models.DateField(_("statusrapport senest"), null=True, blank=True)
    report_received_on = models.DateField(_("statusrapport modtaget"), null=True, blank=True)
    report_source = models.CharField(_("rapportens kilde"), max_length=200, blank=True)
    report_summary = models.TextField(_("leverandørens status"), blank=True)
    child_talked_on = models.DateField(_("samtale med barnet"), null=True, blank=True)
    child_view = models.TextField(_("barnets syn"), blank=True)
    child_not_talked_reason = models.TextField(_("hvorfor der ikke er talt med barnet"), blank=True)
    held_on = models.DateField(_("opfølgning holdt"), null=True, blank=True)
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planversion i kraft"),
    )
    decision = models.CharField(
        _("beslutning"), max_length=10, choices=FollowUpDecision.choices, blank=True
    )
    assessment = models.TextField(_("samlet vurdering"), blank=True)
    next_follow_up_on = models.DateField(_("næste opfølgning"), null=True, blank=True)
    interval_reasons = models.TextField(_("begrundelse for intervallet"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    record_token = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "submit_token"], name="follow_up_planned_once"
            ),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.PLANNED)
                | (Q(held_on__isnull=False) & ~Q(decision="")),
                name="follow_up_held_has_date_and_decision",
            ),
        ]

    def __str__(self) -> str:
        day = self.held_on or (self.meeting.held_at.date() if self.meeting_id else None)
        return f"Opfølgning {day:%d.%m.%Y}" if day else "Opfølgning"

    @property
    def is_held(self) -> bool:
        return self.status == FollowUpStatus.HELD


@append_only
class GoalScore(models.Model):
    """The attainment of one goal of the plan version in force, scored at a follow-up (or
    when the measure ends): a step on the scale and the words behind it."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="scores")
    goal = models.ForeignKey("plans.PlanGoal", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    note = models.TextField(_("hvad viser det"), blank=True)

    class Meta:
        verbose_name = _("målscore")
        verbose_name_plural = _("målscorer")
        ordering = ["follow_up", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "goal"], name="goal_scored_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="goal_score_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.score}"


@append_only
class SupervisionVisit(models.Model):
    """A supervision visit to a placed child (Barnets Lov § 156, stk. 5: at least twice a
    year, talking with the child without staff or foster parents present; Serviceloven
    § 148, stk. 2 before 2024 — unverified)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("besøgt den"))
    talked_alone = models.BooleanField(_("talt med barnet uden personale til stede"))
    not_alone_reason = models.TextField(_("hvorfor ikke alene med barnet"), blank=True)
    # the three answers (review 13): blank on visits recorded before the field existed
    talk = models.CharField(
        _("samtale med barnet"), max_length=12, choices=VisitTalk.choices, blank=True
    )
    # the visit took place at the placement (None: recorded before the field existed)
    at_placement = models.BooleanField(_("besøget var på anbringelsesstedet"), null=True)
    # whether the visit met the duty of § 156, stk. 5 (and so wrote supervision_visit_held)
    meets_duty = models.BooleanField(_("opfylder tilsynspligten"), default=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submit_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tilsynsbesøg")
        verbose_name_plural = _("tilsynsbesøg")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "submit_token"], name="visit_recorded_once"),
            models.CheckConstraint(
                condition=Q(talked_alone=True) | ~Q(not_alone_reason=""),
                name="visit_not_alone_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Tilsynsbesøg {self.visited_on:%d.%m.%Y}"


@append_only
class MeasureLetter(models.Model):
    """A letter to the provider about a measure (``letters.Letter`` through the outbox):
    the start, a status report request for a follow-up, the end."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="letters")
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    provider = models.ForeignKey("catalogue.Provider", on_delete=models.PROTECT, related_name="+")
    letter = models.OneToOneField("letters.Letter", on_delete=models.PROTECT, related_name="+")
    # the consent to share with the provider the letter relied on (none: terms only)
    consent = models.ForeignKey(
        "cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Brev {self.letter_id} til {self.provider_id}"
