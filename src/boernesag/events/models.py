"""The event store: one append-only table for case and organisation events.

The database refuses UPDATE, DELETE and TRUNCATE on ``events_event`` (``@append_only``:
the guard triggers of ``conf/db_roles.py``, and the application role may only SELECT and
INSERT) — see ``migrations/0003_append_only.py`` and docs/events.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from boernesag.events.constants import ActorKind, Scope
from boernesag.lib.append_only import append_only


class EventQuerySet(models.QuerySet):
    def organisation(self):
        return self.filter(scope=Scope.ORGANISATION)

    def for_subject(self, subject_type: str, subject_id: int):
        return self.filter(subject_type=subject_type, subject_id=subject_id)


@append_only
class Event(models.Model):
    """Something that happened, when, by whom, to what — with a small typed payload declared
    in ``events.catalogue``. Case events carry the case; organisation events do not."""

    scope = models.CharField(_("omfang"), max_length=12, choices=Scope.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("hændelse"), max_length=60)
    occurred_at = models.DateTimeField(_("skete"))
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now)
    actor_kind = models.CharField(
        _("udført af (type)"), max_length=12, choices=ActorKind.choices, default=ActorKind.USER
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("udført af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_ref = models.CharField(
        _("system eller integration"),
        max_length=80,
        blank=True,
        help_text=_("Opgavens navn (system) eller API-klientens nøgle (integration)."),
    )
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        indexes = [
            models.Index(fields=["case", "-occurred_at", "-id"], name="events_case_timeline"),
            models.Index(fields=["kind", "occurred_at"], name="events_kind_time"),
            models.Index(
                fields=["subject_type", "subject_id"],
                name="events_org_subject",
                condition=Q(scope="organisation"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="case") & Q(case__isnull=False))
                | (Q(scope="organisation") & Q(case__isnull=True)),
                name="event_scope_matches_case",
            ),
            models.CheckConstraint(
                condition=~Q(actor_kind="user") | Q(actor__isnull=False),
                name="event_user_actor_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def get_kind_display(self) -> str:
        from boernesag.events.catalogue import kind_label

        return kind_label(self.kind)

    @property
    def recorded_late(self) -> bool:
        return (self.recorded_at - self.occurred_at).total_seconds() > 3600

    @property
    def subject_key(self) -> str:
        return f"{self.subject_type}:{self.subject_id}" if self.subject_type else ""

    @cached_property
    def typed(self):
        """The payload as its catalogue class (validated)."""
        from boernesag.events.catalogue import parse

        return parse(self.kind, self.payload)

    @property
    def summary(self) -> str:
        """Danish text for the timeline, made from the payload's codes (never free text)."""
        from boernesag.events.payload import PayloadError

        try:
            return self.typed.summary()
        except PayloadError:
            return ""


class LegacyPayloadValue(models.Model):
    """A value from a payload written before the typed catalogue that had no home in a domain
    row when events moved to this store (issue 10). Kept outside the append-only log, so that
    nothing was lost and retention/anonymisation can remove it later."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="legacy_values")
    key = models.CharField(max_length=60)
    value = models.JSONField()

    class Meta:
        verbose_name = _("tidligere hændelsesværdi")
        verbose_name_plural = _("tidligere hændelsesværdier")

    def __str__(self) -> str:
        return f"{self.event_id}.{self.key}"


class ProjectionRun(models.Model):
    """One run of ``projections_rebuild`` or ``projections_verify`` (also the nightly task),
    so administrators can see when derived state was last checked and what differed."""

    class Action(models.TextChoices):
        REBUILD = "rebuild", _("Genopbygning")
        VERIFY = "verify", _("Kontrol")

    name = models.CharField(_("projektion"), max_length=60)
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(_("kontrolleret"), default=0)
    differences = models.PositiveIntegerField(_("forskelle"), default=0)
    detail = models.TextField(_("detaljer"), blank=True)

    class Meta:
        verbose_name = _("kørsel af projektion")
        verbose_name_plural = _("kørsler af projektioner")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.name} {self.started_at:%Y-%m-%d %H:%M}"
