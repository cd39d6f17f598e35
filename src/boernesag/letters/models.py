"""Letter templates (editable texts), letters and the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Kvittering til underretter")
    FEEDBACK = "feedback", _("Tilbagemelding til underretter")


class LetterStatus(models.TextChoices):
    TO_SEND = "to_send", _("Skal sendes")
    DIGITAL_POST = "digital_post", _("Sendt med Digital Post")
    PRINTED = "printed", _("Printet og sendt med posten")
    EMAILED = "emailed", _("Sendt med sikker e-mail")


class LetterTemplate(models.Model):
    """The text of a letter kind, edited by administrators. The body is a Django template
    with the variables listed in ``help_text``."""

    kind = models.CharField(_("brevtype"), max_length=20, choices=LetterKind.choices, unique=True)
    subject = models.CharField(_("overskrift"), max_length=200)
    body = models.TextField(
        _("brødtekst"),
        help_text=_(
            "Variabler: {{ notifier_name }}, {{ received_date }}, {{ children }} "
            "(fornavne), {{ outcome_text }} (kun tilbagemelding), {{ caseworker }}, "
            "{{ municipality }}."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brevskabelon")
        verbose_name_plural = _("brevskabeloner")

    def __str__(self) -> str:
        return self.get_kind_display()


class Letter(models.Model):
    """A letter produced by Børnesag: stored as a PDF document on each case it concerns and
    kept in the outbox until it is delivered."""

    kind = models.CharField(_("brevtype"), max_length=20, choices=LetterKind.choices)
    subject = models.CharField(_("overskrift"), max_length=200)
    recipient_name = models.CharField(_("modtager"), max_length=200)
    recipient_address = models.TextField(_("modtagers adresse"), blank=True)
    recipient_email = models.EmailField(_("modtagers e-mail"), blank=True)
    documents = models.ManyToManyField("cases.Document", related_name="+", blank=True)
    intake_item_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.TO_SEND
    )
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
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} til {self.recipient_name}"
