"""The case and everything recorded on it."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.cases.constants import (
    ConsentForm,
    ConsentScope,
    DocumentAudience,
    DocumentKind,
    JournalKind,
    MeetingKind,
    Phase,
)
from boernesag.events.models import Event
from boernesag.lib.append_only import append_only
from boernesag.lib.media import media_dir

USER = settings.AUTH_USER_MODEL


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def visible_to(self, user):
        """Need-to-know as a filter, for lists (see cases/access.py). Reading one case or
        child, and logging the read, is ``cases.gate``."""
        from boernesag.cases.access import case_visibility_q

        return self.filter(case_visibility_q(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="CaseHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Case(models.Model):
    child = models.ForeignKey(
        "persons.Person", verbose_name=_("barn"), on_delete=models.PROTECT, related_name="cases"
    )
    caseworker = models.ForeignKey(
        USER,
        verbose_name=_("sagsbehandler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    team = models.ForeignKey(
        "accounts.Unit", verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    opened_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    opened_reason = models.TextField(_("begrundelse for oprettelse"), blank=True)
    closed_reason = models.TextField(_("begrundelse for afslutning"), blank=True)
    # Derived from the events (projections "case_state" and "responsibility", see
    # cases/projections.py): never set these directly.
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.INQUIRY)
    last_activity_at = models.DateTimeField(_("seneste aktivitet"), default=timezone.now)
    last_activity_kind = models.CharField(max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        ordering = ["-last_activity_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_at__isnull=True),
                name="case_one_open_per_child",
                violation_error_message=_("Barnet har allerede en åben sag."),
            )
        ]
        indexes = [
            models.Index(fields=["caseworker", "closed_at"], name="case_caseworker_open"),
            models.Index(fields=["team", "closed_at"], name="case_team_open"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.opened_at:%Y}-{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def get_last_activity_kind_display(self) -> str:
        from boernesag.events.catalogue import kind_label

        return kind_label(self.last_activity_kind) if self.last_activity_kind else ""


# Case events live in the event store (events.Event, table events_event) since issue 10.
# The old name stays importable for code written before; new code uses events.models.Event.
CaseEvent = Event


class Reassignment(models.Model):
    """Who moved a case from whom to whom, and why. The event ``case_reassigned`` references
    this row, so the reason (free text) stays out of the append-only event log."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reassignments")
    from_team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("fra team")
    )
    from_caseworker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("til team")
    )
    to_caseworker = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("begrundelse"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("omfordeling")
        verbose_name_plural = _("omfordelinger")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_team_id} → {self.to_team_id}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="JournalEntryHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class JournalEntry(models.Model):
    """Notatpligt (offentlighedsloven § 13). Corrected only by the author within the window;
    after that only an addendum. pghistory keeps every earlier text."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(
        _("type"), max_length=30, choices=JournalKind.choices, default=JournalKind.NOTE
    )
    title = models.CharField(_("overskrift"), max_length=200)
    text = models.TextField(_("tekst"))
    occurred_on = models.DateField(_("dato for det noterede"))
    author = models.ForeignKey(
        USER, verbose_name=_("forfatter"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("skrevet"), default=timezone.now)
    corrected_at = models.DateTimeField(_("rettet"), null=True, blank=True)
    addendum_to = models.ForeignKey(
        "self",
        verbose_name=_("tilføjelse til"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
    )
    search = models.GeneratedField(
        expression=SearchVector("title", "text", config="danish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("journalnotat")
        verbose_name_plural = _("journalnotater")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            GinIndex(fields=["search"], name="journal_search"),
            models.Index(fields=["case", "-occurred_on", "-id"], name="journal_case_order"),
        ]

    def __str__(self) -> str:
        return self.title


@media_dir("cases")
def document_path(instance, filename: str) -> str:
    # Never the original name or anything personal in the path.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="DocumentHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    document_date = models.DateField(_("dokumentets dato"))
    audience = models.CharField(
        _("hvem må åbne dokumentet"),
        max_length=20,
        choices=DocumentAudience.choices,
        default=DocumentAudience.CASE,
    )
    file = models.FileField(_("fil"), upload_to=document_path, max_length=255)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=100)
    size = models.PositiveBigIntegerField(_("størrelse"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["-document_date", "-id"]

    def __str__(self) -> str:
        return self.title


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="MeetingHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Meeting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("mødetype"), max_length=30, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("tidspunkt"))
    agenda = models.TextField(_("dagsorden"), blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    staff = models.ManyToManyField(
        USER, verbose_name=_("deltagere fra kommunen"), blank=True, related_name="+"
    )
    persons = models.ManyToManyField(
        "persons.Person", verbose_name=_("deltagende personer"), blank=True, related_name="+"
    )
    other_participants = models.TextField(
        _("andre deltagere"), blank=True, help_text=_("Fx skole, sundhedsplejerske, PPR.")
    )
    # Barnets Lov § 21, stk. 5: significant meetings with the child during an investigation
    # in a case without earlier measures are as a rule held with two caseworkers.
    second_caseworker = models.ForeignKey(
        USER,
        verbose_name=_("anden børne- og ungerådgiver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_caseworker_absent_reason = models.TextField(
        _("begrundelse for kun én rådgiver"), blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="ConsentHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Consent(models.Model):
    """Consent from a custody holder or a young person aged 15+ (BL §§ 22, 46)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    given_by = models.ForeignKey(
        "persons.Person", verbose_name=_("givet af"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("samtykke til"), max_length=30, choices=ConsentScope.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices)
    given_on = models.DateField(_("givet"))
    valid_until = models.DateField(_("gælder til"), null=True, blank=True)
    withdrawn_on = models.DateField(_("trukket tilbage"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_by})"

    def is_active_on(self, day) -> bool:
        return (
            self.given_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


class StatusAnswer(models.TextChoices):
    """A closure checklist item is either done (with its date and how/source) or not done
    with the reason why not."""

    YES = "yes", _("Ja")
    NO = "no", _("Nej – begrundelse")


class TellAnswer(models.TextChoices):
    TOLD = "told", _("Orienteret")
    NOT_RELEVANT = "not_relevant", _("Ikke relevant")


@append_only
class CaseClosure(models.Model):
    """The closure checklist as it was answered when the caseworker closed the case (issue 13,
    DOMAIN.md §3 phase 8): dialogue with the child and the parents, current status from
    school/daycare and from the provider, the final assessment and who was told. Each item is
    done (date and how/source) or not done with a reason. What is missing is decided by the
    checklist registry (``cases/closure.py``); the event ``case_closed`` references this row,
    so the free text stays out of the event log. One row per closure (a case closed, reopened
    and closed again has two)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures")
    reason = models.TextField(_("begrundelse for afslutning"))
    child_dialogue = models.CharField(
        _("dialog med barnet/den unge"), max_length=10, choices=StatusAnswer.choices, blank=True
    )
    child_dialogue_on = models.DateField(_("dato for dialogen med barnet"), null=True, blank=True)
    child_dialogue_how = models.TextField(_("hvordan (samtale, hjemmebesøg …)"), blank=True)
    child_dialogue_why_not = models.TextField(_("hvorfor ikke"), blank=True)
    parents_dialogue = models.CharField(
        _("dialog med forældrene"), max_length=10, choices=StatusAnswer.choices, blank=True
    )
    parents_dialogue_on = models.DateField(
        _("dato for dialogen med forældrene"), null=True, blank=True
    )
    parents_dialogue_how = models.TextField(_("hvordan"), blank=True)
    parents_dialogue_why_not = models.TextField(_("hvorfor ikke"), blank=True)
    school_status = models.CharField(
        _("aktuel status fra skole/dagtilbud"),
        max_length=10,
        choices=StatusAnswer.choices,
        blank=True,
    )
    school_status_on = models.DateField(_("modtaget"), null=True, blank=True)
    school_status_source = models.CharField(_("fra hvem"), max_length=200, blank=True)
    school_status_why_not = models.TextField(_("hvorfor ikke"), blank=True)
    provider_status = models.CharField(
        _("aktuel status fra leverandøren"), max_length=10, choices=StatusAnswer.choices, blank=True
    )
    provider_status_on = models.DateField(_("modtaget"), null=True, blank=True)
    provider_status_source = models.CharField(_("fra hvem"), max_length=200, blank=True)
    provider_status_why_not = models.TextField(_("hvorfor ikke"), blank=True)
    final_assessment = models.TextField(_("afsluttende vurdering"), blank=True)
    parties_told_on = models.DateField(_("parterne orienteret"), null=True, blank=True)
    notifier_told = models.CharField(
        _("underretteren"), max_length=20, choices=TellAnswer.choices, blank=True
    )
    provider_told = models.CharField(
        _("leverandøren"), max_length=20, choices=TellAnswer.choices, blank=True
    )
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("afslutning af sag")
        verbose_name_plural = _("afslutninger af sager")
        ordering = ["-closed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.closed_at:%Y-%m-%d}"


@append_only
class ClosureExplanation(models.Model):
    """An item a closure check listed that the caseworker explained instead of resolving — a
    deadline still running when the case closed (``check_key``: the registry key, ``ref``: what
    it is about, e.g. ``assessment_duration:1``). ``label`` is the item as it was shown, so
    the explanation keeps its meaning after the clock was cancelled by ``case_closed``."""

    closure = models.ForeignKey(CaseClosure, on_delete=models.PROTECT, related_name="explanations")
    check_key = models.CharField(max_length=60)
    ref = models.CharField(max_length=80)
    label = models.CharField(max_length=300)
    text = models.TextField(_("forklaring"))

    class Meta:
        verbose_name = _("forklaring ved afslutning")
        verbose_name_plural = _("forklaringer ved afslutning")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["closure", "check_key", "ref"], name="closure_explanation_once"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ReopenCause(models.TextChoices):
    MANUAL = "manual", _("Genåbnet af sagsbehandler")
    REPORT = "report", _("Ny henvendelse i modtagelsen")


@append_only
class CaseReopening(models.Model):
    """Why a closed case was opened again (the event ``case_reopened`` references this row).
    ``intake_child_id``: the report (``intake.IntakeChild``) that reopened it through intake
    — an id, not a foreign key: intake is built on cases, not the other way round."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reopenings")
    reason = models.TextField(_("begrundelse for genåbning"))
    cause = models.CharField(max_length=10, choices=ReopenCause.choices)
    intake_child_id = models.PositiveBigIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(_("var afsluttet"))
    closed_reason = models.TextField(_("begrundelse for afslutningen"), blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("genåbning af sag")
        verbose_name_plural = _("genåbninger af sager")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


class StepKind(models.TextChoices):
    """Work that starts or stops a legal deadline and has no other home (``cases/steps.py``)."""

    POLICE_DOCUMENTATION = "police_documentation", _("Politiets dokumentation modtaget")
    NETWORK_MEETING = "network_meeting", _("Netværksmøde og foreløbig plan")
    TREATMENT_REQUEST = "treatment_request", _("Anmodning om misbrugsbehandling")
    TREATMENT_OFFER = "treatment_offer", _("Misbrugsbehandling tilbudt")
    YOUTH_PLAN_POSITION = "youth_plan_position", _("Stillingtagen til ungeplan uden plan")
    YOUTH_SUPPORT = "youth_support", _("Afgørelse om ungestøtte/efterværn")


class YouthSupportOutcome(models.TextChoices):
    GRANTED = "granted", _("Ungestøtte/efterværn bevilget")
    REFUSED = "refused", _("Afslag på ungestøtte/efterværn")
    DECLINED = "declined", _("Den unge ønsker ikke støtte efter 18 år")


@append_only
class CaseStep(models.Model):
    """A recorded step that starts or stops a legal deadline (police documentation and the
    network meeting; a request for substance-abuse treatment and the offer; the position on a
    youth plan without a plan; the position on youth support before 18). The text (what
    happened, the reasons) is here; the event references the row."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("type"), max_length=30, choices=StepKind.choices)
    occurred_on = models.DateField(_("dato"))
    note = models.TextField(_("beskrivelse og begrundelse"), blank=True)
    outcome = models.CharField(
        _("afgørelse"), max_length=20, choices=YouthSupportOutcome.choices, blank=True
    )
    answers = models.ForeignKey(
        "self",
        verbose_name=_("svar på"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_by",
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("registrering")
        verbose_name_plural = _("registreringer")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"
