"""All writes for intake. Each service runs in one transaction and writes typed events
(events.catalogue), which open and close the deadline clocks (24 hours, 6 weekdays,
4 months). The 24-hour assessment of a report is *triage* in code (GLOSSARY.md)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, TeamMembership, Unit
from boernesag.cases.models import Case, JournalEntry, ReopenCause
from boernesag.cases.services import case_close, case_open, case_reassign, case_reopen
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.services import Actor, event_write
from boernesag.intake.constants import (
    CLOSING_OUTCOMES,
    BarnehusChoice,
    IntakeKind,
    Outcome,
)
from boernesag.intake.models import IntakeChild, IntakeItem
from boernesag.integrations.services import (
    child_relations_from_register,
    person_from_register,
    register_lookup,
)
from boernesag.letters.models import Letter, LetterKind, LetterStatus
from boernesag.letters.services import letter_create
from boernesag.persons.constants import PersonSource, RelationKind
from boernesag.persons.cpr import CprError, parse_cpr
from boernesag.persons.models import Person
from boernesag.persons.services import child_age_require, person_create

BACKDATE_TOLERANCE = timedelta(hours=1)


class ConflictError(Exception):
    pass


@dataclass
class ChildRef:
    cpr: str
    first_name: str = ""
    last_name: str = ""


def _child_for(
    ref: ChildRef, field: str, *, by, age_confirmed: bool = False
) -> tuple[Person, bool]:
    """The child a CPR number names: a person Børnesag knows, else one imported from the
    CPR register (``integrations``), else entered by hand with the names typed (marked
    manual). A birth date in the future is refused; a person older than a child's case can
    be about (over 22) needs ``age_confirmed`` (``persons.services.child_age_check``).
    Returns ``(person, imported_from_register)``."""
    try:
        parsed = parse_cpr(ref.cpr)
    except CprError as exc:
        raise ValidationError({field: str(exc)}) from None
    person = Person.objects.filter(cpr=parsed.number).first()
    child_age_require(
        person.birth_date if person and person.birth_date else parsed.birth_date,
        field=field,
        confirmed=age_confirmed,
    )
    if person is not None:
        return person, False
    try:
        record = register_lookup(cpr=parsed.number, field=field)
    except ValidationError:
        record = None  # the register cannot be asked now: the names typed are used
    if record is not None:
        return person_from_register(record=record, by=by)[0], True
    if not ref.first_name.strip() or not ref.last_name.strip():
        raise ValidationError(
            {
                field: _(
                    "Barnet findes hverken i Børnesag eller i CPR-registeret: skriv for- og "
                    "efternavn, så oprettes barnet manuelt."
                )
            }
        )
    person = person_create(
        cpr=parsed.number,
        first_name=ref.first_name,
        last_name=ref.last_name,
        source=PersonSource.MANUAL,
    )
    return person, False


def _custody_from_register(case: Case, *, by) -> None:
    """A child just imported from the register: its custody holders and parents come along,
    so consent, hearing and letters know them from the start."""
    # if the register cannot be asked now, the family is added on the case later
    with contextlib.suppress(ValidationError):
        child_relations_from_register(
            case=case,
            by=by,
            kinds={RelationKind.CUSTODY_HOLDER, RelationKind.PARENT_WITHOUT_CUSTODY},
            update_child=False,
        )


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
    closed = None
    if case is None:
        closed = Case.objects.filter(child=child).order_by("-closed_at", "-pk").first()
    if closed is not None:
        # a new report about a child whose case is closed reopens that case (docs/closure.md):
        # the child's history stays in one case, and triage starts from "1. Henvendelse"
        case_reopen(
            case=closed,
            by=by,
            reason=_("Ny henvendelse: %(kind)s") % {"kind": intake_child.item.get_kind_display()},
            expected_version=None,
            cause=ReopenCause.REPORT,
            intake_child_id=intake_child.pk,
            at=max(intake_child.item.received_at, closed.closed_at),
        )
        case = closed
        # like a new case, the reopened case is intake's until the report is triaged and
        # the case distributed (the caseworker who had it may be someone else by now)
        team = intake_team_for(by)
        if case.team_id != team.pk or case.caseworker_id is not None:
            case.refresh_from_db()
            case_reassign(
                case=case,
                caseworker=None,
                team=team,
                by=by,
                reason=_("Genåbnet af en ny henvendelse, som modtagelsen vurderer"),
                expected_version=None,
            )
    elif case is None:
        case = case_open(
            child=child,
            caseworker=None,
            team=intake_team_for(by),
            opened_by=by,
            reason=intake_child.item.get_kind_display(),
            opened_at=intake_child.item.received_at,
            intake_child_id=intake_child.pk,
        )
    intake_child.case = case
    intake_child.save(update_fields=["case"])
    item = intake_child.item
    event_write(
        ev.ReportReceived(
            intake_kind=item.kind,
            notifier_professional=item.is_professional,
            acute=item.acute,
            flagged=item.is_flagged,
        ),
        case=case,
        actor=by,
        occurred_at=item.received_at,
        subject=intake_child,
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
    age_confirmed: bool = False,
) -> IntakeItem:
    """Register a concern report, application or inquiry the moment it arrives.

    One item can concern several children (siblings): each gets its own triage and its
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
    persons, imported = [], set()
    for index, ref in enumerate(children, start=1):
        person, from_register = _child_for(
            ref, f"child_{index}_cpr", by=by, age_confirmed=age_confirmed
        )
        persons.append(person)
        if from_register:
            imported.add(person.pk)
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
        case = _attach_case(intake_child, by=by)
        if person.pk in imported:
            _custody_from_register(case, by=by)
    if not persons:
        unknown = IntakeChild.objects.create(
            item=item, unknown_description=unknown_description.strip()
        )
        # no case yet: the 24 hours run on the organisation's clock until the child is known
        event_write(
            ev.UnidentifiedReportReceived(intake_kind=item.kind),
            actor=by,
            occurred_at=item.received_at,
            subject=unknown,
        )
    return item


@transaction.atomic
def intake_identify_child(
    *, intake_child: IntakeChild, ref: ChildRef, by, age_confirmed: bool = False
) -> IntakeChild:
    """Identify the child of a report registered without one; the report then joins (or
    opens) the child's case, recorded late but counting from when it was received."""
    if intake_child.child_id:
        raise ValidationError(_("Barnet er allerede identificeret."))
    intake_child.child, from_register = _child_for(ref, "cpr", by=by, age_confirmed=age_confirmed)
    intake_child.save(update_fields=["child"])
    case = _attach_case(intake_child, by=by)
    if from_register:
        _custody_from_register(case, by=by)
    event_write(ev.UnidentifiedReportResolved(identified=True), actor=by, subject=intake_child)
    return intake_child


@transaction.atomic
def intake_explain_unresolved(*, intake_child: IntakeChild, explanation: str, by) -> IntakeChild:
    if len(explanation.strip()) < 10:
        raise ValidationError(
            {"explanation": _("Forklar hvorfor barnet ikke kan identificeres (mindst 10 tegn).")}
        )
    intake_child.unresolved_explanation = explanation.strip()
    intake_child.triaged_at = timezone.now()
    intake_child.triaged_by = by
    intake_child.outcome = Outcome.NO_ACTION
    intake_child.reasons_text = explanation.strip()
    intake_child.save()
    event_write(
        ev.UnidentifiedReportResolved(identified=False),
        actor=by,
        occurred_at=intake_child.triaged_at,
        subject=intake_child,
    )
    return intake_child


def has_active_measure(case: Case) -> bool:
    kinds = list(
        Event.objects.filter(
            case=case, kind__in=[ev.MeasureStarted.kind, ev.MeasureEnded.kind]
        ).values_list("kind", flat=True)
    )
    return kinds.count(ev.MeasureStarted.kind) > kinds.count(ev.MeasureEnded.kind)


def has_handled_case(user, case: Case) -> bool:
    """Responsible now or before, or has written in the journal (Barnets Lov § 137)."""
    if case.caseworker_id == user.pk:
        return True
    for payload in Event.objects.filter(
        case=case, kind__in=[ev.CaseOpened.kind, ev.CaseReassigned.kind]
    ).values_list("payload", flat=True):
        if user.pk in (
            payload.get("caseworker"),
            payload.get("from_caseworker"),
            payload.get("to_caseworker"),
        ):
            return True
    return JournalEntry.objects.filter(case=case, author=user).exists()


DANGER_REASON_MIN_CHARS = 100
DANGER_REASON_MIN_WORDS = 15


def danger_reason_problem(text: str) -> str:
    """Why a reason for "no further action" despite danger is not substantive enough, or "".
    At least 100 characters and 15 different words: a sentence or two that say why the
    danger is averted (who protects the child, what changed) — not "ok" or "se notat"."""
    words = {w.lower() for w in re.findall(r"\w{2,}", text or "")}
    if len((text or "").strip()) < DANGER_REASON_MIN_CHARS or len(words) < DANGER_REASON_MIN_WORDS:
        return _(
            "Når barnet er i fare og der ikke skal ske mere, skal begrundelsen forklare hvorfor "
            "– fx hvem der nu beskytter barnet, og hvad der er ændret. Skriv mindst "
            "%(chars)s tegn og %(words)s forskellige ord."
        ) % {"chars": DANGER_REASON_MIN_CHARS, "words": DANGER_REASON_MIN_WORDS}
    return ""


def _investigation_running(case: Case) -> bool:
    """More investigations started than concluded since the case was last closed or
    reopened (a closure cancels the clock of an investigation it ends)."""
    rows = Event.objects.filter(
        case=case,
        kind__in=[
            ev.AssessmentStarted.kind,
            ev.AssessmentConcluded.kind,
            ev.CaseClosed.kind,
            "case_reopened",
        ],
    ).order_by("occurred_at", "pk")
    running = 0
    for kind in rows.values_list("kind", flat=True):
        if kind == ev.AssessmentStarted.kind:
            running += 1
        elif kind == ev.AssessmentConcluded.kind:
            running = max(running - 1, 0)
        else:
            running = 0
    return running > 0


@transaction.atomic
def intake_triage(
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
    danger_confirmed: bool = False,
) -> IntakeChild:
    """The 24-hour assessment (triage, BL § 136) of one child: risk, acute need, and what
    happens next. The reasons stay on the intake row; the event holds the outcome codes.

    A guard that protects the child (a product rule, not a section of the law): when acute
    help is needed, "no further action" and "advice" are refused; when the child is assessed
    to be in danger, "no further action" needs ``danger_confirmed`` and a substantive reason
    (``danger_reason_problem``)."""
    item = intake_child.item
    if intake_child.is_triaged:
        raise ValidationError(_("Barnet er allerede vurderet i denne henvendelse."))
    if intake_child.case_id is None:
        raise ValidationError(
            _("Identificér barnet først, eller forklar hvorfor det ikke kan lade sig gøre.")
        )
    case = intake_child.case
    errors = {}
    if not reasons_text.strip():
        errors["reasons_text"] = _("Skriv begrundelsen for vurderingen.")
    if acute_needed and outcome in (Outcome.NO_ACTION, Outcome.ADVICE):
        errors["outcome"] = _(
            "Du har svaret, at der er behov for akut indsats. »%(outcome)s« beskytter ikke "
            "barnet: vælg en indsats, eller ret svaret om akut indsats."
        ) % {"outcome": Outcome(outcome).label}
    elif at_risk and outcome == Outcome.NO_ACTION:
        if not danger_confirmed:
            errors["danger_confirmed"] = _(
                "Du har svaret, at barnet er i fare, og valgt »Ingen yderligere handling«. "
                "Bekræft det udtrykkeligt, og forklar i begrundelsen hvorfor – eller vælg en "
                "indsats."
            )
        problem = danger_reason_problem(reasons_text)
        if problem and "reasons_text" not in errors:
            errors["reasons_text"] = problem
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
        triaged_at=now,
        triaged_by=by,
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
    event_write(
        ev.ReportTriaged(
            outcome=outcome, at_risk=at_risk, acute=acute_needed, reassessment=reassessment
        ),
        case=case,
        actor=by,
        occurred_at=now,
        subject=intake_child,
    )
    if outcome == Outcome.INVESTIGATION and not _investigation_running(case):
        # Barnets Lov § 20, stk. 3: four months from when the municipality became aware; a
        # new report during a running investigation goes into it — a second start would open
        # a second 4-month clock that no conclusion stops (a false miss in compliance)
        event_write(
            ev.AssessmentStarted(aware_at=item.received_at),
            case=case,
            actor=by,
            occurred_at=now,
            subject=intake_child,
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
    case.refresh_from_db()
    if (
        outcome in CLOSING_OUTCOMES
        and case.is_open
        and _opened_for(case, intake_child)
        and not (
            IntakeChild.objects.filter(case=case, triaged_at__isnull=True).exists()
            or has_active_measure(case)
        )
    ):
        case_close(case=case, by=by, reason=str(Outcome(outcome).label), by_intake=True)
    return intake_child


def _opened_for(case: Case, intake_child: IntakeChild) -> bool:
    """The case was opened — or reopened — for this report (then "no further action" at
    triage closes it again, without the closure checklist: docs/closure.md)."""
    return Event.objects.filter(
        case=case,
        kind__in=[ev.CaseOpened.kind, ev.CaseReopened.kind],
        payload__intake_child=intake_child.pk,
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
    if any(not r.is_triaged for r in rows):
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
    LetterKind.RECEIPT: ev.ReceiptSent,
    LetterKind.FEEDBACK: ev.NotifierInformed,
}


def notifier_letter_sent(letter: Letter) -> None:
    """A receipt or feedback letter was sent (delivered through the adapter, or marked sent
    in the outbox): record it on each child's case at the moment of sending. The receipt
    clock (``notifier_receipt``, 6 weekdays, SEL § 155 b stk. 1; BL § 138 unverified) stops
    here, so a letter made in time but sent late counts as late. Registered with
    ``letters.services.on_letter_sent``; runs in the transaction that marks the letter sent."""
    constructor = SENT_EVENT.get(letter.kind)
    if constructor is None or letter.intake_item_id is None:
        return
    case_ids = {c.pk for c in letter.cases.all()}
    rows = IntakeChild.objects.filter(item_id=letter.intake_item_id, case_id__in=case_ids)
    for row in rows.select_related("case").order_by("pk"):
        event_write(
            constructor(letter=letter.pk),
            case=row.case,
            actor=letter.sent_by or Actor.system("letter_delivery"),
            occurred_at=letter.sent_at,
            subject=row,
        )
