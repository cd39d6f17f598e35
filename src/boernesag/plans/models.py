"""Barnets plan, ungeplan and handleplan (Barnets Lov §§ 91–92 and 108–109; Serviceloven
§ 140 for plans made before 2024).

A plan (``Plan``) is worked on as a draft: its purpose, goals (``PlanGoal``, with sub-goals),
who does what (``PlanTask``) and expected duration. When it is made (*udarbejdet*) its content
is frozen as version 1 (``PlanVersion``); every later revision freezes a new version with what
changed and why. The current version is what counts (letters, decisions, follow-up). Nothing
is deleted: goals end as achieved or dropped, versions are append-only, and every change to
a plan, goal or task is kept by pghistory.

Goals have stable ids across versions (the ``PlanGoal`` row is the goal; versions hold its
text as it was), so that a decision can cite them and a follow-up can score them.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.append_only import append_only
from boernesag.plans.constants import (
    BARNETS_LOV_FROM,
    GoalArea,
    GoalStatus,
    PlanKind,
    PlanStatus,
    Responsible,
)

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="PlanHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Plan(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("plantype"), max_length=10, choices=PlanKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    purpose = models.TextField(
        _("overordnet formål"),
        help_text=_(
            "Formålet med indsatsen eller anbringelsen, som målene skal føre hen imod "
            "(Barnets Lov § 92, stk. 1)."
        ),
    )
    basis = models.TextField(
        _("udgangspunkt"),
        blank=True,
        help_text=_(
            "Den valgte indsats og resultaterne af afdækningen eller den børnefaglige "
            "undersøgelse (Barnets Lov § 92, stk. 2)."
        ),
    )
    involvement = models.TextField(
        _("sådan er planen lavet sammen med familien"),
        blank=True,
        help_text=_(
            "Hvordan barnet eller den unge og forældrene er inddraget, og hvad de selv ønsker "
            "(Barnets Lov § 92, stk. 1; § 109, stk. 1)."
        ),
    )
    drafted_with_family = models.BooleanField(_("udarbejdet sammen med familien"), default=False)
    family_support = models.TextField(
        _("støtte til familien"),
        blank=True,
        help_text=_(
            "Ved anbringelse: den støtte, familien får under anbringelsen og efter "
            "hjemgivelsen (Barnets Lov § 92, stk. 3; § 109, stk. 4)."
        ),
    )
    expected_duration_months = models.PositiveSmallIntegerField(
        _("forventet varighed (måneder)"), null=True, blank=True
    )
    meeting = models.ForeignKey(
        "cases.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planmøde"),
    )
    made_on = models.DateField(_("udarbejdet den"), null=True, blank=True)
    made_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # the number of the current (latest) version; 0 while the plan is a draft
    current_number = models.PositiveIntegerField(default=0, editable=False)
    # bumped by every change to the plan, its goals or its tasks: an edit or a new version
    # based on an older one is refused (conflict), never silently overwritten
    version = models.PositiveIntegerField(default=1, editable=False)
    # a double submit of the form that created the plan finds this plan instead of a new one
    create_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(made_on__isnull=False),
                name="plan_made_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_made(self) -> bool:
        return self.status == PlanStatus.MADE

    @property
    def law(self) -> str:
        """BL or SEL: a handleplan is a Serviceloven plan (§ 140), the others Barnets Lov."""
        return "SEL" if self.kind == PlanKind.ACTION else "BL"

    @property
    def legal_reference(self) -> str:
        if self.kind == PlanKind.ACTION:
            return "Serviceloven § 140"
        if self.kind == PlanKind.YOUTH:
            return "Barnets Lov §§ 108–109"
        return "Barnets Lov §§ 91–92"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="PlanGoalHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class PlanGoal(models.Model):
    """A concrete, measurable goal of a plan — what will be different, how we will know, by
    when (Barnets Lov § 92, stk. 1; § 109, stk. 1). A sub-goal has a ``parent``. The row's id
    is the goal's stable id across versions; a goal is never deleted, it ends as achieved or
    dropped."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_goals",
        verbose_name=_("delmål af"),
    )
    area = models.CharField(_("område"), max_length=20, choices=GoalArea.choices)
    what = models.TextField(_("hvad skal være anderledes"))
    measure = models.TextField(_("hvordan ved vi det"))
    due_on = models.DateField(_("hvornår"))
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    status_reason = models.TextField(_("begrundelse for status"), blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    create_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_sub_goal(self) -> bool:
        return self.parent_id is not None


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="PlanTaskHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class PlanTask(models.Model):
    """Who does what: the family, the network, a professional, the provider or the
    caseworker (Varde: the plan meeting ends in an agreement on roles and responsibilities).
    A person from the people around the child, or a provider from the catalogue."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("mål"),
    )
    responsible = models.CharField(_("hvem"), max_length=20, choices=Responsible.choices)
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    provider = models.ForeignKey(
        "catalogue.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leverandør"),
    )
    what = models.TextField(_("hvad"))
    ended = models.BooleanField(_("ophørt"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)
    create_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("opgave i planen")
        verbose_name_plural = _("opgaver i planen")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.what[:80]


@append_only
class PlanVersion(models.Model):
    """A version of a plan as it was made or revised: the whole content frozen (``content``,
    with each goal's stable id), what changed and why. Never changed once written."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    made_on = models.DateField(_("dato"))
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    changes = models.TextField(_("hvad er ændret"), blank=True)
    reason = models.TextField(_("hvorfor"), blank=True)
    content = models.JSONField(_("indhold"))
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


@append_only
class PlanDispatch(models.Model):
    """A version of the plan sent to one recipient (a letter through the outbox): the family,
    and — with consent to share the plan — the professionals around the child."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="dispatches")
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="+")
    letter = models.ForeignKey("letters.Letter", on_delete=models.PROTECT, related_name="+")
    professional = models.BooleanField(default=False)
    consent = models.ForeignKey(
        "cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    # the send form's token: a double submit returns the first sending's dispatches
    send_token = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} → {self.person_id}"


def kind_for_date(day) -> list[str]:
    """The plan kinds the law of ``day`` knows."""
    if day < BARNETS_LOV_FROM:
        return [PlanKind.ACTION]
    return [PlanKind.CHILD, PlanKind.YOUTH]
