"""Intake: concern reports, applications and inquiries, and the 24-hour assessment of each
child they concern."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.intake.constants import (
    FLAGGED_REASONS,
    PROFESSIONAL_NOTIFIERS,
    BarnehusChoice,
    Channel,
    IntakeKind,
    NotifierKind,
    Outcome,
    ReasonCategory,
)

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="IntakeItemHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class IntakeItem(models.Model):
    kind = models.CharField(
        _("type"), max_length=20, choices=IntakeKind.choices, default=IntakeKind.CONCERN_REPORT
    )
    channel = models.CharField(_("modtaget via"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("modtaget"))
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now)
    backdate_reason = models.TextField(_("begrundelse for tilbagedatering"), blank=True)
    notifier_kind = models.CharField(_("underretter"), max_length=30, choices=NotifierKind.choices)
    notifier_name = models.CharField(_("underretters navn"), max_length=200, blank=True)
    notifier_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    notifier_email = models.EmailField(_("underretters e-mail"), blank=True)
    notifier_phone = models.CharField(_("underretters telefon"), max_length=40, blank=True)
    notifier_address = models.TextField(_("underretters adresse"), blank=True)
    content = models.TextField(_("indhold"))
    acute = models.BooleanField(_("akut"), default=False)
    reasons = ArrayField(
        models.CharField(max_length=30, choices=ReasonCategory.choices),
        verbose_name=_("årsager"),
        default=list,
        blank=True,
    )
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    forwarded_to = models.CharField(_("videresendt til kommune"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def is_professional(self) -> bool:
        return self.notifier_kind in PROFESSIONAL_NOTIFIERS

    @property
    def is_flagged(self) -> bool:
        return bool(set(self.reasons) & FLAGGED_REASONS)

    @property
    def reason_labels(self) -> list[str]:
        return [str(ReasonCategory(r).label) for r in self.reasons]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="IntakeChildHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class IntakeChild(models.Model):
    """One child an intake item concerns, and the 24-hour assessment (triage) of that
    child."""

    item = models.ForeignKey(IntakeItem, on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey(
        "persons.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_reports",
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="intake_reports"
    )
    unknown_description = models.TextField(_("beskrivelse af ukendt barn"), blank=True)
    unresolved_explanation = models.TextField(
        _("forklaring (barnet kunne ikke identificeres)"), blank=True
    )
    # the 24-hour assessment (triage; BL § 136) — never "assessment", the investigation
    triaged_at = models.DateTimeField(_("vurderet"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at_risk = models.BooleanField(_("sundhed eller udvikling i fare"), null=True)
    acute_needed = models.BooleanField(_("behov for akut indsats"), null=True)
    outcome = models.CharField(_("beslutning"), max_length=20, choices=Outcome.choices, blank=True)
    reasons_text = models.TextField(_("begrundelse"), blank=True)
    reassessment = models.BooleanField(_("genvurdering (BL § 137)"), default=False)
    child_conversation_on = models.DateField(_("børnesamtale (dato)"), null=True, blank=True)
    barnehus = models.CharField(
        _("børnehus"), max_length=20, choices=BarnehusChoice.choices, blank=True
    )
    barnehus_note = models.TextField(_("børnehus: bemærkning"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("barn i henvendelse")
        verbose_name_plural = _("børn i henvendelser")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.child_id or '?'}"

    @property
    def subject(self) -> str:
        return f"{self._meta.label_lower}:{self.pk}"

    @property
    def is_triaged(self) -> bool:
        return self.triaged_at is not None
