"""Producing letters: template text → HTML with the letterhead → PDF (WeasyPrint) → a
document on each case → the outbox."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from boernesag.accounts.selectors import municipality_get
from boernesag.cases.constants import DocumentKind
from boernesag.cases.services import document_add
from boernesag.letters.delivery import delivery_adapter
from boernesag.letters.models import Letter, LetterKind, LetterStatus, LetterTemplate
from boernesag.lib.limits import clip_to_field

DEFAULT_TEXTS = {
    LetterKind.RECEIPT: (
        "Kvittering for modtagelse af underretning",
        "Kære {{ notifier_name }}\n\n"
        "Tak for din underretning, som vi modtog den {{ received_date }}.\n\n"
        "Vi bekræfter hermed, at underretningen er modtaget i {{ municipality }}. "
        "Underretningen er vurderet inden for 24 timer, og vi behandler den efter reglerne i "
        "Barnets Lov.\n\n"
        "Du kan senere få oplyst, om underretningen har ført til en børnefaglig undersøgelse "
        "eller en indsats. Har du nye oplysninger, er du velkommen til at kontakte os.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    LetterKind.FEEDBACK: (
        "Tilbagemelding på din underretning",
        "Kære {{ notifier_name }}\n\n"
        "Du underrettede den {{ received_date }} om et barn, som du har kontakt med "
        "gennem dit arbejde.\n\n"
        "{{ outcome_text }}\n\n"
        "Af hensyn til familiens fortrolighed kan vi ikke oplyse mere om sagen.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
}


def letter_template_get(kind: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        subject, body = DEFAULT_TEXTS[kind]
        template = LetterTemplate.objects.create(kind=kind, subject=subject, body=body)
    return template


def render_pdf(*, subject: str, body: str, recipient_name: str, recipient_address: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "letters/letter.html",
        {
            "municipality": municipality_get(),
            "subject": subject,
            "body": body,
            "recipient_name": recipient_name,
            "recipient_address": recipient_address,
            "date": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()


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
    """Render the municipality's text for ``kind`` and store the PDF on every case.

    ``context`` holds only what the letter may say: never addresses of children (a child
    may have navne- og adressebeskyttelse)."""
    template = letter_template_get(kind)
    municipality = municipality_get()
    body = Template(template.body).render(
        Context(
            {**context, "municipality": municipality.name if municipality else ""}, autoescape=False
        )
    )
    subject = template.subject
    pdf = render_pdf(
        subject=subject,
        body=body,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
    )
    letter = Letter.objects.create(
        kind=kind,
        subject=subject,
        # a name and an organisation of 200 characters each do not fit the outbox's column:
        # the outbox shows the start, the letter itself the whole name
        recipient_name=clip_to_field(Letter, "recipient_name", recipient_name),
        recipient_address=recipient_address,
        recipient_email=recipient_email,
        created_by=by,
        intake_item_id=intake_item_id,
    )
    for case in cases:
        document = document_add(
            case=case,
            uploaded_by=by,
            file=SimpleUploadedFile(f"{kind}-{letter.pk}.pdf", pdf, "application/pdf"),
            title=f"{subject} ({recipient_name})",
            kind=DocumentKind.LETTER_OUT,
            document_date=timezone.localdate(),
        )
        letter.documents.add(document)
    letter.status = delivery_adapter().deliver(letter)
    letter.save(update_fields=["status"])
    return letter


@transaction.atomic
def letter_mark_sent(*, letter: Letter, status: str, by) -> Letter:
    if status == LetterStatus.TO_SEND:
        raise ValueError("choose how the letter was sent")
    letter.status, letter.sent_at, letter.sent_by = status, timezone.now(), by
    letter.save(update_fields=["status", "sent_at", "sent_by"])
    return letter
