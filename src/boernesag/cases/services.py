"""All writes to cases go through these services. Each runs in one transaction, takes an
explicit actor and writes its case event."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.audit.models import AccessGrant, AccessGrantReview, GrantKind
from boernesag.cases.access import scope_forget
from boernesag.cases.constants import ConsentForm, DocumentAudience, JournalKind, MeetingKind
from boernesag.cases.documents import check_upload
from boernesag.cases.models import (
    Case,
    CaseClosure,
    CaseReopening,
    CaseStep,
    ClosureExplanation,
    Consent,
    Document,
    JournalEntry,
    Meeting,
    Reassignment,
    ReopenCause,
    StepKind,
)
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.services import event_write
from boernesag.lib.limits import clip_to_field
from boernesag.persons.selectors import may_give_consent
from boernesag.persons.services import resource_person_agreements_end_for_case


class ConflictError(Exception):
    """Someone else saved the record after it was opened (version mismatch)."""


class NotAllowed(Exception):
    pass


def _bump(model, obj, expected_version: int | None, **fields) -> None:
    """Optimistic locking: update only if nobody saved since ``expected_version``."""
    qs = model.objects.filter(pk=obj.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(version=F("version") + 1, **fields):
        raise ConflictError()
    obj.refresh_from_db()


@transaction.atomic
def case_open(
    *,
    child,
    caseworker,
    team,
    opened_by,
    reason: str = "",
    opened_at: datetime | None = None,
    intake_child_id: int | None = None,
) -> Case:
    """Open a case for a child. At most one open case per child (database constraint). The
    reason is kept on the case; the event names who is responsible from the start."""
    opened_at = opened_at or timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                child=child,
                caseworker=caseworker,
                team=team,
                opened_at=opened_at,
                opened_reason=(reason or "").strip(),
                last_activity_at=opened_at,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Barnet har allerede en åben sag.")) from exc
    event_write(
        ev.CaseOpened(
            team=team.pk, caseworker=getattr(caseworker, "pk", None), intake_child=intake_child_id
        ),
        case=case,
        actor=opened_by,
        occurred_at=opened_at,
        subject=case,
    )
    return case


@transaction.atomic
def case_reassign(
    *, case: Case, caseworker, team, by, reason: str, expected_version: int | None
) -> Case:
    """Move a case to another caseworker and/or team. Who, when and from whom to whom is the
    event; why is the ``Reassignment`` row it references. The case's team and caseworker
    follow from the event (projection "responsibility")."""
    if not (reason or "").strip():
        raise ValidationError(_("Skriv hvorfor sagen omfordeles."))
    _bump(Case, case, expected_version)
    move = Reassignment.objects.create(
        case=case,
        from_team_id=case.team_id,
        from_caseworker_id=case.caseworker_id,
        to_team=team,
        to_caseworker=caseworker,
        reason=reason.strip(),
        by=by,
        at=timezone.now(),
    )
    event_write(
        ev.CaseReassigned(
            reassignment=move.pk,
            from_team=move.from_team_id,
            from_caseworker=move.from_caseworker_id,
            to_team=team.pk,
            to_caseworker=getattr(caseworker, "pk", None),
        ),
        case=case,
        actor=by,
        occurred_at=move.at,
        subject=case,
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def case_close(
    *,
    case: Case,
    by,
    reason: str,
    closed_at: datetime | None = None,
    expected_version: int | None = None,
    closure: CaseClosure | None = None,
    by_intake: bool = False,
) -> Case:
    """Close the case without the checklist — intake's closure at triage ("no further
    action" on a case opened or reopened for that report; ``intake.services.intake_triage``,
    ``by_intake=True``: the permission is intake's ``intake.triage``) and the checklist's own
    last step (``case_close_checked``; ``cases.close_case`` on the case). Caseworkers close
    through ``case_close_checked`` (docs/closure.md)."""
    allowed = by.has_perm("intake.triage") if by_intake else by.has_perm("cases.close_case", case)
    if not allowed:
        raise PermissionDenied
    closed_at = closed_at or timezone.now()
    if Case.objects.filter(pk=case.pk, closed_at__isnull=False).exists():
        raise ValidationError(_("Sagen er allerede afsluttet."))
    _bump(Case, case, expected_version, closed_at=closed_at, closed_reason=(reason or "").strip())
    # the follow-up of resource-person agreements ends with the case (their own clocks)
    resource_person_agreements_end_for_case(
        case=case, by=by, ended_on=timezone.localtime(closed_at).date()
    )
    event_write(
        ev.CaseClosed(closure=getattr(closure, "pk", None)),
        case=case,
        actor=by,
        occurred_at=closed_at,
        subject=case,
    )
    case.refresh_from_db()
    return case


class ClosureIncomplete(ValidationError):
    """Closing was refused: ``missing`` lists what the checklist still lacks."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__([m for item in missing for m in item.messages])


CLOSURE_FIELDS = (
    "child_dialogue",
    "child_dialogue_on",
    "child_dialogue_how",
    "child_dialogue_why_not",
    "parents_dialogue",
    "parents_dialogue_on",
    "parents_dialogue_how",
    "parents_dialogue_why_not",
    "school_status",
    "school_status_on",
    "school_status_source",
    "school_status_why_not",
    "provider_status",
    "provider_status_on",
    "provider_status_source",
    "provider_status_why_not",
    "final_assessment",
    "parties_told_on",
    "notifier_told",
    "provider_told",
)
CLOSURE_DATES = tuple(name for name in CLOSURE_FIELDS if name.endswith("_on"))


@transaction.atomic
def case_close_checked(
    *,
    case: Case,
    by,
    reason: str,
    answers: dict,
    explanations: dict | None = None,
    expected_version: int | None,
    token=None,
) -> CaseClosure:
    """The caseworker closes the case through the closure checklist (issue 13; DOMAIN.md §3,
    phase 8): dialogue with the child (Barnets Lov § 5) and the parents, current status from
    school/daycare and the provider, the final assessment, who was told, and every check
    other apps register (``cases/closure.py``: every running deadline stopped or explained,
    every measure ended). Refused with ``ClosureIncomplete`` listing what is missing.

    ``answers``: the ``CaseClosure`` fields; ``explanations``: ``{(check, ref): text}`` for
    the items checks list (running deadlines). The explanations are kept on the closure;
    ``case_closed`` then cancels the clocks that end with the case. A double submit (same
    ``token``) returns the first closure."""
    from boernesag.cases.closure import closure_missing, explain_items

    if token is not None:
        existing = CaseClosure.objects.filter(submit_token=token, case=case).first()
        if existing is not None:
            return existing
    if not by.has_perm("cases.close_case", case):
        raise PermissionDenied
    reason = (reason or "").strip()
    closure = CaseClosure(
        case=case,
        reason=reason,
        closed_by=by,
        submit_token=token,
        **{k: v for k, v in answers.items() if k in CLOSURE_FIELDS},
    )
    for name in CLOSURE_FIELDS:
        value = getattr(closure, name)
        if isinstance(value, str):
            setattr(closure, name, value.strip())
    today = timezone.localdate()
    for name in CLOSURE_DATES:
        day = getattr(closure, name)
        if day is not None and day > today:
            raise ValidationError({name: _("Datoen kan ikke ligge i fremtiden.")})
    closure.typed_explanations = {
        key: (text or "").strip() for key, text in (explanations or {}).items()
    }
    items = explain_items(case)
    missing = closure_missing(case, closure, items=items)
    if not reason:
        from boernesag.cases.closure import Missing

        missing.insert(
            0, Missing("reason", _("Begrundelse"), [_("Skriv kort hvorfor sagen afsluttes.")])
        )
    if missing:
        raise ClosureIncomplete(missing)
    closure.closed_at = timezone.now()
    closure.save()
    ClosureExplanation.objects.bulk_create(
        ClosureExplanation(
            closure=closure,
            check_key=key,
            ref=item.ref,
            label=item.label[:300],
            text=closure.typed_explanations[(key, item.ref)],
        )
        for key, found in items.items()
        for item in found
    )
    case_close(
        case=case,
        by=by,
        reason=reason,
        closed_at=closure.closed_at,
        expected_version=expected_version,
        closure=closure,
    )
    return closure


@transaction.atomic
def case_reopen(
    *,
    case: Case,
    by,
    reason: str,
    expected_version: int | None,
    token=None,
    cause: str = ReopenCause.MANUAL,
    intake_child_id: int | None = None,
    at: datetime | None = None,
) -> CaseReopening:
    """Open a closed case again, with the reason (on the ``CaseReopening`` row; the event
    ``case_reopened`` carries codes only). The case starts its course again from
    "1. Henvendelse" (``cases/projections.py``). By a caseworker (``cases.reopen_case``), or
    by a new report about the child through intake (``cause="report"``; the permission is
    intake's ``intake.register``, checked there). The child may have only one open case."""
    if token is not None:
        existing = CaseReopening.objects.filter(submit_token=token, case=case).first()
        if existing is not None:
            return existing
    case.refresh_from_db()
    if case.closed_at is None:
        raise ValidationError(_("Sagen er ikke afsluttet."))
    if cause == ReopenCause.MANUAL and not by.has_perm("cases.reopen_case", case):
        raise PermissionDenied
    if cause == ReopenCause.REPORT and not by.has_perm("intake.register"):
        raise PermissionDenied  # only intake reopens a case for a new report
    if cause not in ReopenCause.values:
        raise ValidationError(_("Ukendt årsag til genåbningen."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor sagen genåbnes.")})
    other = Case.objects.open().filter(child_id=case.child_id).exclude(pk=case.pk).first()
    if other is not None:
        raise ValidationError(
            _("Barnet har allerede en åben sag (%(ref)s). Arbejd videre i den.")
            % {"ref": other.reference}
        )
    at = at or timezone.now()
    row = CaseReopening.objects.create(
        case=case,
        reason=reason,
        cause=cause,
        intake_child_id=intake_child_id,
        closed_at=case.closed_at,
        closed_reason=case.closed_reason,
        by=by,
        at=at,
        submit_token=token,
    )
    try:
        with transaction.atomic():
            _bump(Case, case, expected_version, closed_at=None, closed_reason="")
    except IntegrityError as exc:  # another case opened meanwhile (one open case per child)
        raise ValidationError(_("Barnet har allerede en åben sag.")) from exc
    event_write(
        ev.CaseReopened(reopening=row.pk, cause=cause, intake_child=intake_child_id),
        case=case,
        actor=by,
        occurred_at=at,
        subject=case,
    )
    case.refresh_from_db()
    return row


def case_course_history(case: Case) -> list[tuple[datetime, str, object]]:
    """Closures and reopenings of the case, newest first: ``(at, "closed"|"reopened", row)``."""
    rows = [(c.closed_at, "closed", c) for c in case.closures.select_related("closed_by")]
    rows += [(r.at, "reopened", r) for r in case.reopenings.select_related("by")]
    return sorted(rows, key=lambda r: r[0], reverse=True)


# --- steps that start or stop a legal deadline (cases/steps.py) ---------------------------

STEPS_FROM = date(2011, 1, 1)  # the rules' earliest versions


@transaction.atomic
def step_record(
    *,
    case: Case,
    by,
    kind: str,
    occurred_on: date,
    note: str = "",
    outcome: str = "",
    token=None,
) -> CaseStep:
    """Record a step that starts or stops a legal deadline (``cases/steps.py``: police
    documentation → network meeting within 7 days; a request for substance-abuse treatment
    → treatment within 14 days — both rules' paragraphs unverified; the position on a youth
    plan without a plan, Barnets Lov § 108, stk. 1; the position on youth support 6 months
    before the 18th birthday, Barnets Lov § 111, stk. 1). The event is written on the day
    the step happened, so the clock starts or stops then. A stop needs its start on the
    case. A double submit (same ``token``) records one step."""
    from boernesag.cases.steps import SPECS

    spec = SPECS[kind]
    if token is not None:
        existing = CaseStep.objects.filter(submit_token=token, case=case).first()
        if existing is not None:
            return existing
    if not by.has_perm("cases.record_step", case):
        raise PermissionDenied
    note = (note or "").strip()
    errors = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("Datoen kan ikke ligge i fremtiden.")
    elif occurred_on < STEPS_FROM:
        errors["occurred_on"] = _("Datoen kan ikke ligge før 1. januar 2011.")
    if spec.note_required and not note:
        errors["note"] = _("Udfyld feltet: %(label)s.") % {"label": spec.note_label}
    if spec.outcome and not outcome:
        errors["outcome"] = _("Vælg afgørelsen.")
    born = case.child.birth_date
    if "occurred_on" not in errors and not spec.fits_age(born, occurred_on):
        errors.setdefault("__all__", spec.age_text % {"age": case.child.age_on(occurred_on)})
    placed = kind == StepKind.YOUTH_PLAN_POSITION and (
        has_active_placement(case, on=occurred_on) or has_active_placement(case)
    )
    if placed and "occurred_on" not in errors:
        errors.setdefault(
            "__all__",
            _(
                "Den unge er anbragt. En anbragt ung skal have en ungeplan (Barnets Lov "
                "§ 108); udarbejd ungeplanen under Planer i stedet for at tage stilling "
                "uden en plan."
            ),
        )
    answers = None
    if spec.answers:
        answers = (
            CaseStep.objects.filter(case=case, kind=spec.answers, answered_by__isnull=True)
            .order_by("-occurred_on", "-id")
            .first()
        )
        if answers is None:
            errors.setdefault(
                "__all__",
                _("Registrér først: %(start)s. Fristen løber fra den.")
                % {"start": SPECS[spec.answers].title},
            )
        elif occurred_on < answers.occurred_on and "occurred_on" not in errors:
            errors["occurred_on"] = _("Datoen kan ikke ligge før %(start)s (%(day)s).") % {
                "start": SPECS[spec.answers].title,
                "day": answers.occurred_on.strftime("%d-%m-%Y"),
            }
    if errors:
        raise ValidationError(errors)
    step = CaseStep.objects.create(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        note=note,
        outcome=outcome if spec.outcome else "",
        answers=answers,
        recorded_by=by,
        submit_token=token,
    )
    # the engine pairs a stop with its start by subject (one clock per police documentation,
    # per request); the youth positions stop the measure's clock, so they name no subject
    subject = answers if spec.answers else (step if spec.starts else None)
    event_write(
        spec.event(step),
        case=case,
        actor=by,
        occurred_at=_occurred_at(occurred_on),
        subject=subject,
    )
    return step


PLACEMENT_KINDS = ("placement_with_consent", "placement_without_consent")


def has_active_placement(case: Case, *, on: date | None = None) -> bool:
    """Whether a placement of the child runs on the case (at the end of ``on``, or now),
    read from the case's events — the cases app does not import measures: a
    ``measure_started`` of a placement kind without a later ``measure_ended`` of that measure
    (a ``measure_ended`` that names no measure ends them all, as in the deadline engine)."""
    events = Event.objects.filter(
        case=case, kind__in=[ev.MeasureStarted.kind, ev.MeasureEnded.kind]
    )
    if on is not None:
        end = timezone.make_aware(datetime.combine(on + timedelta(days=1), datetime.min.time()))
        events = events.filter(occurred_at__lt=end)
    active: list = []
    for kind, payload in events.order_by("occurred_at", "id").values_list("kind", "payload"):
        ref = (payload or {}).get("measure")
        if kind == ev.MeasureStarted.kind:
            if (payload or {}).get("measure_kind") in PLACEMENT_KINDS:
                active.append(ref)
        elif ref is None:
            active.clear()
        elif ref in active:
            active.remove(ref)
    return bool(active)


def _occurred_at(day: date) -> datetime:
    now = timezone.localtime()
    if day >= now.date():
        return now
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


@transaction.atomic
def journal_write(
    *, case: Case, author, kind: str, title: str, text: str, occurred_on: date
) -> JournalEntry:
    """Notatpligt: write a journal entry. The date of the noted thing may not be in the
    future."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Datoen kan ikke ligge i fremtiden.")})
    entry = JournalEntry.objects.create(
        case=case,
        author=author,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        occurred_on=occurred_on,
    )
    event_write(
        ev.JournalWritten(journal_kind=kind),
        case=case,
        actor=author,
        occurred_at=_occurred_at(occurred_on),
        subject=entry,
    )
    return entry


def journal_correction_deadline(entry: JournalEntry) -> datetime:
    return entry.created_at + timedelta(hours=settings.JOURNAL_CORRECTION_HOURS)


def journal_can_correct(entry: JournalEntry, user) -> bool:
    return (
        entry.author_id == user.pk
        and timezone.now() <= journal_correction_deadline(entry)
        and entry.addendum_to_id is None
        and entry.kind != JournalKind.MEETING_MINUTES
    )


@transaction.atomic
def journal_correct(
    *, entry: JournalEntry, author, title: str, text: str, expected_version: int
) -> JournalEntry:
    """Only the author, only within JOURNAL_CORRECTION_HOURS; the earlier text is kept in
    the history (pghistory)."""
    if entry.author_id != author.pk:
        raise NotAllowed(_("Kun forfatteren kan rette et journalnotat."))
    if not journal_can_correct(entry, author):
        raise NotAllowed(
            _(
                "Notatet kan ikke længere rettes (fristen på %(hours)s timer er udløbet). "
                "Skriv en tilføjelse i stedet."
            )
            % {"hours": settings.JOURNAL_CORRECTION_HOURS}
        )
    _bump(
        JournalEntry,
        entry,
        expected_version,
        title=title.strip(),
        text=text.strip(),
        corrected_at=timezone.now(),
    )
    event_write(ev.JournalCorrected(), case=entry.case, actor=author, subject=entry)
    return entry


@transaction.atomic
def journal_addendum(*, entry: JournalEntry, author, text: str) -> JournalEntry:
    addendum = JournalEntry.objects.create(
        case=entry.case,
        author=author,
        kind=entry.kind,
        title=_("Tilføjelse til: %(title)s") % {"title": entry.title},
        text=text.strip(),
        occurred_on=timezone.localdate(),
        addendum_to=entry,
    )
    event_write(ev.JournalAddendum(to=entry.pk), case=entry.case, actor=author, subject=addendum)
    return addendum


@transaction.atomic
def document_add(
    *,
    case: Case,
    uploaded_by,
    file,
    title: str,
    kind: str,
    document_date: date,
    audience: str = DocumentAudience.CASE,
) -> Document:
    """Store an uploaded document after checking size and type by content. ``audience``
    narrows who among the case's readers may open it (``selectors.documents_visible_to``)."""
    content_type = check_upload(file, max_bytes=settings.DOCUMENT_MAX_BYTES)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    document = Document(
        case=case,
        # Titles typed by users are limited by the form; titles made by the system (a
        # letter's subject and recipient) are clipped to fit rather than fail.
        title=clip_to_field(Document, "title", title.strip()),
        kind=kind,
        document_date=document_date,
        audience=audience,
        original_name=file.name[:255],
        content_type=content_type,
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
    )
    # The file is written before the row so a committed row never lacks its file. If this
    # transaction rolls back, the file is left without a row and removed by the daily
    # orphan sweep (lib.media.media_sweep) after its grace period.
    document.file.save(file.name, file, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    event_write(
        ev.DocumentAdded(document_kind=kind), case=case, actor=uploaded_by, subject=document
    )
    return document


TWO_CASEWORKERS_FROM = date(2024, 1, 1)  # Barnets Lov in force


def meeting_needs_two_caseworkers(
    *, case: Case, kind: str, held_at: datetime, child_participates: bool
) -> bool:
    """Barnets Lov § 21, stk. 5 (LBK nr. 282 af 17/03/2025): in cases where no supporting
    measure or placement (§§ 32, 46, 47) has been started before, the municipality ensures
    continuity and stability during a children's investigation by holding significant
    meetings *with the child* with two child and youth caseworkers as a rule. So: a meeting
    the child takes part in (not a case conference), under Barnets Lov, while an
    investigation runs on the case, when the child has had no measure before."""
    if kind == MeetingKind.CASE_CONFERENCE or not child_participates:
        return False
    if held_at < timezone.make_aware(datetime.combine(TWO_CASEWORKERS_FROM, datetime.min.time())):
        return False
    kinds = list(
        Event.objects.filter(
            case=case,
            kind__in=[ev.AssessmentStarted.kind, ev.AssessmentConcluded.kind],
            occurred_at__lte=held_at,
        ).values_list("kind", flat=True)
    )
    investigating = kinds.count(ev.AssessmentStarted.kind) > kinds.count(
        ev.AssessmentConcluded.kind
    )
    if not investigating:
        return False
    earlier_measure = Event.objects.filter(
        case__child_id=case.child_id, kind=ev.MeasureStarted.kind, occurred_at__lte=held_at
    ).exists()
    return not earlier_measure


@transaction.atomic
def meeting_create(
    *,
    case: Case,
    by,
    kind: str,
    held_at: datetime,
    agenda: str = "",
    staff=(),
    persons=(),
    other_participants: str = "",
    second_caseworker=None,
    second_caseworker_absent_reason: str = "",
) -> Meeting:
    """Register a meeting. Participants come from the people around the child; when
    Barnets Lov § 21, stk. 5 applies (``meeting_needs_two_caseworkers``) the meeting names
    the second caseworker or says why only one takes part."""
    persons = list(persons)
    reason = (second_caseworker_absent_reason or "").strip()
    if second_caseworker is not None and second_caseworker.pk == case.caseworker_id:
        raise ValidationError(
            {"second_caseworker": _("Vælg en anden rådgiver end sagens egen sagsbehandler.")}
        )
    if (
        second_caseworker is None
        and not reason
        and meeting_needs_two_caseworkers(
            case=case,
            kind=kind,
            held_at=held_at,
            child_participates=any(p.pk == case.child_id for p in persons),
        )
    ):
        raise ValidationError(
            {
                "second_caseworker": _(
                    "Barnets Lov § 21, stk. 5: Barnet deltager i et møde under den børnefaglige "
                    "undersøgelse i en ny sag, så mødet holdes som udgangspunkt med to børne- og "
                    "ungerådgivere. Vælg den anden rådgiver, eller skriv hvorfor kun én deltager."
                )
            }
        )
    meeting = Meeting.objects.create(
        case=case,
        kind=kind,
        held_at=held_at,
        agenda=agenda.strip(),
        other_participants=other_participants.strip(),
        created_by=by,
        second_caseworker=second_caseworker,
        second_caseworker_absent_reason=reason if second_caseworker is None else "",
    )
    staff = list(staff)
    if second_caseworker is not None and second_caseworker not in staff:
        staff.append(second_caseworker)
    meeting.staff.set(staff)
    meeting.persons.set(persons)
    event_write(
        ev.MeetingPlanned(meeting_kind=kind, held_at=held_at), case=case, actor=by, subject=meeting
    )
    return meeting


@transaction.atomic
def meeting_finish(*, meeting: Meeting, by, minutes: str, expected_version: int) -> Meeting:
    """Finishing a meeting puts its minutes in the journal."""
    if meeting.finished_at is not None:
        raise NotAllowed(_("Mødet er allerede afsluttet."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("Skriv et referat, før mødet afsluttes.")})
    if meeting.held_at > timezone.now():
        raise ValidationError({"minutes": _("Mødet er ikke holdt endnu.")})
    participants = ", ".join(
        [u.get_full_name() for u in meeting.staff.all()]
        + [p.full_name for p in meeting.persons.all()]
        + ([meeting.other_participants] if meeting.other_participants else [])
    )
    text = minutes.strip()
    if participants:
        text = _("Deltagere: %(p)s") % {"p": participants} + "\n\n" + text
    entry = JournalEntry.objects.create(
        case=meeting.case,
        author=by,
        kind=JournalKind.MEETING_MINUTES,
        title=_("Referat: %(kind)s") % {"kind": meeting.get_kind_display()},
        text=text,
        occurred_on=timezone.localtime(meeting.held_at).date(),
    )
    _bump(
        Meeting,
        meeting,
        expected_version,
        minutes=minutes.strip(),
        finished_at=timezone.now(),
        journal_entry=entry,
    )
    event_write(
        ev.MeetingHeld(meeting_kind=meeting.kind, journal_entry=entry.pk),
        case=meeting.case,
        actor=by,
        occurred_at=meeting.held_at,
        subject=meeting,
    )
    return meeting


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by,
    given_by,
    scope: str,
    form: str,
    given_on: date,
    valid_until: date | None = None,
    description: str = "",
    oral_note: str = "",
) -> Consent:
    """Record a consent. Consent is given by a custody holder, or by the young person who
    has turned 15, on the day it is given (Barnets Lov § 22, stk. 2; § 46, stk. 1–2). An oral
    consent needs a journal note of what was said."""
    if not may_give_consent(case, given_by, on=given_on):
        raise ValidationError(
            {
                "given_by": _(
                    "%(name)s kan ikke give samtykke: samtykke gives af "
                    "forældremyndighedsindehaverne og af den unge, der er fyldt 15 år "
                    "(Barnets Lov § 22, stk. 2, og § 46, stk. 1–2)."
                )
                % {"name": given_by.full_name}
            }
        )
    if form == ConsentForm.ORAL and not oral_note.strip():
        raise ValidationError(
            {"oral_note": _("Et mundtligt samtykke skal noteres: skriv hvad der blev sagt.")}
        )
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Datoen kan ikke ligge i fremtiden.")})
    if valid_until and valid_until < given_on:
        raise ValidationError(
            {"valid_until": _("Slutdatoen kan ikke ligge før datoen for samtykket.")}
        )
    consent = Consent(
        case=case,
        given_by=given_by,
        scope=scope,
        form=form,
        given_on=given_on,
        valid_until=valid_until,
        description=description.strip(),
        recorded_by=by,
    )
    if form == ConsentForm.ORAL:
        consent.journal_entry = journal_write(
            case=case,
            author=by,
            kind=JournalKind.CONSENT_NOTE,
            title=_("Mundtligt samtykke fra %(name)s") % {"name": given_by.full_name},
            text=oral_note,
            occurred_on=given_on,
        )
    consent.save()
    event_write(
        ev.ConsentGiven(consent_scope=scope, form=form, given_by=given_by.pk),
        case=case,
        actor=by,
        subject=consent,
        occurred_at=_occurred_at(given_on),
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, withdrawn_on: date, expected_version: int) -> Consent:
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Datoen kan ikke ligge før samtykket blev givet.")}
        )
    _bump(Consent, consent, expected_version, withdrawn_on=withdrawn_on)
    event_write(
        ev.ConsentWithdrawn(consent_scope=consent.scope),
        case=consent.case,
        actor=by,
        subject=consent,
        occurred_at=_occurred_at(withdrawn_on),
    )
    return consent


@transaction.atomic
def reasoned_access_grant(*, user, child, reason: str, kind: str = GrantKind.INFORMATION):
    """Reasoned access (adgang med begrundelse): time-limited access to a child outside the
    user's need-to-know, on a stated reason (DOMAIN.md §9). Only roles the municipality has
    opened for it (``Municipality.reasoned_access_roles``; never finance or administrators).
    Read-only unless ``kind`` is an assignment. Logged, on the case timeline, and on the
    review list of the child's team leader (``reasoned_access_review``)."""
    from boernesag.audit.services import access_log_record

    if not user.has_perm("cases.use_reasoned_access"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Skriv en begrundelse på mindst 10 tegn.")})
    if kind not in GrantKind.values:
        raise ValidationError({"kind": _("Vælg hvorfor du har brug for adgang.")})
    if not Case.objects.filter(child=child).exists():
        raise ValidationError(_("Barnet har ingen sag."))
    now = timezone.now()
    grant = AccessGrant.objects.create(
        user=user,
        child=child,
        reason=reason,
        kind=kind,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.ACCESS_GRANT_HOURS),
    )
    access_log_record(
        user=user, what="access_granted", child_id=child.pk, reason=reason, grant_id=grant.pk
    )
    for case in Case.objects.filter(child=child).open():
        event_write(
            ev.AccessGranted(grant=grant.pk, grant_kind=grant.kind, expires_at=grant.expires_at),
            case=case,
            actor=user,
            subject=grant,
        )
    scope_forget(user)
    return grant


@transaction.atomic
def reasoned_access_review(*, grant, reviewed_by, approved: bool, note: str = ""):
    """The review of a reasoned access by the team leader of the child's team (or the
    intake leader) – never by the user the access was given to (``cases.review_grant``)."""
    if not reviewed_by.has_perm("cases.review_grant", grant):
        raise PermissionDenied
    if AccessGrantReview.objects.filter(grant=grant).exists():
        raise ValidationError(_("Adgangen er allerede gennemgået."))
    return AccessGrantReview.objects.create(
        grant=grant, reviewed_by=reviewed_by, approved=approved, note=(note or "").strip()
    )
