"""All writes for the children's investigation (børnefaglig undersøgelse).

Barnets Lov §§ 20–22 (LBK nr. 282 af 17/03/2025, checked on lovguiden.dk); Serviceloven § 50
for investigations the municipality became aware of before 1 January 2024 (*unverified*).

The course: the § 20 decision (``assessment_decide``: legal basis, reasons, the consent
route, focus areas, start and planned end; letters to the family with reasons and appeal
guidance) → activities planned and recorded as held or not (``activity_add``,
``activity_record``) and section texts (``section_save``), a midway status
(``midway_record``) → the draft to the family (``draft_send``) and their comments
(``comments_record``) → the conclusion (``assessment_conclude``: ``assessment_concluded``,
which stops the 4-month clock when it is recorded; the whole investigation as a PDF in the
case's documents and to the family). When the 4 months pass first, the provisional assessment
(``provisional_record``, Barnets Lov § 20, stk. 3, 2. pkt.).

There is no investigation without the decision: an ``Assessment`` row *is* the recorded
decision, and every other service takes one — nothing can be recorded before it.

The clock is the deadlines rule ``assessment_duration``: opened by ``assessment_started`` (the
24-hour triage writes it with ``aware_at``; ``assessment_decide`` writes it only when no
investigation is running on the case) and stopped by ``assessment_concluded``. This module
opens no clock of its own.

Keyword-only, the actor ``by``, one transaction each; edits carry the version they were based
on (``ConflictError``), creating forms a token (a double submit makes one thing).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.assessments.constants import (
    BARNETS_LOV_FROM,
    BASES_BY_LAW,
    MONTHS_TO_CONCLUDE,
    ActivityKind,
    ActivityStatus,
    AssessmentStatus,
    ConsentRoute,
    Law,
    LegalBasis,
    StatementSource,
)
from boernesag.assessments.content import assessment_text, text_parts
from boernesag.assessments.models import (
    Assessment,
    AssessmentActivity,
    AssessmentLetter,
    AssessmentSection,
    AssessmentTemplate,
)
from boernesag.cases.models import Case
from boernesag.cases.services import ConflictError, NotAllowed
from boernesag.deadlines.calendar import add_months
from boernesag.deadlines.models import Clock
from boernesag.events import catalogue as ev
from boernesag.events.models import Event
from boernesag.events.services import event_write
from boernesag.letters import services as letters
from boernesag.letters.models import LetterKind
from boernesag.persons import selectors as people
from boernesag.persons.constants import RelationKind
from boernesag.persons.display import (
    protected_text,
    relation_address,
    relation_masked,
    relation_organisation,
)
from boernesag.persons.models import Person

__all__ = ["ConflictError", "NotAllowed"]

EDIT = "assessments.edit_assessment"
SEND = "assessments.send_assessment"
RULE = "assessment_duration"
SECTION_MAX = 10_000
# a letter's text is at most letters.sandbox.RENDERED_MAX_CHARS; the investigation is split
# into parts below that, with room for the letter around it
LETTER_PART_CHARS = 24_000


# --- helpers -----------------------------------------------------------------------------


def _require(by, perm: str, case: Case) -> None:
    """The permission registry decides (assessments/permissions.py), whoever calls. A closed
    case first gets its own message."""
    if case.closed_at is not None:
        raise ValidationError(_("Sagen er afsluttet: undersøgelsen kan ikke ændres."))
    if not by.has_perm(perm, case):
        raise NotAllowed(_("Du har ikke adgang til at gøre dette på sagen."))


def _open(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.CONCLUDED:
        raise ValidationError(_("Undersøgelsen er afsluttet og kan ikke ændres."))


def _lock(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    return locked


def _save(locked: Assessment, assessment: Assessment, **fields) -> None:
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    assessment.refresh_from_db()


def _day(value: date) -> str:
    return formats.date_format(value, "j.n.Y")


def _occurred_at(day: date) -> datetime:
    """The moment of something that happened on ``day``: now if today, else noon that day."""
    now = timezone.localtime()
    if day >= now.date():
        return now
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def _text(value) -> str:
    return (value or "").strip()


def law_for(aware_at: datetime) -> str:
    """Barnets Lov for what the municipality became aware of from 1 January 2024, else
    Serviceloven § 50."""
    return Law.BL if timezone.localdate(aware_at) >= BARNETS_LOV_FROM else Law.SEL


def running_start(case: Case) -> Event | None:
    """The ``assessment_started`` event of the investigation running on ``case`` (more
    started than concluded), or None."""
    rows = list(
        Event.objects.filter(
            case=case, kind__in=[ev.AssessmentStarted.kind, ev.AssessmentConcluded.kind]
        )
        .order_by("occurred_at", "pk")
        .only("kind", "occurred_at", "payload")
    )
    started = [r for r in rows if r.kind == ev.AssessmentStarted.kind]
    concluded = len(rows) - len(started)
    if len(started) <= concluded:
        return None
    return started[-1]


def aware_at_of(start: Event) -> datetime:
    aware = start.typed.aware_at if hasattr(start, "typed") else None
    if aware is None:
        aware = ev.parse(start.kind, start.payload).aware_at
    return aware or start.occurred_at


def legal_deadline(aware_at: datetime) -> date:
    """4 months after the municipality became aware (Barnets Lov § 20, stk. 3)."""
    return add_months(timezone.localdate(aware_at), MONTHS_TO_CONCLUDE)


def clock_of(assessment: Assessment) -> Clock | None:
    """The ``assessment_duration`` clock of this investigation (the newest on the case that
    started no later than the decision)."""
    return (
        Clock.objects.filter(case_id=assessment.case_id, rule_key=RULE)
        .order_by("-started_at", "-pk")
        .first()
    )


def is_overdue(assessment: Assessment, clock: Clock | None = None, now=None) -> bool:
    """The 4 months have passed and the investigation is not concluded."""
    if assessment.status == AssessmentStatus.CONCLUDED:
        return False
    now = now or timezone.now()
    clock = clock if clock is not None else clock_of(assessment)
    if clock is not None:
        return clock.stopped_at is None and clock.cancelled_at is None and clock.due_at < now
    return timezone.localdate(now) > legal_deadline(assessment.aware_at)


def templates_ensure() -> None:
    """Put the starting templates in place when they are missing (a database emptied after
    its migrations ran, e.g. between browser tests): the migration's own seed, which never
    touches a template that exists (deactivated ones stay deactivated)."""
    import importlib

    from django.apps import apps

    importlib.import_module("boernesag.assessments.migrations.0002_default_templates").seed(
        apps, None
    )


def template_for(law: str) -> AssessmentTemplate:
    def active():
        return (
            AssessmentTemplate.objects.filter(law=law, active=True)
            .order_by("-version", "-pk")
            .first()
        )

    template = active()
    if template is None and not AssessmentTemplate.objects.filter(law=law).exists():
        templates_ensure()
        template = active()
    if template is None:
        raise ValidationError(
            _("Der er ingen aktiv skabelon for undersøgelser efter %(law)s. Spørg administratoren.")
            % {"law": Law(law).label}
        )
    return template


def triage_focus(case: Case) -> str:
    """The reasons of the latest 24-hour triage that decided to investigate, as the first
    focus areas (editable)."""
    row = (
        case.intake_reports.filter(outcome="investigation")
        .exclude(reasons_text="")
        .order_by("-triaged_at", "-pk")
        .first()
    )
    return row.reasons_text if row else ""


def family_recipients(case: Case) -> list[Person]:
    """The family the investigation is carried out with and sent to: the custody holders
    and the young person who has turned 15 (Barnets Lov § 22, stk. 2). A child from 10 is
    not a party to the § 20 decision: § 3 does not list it."""
    return people.consent_givers(case)


def _letter_address(case: Case, person: Person) -> str:
    """The address printed on a letter: never a protected one, nor anything that shows
    where a protected child lives (persons.display: the letter is made for no one with the
    right to see protected addresses)."""
    child = case.child
    if person.pk == child.pk:
        if child.address_protected:
            return ""
        parts = [child.street, " ".join(p for p in (child.postcode, child.city) if p)]
        return "\n".join(p for p in parts if p)
    relation = next(
        (r for r in people.people_around(child) if r.person_id == person.pk),
        None,
    )
    if relation is None:
        return ""
    address = relation_address(relation, None, child)
    if address == protected_text():
        return ""
    return address.replace(", ", "\n")


def _caseworker_name(by) -> str:
    return by.get_full_name() or by.email


def _letter(kind, case, person, by, context, *, name: str | None = None, address=None):
    return letters.letter_create(
        kind=kind,
        cases=[case],
        context={
            "recipient_name": person.full_name,
            "child_name": case.child.first_name,
            "caseworker": _caseworker_name(by),
            **context,
        },
        recipient_name=name or person.full_name,
        recipient_address=_letter_address(case, person) if address is None else address,
        by=by,
    )


def _check_recipients(case: Case, recipients) -> list[Person]:
    recipients = list(recipients)
    allowed = {p.pk for p in family_recipients(case)}
    if any(p.pk not in allowed for p in recipients):
        raise ValidationError(
            {"recipients": _("Vælg kun forældremyndighedsindehavere og den unge selv (fra 15 år).")}
        )
    return recipients


# --- the decision (Barnets Lov § 20) -------------------------------------------------------


def appeal_guidance(*, letter_date: date, municipality: str) -> str:
    """Klagevejledning for the decision to investigate: the decision is an afgørelse and can
    be appealed (4 weeks, to the municipality, which reconsiders and forwards to
    Ankestyrelsen — Retssikkerhedsloven §§ 66–67; Barnets Lov §§ 144–150 *unverified*)."""
    by = letter_date + (date(2000, 1, 29) - date(2000, 1, 1))  # 4 weeks
    return "\n".join(
        [
            _("Klagevejledning"),
            _(
                "Du kan klage over afgørelsen om at gennemføre en børnefaglig undersøgelse. "
                "Klagen skal være modtaget inden 4 uger efter, at du har modtaget denne "
                "afgørelse – er brevet modtaget den %(letter)s, skal vi have klagen senest den "
                "%(by)s."
            )
            % {"letter": _day(letter_date), "by": _day(by)},
            _(
                "Send klagen til %(municipality)s – skriftligt eller mundtligt. Kommunen "
                "genvurderer afgørelsen inden 4 uger. Giver kommunen dig ikke fuldt ud medhold, "
                "sender kommunen klagen videre til Ankestyrelsen sammen med sagens akter "
                "(retssikkerhedslovens §§ 66–67)."
            )
            % {"municipality": municipality or _("kommunen")},
            _("En klage har ikke opsættende virkning: undersøgelsen går i gang."),
        ]
    )


def _check_consents(case: Case, route: str, consents, without_reasons: str, on: date):
    errors: dict[str, list[str]] = {}
    consents = list(consents)
    if route not in ConsentRoute.values:
        errors["consent_route"] = [_("Vælg om undersøgelsen sker med eller uden samtykke.")]
    elif route == ConsentRoute.WITH_CONSENT:
        givers = people.consent_givers(case, on=on)
        if not givers:
            errors["consent_route"] = [
                _(
                    "Der er ingen forældremyndighedsindehavere registreret på barnet. "
                    "Registrér personerne omkring barnet, eller vælg »Uden samtykke«."
                )
            ]
        if any(c.case_id != case.pk or not c.is_active_on(on) for c in consents):
            errors["consents"] = [_("Vælg samtykker på denne sag, som gælder i dag.")]
        given = {c.given_by_id for c in consents}
        missing = [p.full_name for p in givers if p.pk not in given]
        if givers and missing and "consents" not in errors:
            errors["consents"] = [
                _(
                    "Der mangler samtykke fra %(names)s. Samtykke gives af "
                    "forældremyndighedsindehaverne og den unge, der er fyldt 15 år. "
                    "Registrér samtykket under Samtykker, eller vælg »Uden samtykke« og "
                    "begrund det."
                )
                % {"names": ", ".join(missing)}
            ]
    elif not without_reasons:
        errors["without_consent_reasons"] = [
            _("Skriv hvorfor undersøgelsen gennemføres uden samtykke.")
        ]
    if errors:
        raise ValidationError(errors)
    return consents if route == ConsentRoute.WITH_CONSENT else []


@transaction.atomic
def assessment_decide(
    *,
    case: Case,
    by,
    decided_on: date,
    legal_basis: str,
    reasons: str,
    consent_route: str,
    consents=(),
    without_consent_reasons: str = "",
    focus_areas: str = "",
    start_date: date | None = None,
    planned_end: date | None = None,
    aware_at: datetime | None = None,
    token: uuid.UUID | None = None,
) -> Assessment:
    """Record the decision to carry out a children's investigation (Barnets Lov § 20;
    Serviceloven § 50 before 2024) — an afgørelse, so the family gets a letter with the
    reasons and appeal guidance. One open investigation per case; a reassessment after a
    concluded one starts a new one. When no investigation is running on the case (no
    ``assessment_started`` since the last conclusion), ``aware_at`` is required and the
    event is written here, opening the 4-month clock from ``aware_at``."""
    _require(by, EDIT, case)
    if token is not None:
        existing = Assessment.objects.filter(create_token=token, case=case).first()
        if existing is not None:
            return existing
    if Assessment.objects.filter(case=case).exclude(status=AssessmentStatus.CONCLUDED).exists():
        raise ValidationError(
            _("Der er allerede en igangværende børnefaglig undersøgelse på sagen.")
        )
    reasons = _text(reasons)
    focus_areas = _text(focus_areas)
    without_consent_reasons = _text(without_consent_reasons)
    today = timezone.localdate()
    start = running_start(case)
    errors: dict[str, list[str]] = {}
    if start is not None:
        aware = aware_at_of(start)
    elif aware_at is None:
        raise ValidationError(
            {
                "aware_at": _(
                    "Skriv hvornår kommunen blev opmærksom på, at barnet kan have behov for "
                    "støtte: undersøgelsens 4 måneder regnes derfra (Barnets Lov § 20, stk. 3)."
                )
            }
        )
    else:
        aware = aware_at
        if aware > timezone.now():
            raise ValidationError({"aware_at": _("Tidspunktet kan ikke ligge i fremtiden.")})
    law = law_for(aware)
    if legal_basis not in [b.value for b in BASES_BY_LAW[law]]:
        errors["legal_basis"] = [
            _("Vælg et lovgrundlag efter %(law)s (kommunen blev opmærksom den %(day)s).")
            % {"law": Law(law).label, "day": _day(timezone.localdate(aware))}
        ]
    if not reasons:
        errors["reasons"] = [_("Skriv begrundelsen for afgørelsen.")]
    if decided_on is None or decided_on > today:
        errors["decided_on"] = [_("Datoen kan ikke ligge i fremtiden.")]
    elif decided_on < timezone.localdate(aware):
        errors["decided_on"] = [
            _("Afgørelsen kan ikke være truffet, før kommunen blev opmærksom (%(day)s).")
            % {"day": _day(timezone.localdate(aware))}
        ]
    deadline = legal_deadline(aware)
    start_date = start_date or decided_on
    # a decision recorded after the 4 months have passed (Faxe: investigations without the
    # decision) must still be recordable: then the planned end may lie after the deadline,
    # and the page asks for the provisional assessment
    passed = bool(start_date and deadline < start_date)
    planned_end = planned_end or (start_date if passed else deadline)
    if start_date and decided_on and start_date < decided_on:
        errors["start_date"] = [_("Undersøgelsen kan ikke starte før afgørelsen.")]
    if planned_end and start_date and planned_end < start_date:
        errors["planned_end"] = [_("Den planlagte afslutning kan ikke ligge før starten.")]
    elif planned_end and planned_end > deadline and not passed:
        errors["planned_end"] = [
            _(
                "Undersøgelsen skal være afsluttet senest %(day)s (4 måneder efter, at "
                "kommunen blev opmærksom – Barnets Lov § 20, stk. 3)."
            )
            % {"day": _day(deadline)}
        ]
    if not family_recipients(case):
        errors.setdefault("__all__", []).append(
            _(
                "Afgørelsen skal sendes til familien, men der er ingen "
                "forældremyndighedsindehavere registreret. Registrér dem under Personer "
                "omkring barnet først."
            )
        )
    if errors:
        raise ValidationError(errors)
    chosen = _check_consents(case, consent_route, consents, without_consent_reasons, today)
    template = template_for(law)
    if start is None:
        event_write(ev.AssessmentStarted(aware_at=aware), case=case, actor=by)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                case=case,
                template=template,
                law=law,
                aware_at=aware,
                decided_on=decided_on,
                decided_by=by,
                legal_basis=legal_basis,
                reasons=reasons,
                consent_route=consent_route,
                without_consent_reasons=(
                    without_consent_reasons if consent_route == ConsentRoute.WITHOUT_CONSENT else ""
                ),
                focus_areas=focus_areas,
                start_date=start_date,
                planned_end=planned_end,
                create_token=token,
            )
    except IntegrityError:  # a parallel submit (same token, or a second open one)
        existing = Assessment.objects.filter(create_token=token, case=case).first()
        if token is not None and existing is not None:
            return existing
        raise ValidationError(
            _("Der er allerede en igangværende børnefaglig undersøgelse på sagen.")
        ) from None
    assessment.consents.set(chosen)
    AssessmentSection.objects.bulk_create(
        [AssessmentSection(assessment=assessment, section=s) for s in template.sections.all()]
    )
    _decision_letters(assessment, by=by)
    event_write(
        ev.AssessmentDecided(
            assessment=assessment.pk,
            law=law,
            legal_basis=legal_basis,
            with_consent=consent_route == ConsentRoute.WITH_CONSENT,
        ),
        case=case,
        actor=by,
        subject=assessment,
        occurred_at=_occurred_at(decided_on),
    )
    return assessment


def _consent_text(assessment: Assessment) -> str:
    if assessment.consent_route == ConsentRoute.WITH_CONSENT:
        return _(
            "I har givet samtykke til, at vi indhenter de oplysninger, undersøgelsen har brug "
            "for. I kan til enhver tid trække samtykket tilbage."
        )
    return _(
        "Undersøgelsen gennemføres uden jeres samtykke. Begrundelse: %(reasons)s\n"
        "Vi gennemfører alligevel undersøgelsen så vidt muligt i samarbejde med jer (Barnets "
        "Lov § 22, stk. 2)."
    ) % {"reasons": assessment.without_consent_reasons}


def _decision_letters(assessment: Assessment, *, by) -> list[AssessmentLetter]:
    """The decision to the family: one letter per party, with reasons and appeal
    guidance."""
    case = assessment.case
    from boernesag.accounts.selectors import municipality_get

    municipality = municipality_get()
    guidance = appeal_guidance(
        letter_date=timezone.localdate(), municipality=municipality.name if municipality else ""
    )
    context = {
        "decision_date": _day(assessment.decided_on),
        "legal_basis": str(LegalBasis(assessment.legal_basis).label),
        "reasons": assessment.reasons,
        "focus_areas": assessment.focus_areas,
        "planned_end": _day(assessment.planned_end),
        "deadline": _day(legal_deadline(assessment.aware_at)),
        "consent_text": _consent_text(assessment),
        "appeal_guidance": guidance,
    }
    rows = []
    for person in family_recipients(case):
        letter = _letter(LetterKind.ASSESSMENT_DECISION, case, person, by, context)
        rows.append(
            AssessmentLetter.objects.create(
                assessment=assessment,
                purpose=AssessmentLetter.Purpose.DECISION,
                person=person,
                letter=letter,
                sent_by=by,
            )
        )
    return rows


@transaction.atomic
def plan_update(
    *,
    assessment: Assessment,
    by,
    expected_version: int,
    focus_areas: str,
    start_date: date,
    planned_end: date,
) -> Assessment:
    """The plan: focus areas, start and planned end (within the 4 months)."""
    _require(by, EDIT, assessment.case)
    _open(assessment)
    locked = _lock(assessment, expected_version)
    deadline = legal_deadline(locked.aware_at)
    errors: dict[str, list[str]] = {}
    if start_date < locked.decided_on:
        errors["start_date"] = [_("Undersøgelsen kan ikke starte før afgørelsen.")]
    if planned_end < start_date:
        errors["planned_end"] = [_("Den planlagte afslutning kan ikke ligge før starten.")]
    elif planned_end > deadline and deadline >= start_date:
        errors["planned_end"] = [
            _("Undersøgelsen skal være afsluttet senest %(day)s (Barnets Lov § 20, stk. 3).")
            % {"day": _day(deadline)}
        ]
    if errors:
        raise ValidationError(errors)
    _save(
        locked,
        assessment,
        focus_areas=_text(focus_areas),
        start_date=start_date,
        planned_end=planned_end,
    )
    return assessment


# --- activities ----------------------------------------------------------------------------


def professional_relations(case: Case):
    return people.people_around(case.child, kinds=[RelationKind.PROFESSIONAL])


@transaction.atomic
def activity_add(
    *,
    assessment: Assessment,
    by,
    kind: str,
    planned_on: date,
    statement_source: str = "",
    person: Person | None = None,
    answer_by: date | None = None,
    token: uuid.UUID | None = None,
) -> AssessmentActivity:
    """Plan an activity. A statement is asked of a professional around the child, with an
    answer date: the request letter goes through the outbox, addressed to the person and
    their organisation — except where that shows where a protected child is (persons.display:
    a school or daycare of a child with address protection is never printed)."""
    case = assessment.case
    _require(by, EDIT, case)
    if token is not None:
        existing = AssessmentActivity.objects.filter(
            create_token=token, assessment=assessment
        ).first()
        if existing is not None:
            return existing
    _open(assessment)
    locked = _lock(assessment, None)
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Vælg en aktivitet.")]
    if planned_on is None:
        errors["planned_on"] = [_("Skriv hvornår aktiviteten er planlagt.")]
    elif planned_on < locked.decided_on:
        errors["planned_on"] = [
            _("En aktivitet kan ikke ligge før afgørelsen om undersøgelsen (%(day)s).")
            % {"day": _day(locked.decided_on)}
        ]
    relation = None
    if kind == ActivityKind.STATEMENT:
        if statement_source not in StatementSource.values:
            errors["statement_source"] = [_("Vælg hvem udtalelsen skal komme fra.")]
        if person is None:
            errors["person"] = [_("Vælg den fagperson, der skal give udtalelsen.")]
        else:
            relation = next(
                (r for r in professional_relations(case) if r.person_id == person.pk), None
            )
            if relation is None:
                errors["person"] = [_("Vælg en af fagpersonerne omkring barnet.")]
        if answer_by is None:
            errors["answer_by"] = [_("Skriv svarfristen.")]
        elif answer_by < timezone.localdate():
            errors["answer_by"] = [_("Svarfristen kan ikke ligge i fortiden.")]
        if not by.has_perm(SEND, case):
            raise NotAllowed(_("Du har ikke adgang til at sende breve på sagen."))
    else:
        statement_source, person, answer_by = "", None, None
    if errors:
        raise ValidationError(errors)
    activity = AssessmentActivity.objects.create(
        assessment=locked,
        kind=kind,
        statement_source=statement_source,
        person=person,
        planned_on=planned_on,
        answer_by=answer_by,
        created_by=by,
        create_token=token,
    )
    if relation is not None:
        organisation = relation_organisation(relation, None, case.child)
        masked = relation_masked(relation, None, case.child)
        name = (
            person.full_name
            if masked or not organisation
            else f"{person.full_name}, {organisation}"
        )
        activity.request_letter = _letter(
            LetterKind.STATEMENT_REQUEST,
            case,
            person,
            by,
            {
                "source": str(StatementSource(statement_source).label).lower(),
                "answer_by": _day(answer_by),
                "focus_areas": locked.focus_areas,
            },
            name=name,
            address="" if masked else None,
        )
        activity.save(update_fields=["request_letter"])
    status = AssessmentStatus.IN_PROGRESS if locked.status == AssessmentStatus.DECIDED else None
    _save(locked, assessment, **({"status": status} if status else {}))
    event_write(
        ev.AssessmentActivityPlanned(assessment=locked.pk, activity_kind=kind),
        case=case,
        actor=by,
        subject=activity,
    )
    return activity


@transaction.atomic
def activity_record(
    *,
    activity: AssessmentActivity,
    by,
    expected_version: int,
    held: bool,
    held_on: date | None = None,
    summary: str = "",
    source: str = "",
    not_held_reason: str = "",
) -> AssessmentActivity:
    """Record an activity as held — on a day that has come and not before the decision, with
    what came out of it and, for a statement, its source (Faxe: statements retold without
    source) — or as not held, with why (Slagelse: every case shows a home visit or why
    not)."""
    assessment = activity.assessment
    case = assessment.case
    _require(by, EDIT, case)
    _open(assessment)
    locked = _lock(assessment, None)
    row = AssessmentActivity.objects.select_for_update().get(pk=activity.pk)
    if row.version != expected_version:
        raise ConflictError()
    summary, source, not_held_reason = _text(summary), _text(source), _text(not_held_reason)
    errors: dict[str, list[str]] = {}
    if held:
        if held_on is None:
            errors["held_on"] = [_("Skriv hvornår aktiviteten blev gennemført.")]
        elif held_on > timezone.localdate():
            errors["held_on"] = [
                _("En aktivitet kan ikke registreres som gennemført på en dato i fremtiden.")
            ]
        elif held_on < locked.decided_on:
            errors["held_on"] = [
                _("Aktiviteten kan ikke være gennemført før afgørelsen om undersøgelsen (%(day)s).")
                % {"day": _day(locked.decided_on)}
            ]
        if not summary:
            errors["summary"] = [_("Skriv hvad der kom frem.")]
        if row.kind == ActivityKind.STATEMENT and not source:
            errors["source"] = [
                _("Skriv kilden: hvem udtalelsen er fra, og hvornår den er modtaget.")
            ]
    elif not not_held_reason:
        errors["not_held_reason"] = [_("Skriv hvorfor aktiviteten ikke blev gennemført.")]
    if errors:
        raise ValidationError(errors)
    row.status = ActivityStatus.HELD if held else ActivityStatus.NOT_HELD
    row.held_on = held_on if held else None
    row.summary = summary if held else ""
    row.source = source[:300] if held else ""
    row.not_held_reason = "" if held else not_held_reason
    row.recorded_by = by
    row.version += 1
    row.save()
    status = AssessmentStatus.IN_PROGRESS if locked.status == AssessmentStatus.DECIDED else None
    _save(locked, assessment, **({"status": status} if status else {}))
    event_write(
        ev.AssessmentActivityRecorded(assessment=locked.pk, activity_kind=row.kind, held=held),
        case=case,
        actor=by,
        subject=row,
        occurred_at=_occurred_at(held_on) if held else None,
    )
    activity.refresh_from_db()
    return activity


# --- sections and the midway status ---------------------------------------------------------


@transaction.atomic
def section_save(
    *, section: AssessmentSection, by, expected_version: int, text: str
) -> AssessmentSection:
    """Save a section's text. Someone who saved since ``expected_version`` wins: the caller
    gets ``ConflictError`` and shows what was typed next to what was saved."""
    assessment = section.assessment
    case = assessment.case
    _require(by, EDIT, case)
    _open(assessment)
    locked = _lock(assessment, None)
    row = AssessmentSection.objects.select_for_update().get(pk=section.pk)
    if row.version != expected_version:
        raise ConflictError()
    text = _text(text)
    if len(text) > SECTION_MAX:
        raise ValidationError({"text": _("Afsnittet må højst være 10.000 tegn.")})
    row.text = text
    row.updated_by = by
    row.updated_at = timezone.now()
    row.version += 1
    row.save()
    status = AssessmentStatus.IN_PROGRESS if locked.status == AssessmentStatus.DECIDED else None
    _save(locked, assessment, **({"status": status} if status else {}))
    event_write(
        ev.AssessmentSectionSaved(assessment=locked.pk, section_key=row.section.key),
        case=case,
        actor=by,
        subject=row,
    )
    section.refresh_from_db()
    return section


@transaction.atomic
def midway_record(
    *, assessment: Assessment, by, expected_version: int, focus_holds: bool | None, text: str
) -> Assessment:
    """The midway status: do the focus areas still hold?"""
    _require(by, EDIT, assessment.case)
    _open(assessment)
    locked = _lock(assessment, expected_version)
    errors = {}
    if focus_holds is None:
        errors["focus_holds"] = [_("Svar på, om fokusområderne stadig holder.")]
    if not _text(text):
        errors["text"] = [_("Skriv status midtvejs.")]
    if errors:
        raise ValidationError(errors)
    _save(
        locked,
        assessment,
        midway_at=timezone.now(),
        midway_focus_holds=focus_holds,
        midway_text=_text(text),
    )
    event_write(
        ev.AssessmentMidwayRecorded(assessment=locked.pk, focus_holds=focus_holds),
        case=assessment.case,
        actor=by,
        subject=locked,
    )
    return assessment


# --- the draft, the comments ---------------------------------------------------------------


def _existing_letters(assessment: Assessment, purpose: str, token) -> list[AssessmentLetter]:
    if token is None:
        return []
    return list(
        AssessmentLetter.objects.filter(assessment=assessment, purpose=purpose, send_token=token)
    )


def _text_letters(
    assessment: Assessment, *, by, purpose: str, kind: str, recipients, token, extra=None
) -> list[AssessmentLetter]:
    case = assessment.case
    parts = text_parts(assessment_text(assessment, draft=purpose == "draft"), LETTER_PART_CHARS)
    rows = []
    for person in recipients:
        for n, part in enumerate(parts, start=1):
            label = _("del %(n)s af %(of)s") % {"n": n, "of": len(parts)} if len(parts) > 1 else ""
            letter = _letter(
                kind,
                case,
                person,
                by,
                {"assessment_content": part, "part": label, **(extra or {})},
            )
            rows.append(
                AssessmentLetter.objects.create(
                    assessment=assessment,
                    purpose=purpose,
                    person=person,
                    letter=letter,
                    sent_by=by,
                    send_token=token,
                )
            )
    return rows


@transaction.atomic
def draft_send(
    *,
    assessment: Assessment,
    by,
    expected_version: int,
    recipients,
    comments_by: date,
    confirm_protected: bool = False,
    token: uuid.UUID | None = None,
) -> list[AssessmentLetter]:
    """Send the draft to the family through the outbox. When the child has a protected
    address, the caseworker confirms first that the draft says nothing about where the
    child lives (the letters never print a protected address). A second submit with the
    same ``token`` sends nothing new."""
    case = assessment.case
    _require(by, SEND, case)
    earlier = _existing_letters(assessment, AssessmentLetter.Purpose.DRAFT, token)
    if earlier:
        return earlier
    _open(assessment)
    locked = _lock(assessment, expected_version)
    recipients = _check_recipients(case, recipients)
    errors: dict[str, list[str]] = {}
    if not recipients:
        errors["recipients"] = [_("Vælg mindst én modtager.")]
    if comments_by is None or comments_by < timezone.localdate():
        errors["comments_by"] = [_("Fristen for bemærkninger skal ligge fra i dag og frem.")]
    if case.child.address_protected and not confirm_protected:
        errors["confirm_protected"] = [
            _(
                "Barnet har navne- og adressebeskyttelse. Bekræft, at udkastet ikke fortæller, "
                "hvor barnet bor, går i skole eller dagtilbud, før det sendes."
            )
        ]
    if errors:
        raise ValidationError(errors)
    rows = _text_letters(
        locked,
        by=by,
        purpose=AssessmentLetter.Purpose.DRAFT,
        kind=LetterKind.ASSESSMENT_DRAFT,
        recipients=recipients,
        token=token,
        extra={"comments_by": _day(comments_by)},
    )
    _save(locked, assessment, status=AssessmentStatus.DRAFT_SENT, draft_sent_at=timezone.now())
    event_write(
        ev.AssessmentDraftSent(assessment=locked.pk, recipients=len(recipients)),
        case=case,
        actor=by,
        subject=locked,
    )
    return rows


@transaction.atomic
def comments_record(
    *, assessment: Assessment, by, expected_version: int, comments: str
) -> Assessment:
    """The family's comments on the draft, recorded as an addition to the investigation (the
    draft itself is not rewritten)."""
    _require(by, EDIT, assessment.case)
    _open(assessment)
    locked = _lock(assessment, expected_version)
    if locked.draft_sent_at is None:
        raise ValidationError(_("Send udkastet til familien, før bemærkningerne registreres."))
    if not _text(comments):
        raise ValidationError({"comments": _("Skriv familiens bemærkninger.")})
    _save(locked, assessment, family_comments=_text(comments), comments_recorded_at=timezone.now())
    event_write(
        ev.AssessmentCommentsRecorded(assessment=locked.pk),
        case=assessment.case,
        actor=by,
        subject=locked,
    )
    return assessment


# --- the conclusion, the provisional assessment ---------------------------------------------


@transaction.atomic
def assessment_conclude(
    *,
    assessment: Assessment,
    by,
    expected_version: int,
    concluded_on: date,
    needs_support: bool | None,
    support_kind: str = "",
    reasons: str,
    child_view: str = "",
    no_conversation_reason: str = "",
    parents_view: str = "",
) -> Assessment:
    """Conclude (Barnets Lov § 22, stk. 6): whether the child needs support, which kind and
    why, and how the custody holders and the child see it — the child's view, or why no
    conversation with the child was held. Writes ``assessment_concluded`` now, which stops
    the 4-month clock at the moment it is recorded (``concluded_on`` is the document's date,
    never a back-dated stop). The whole investigation is filed as a PDF in the case's
    documents and sent to the family through the outbox (after commit)."""
    case = assessment.case
    _require(by, EDIT, case)
    _open(assessment)
    locked = _lock(assessment, expected_version)
    support_kind, reasons = _text(support_kind), _text(reasons)
    child_view, parents_view = _text(child_view), _text(parents_view)
    no_conversation_reason = _text(no_conversation_reason)
    errors: dict[str, list[str]] = {}
    if needs_support is None:
        errors["needs_support"] = [_("Svar på, om barnet har behov for støtte.")]
    elif needs_support and not support_kind:
        errors["support_kind"] = [_("Skriv hvilken støtte barnet har behov for.")]
    if not reasons:
        errors["reasons"] = [_("Skriv begrundelsen for konklusionen.")]
    if not child_view and not no_conversation_reason:
        errors["child_view"] = [
            _(
                "Skriv barnets syn med barnets egne ord – eller hvorfor der ikke er holdt en "
                "samtale med barnet (Barnets Lov § 5 og § 22, stk. 6)."
            )
        ]
    if not parents_view:
        errors["parents_view"] = [
            _("Skriv forældrenes syn på støtten med deres egne ord (Barnets Lov § 22, stk. 6).")
        ]
    today = timezone.localdate()
    if concluded_on is None or concluded_on > today:
        errors["concluded_on"] = [_("Datoen kan ikke ligge i fremtiden.")]
    elif concluded_on < locked.decided_on:
        errors["concluded_on"] = [_("Undersøgelsen kan ikke afsluttes før afgørelsen.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _save(
        locked,
        assessment,
        status=AssessmentStatus.CONCLUDED,
        concluded_on=concluded_on,
        concluded_at=now,
        concluded_by=by,
        needs_support=needs_support,
        support_kind=support_kind if needs_support else "",
        conclusion_reasons=reasons,
        child_view=child_view,
        no_conversation_reason=no_conversation_reason if not child_view else "",
        parents_view=parents_view,
    )
    event_write(
        ev.AssessmentConcluded(assessment=locked.pk, needs_support=needs_support),
        case=case,
        actor=by,
        subject=locked,
        occurred_at=now,
    )
    # For a protected child the report is filed but not sent automatically: its sources and
    # school section may tell where the child is; the caseworker reads it and sends it by
    # hand (docs/investigation.md)
    if by.has_perm(SEND, case) and not case.child.address_protected:
        _text_letters(
            assessment,
            by=by,
            purpose=AssessmentLetter.Purpose.REPORT,
            kind=LetterKind.ASSESSMENT_REPORT,
            recipients=family_recipients(case),
            token=None,
        )
    transaction.on_commit(partial(report_enqueue, assessment.pk))
    return assessment


@transaction.atomic
def provisional_record(*, assessment: Assessment, by, expected_version: int, text: str):
    """The provisional assessment (foreløbig vurdering): when the investigation exceptionally
    cannot be concluded within 4 months, the municipality makes one and concludes as soon as
    possible after (Barnets Lov § 20, stk. 3, 2. pkt.). Only once the 4 months have passed;
    it does not stop the clock."""
    _require(by, EDIT, assessment.case)
    _open(assessment)
    locked = _lock(assessment, expected_version)
    if locked.provisional_at is not None:
        raise ValidationError(_("Den foreløbige vurdering er allerede registreret."))
    if not is_overdue(locked):
        raise ValidationError(
            _(
                "De 4 måneder er ikke gået endnu: en foreløbig vurdering laves først, når "
                "undersøgelsen ikke kan afsluttes til tiden (Barnets Lov § 20, stk. 3)."
            )
        )
    if not _text(text):
        raise ValidationError({"text": _("Skriv den foreløbige vurdering.")})
    _save(
        locked,
        assessment,
        provisional_at=timezone.now(),
        provisional_text=_text(text),
        provisional_by=by,
    )
    event_write(
        ev.AssessmentProvisionalRecorded(assessment=locked.pk),
        case=assessment.case,
        actor=by,
        subject=locked,
    )
    return assessment


# --- the investigation as a document ---------------------------------------------------------


def report_enqueue(assessment_id: int) -> None:
    from boernesag.assessments.tasks import assessment_report_file

    assessment_report_file.enqueue(assessment_id)


def report_file(assessment_id: int) -> str:
    """Render the whole investigation as a PDF on the letterhead and file it in the case's
    documents — once: a second run (a retried task) finds it filed and does nothing. The PDF
    is made outside any transaction; filing is a short one holding the row."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boernesag.accounts.selectors import municipality_get
    from boernesag.cases.constants import DocumentKind
    from boernesag.cases.services import document_add
    from boernesag.letters.pdf import html_to_pdf, letter_html

    assessment = Assessment.objects.select_related("case__child").get(pk=assessment_id)
    if assessment.report_document_id or assessment.status != AssessmentStatus.CONCLUDED:
        return "idle"
    pdf = html_to_pdf(
        letter_html(
            municipality=municipality_get(),
            subject=_("Børnefaglig undersøgelse"),
            body=assessment_text(assessment),
            recipient_name=assessment.case.child.full_name,
            recipient_address="",
            date=assessment.concluded_on,
        )
    )
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment_id)
        if locked.report_document_id:
            return "idle"
        document = document_add(
            case=assessment.case,
            uploaded_by=locked.concluded_by,
            file=SimpleUploadedFile(
                f"boernefaglig-undersoegelse-{locked.pk}.pdf", pdf, "application/pdf"
            ),
            title=_("Børnefaglig undersøgelse"),
            kind=DocumentKind.OTHER,
            document_date=locked.concluded_on,
        )
        Assessment.objects.filter(pk=locked.pk).update(report_document=document)
    return "filed"
