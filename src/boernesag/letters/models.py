"""Letter templates (editable texts), letters and the outbox."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Kvittering til underretter")
    FEEDBACK = "feedback", _("Tilbagemelding til underretter")
    # decisions (docs/decisions.md)
    HEARING = "hearing", _("Partshøring før afgørelse")
    DECISION = "decision", _("Afgørelse med klagevejledning")
    APPEAL_FORWARDED = "appeal_forwarded", _("Klage sendt videre til Ankestyrelsen")
    PLAN = "plan", _("Barnets plan, ungeplan eller handleplan")
    # the children's investigation (docs/investigation.md)
    ASSESSMENT_DECISION = "assessment_decision", _("Afgørelse om børnefaglig undersøgelse")
    STATEMENT_REQUEST = "statement_request", _("Anmodning om udtalelse")
    ASSESSMENT_DRAFT = "assessment_draft", _("Udkast til børnefaglig undersøgelse")
    ASSESSMENT_REPORT = "assessment_report", _("Børnefaglig undersøgelse")
    # measures (docs/measures.md): to the provider
    MEASURE_START = "measure_start", _("Orientering om indsats til leverandør")
    REPORT_REQUEST = "report_request", _("Anmodning om statusrapport fra leverandør")
    MEASURE_END = "measure_end", _("Ophør af indsats – til leverandør")


# Letters addressed to the notifier name the notifier: they are filed on the cases for the
# notifier's audience only (cases.DocumentAudience.NOTIFIER).
NOTIFIER_KINDS = frozenset({LetterKind.RECEIPT, LetterKind.FEEDBACK})


class LetterStatus(models.TextChoices):
    RENDERING = "rendering", _("Dannes")
    DELIVERING = "delivering", _("Sendes")
    TO_SEND = "to_send", _("Skal sendes")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Fejlet")


# The only moves a letter can make (services.letter_transition refuses every other):
# rendered to PDF and filed → handed to the delivery adapter → delivered, or left for a person
# to send (the local outbox) → marked sent. Rendering and delivery that keep failing end in
# FAILED, from where a person retries or sends the PDF by hand.
TRANSITIONS: dict[str, frozenset[str]] = {
    LetterStatus.RENDERING: frozenset({LetterStatus.DELIVERING, LetterStatus.FAILED}),
    LetterStatus.DELIVERING: frozenset(
        {LetterStatus.SENT, LetterStatus.TO_SEND, LetterStatus.FAILED}
    ),
    LetterStatus.TO_SEND: frozenset({LetterStatus.SENT}),
    LetterStatus.FAILED: frozenset(
        {LetterStatus.RENDERING, LetterStatus.DELIVERING, LetterStatus.SENT}
    ),
    LetterStatus.SENT: frozenset(),
}


class SendChannel(models.TextChoices):
    DIGITAL_POST = "digital_post", _("Sendt med Digital Post")
    PRINTED = "printed", _("Printet og sendt med posten")
    EMAILED = "emailed", _("Sendt med sikker e-mail")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    model_name="LetterTemplateHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class LetterTemplate(models.Model):
    """The text of a letter kind, edited by administrators on *Brevskabeloner*. The body is
    plain text with a small template language (``letters.sandbox``): the variables of its
    kind, ``{% if %}`` and ``{% comment %}``, nothing that reaches the system. Every version
    is kept (pghistory)."""

    kind = models.CharField(_("brevtype"), max_length=20, choices=LetterKind.choices, unique=True)
    subject = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(_("brødtekst"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ændret af"),
    )

    class Meta:
        verbose_name = _("brevskabelon")
        verbose_name_plural = _("brevskabeloner")

    def __str__(self) -> str:
        return self.get_kind_display()


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=["status", "channel", "attempts", "last_error", "sent_at", "sent_by"],
    model_name="LetterStatusHistory",
    obj_field=pghistory.ObjForeignKey(related_name="status_history"),
)
class Letter(models.Model):
    """A letter produced by Børnesag, and its place in the outbox.

    Created with its text in the writing transaction; rendered to PDF, filed on each case
    and handed to the delivery adapter after commit, by ``letters.tasks.letter_process``
    (``letters.outbox``). ``key`` is the idempotency key the adapter receives, so a retried
    delivery never delivers twice."""

    kind = models.CharField(_("brevtype"), max_length=20, choices=LetterKind.choices)
    subject = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(_("brødtekst"), blank=True)
    recipient_name = models.CharField(_("modtager"), max_length=200)
    recipient_address = models.TextField(_("modtagers adresse"), blank=True)
    recipient_email = models.EmailField(_("modtagers e-mail"), blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="+", blank=True)
    documents = models.ManyToManyField("cases.Document", related_name="+", blank=True)
    intake_item_id = models.BigIntegerField(null=True, blank=True)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.RENDERING
    )
    channel = models.CharField(
        _("sendt som"), max_length=20, choices=SendChannel.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("seneste fejl"), max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("brev")
        verbose_name_plural = _("breve")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LetterStatus.values), name="letter_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=LetterStatus.SENT)
                | (Q(sent_at__isnull=False) & ~Q(channel="")),
                name="letter_sent_has_time_and_channel",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="letter_outbox_due",
                condition=Q(status__in=["rendering", "delivering"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} til {self.recipient_name}"

    @property
    def names_notifier(self) -> bool:
        return self.kind in NOTIFIER_KINDS
