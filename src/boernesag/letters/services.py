"""All writes for letters.

A letter is composed in the caller's transaction (its text filled in, its cases noted, status
*Dannes*) and put in the outbox. Everything that is slow or leaves the database — rendering
the PDF, filing it on the cases, handing it to Digital Post — runs after commit as the task
``letters.tasks.letter_process`` (see ``letters.outbox``), so a rolled-back transaction sends
nothing and no outside system is ever called while a row is locked.

A letter's status only moves along ``models.TRANSITIONS``; ``letter_transition`` refuses
anything else. When a letter is sent — delivered by the adapter or marked sent by a person —
the hooks registered with ``on_letter_sent`` run in that transaction (intake records
``receipt_sent``/``notifier_informed`` there, which stops the receipt clock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.accounts.selectors import municipality_get
from boernesag.letters import sandbox
from boernesag.letters.models import (
    TRANSITIONS,
    Letter,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    SendChannel,
)
from boernesag.letters.pdf import html_to_pdf, letter_html
from boernesag.lib.limits import clip_to_field

logger = logging.getLogger("boernesag.letters")

DEFAULT_TEXTS = {
    LetterKind.RECEIPT: (
        "Kvittering for modtagelse af underretning",
        "Kære {{ notifier_name }}\n\n"
        "Tak for din underretning{% if children %} om {{ children }}{% endif %}, som vi "
        "modtog den {{ received_date }}.\n\n"
        "Vi bekræfter hermed, at underretningen er modtaget i {{ municipality }}. "
        "Underretningen er vurderet inden for 24 timer, og vi behandler den efter reglerne i "
        "Barnets Lov.\n\n"
        "Du kan senere få oplyst, om underretningen har ført til en børnefaglig undersøgelse "
        "eller en indsats. Har du nye oplysninger, er du velkommen til at kontakte os"
        "{% if case_references %} og henvise til sagsnummer {{ case_references }}"
        "{% endif %}.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.FEEDBACK: (
        "Tilbagemelding på din underretning",
        "Kære {{ notifier_name }}\n\n"
        "Du underrettede den {{ received_date }} om et barn, som du har kontakt med "
        "gennem dit arbejde{% if children %} ({{ children }}){% endif %}.\n\n"
        "{{ outcome_text }}\n\n"
        "Af hensyn til familiens fortrolighed kan vi ikke oplyse mere om sagen.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.HEARING: (
        "Partshøring før afgørelse",
        "Kære {{ recipient_name }}\n\n"
        "Vi forventer at træffe følgende afgørelse om {{ child_name }} (sag {{ case_reference }}):"
        "\n\n{{ decision_text }}\n\nLovgrundlag: {{ legal_basis }}\n\n"
        "Før vi træffer afgørelsen, vil vi gerne høre dine bemærkninger til disse oplysninger "
        "(partshøring efter forvaltningslovens § 19):\n\n{{ information }}\n\n"
        "Du kan sende dine bemærkninger til os senest den {{ answer_due }}. Hører vi ikke fra "
        "dig inden da, træffer vi afgørelsen på det foreliggende grundlag.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.DECISION: (
        "Afgørelse",
        "Kære {{ recipient_name }}\n\n"
        "Vi har den {{ decided_date }} truffet afgørelse om {{ child_name }} "
        "(sag {{ case_reference }}).\n\n"
        "Afgørelse\n{{ decision_text }}\n\n"
        "{% if purpose %}Formål\n{{ purpose }}\n\n{% endif %}"
        "Lovgrundlag\n{{ legal_basis }}\n\n"
        "Begrundelse\n{{ reasons }}\n\n"
        "{{ appeal_guidance }}\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.APPEAL_FORWARDED: (
        "Din klage er sendt til Ankestyrelsen",
        "Kære {{ recipient_name }}\n\n"
        "Vi modtog den {{ received_date }} din klage over afgørelsen af {{ decided_date }} om "
        "{{ child_name }} (sag {{ case_reference }}).\n\n"
        "{{ reconsideration }}\n\n"
        "Vi har derfor den {{ forwarded_date }} sendt klagen og sagens akter til "
        "Ankestyrelsen, som behandler den videre. Du hører fra Ankestyrelsen.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.PLAN: (
        "Plan for barnet",
        "Kære {{ recipient_name }}\n\n"
        "{% if professional %}Med familiens samtykke sender vi dig {{ plan_title }} for "
        "{{ child_name }}, så du kender målene og din del af arbejdet."
        "{% else %}Her er {{ plan_title }} for {{ child_name }}, som vi har lavet sammen."
        "{% endif %} Planen er udarbejdet efter {{ plan_law }} (version {{ plan_version }} af "
        "{{ plan_date }}).\n\n"
        "{{ plan_content }}\n\n"
        "Har du spørgsmål til planen, eller er der noget, der ikke passer, er du velkommen til "
        "at kontakte mig.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.ASSESSMENT_DECISION: (
        "Afgørelse om børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\n"
        "Vi har den {{ decision_date }} truffet afgørelse om at gennemføre en børnefaglig "
        "undersøgelse af {{ child_name }}s forhold.\n\n"
        "Lovgrundlag: {{ legal_basis }}.\n\n"
        "Begrundelse:\n{{ reasons }}\n\n"
        "{% if focus_areas %}Undersøgelsen vil især se på:\n{{ focus_areas }}\n\n{% endif %}"
        "Sådan foregår undersøgelsen: Vi gennemfører undersøgelsen så vidt muligt i samarbejde "
        "med jer (Barnets Lov § 22, stk. 2). Vi taler med {{ child_name }} (Barnets Lov § 5), "
        "besøger jer og kan bede fagpersoner om udtalelser. I får et udkast til undersøgelsen, "
        "så I kan komme med bemærkninger, før den afsluttes. Undersøgelsen skal være afsluttet "
        "senest {{ deadline }} (4 måneder, Barnets Lov § 20, stk. 3); vi forventer at være "
        "færdige {{ planned_end }}.\n\n"
        "{{ consent_text }}\n\n"
        "Jeres rettigheder: I kan have en bisidder med til møder, I har ret til aktindsigt i "
        "sagen, og I kan til enhver tid kontakte mig.\n\n"
        "{{ appeal_guidance }}\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.STATEMENT_REQUEST: (
        "Anmodning om udtalelse",
        "Kære {{ recipient_name }}\n\n"
        "Vi er i gang med en børnefaglig undersøgelse af {{ child_name }} og beder dig om en "
        "udtalelse som {{ source }}.\n\n"
        "{% if focus_areas %}Vi er især interesserede i:\n{{ focus_areas }}\n\n{% endif %}"
        "Beskriv gerne både barnets ressourcer og udfordringer, og skriv hvor dine oplysninger "
        "kommer fra. Vi beder om udtalelsen senest {{ answer_by }}.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.ASSESSMENT_DRAFT: (
        "Udkast til børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\n"
        "Her er udkastet til den børnefaglige undersøgelse af {{ child_name }}"
        "{% if part %} ({{ part }}){% endif %}. Læs det gerne, og giv os jeres bemærkninger "
        "senest {{ comments_by }}. Jeres bemærkninger kommer med i undersøgelsen.\n\n"
        "{{ assessment_content }}\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.ASSESSMENT_REPORT: (
        "Børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\n"
        "Den børnefaglige undersøgelse af {{ child_name }} er afsluttet"
        "{% if part %} ({{ part }}){% endif %}. Her er undersøgelsen.\n\n"
        "{{ assessment_content }}\n\n"
        "Har I spørgsmål, er I velkomne til at kontakte mig.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.MEASURE_START: (
        "Orientering om indsats",
        "Kære {{ recipient_name }}\n\n"
        "{{ municipality }} har iværksat {{ service }} for {{ child_name }} hos jer fra "
        "{{ start_date }}: {{ volume }}{% if expected_end %}, forventet til {{ expected_end }}"
        "{% endif %}.\n\n"
        "{% if purpose %}Formålet med indsatsen:\n{{ purpose }}\n\n{% endif %}"
        "{% if goals %}Målene i barnets plan:\n{{ goals }}\n\n{% endif %}"
        "{% if contacts %}Kontaktpersoner:\n{{ contacts }}\n\n{% endif %}"
        "{% if consent_note %}{{ consent_note }}\n\n{% endif %}"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.REPORT_REQUEST: (
        "Anmodning om statusrapport",
        "Kære {{ recipient_name }}\n\n"
        "Vi holder statusmøde om {{ service }} for {{ child_name }} den {{ meeting_date }} og "
        "beder om jeres skriftlige statusrapport senest {{ report_due }}.\n\n"
        "{% if goals %}Beskriv gerne, hvordan det går med målene i barnets plan:\n{{ goals }}"
        "\n\n{% endif %}"
        "Skriv hvad rapporten bygger på (samtaler, observationer, målinger).\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.MEASURE_END: (
        "Ophør af indsats",
        "Kære {{ recipient_name }}\n\n"
        "{{ service }} for {{ child_name }} ophører den {{ ended_date }}. Årsag: {{ end_reason }}."
        "\n\n{% if contract %}Ophøret sker efter kontrakten »{{ contract }}«.\n\n{% endif %}"
        "Tak for samarbejdet. Send gerne en afsluttende status.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
}

CONFLICT = _(
    "En anden har gemt skabelonen, siden du åbnede den. Det du skrev er bevaret – sammenlign "
    "med den gemte version og gem igen."
)


class InvalidTransition(ValidationError):
    """A letter status change that ``models.TRANSITIONS`` does not allow."""


# --- templates ---------------------------------------------------------------------------


def letter_template_get(kind: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        subject, body = DEFAULT_TEXTS[kind]
        template, _created = LetterTemplate.objects.get_or_create(
            kind=kind, defaults={"subject": subject, "body": body}
        )
    return template


def letter_template_preview(*, kind: str, subject: str, body: str) -> bytes:
    """The letter as the template would make it, with sample data, as PDF. Raises
    ValidationError (``subject``/``body``) when the template is not allowed or does not
    render — the administrator sees why, and nothing is saved."""
    errors: dict[str, list[str]] = {}
    try:
        sandbox.subject_check(subject)
    except ValidationError as exc:
        errors["subject"] = exc.messages
    try:
        text = sandbox.body_render(kind, body, sample_context(kind))
    except ValidationError as exc:
        errors["body"] = exc.messages
    if errors:
        raise ValidationError(errors)
    municipality = municipality_get()
    try:
        return html_to_pdf(
            letter_html(
                municipality=municipality,
                subject=subject,
                body=text,
                recipient_name=_sample_recipient(kind),
                recipient_address="Skolevej 2\n9990 Demoby",
                date=timezone.localdate(),
            )
        )
    except Exception as exc:  # whatever WeasyPrint raises: show it, save nothing
        logger.warning("Brevskabelon kunne ikke dannes: %s", type(exc).__name__)
        raise ValidationError(
            {"body": _("Brevet kunne ikke dannes som PDF: %(error)s") % {"error": exc}}
        ) from None


def _sample_recipient(kind: str) -> str:
    sample = sandbox.sample_context(kind)
    return sample.get("recipient_name") or sample.get("notifier_name") or ""


def sample_context(kind: str) -> dict[str, str]:
    municipality = municipality_get()
    context = sandbox.sample_context(kind)
    if municipality is not None:
        context["municipality"] = municipality.name
    return context


def letter_template_update(
    *, kind: str, subject: str, body: str, by, expected_version: int
) -> LetterTemplate:
    """Save a new text for a letter kind after checking it and rendering it to PDF with
    sample data; a text that does not render is refused with the reason and never saved.
    ``expected_version`` detects that someone else saved in the meantime. Every version is
    kept (pghistory)."""
    letter_template_get(kind)  # the row exists (the defaults) before it is locked
    letter_template_preview(kind=kind, subject=subject, body=body)  # before any lock
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().get(kind=kind)
        if template.version != expected_version:
            raise ValidationError(CONFLICT, code="conflict")
        template.subject, template.body = subject.strip(), body
        template.version += 1
        template.updated_by = by
        template.save()
    return template


# --- the status machine ------------------------------------------------------------------


def letter_transition(letter: Letter, to: str) -> None:
    """Move ``letter`` to status ``to`` (not saved) if ``models.TRANSITIONS`` allows it;
    otherwise refuse with a clear message. The caller holds the row lock and saves."""
    if to not in LetterStatus.values:
        raise InvalidTransition(_("Ukendt brevstatus: %(to)s") % {"to": to})
    if to not in TRANSITIONS[letter.status]:
        raise InvalidTransition(
            _("Brevet kan ikke gå fra »%(from)s« til »%(to)s«.")
            % {"from": LetterStatus(letter.status).label, "to": LetterStatus(to).label},
            code="invalid_transition",
        )
    letter.status = to


LetterSentHook = Callable[[Letter], None]
_sent_hooks: list[LetterSentHook] = []


def on_letter_sent(hook: LetterSentHook) -> LetterSentHook:
    """Register ``hook(letter)``, called in the transaction in which a letter becomes sent
    (``letter.sent_at`` is the moment it was sent). Apps above letters react to sending
    here without letters knowing them."""
    if hook not in _sent_hooks:
        _sent_hooks.append(hook)
    return hook


def letter_record_sent(letter: Letter, *, channel: str, by=None, at: datetime | None = None):
    """Mark ``letter`` (locked by the caller) as sent now and run the sent hooks."""
    if channel not in SendChannel.values:
        raise ValidationError(_("Vælg hvordan brevet er sendt."), code="channel")
    letter_transition(letter, LetterStatus.SENT)
    letter.channel = channel
    letter.sent_at = at or timezone.now()
    letter.sent_by = by
    letter.claimed_until = letter.next_attempt_at = None
    letter.save(
        update_fields=[
            "status",
            "channel",
            "sent_at",
            "sent_by",
            "claimed_until",
            "next_attempt_at",
        ]
    )
    for hook in _sent_hooks:
        hook(letter)


# --- letters -----------------------------------------------------------------------------


def letter_enqueue(letter_id: int, *, run_after: datetime | None = None) -> None:
    """Nudge the worker to advance a letter. Called on commit. The letter row is the outbox:
    a lost nudge only delays it until ``letters_outbox`` (or the next retry) picks it up."""
    from boernesag.letters.tasks import letter_process

    task = letter_process
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend: the sweep retries when the time has come
        task = task.using(run_after=run_after)
    task.enqueue(letter_id)


@transaction.atomic
def letter_create(
    *,
    kind: str,
    cases,
    context: dict,
    recipient_name: str,
    recipient_address: str = "",
    recipient_email: str = "",
    by,
    intake_item_id: int | None = None,
) -> Letter:
    """Compose the municipality's text for ``kind`` and put the letter in the outbox. The
    PDF is made, filed on every case in ``cases`` and delivered after commit.

    ``context`` holds only what the letter may say (the variables of its kind, see
    ``letters.sandbox``): never addresses of children (a child may have navne- og
    adressebeskyttelse) nor CPR numbers. Values are text: whatever they contain is printed
    as text, never interpreted."""
    template = letter_template_get(kind)
    municipality = municipality_get()
    try:
        body = sandbox.body_render(
            kind,
            template.body,
            {**context, "municipality": municipality.name if municipality else ""},
        )
    except ValidationError as exc:
        raise ValidationError(
            _("Brevskabelonen »%(kind)s« kan ikke bruges: %(error)s Ret den under Brevskabeloner.")
            % {"kind": template.get_kind_display(), "error": " ".join(exc.messages)}
        ) from None
    letter = Letter.objects.create(
        kind=kind,
        subject=template.subject,
        body=body,
        # "name, organisation" may be 200 + 200 characters (the intake form's limits) and
        # the column holds 200: clipped with "…" rather than failing the receipt. Only
        # absurdly long names are affected; the letter's salutation has the full name.
        recipient_name=clip_to_field(Letter, "recipient_name", recipient_name),
        recipient_address=recipient_address,
        recipient_email=recipient_email,
        created_by=by,
        created_at=timezone.now(),
        intake_item_id=intake_item_id,
        status=LetterStatus.RENDERING,
    )
    letter.cases.set(list(cases))
    transaction.on_commit(partial(letter_enqueue, letter.pk))
    return letter


def letter_pdf_render(letter: Letter) -> bytes:
    """The letter's PDF, from what is stored on the letter. Pure: writes nothing."""
    return html_to_pdf(
        letter_html(
            municipality=municipality_get(),
            subject=letter.subject,
            body=letter.body,
            recipient_name=letter.recipient_name,
            recipient_address=letter.recipient_address,
            date=timezone.localdate(letter.created_at),
        )
    )


@transaction.atomic
def letter_mark_sent(*, letter: Letter, channel: str, by) -> Letter:
    """A person sent the letter (Digital Post by hand, printed and posted, secure e-mail).
    The time of sending is now; what depends on sending (the receipt clock) counts from it.
    Only a letter waiting in the outbox, or one whose delivery failed, can be marked sent."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status in (LetterStatus.RENDERING, LetterStatus.DELIVERING):
        # the worker owns it: marking it sent by hand now could send it twice (on paper
        # and through Digital Post) — e.g. from a page shown before a colleague's "Prøv igen"
        raise InvalidTransition(
            _(
                "Brevet er ved at blive dannet eller sendt af Børnesag. Vent, til det står "
                "som »Skal sendes«, »Sendt« eller »Fejlet«."
            ),
            code="in_progress",
        )
    if letter.status == LetterStatus.FAILED and not letter.documents.exists():
        raise InvalidTransition(
            _("Brevet er ikke dannet som PDF endnu: prøv at danne det igen."),
            code="not_rendered",
        )
    letter_record_sent(letter, channel=channel, by=by)
    return letter


@transaction.atomic
def letter_retry(*, letter: Letter, by) -> Letter:
    """Try a failed letter again from where it failed, with a fresh count of attempts."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    rendered = letter.documents.exists()
    letter_transition(letter, LetterStatus.DELIVERING if rendered else LetterStatus.RENDERING)
    letter.attempts = 0
    letter.failed_at = letter.next_attempt_at = letter.claimed_until = None
    letter.last_error = ""
    letter.save(
        update_fields=[
            "status",
            "attempts",
            "failed_at",
            "next_attempt_at",
            "claimed_until",
            "last_error",
        ]
    )
    logger.info("Brev %s sat til at blive prøvet igen af bruger %s", letter.pk, by.pk)
    transaction.on_commit(partial(letter_enqueue, letter.pk))
    return letter
