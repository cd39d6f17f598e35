"""The children's investigation (børnefaglig undersøgelse): Barnets Lov §§ 20–22 (Serviceloven
§ 50 for investigations the municipality became aware of before 2024).

An ``Assessment`` exists from the § 20 decision on (there is no investigation row without
it, so nothing can be recorded before the decision). It holds the decision, the plan (focus
areas, start, planned end), the midway status, the draft to the family and the family's
comments, the conclusion and — when 4 months pass first — the provisional assessment.
Activities (``AssessmentActivity``) and section texts (``AssessmentSection``) hang off it;
the sections follow a template that is data (``AssessmentTemplate`` with its
``TemplateSection`` rows, adjustable in the admin with history).

The 4-month clock is not here: it is the ``assessment_duration`` rule, opened by the event
``assessment_started`` and stopped by ``assessment_concluded`` (deadlines app).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.assessments.constants import (
    OPEN_STATUSES,
    ActivityKind,
    ActivityStatus,
    AssessmentStatus,
    ConsentRoute,
    Law,
    LegalBasis,
    StatementSource,
)

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="AssessmentTemplateHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class AssessmentTemplate(models.Model):
    """A version of the municipality's investigation template. A new investigation uses the
    newest active version for its law; an investigation keeps the version it started with."""

    key = models.SlugField(_("nøgle"), max_length=40)
    name = models.CharField(_("navn"), max_length=200)
    law = models.CharField(_("lov"), max_length=3, choices=Law.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    active = models.BooleanField(_("bruges til nye undersøgelser"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skabelon for børnefaglig undersøgelse")
        verbose_name_plural = _("skabeloner for børnefaglig undersøgelse")
        ordering = ["law", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="assessment_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="TemplateSectionHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class TemplateSection(models.Model):
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.PROTECT, related_name="sections"
    )
    key = models.SlugField(_("nøgle"), max_length=40)
    title = models.CharField(_("overskrift"), max_length=200)
    guidance = models.TextField(_("vejledning"), blank=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("afsnit i skabelonen")
        verbose_name_plural = _("afsnit i skabelonen")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="template_section_key")
        ]

    def __str__(self) -> str:
        return self.title


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="AssessmentHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Assessment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="+")
    law = models.CharField(_("lov"), max_length=3, choices=Law.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DECIDED,
    )
    aware_at = models.DateTimeField(_("kommunen blev opmærksom"))
    # the § 20 decision (an afgørelse: reasons and appeal guidance in the letter)
    decided_on = models.DateField(_("afgørelsen er truffet den"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    legal_basis = models.CharField(_("lovgrundlag"), max_length=20, choices=LegalBasis.choices)
    reasons = models.TextField(_("begrundelse"))
    consent_route = models.CharField(_("samtykke"), max_length=20, choices=ConsentRoute.choices)
    consents = models.ManyToManyField(
        "cases.Consent", blank=True, related_name="+", verbose_name=_("samtykker")
    )
    without_consent_reasons = models.TextField(
        _("begrundelse for at gå videre uden samtykke"), blank=True
    )
    # the plan
    focus_areas = models.TextField(_("fokusområder"), blank=True)
    start_date = models.DateField(_("startdato"))
    planned_end = models.DateField(_("planlagt afslutning"))
    # midway
    midway_at = models.DateTimeField(null=True, blank=True)
    midway_focus_holds = models.BooleanField(_("holder fokusområderne stadig?"), null=True)
    midway_text = models.TextField(_("midtvejsstatus"), blank=True)
    # the draft to the family and their comments (an addition to the investigation)
    draft_sent_at = models.DateTimeField(null=True, blank=True)
    family_comments = models.TextField(_("familiens bemærkninger"), blank=True)
    comments_recorded_at = models.DateTimeField(null=True, blank=True)
    # the conclusion (Barnets Lov § 22, stk. 6)
    concluded_on = models.DateField(_("afsluttet den"), null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    needs_support = models.BooleanField(_("har barnet behov for støtte?"), null=True)
    support_kind = models.TextField(_("hvilken støtte"), blank=True)
    conclusion_reasons = models.TextField(_("begrundelse"), blank=True)
    child_view = models.TextField(_("barnets syn"), blank=True)
    no_conversation_reason = models.TextField(
        _("hvorfor der ikke er holdt børnesamtale"), blank=True
    )
    parents_view = models.TextField(_("forældrenes syn"), blank=True)
    # the provisional assessment when 4 months pass (Barnets Lov § 20, stk. 3, 2. pkt.)
    provisional_at = models.DateTimeField(null=True, blank=True)
    provisional_text = models.TextField(_("foreløbig vurdering"), blank=True)
    provisional_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    create_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("børnefaglig undersøgelse")
        verbose_name_plural = _("børnefaglige undersøgelser")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=list(OPEN_STATUSES)),
                name="assessment_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssessmentStatus.CONCLUDED) | Q(concluded_at__isnull=False),
                name="assessment_concluded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Børnefaglig undersøgelse"))

    @property
    def is_open(self) -> bool:
        return self.status != AssessmentStatus.CONCLUDED

    @property
    def legal_reference(self) -> str:
        return "Barnets Lov §§ 20–22" if self.law == Law.BL else "Serviceloven § 50"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="AssessmentSectionHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class AssessmentSection(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="sections")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("tekst"), blank=True)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("afsnit")
        verbose_name_plural = _("afsnit")
        ordering = ["section__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "section"], name="assessment_section_once"
            )
        ]

    def __str__(self) -> str:
        return self.section.title


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="AssessmentActivityHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class AssessmentActivity(models.Model):
    """A planned activity: a conversation with the child (Barnets Lov § 5), a home visit, a
    dialogue meeting or a statement requested from a professional. Recorded as held (with
    what was learnt and its source) or not held (with why — Slagelse: every case shows a
    home visit or why not)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("aktivitet"), max_length=30, choices=ActivityKind.choices)
    statement_source = models.CharField(
        _("udtalelse fra"), max_length=20, choices=StatementSource.choices, blank=True
    )
    person = models.ForeignKey(
        "persons.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fagperson"),
    )
    planned_on = models.DateField(_("planlagt til"))
    answer_by = models.DateField(_("svarfrist"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    held_on = models.DateField(_("gennemført den"), null=True, blank=True)
    summary = models.TextField(_("hvad kom frem"), blank=True)
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    not_held_reason = models.TextField(_("hvorfor ikke"), blank=True)
    request_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    create_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("aktivitet i undersøgelsen")
        verbose_name_plural = _("aktiviteter i undersøgelsen")
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActivityStatus.HELD) | Q(held_on__isnull=False),
                name="assessment_activity_held_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActivityKind.STATEMENT) | ~Q(statement_source=""),
                name="assessment_statement_has_source_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class AssessmentLetter(models.Model):
    """A letter sent about the investigation (the § 20 decision, the draft, the finished
    investigation) to one person; ``send_token`` makes a double submit send nothing new."""

    class Purpose(models.TextChoices):
        DECISION = "decision", _("Afgørelse om børnefaglig undersøgelse")
        DRAFT = "draft", _("Udkast til familien")
        REPORT = "report", _("Den færdige undersøgelse")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="letters")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    person = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="+")
    letter = models.ForeignKey("letters.Letter", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    send_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return str(self.get_purpose_display())
