"""All writes for intake. Each service runs in one transaction and writes case events, which
open and close the deadline clocks (24 hours, 6 weekdays, 4 months)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, TeamMembership, Unit
from boernesag.cases.constants import EventKind
from boernesag.cases.events import event_record
from boernesag.cases.models import Case, CaseEvent, JournalEntry
from boernesag.cases.services import case_close, case_open, case_reassign
from boernesag.intake.constants import (
    CLOSING_OUTCOMES,
    BarnehusChoice,
    IntakeKind,
    Outcome,
)
from boernesag.intake.models import IntakeChild, IntakeItem
from boernesag.letters.models import Letter, LetterKind, LetterStatus
from boernesag.letters.services import letter_create
from boernesag.persons.cpr import CprError, parse_cpr
from boernesag.persons.models import Person
from boernesag.persons.services import person_create

BACKDATE_TOLERANCE = timedelta(hours=1)


class ConflictError(Exception):
    pass


@dataclass
class ChildRef:
    cpr: str
    first_name: str = ""
    last_name: str = ""


def _child_for(ref: ChildRef, field: str) -> Person:
    try:
        number = parse_cpr(ref.cpr).number
    except CprError as exc:
        raise ValidationError({field: str(exc)}) from None
    person = Person.objects.filter(cpr=number).first()
    if person is not None:
        return person
    if not ref.first_name.strip() or not ref.last_name.strip():
        raise ValidationError(
            {field: _("Barnet findes ikke i Børnesag endnu: skriv også for- og efternavn.")}
        )
    return person_create(cpr=number, first_name=ref.first_name, last_name=ref.last_name)


def intake_team_for(user) -> Unit:
    """The team new cases start in: the registering coordinator's own team."""
    membership = (
        TeamMembership.objects.active_on(timezone.localdate())
        .filter(user=user)
        .select_related("team")
        .first()
    )
    if membership:
        return membership.team
    assignment = (
        RoleAssignment.objects.filter(
            user=user, role=Role.INTAKE_COORDINATOR, unit__kind=UnitKind.TEAM
        )
        .select_related("unit")
        .first()
    )
    if assignment:
        return assignment.unit
    raise ValidationError(_("Du er ikke medlem af et team, så sagen kan ikke oprettes."))


def _attach_case(intake_child: IntakeChild, *, by) -> Case:
    child = intake_child.child
    case = Case.objects.open().filter(child=child).first()
    if case is None:
        case = case_open(
            child=child,
            caseworker=None,
            team=intake_team_for(by),
            opened_by=by,
            reason=intake_child.item.get_kind_display(),
            opened_at=intake_child.item.received_at,
            extra_payload={"intake_child": intake_child.pk},
        )
    intake_child.case = case
    intake_child.save(update_fields=["case"])
    item = intake_child.item
    event_record(
        case=case,
        kind=EventKind.REPORT_RECEIVED,
        actor=by,
        occurred_at=item.received_at,
        subject=intake_child,
        payload={
            "intake_kind": item.kind,
            "notifier_professional": item.is_professional,
            "acute": item.acute,
            "flagged": item.is_flagged,
            "title": item.get_kind_display(),
        },
    )
    return case


@transaction.atomic
def intake_register(
    *,
    kind: str,
    channel: str,
    received_at: datetime,
    notifier_kind: str,
    content: str,
    by,
    children: list[ChildRef] = (),
    unknown_description: str = "",
    backdate_reason: str = "",
    acute: bool = False,
    reasons: list[str] = (),
    notifier_name: str = "",
    notifier_organisation: str = "",
    notifier_email: str = "",
    notifier_phone: str = "",
    notifier_address: str = "",
) -> IntakeItem:
    """Register a concern report, application or inquiry the moment it arrives.

    One item can concern several children (siblings): each gets its own assessment and its
    case (an existing open case, or a new one in the coordinator's team). A report about a
    child not yet identified is allowed."""
    now = timezone.now()
    errors = {}
    if received_at > now + timedelta(minutes=1):
        errors["received_at"] = _("Modtagelsestidspunktet kan ikke ligge i fremtiden.")
    elif received_at < now - BACKDATE_TOLERANCE and not backdate_reason.strip():
        errors["backdate_reason"] = _(
            "Skriv hvorfor henvendelsen registreres med et tidligere modtagelsestidspunkt."
        )
    if not children and not unknown_description.strip():
        errors["unknown_description"] = _(
            "Angiv mindst ét barns CPR-nummer, eller beskriv barnet, hvis det ikke kendes endnu."
        )
    if not content.strip():
        errors["content"] = _("Skriv hvad henvendelsen handler om.")
    if errors:
        raise ValidationError(errors)
    persons = []
    for index, ref in enumerate(children, start=1):
        persons.append(_child_for(ref, f"child_{index}_cpr"))
    if len({p.pk for p in persons}) != len(persons):
        raise ValidationError({"child_1_cpr": _("Det samme barn er angivet to gange.")})
    item = IntakeItem.objects.create(
        kind=kind,
        channel=channel,
        received_at=received_at,
        recorded_at=now,
        backdate_reason=backdate_reason.strip(),
        notifier_kind=notifier_kind,
        notifier_name=notifier_name.strip(),
        notifier_organisation=notifier_organisation.strip(),
        notifier_email=notifier_email.strip(),
        notifier_phone=notifier_phone.strip(),
        notifier_address=notifier_address.strip(),
        content=content.strip(),
        acute=acute,
        reasons=list(reasons),
        registered_by=by,
    )
    for person in persons:
        intake_child = IntakeChild.objects.create(item=item, child=person)
        _attach_case(intake_child, by=by)
    if not persons:
        IntakeChild.objects.create(item=item, unknown_description=unknown_description.strip())
    return item


@transaction.atomic
def intake_identify_child(*, intake_child: IntakeChild, ref: ChildRef, by) -> IntakeChild:
    """Identify the child of a report registered without one; the report then joins (or
    opens) the child's case, recorded late but counting from when it was received."""
    if intake_child.child_id:
        raise ValidationError(_("Barnet er allerede identificeret."))
    intake_child.child = _child_for(ref, "cpr")
    intake_child.save(update_fields=["child"])
    _attach_case(intake_child, by=by)
    return intake_child


@transaction.atomic
def intake_explain_unresolved(*, intake_child: IntakeChild, explanation: str, by) -> IntakeChild:
    if len(explanation.strip()) < 10:
        raise ValidationError(
            {"explanation": _("Forklar hvorfor barnet ikke kan identificeres (mindst 10 tegn).")}
        )
    intake_child.unresolved_explanation = explanation.strip()
    intake_child.assessed_at = timezone.now()
    intake_child.assessed_by = by
    intake_child.outcome = Outcome.NO_ACTION
    intake_child.reasons_text = explanation.strip()
    intake_child.save()
    return intake_child


def has_active_measure(case: Case) -> bool:
    kinds = list(
        CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.MEASURE_STARTED, EventKind.MEASURE_ENDED]
        ).values_list("kind", flat=True)
    )
    return kinds.count(EventKind.MEASURE_STARTED) > kinds.count(EventKind.MEASURE_ENDED)


def has_handled_case(user, case: Case) -> bool:
    """Responsible now or before, or has written in the journal (Barnets Lov § 137)."""
    if case.caseworker_id == user.pk:
        return True
    for payload in CaseEvent.objects.filter(case=case, kind=EventKind.CASE_REASSIGNED).values_list(
        "payload", flat=True
    ):
        if user.pk in (
            (payload.get("from") or {}).get("caseworker"),
            (payload.get("to") or {}).get("caseworker"),
        ):
            return True
    return JournalEntry.objects.filter(case=case, author=user).exists()


@transaction.atomic
def intake_assess(
    *,
    intake_child: IntakeChild,
    by,
    at_risk: bool,
    acute_needed: bool,
    outcome: str,
    reasons_text: str,
    expected_version: int,
    caseworker=None,
    team=None,
    forwarded_to: str = "",
    child_conversation_on: date | None = None,
    barnehus: str = "",
    barnehus_note: str = "",
) -> IntakeChild:
    """The 24-hour assessment of one child: risk, acute need, and what happens next."""
    item = intake_child.item
    if intake_child.is_assessed:
        raise ValidationError(_("Barnet er allerede vurderet i denne henvendelse."))
    if intake_child.case_id is None:
        raise ValidationError(
            _("Identificér barnet først, eller forklar hvorfor det ikke kan lade sig gøre.")
        )
    case = intake_child.case
    errors = {}
    if not reasons_text.strip():
        errors["reasons_text"] = _("Skriv begrundelsen for vurderingen.")
    if outcome == Outcome.FORWARDED and not forwarded_to.strip():
        errors["forwarded_to"] = _("Skriv hvilken kommune henvendelsen sendes videre til.")
    if item.is_flagged:
        if child_conversation_on is None:
            errors["child_conversation_on"] = _(
                "Ved mistanke om vold eller overgreb skal der holdes en samtale med barnet: "
                "skriv datoen (holdt eller planlagt)."
            )
        if barnehus not in BarnehusChoice.values:
            errors["barnehus"] = _("Tag stilling til børnehuset.")
        elif barnehus == BarnehusChoice.NOT_RELEVANT and not barnehus_note.strip():
            errors["barnehus_note"] = _("Begrund hvorfor børnehuset ikke er relevant.")
    if errors:
        raise ValidationError(errors)
    reassessment = item.kind == IntakeKind.CONCERN_REPORT and has_active_measure(case)
    if reassessment and has_handled_case(by, case):
        raise ValidationError(
            _(
                "Barnet har en igangværende foranstaltning. Efter Barnets Lov § 137 skal den nye "
                "underretning vurderes af en medarbejder, der ikke tidligere har behandlet sagen."
            )
        )
    now = timezone.now()
    updated = IntakeChild.objects.filter(pk=intake_child.pk, version=expected_version).update(
        version=F("version") + 1,
        assessed_at=now,
        assessed_by=by,
        at_risk=at_risk,
        acute_needed=acute_needed,
        outcome=outcome,
        reasons_text=reasons_text.strip(),
        reassessment=reassessment,
        child_conversation_on=child_conversation_on,
        barnehus=barnehus,
        barnehus_note=barnehus_note.strip(),
    )
    if not updated:
        raise ConflictError()
    intake_child.refresh_from_db()
    if outcome == Outcome.FORWARDED:
        IntakeItem.objects.filter(pk=item.pk).update(forwarded_to=forwarded_to.strip())
    event_record(
        case=case,
        kind=EventKind.REPORT_ASSESSED,
        actor=by,
        occurred_at=now,
        subject=intake_child,
        payload={
            "outcome": outcome,
            "at_risk": at_risk,
            "acute": acute_needed,
            "reassessment": reassessment,
            "title": str(Outcome(outcome).label),
        },
    )
    if outcome == Outcome.INVESTIGATION:
        # Barnets Lov § 20, stk. 3: four months from when the municipality became aware
        event_record(
            case=case,
            kind=EventKind.ASSESSMENT_STARTED,
            actor=by,
            occurred_at=now,
            subject=intake_child,
            payload={
                "title": "Besluttet ved vurdering af underretning",
                "aware_at": item.received_at.isoformat(),
            },
        )
    if caseworker is not None or (team is not None and team.pk != case.team_id):
        case.refresh_from_db()
        case_reassign(
            case=case,
            caseworker=caseworker or case.caseworker,
            team=team or case.team,
            by=by,
            reason=_("Fordelt ved modtagelsen"),
            expected_version=None,
        )
    if (
        outcome in CLOSING_OUTCOMES
        and _opened_for(case, intake_child)
        and not (
            IntakeChild.objects.filter(case=case, assessed_at__isnull=True).exists()
            or has_active_measure(case)
        )
    ):
        case_close(case=case, by=by, reason=str(Outcome(outcome).label))
    return intake_child


def _opened_for(case: Case, intake_child: IntakeChild) -> bool:
    return CaseEvent.objects.filter(
        case=case, kind=EventKind.CASE_OPENED, payload__intake_child=intake_child.pk
    ).exists()


def _notifier_check(item: IntakeItem):
    if not item.is_professional:
        raise ValidationError(
            _("Kun fagpersoner med underretningspligt får kvittering og tilbagemelding.")
        )
    if not item.notifier_name.strip():
        raise ValidationError(_("Underretterens navn mangler."))


def _notifier_letter_context(item: IntakeItem, rows, by) -> dict:
    """What a letter to the notifier may say: never a child's address or CPR number (a child
    may have navne- og adressebeskyttelse), only first names and case references."""
    names = [r.child.first_name for r in rows if r.child_id]
    children = " og ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return {
        "notifier_name": item.notifier_name,
        "received_date": f"{timezone.localtime(item.received_at):%d.%m.%Y}",
        "children": children,
        "case_references": ", ".join(sorted({r.case.reference for r in rows if r.case_id})),
        "caseworker": by.get_full_name(),
    }


def _letter_once(item: IntakeItem, kind: str) -> None:
    """A double submit must not make two letters: refuse while one of this kind exists that
    has not failed. The item row is locked, so two requests cannot both pass."""
    IntakeItem.objects.select_for_update().filter(pk=item.pk).first()
    if (
        Letter.objects.filter(intake_item_id=item.pk, kind=kind)
        .exclude(status=LetterStatus.FAILED)
        .exists()
    ):
        raise ValidationError(
            _("Der er allerede lavet en %(kind)s til denne henvendelse – se udbakken.")
            % {"kind": LetterKind(kind).label.lower()}
        )


@transaction.atomic
def receipt_send(*, item: IntakeItem, by):
    """Receipt to a professional notifier (6 weekdays, rule ``notifier_receipt``). The letter
    goes to the outbox; the receipt counts as given when it is sent (``notifier_letter_sent``),
    not when it is made."""
    _notifier_check(item)
    _letter_once(item, LetterKind.RECEIPT)
    rows = list(item.children.select_related("case", "child"))
    return letter_create(
        kind=LetterKind.RECEIPT,
        cases=[r.case for r in rows if r.case_id],
        by=by,
        recipient_name=", ".join(p for p in [item.notifier_name, item.notifier_organisation] if p),
        recipient_address=item.notifier_address,
        recipient_email=item.notifier_email,
        intake_item_id=item.pk,
        context=_notifier_letter_context(item, rows, by),
    )


def outcome_text(rows) -> str:
    started = {
        Outcome.INVESTIGATION,
        Outcome.ACUTE_MEASURE,
        Outcome.EARLY_SUPPORT,
        Outcome.EXPLORATION,
    }
    if any(r.outcome == Outcome.INVESTIGATION for r in rows):
        return "Underretningen har ført til, at kommunen har iværksat en børnefaglig undersøgelse."
    if any(r.outcome in started for r in rows):
        return "Underretningen har ført til, at kommunen har iværksat en indsats."
    return "Underretningen har ikke ført til en undersøgelse eller en indsats."


@transaction.atomic
def feedback_send(*, item: IntakeItem, by):
    """Feedback the law allows: whether an investigation or a measure was started. Counts as
    given when the letter is sent (``notifier_letter_sent``)."""
    _notifier_check(item)
    rows = list(item.children.select_related("case", "child"))
    if any(not r.is_assessed for r in rows):
        raise ValidationError(_("Alle børn skal være vurderet, før der gives tilbagemelding."))
    _letter_once(item, LetterKind.FEEDBACK)
    return letter_create(
        kind=LetterKind.FEEDBACK,
        cases=[r.case for r in rows if r.case_id],
        by=by,
        recipient_name=", ".join(p for p in [item.notifier_name, item.notifier_organisation] if p),
        recipient_address=item.notifier_address,
        recipient_email=item.notifier_email,
        intake_item_id=item.pk,
        context={**_notifier_letter_context(item, rows, by), "outcome_text": outcome_text(rows)},
    )


SENT_EVENT = {
    LetterKind.RECEIPT: EventKind.RECEIPT_SENT,
    LetterKind.FEEDBACK: EventKind.NOTIFIER_INFORMED,
}


def notifier_letter_sent(letter: Letter) -> None:
    """A receipt or feedback letter was sent (delivered through the adapter, or marked sent
    in the outbox): record it on each child's case at the moment of sending. The receipt
    clock (``notifier_receipt``, 6 weekdays, SEL § 155 b stk. 1; BL § 138 unverified) stops
    here, so a letter made in time but sent late counts as late. Registered with
    ``letters.services.on_letter_sent``; runs in the transaction that marks the letter sent."""
    kind = SENT_EVENT.get(letter.kind)
    if kind is None or letter.intake_item_id is None:
        return
    case_ids = {c.pk for c in letter.cases.all()}
    rows = IntakeChild.objects.filter(item_id=letter.intake_item_id, case_id__in=case_ids)
    for row in rows.select_related("case").order_by("pk"):
        event_record(
            case=row.case,
            kind=kind,
            actor=letter.sent_by,
            occurred_at=letter.sent_at,
            subject=row,
            payload={"letter": letter.pk},
        )
