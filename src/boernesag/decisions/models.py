"""Decisions (afgørelser), hearings (partshøring), approvals by the authority matrix
(kompetenceplan) and appeals (klager). See docs/decisions.md.

Nothing here is ever deleted: a decision that is changed is followed by a new decision
(``replaces``); appeals, approvals and hearings stay with the decision they concern.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.decisions.constants import (
    AppealStatus,
    DecisionKind,
    DecisionStatus,
    Level,
    Outcome,
    Ruling,
    TemporaryResolution,
)
from boernesag.lib.append_only import append_only

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="AuthorityRuleHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class AuthorityRule(models.Model):
    """One row of the authority matrix (kompetenceplan): the ``level`` may decide decisions
    of ``kind`` up to ``max_yearly_cost`` kr. a year (empty: no limit), and — if
    ``outside_frame`` — also a volume outside the catalogue service's frame. Refusals are
    decided at the level a grant of the same kind and cost would need. Edited by
    administrators; seeded with Demo Kommune's plan (migration 0002)."""

    level = models.CharField(_("hvem"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("afgørelsestype"), max_length=30, choices=DecisionKind.choices)
    max_yearly_cost = models.DecimalField(
        _("højst (kr. om året)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    outside_frame = models.BooleanField(_("også uden for indsatsens ramme"), default=False)

    class Meta:
        verbose_name = _("kompetence")
        verbose_name_plural = _("kompetenceplan")
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["level", "kind"], name="authority_rule_once"),
            models.CheckConstraint(
                condition=Q(max_yearly_cost__isnull=True) | Q(max_yearly_cost__gte=0),
                name="authority_rule_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_kind_display()}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="DecisionHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Decision(models.Model):
    """A decision on a measure for the child: a grant or a refusal, with legal basis,
    reasons and appeal guidance (the letter). Under Barnets Lov § 47 the children and young
    people's committee decides (``committee``)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("sag")
    )
    kind = models.CharField(_("afgørelsestype"), max_length=30, choices=DecisionKind.choices)
    outcome = models.CharField(_("resultat"), max_length=10, choices=Outcome.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indsats"),
    )
    provider = models.ForeignKey(
        "catalogue.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leverandør"),
    )
    legal_sections = models.ManyToManyField(
        "catalogue.LegalSection", related_name="+", verbose_name=_("lovgrundlag")
    )
    hours_per_week = models.PositiveIntegerField(_("timer pr. uge"), null=True, blank=True)
    starts_on = models.DateField(_("startdato"), null=True, blank=True)
    duration_weeks = models.PositiveIntegerField(
        _("forventet varighed (uger)"), null=True, blank=True
    )
    purpose = models.TextField(_("formål"), blank=True)
    reasons = models.TextField(_("begrundelse"), blank=True)
    yearly_cost = models.DecimalField(
        _("forventet udgift (kr. om året)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    outside_frame = models.BooleanField(_("uden for indsatsens ramme"), default=False)
    outside_frame_reason = models.TextField(_("begrundelse for omfang uden for rammen"), blank=True)
    # Barnets Lov § 5: the child's own view before the decision, or why it was not obtained
    child_view = models.TextField(_("barnets synspunkter"), blank=True)
    child_view_absent_reason = models.TextField(
        _("hvorfor barnets synspunkter ikke foreligger"), blank=True
    )
    # forvaltningsloven § 19
    rests_on_unseen_information = models.BooleanField(
        _("afgørelsen bygger på oplysninger, familien ikke har set"), default=False
    )
    hearing_skip_reason = models.TextField(_("hvorfor partshøring er undladt"), blank=True)
    # Barnets Lov § 91, stk. 1: the position on a plan when support is granted
    plan_needed = models.BooleanField(_("der skal udarbejdes en plan"), null=True, blank=True)
    temporary = models.BooleanField(_("midlertidig afgørelse under undersøgelsen"), default=False)
    temporary_resolution = models.CharField(
        _("den midlertidige afgørelse er"),
        max_length=20,
        choices=TemporaryResolution.choices,
        blank=True,
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # what the decision rests on (its reasons cite them): the concluded children's
    # investigation and the child's plan of the same case
    assessment = models.ForeignKey(
        "assessments.Assessment",
        verbose_name=_("børnefaglig undersøgelse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("barnets plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("ændrer afgørelsen"),
    )
    committee = models.BooleanField(_("truffet af børne- og ungeudvalget"), default=False)
    committee_meeting_on = models.DateField(_("udvalgets møde"), null=True, blank=True)
    required_level = models.CharField(
        _("kræver"), max_length=20, choices=Level.choices, default=Level.CASEWORKER
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(_("truffet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    # separation of duties: whoever created, edited or submitted the decision may not
    # approve it (decision_approve)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    editors = models.ManyToManyField(USER, blank=True, related_name="+")
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    # the version at the submission whose team leaders were told (decisions.tasks): a retry
    # of the task never sends the e-mail twice
    approval_notified_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "submit_token"], name="decision_submitted_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[DecisionStatus.DRAFT, DecisionStatus.AWAITING_APPROVAL])
                | Q(decided_at__isnull=False),
                name="decision_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.PLACEMENT_WITHOUT_CONSENT)
                | ~Q(status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT])
                | Q(committee=True),
                name="decision_section_47_by_committee",
            ),
        ]
        indexes = [models.Index(fields=["status", "required_level"], name="decision_queue")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.get_kind_display()}"

    @property
    def is_decided(self) -> bool:
        return self.status in (DecisionStatus.DECIDED, DecisionStatus.SENT)

    @property
    def is_draft(self) -> bool:
        return self.status == DecisionStatus.DRAFT


class Hearing(models.Model):
    """Partshøring (forvaltningsloven § 19) before a decision: the letter to the parties,
    the date by which they may answer, and the answer."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="hearings")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    answer_due = models.DateField(_("svarfrist"))
    information = models.TextField(_("de oplysninger, parterne høres over"))
    answered_on = models.DateField(_("svar modtaget"), null=True, blank=True)
    no_answer = models.BooleanField(_("intet svar inden fristen"), default=False)
    answer = models.TextField(_("svaret"), blank=True)
    new_information = models.BooleanField(_("svaret indeholder nye oplysninger"), default=False)
    new_information_assessment = models.TextField(_("vurdering af de nye oplysninger"), blank=True)
    answer_recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    # what the draft said when the parties were heard (outcome, kind, service, provider,
    # volume, start, duration — decisions.services.hearing_basis): a draft changed on any of
    # these after the hearing is a different decision and needs a new hearing
    heard_basis = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("partshøring")
        verbose_name_plural = _("partshøringer")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "submit_token"], name="hearing_submit_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Partshøring {self.sent_at:%d.%m.%Y}"

    @property
    def is_closed(self) -> bool:
        return self.answered_on is not None or self.no_answer


@append_only
class Approval(models.Model):
    """Approval or rejection of a decision above the author's authority, with reasons.
    Append-only in practice: every step is a row."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="approvals")
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    approved = models.BooleanField(_("godkendt"))
    reasons = models.TextField(_("begrundelse"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    committee_meeting_on = models.DateField(_("udvalgets møde"), null=True, blank=True)

    class Meta:
        verbose_name = _("godkendelse")
        verbose_name_plural = _("godkendelser")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{'Godkendt' if self.approved else 'Afvist'} {self.at:%d.%m.%Y}"


class DecisionLetter(models.Model):
    """Which letter went to which party for a decision, hearing or forwarded appeal."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    letter = models.OneToOneField("letters.Letter", on_delete=models.PROTECT, related_name="+")
    hearing = models.ForeignKey(
        Hearing, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    appeal = models.ForeignKey(
        "Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    party = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="+")
    party_is_child = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Brev {self.letter_id} til {self.party_id}"


class Appeal(models.Model):
    """A complaint against a decision: the municipality reconsiders within 4 weeks
    (Retssikkerhedsloven § 66), then changes the decision (a new decision) or upholds it
    and forwards the appeal to Ankestyrelsen, whose ruling is recorded later."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("klagen modtaget"))
    appellant = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("klager"),
    )
    content = models.TextField(_("klagens indhold"))
    late = models.BooleanField(_("modtaget efter klagefristen"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.RECEIVED
    )
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    reconsidered_at = models.DateTimeField(null=True, blank=True)
    reconsidered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconsideration = models.TextField(_("genvurdering"), blank=True)
    new_decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_on = models.DateField(_("sendt til Ankestyrelsen"), null=True, blank=True)
    forwarded_material = models.TextField(_("hvad er sendt med"), blank=True)
    ruling = models.CharField(
        _("Ankestyrelsens afgørelse"), max_length=20, choices=Ruling.choices, blank=True
    )
    ruled_on = models.DateField(_("Ankestyrelsens afgørelse dato"), null=True, blank=True)
    ruling_note = models.TextField(_("bemærkning til afgørelsen"), blank=True)
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ruling="") | Q(forwarded_on__isnull=False),
                name="appeal_ruling_after_forwarding",
            ),
            models.UniqueConstraint(
                fields=["decision", "submit_token"], name="appeal_submit_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Klage {self.received_on:%d.%m.%Y}"
