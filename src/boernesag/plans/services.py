"""All writes for plans: barnets plan (Barnets Lov §§ 91–92), ungeplan (§§ 108–109) and the
handleplan of Serviceloven § 140 (plans made before 2024).

Keyword-only, with the actor ``by``, one transaction each. A plan is drafted (purpose, goals
with sub-goals, who does what, expected duration, the plan meeting), then *made*
(``plan_make``: version 1, event ``plan_made``, which stops the plan deadlines — also when
the plan is made before the decision) and later *revised* (``plan_revise``: a new version
with what changed and why, event ``plan_revised``). Sending a version (``plan_send``) writes
one letter per recipient into the outbox; the PDFs are made and delivered after commit.

Every change to a plan, goal or task bumps the plan's ``version``: an edit or a new version
based on what someone saw before another saved raises ``ConflictError`` (the page keeps the
input). Forms that create something carry a token: a double submit returns what the first
made. Nothing is deleted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.cases.constants import ConsentScope
from boernesag.cases.models import Case, Consent
from boernesag.cases.services import ConflictError, NotAllowed
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.letters import services as letters
from boernesag.letters.models import LetterKind
from boernesag.lib.limits import Window
from boernesag.persons import selectors as people
from boernesag.persons.constants import RelationKind
from boernesag.persons.display import person_address
from boernesag.persons.models import Person
from boernesag.plans.constants import (
    BARNETS_LOV_FROM,
    GoalStatus,
    PlanKind,
    PlanStatus,
    Responsible,
)
from boernesag.plans.content import plan_content, plan_text
from boernesag.plans.models import Plan, PlanDispatch, PlanGoal, PlanTask, PlanVersion

__all__ = ["ConflictError"]

PLAN_FIELDS = (
    "purpose",
    "basis",
    "involvement",
    "drafted_with_family",
    "family_support",
    "expected_duration_months",
    "meeting",
)
MAX_DURATION_MONTHS = 120
MAX_GOALS = 40  # a plan with more goals than this is no longer a plan anyone can follow


EDIT = "plans.edit_plan"
SEND = "plans.send_plan"


def _require(by, perm: str, case: Case) -> None:
    """The permission registry decides (plans/permissions.py), whoever calls the service.
    A closed case first gets its own message (nothing changes on a closed case)."""
    _open_case(case)
    if not by.has_perm(perm, case):
        raise NotAllowed(_("Du har ikke adgang til at gøre dette på sagen."))


def _occurred_at(day: date) -> datetime:
    """The moment of an event that happened on ``day``: now if today, else noon that day."""
    now = timezone.localtime()
    if day >= now.date():
        return now
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


def _lock(plan: Plan, expected_version: int | None) -> Plan:
    """The plan row locked; ``ConflictError`` if someone saved since ``expected_version``."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError()
    return locked


def _bump(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    plan.refresh_from_db()


def _open_case(case: Case) -> None:
    if case.closed_at is not None:
        raise ValidationError(_("Sagen er afsluttet: planen kan ikke ændres."))


def kinds_for(case: Case, on: date | None = None) -> list[str]:
    """The plan kinds that can be made on ``case``: a handleplan (Serviceloven § 140) only
    for a case opened before Barnets Lov (1 January 2024); barnets plan or ungeplan after."""
    kinds = [PlanKind.CHILD, PlanKind.YOUTH]
    if timezone.localdate(case.opened_at) < BARNETS_LOV_FROM:
        kinds.append(PlanKind.ACTION)
    return kinds


def kind_proposed(case: Case, on: date | None = None) -> str:
    """Barnets Lov § 108, stk. 1: from 16 a youth plan (ungeplan) is proposed; before that
    barnets plan (§ 91)."""
    on = on or timezone.localdate()
    age = case.child.age_on(on)
    return PlanKind.YOUTH if age is not None and age >= 16 else PlanKind.CHILD


def _check_fields(case: Case, fields: dict) -> dict:
    errors: dict[str, list[str]] = {}
    if not (fields.get("purpose") or "").strip():
        errors["purpose"] = [_("Skriv det overordnede formål med indsatsen.")]
    months = fields.get("expected_duration_months")
    if months is not None and not 1 <= months <= MAX_DURATION_MONTHS:
        errors["expected_duration_months"] = [
            _("Skriv en varighed mellem 1 og %(n)s måneder.") % {"n": MAX_DURATION_MONTHS}
        ]
    meeting = fields.get("meeting")
    if meeting is not None and meeting.case_id != case.pk:
        errors["meeting"] = [_("Vælg et møde på denne sag.")]
    if errors:
        raise ValidationError(errors)
    cleaned = dict(fields)
    for name in ("purpose", "basis", "involvement", "family_support"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


@transaction.atomic
def plan_create(*, case: Case, kind: str, by, token: uuid.UUID | None = None, **fields) -> Plan:
    """A new plan as a draft. A second submit with the same ``token`` returns the first
    plan. A handleplan (Serviceloven § 140) only on a case opened before 2024."""
    _require(by, EDIT, case)
    if token is not None:
        existing = Plan.objects.filter(create_token=token, case=case).first()
        if existing is not None:
            return existing
    _open_case(case)
    if kind not in kinds_for(case):
        raise ValidationError(
            {
                "kind": _(
                    "En handleplan efter Serviceloven § 140 kan kun laves på en sag fra før "
                    "1. januar 2024. Vælg barnets plan eller ungeplan."
                )
            }
        )
    cleaned = _check_fields(case, {k: fields.get(k) for k in PLAN_FIELDS if k in fields})
    try:
        with transaction.atomic():
            return Plan.objects.create(
                case=case, kind=kind, created_by=by, create_token=token, **cleaned
            )
    except IntegrityError:  # the same token, committed by a parallel request
        existing = Plan.objects.filter(create_token=token, case=case).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def plan_update(*, plan: Plan, by, expected_version: int, **fields) -> Plan:
    """Change the plan's own fields (purpose, basis, involvement, family support, duration,
    the plan meeting). On a plan already made this is part of the next version."""
    _require(by, EDIT, plan.case)
    _open_case(plan.case)
    locked = _lock(plan, expected_version)
    cleaned = _check_fields(plan.case, {k: fields[k] for k in PLAN_FIELDS if k in fields})
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    plan.refresh_from_db()
    return plan


def _check_goal(plan: Plan, *, area, what, measure, due_on, parent) -> dict:
    errors: dict[str, list[str]] = {}
    if not (what or "").strip():
        errors["what"] = [_("Skriv hvad der skal være anderledes.")]
    if not (measure or "").strip():
        errors["measure"] = [_("Skriv hvordan I vil vide, at målet er nået.")]
    if due_on is None:
        errors["due_on"] = [_("Skriv hvornår målet skal være nået.")]
    if parent is not None:
        if parent.plan_id != plan.pk:
            errors["parent"] = [_("Delmålet skal høre til et mål i samme plan.")]
        elif parent.parent_id is not None:
            errors["parent"] = [_("Et delmål kan ikke have sine egne delmål.")]
        elif due_on is not None and due_on > parent.due_on:
            errors["due_on"] = [
                _("Et delmål skal nås senest samtidig med målet (%(day)s).")
                % {"day": _day(parent.due_on)}
            ]
    if errors:
        raise ValidationError(errors)
    return {"area": area, "what": what.strip(), "measure": measure.strip(), "due_on": due_on}


@transaction.atomic
def goal_add(
    *,
    plan: Plan,
    by,
    area: str,
    what: str,
    measure: str,
    due_on: date,
    parent: PlanGoal | None = None,
    token: uuid.UUID | None = None,
) -> PlanGoal:
    """A concrete, measurable goal (or sub-goal): what will be different, how we will know,
    by when (Barnets Lov § 92, stk. 1; § 109, stk. 1)."""
    _require(by, EDIT, plan.case)
    if token is not None:
        existing = PlanGoal.objects.filter(create_token=token, plan=plan).first()
        if existing is not None:
            return existing
    _open_case(plan.case)
    locked = _lock(plan, None)
    cleaned = _check_goal(plan, area=area, what=what, measure=measure, due_on=due_on, parent=parent)
    count = PlanGoal.objects.filter(plan=plan).count()
    if count >= MAX_GOALS:
        raise ValidationError(_("En plan kan højst have %(n)s mål og delmål.") % {"n": MAX_GOALS})
    goal = PlanGoal.objects.create(
        plan=plan,
        parent=parent,
        position=count + 1,
        created_by=by,
        create_token=token,
        **cleaned,
    )
    _bump(locked)
    plan.refresh_from_db()
    return goal


@transaction.atomic
def goal_update(
    *, goal: PlanGoal, by, expected_version: int, area: str, what: str, measure: str, due_on: date
) -> PlanGoal:
    """Change a goal's text, area or date; the goal keeps its id (stable across versions)."""
    _require(by, EDIT, goal.plan.case)
    plan = goal.plan
    _open_case(plan.case)
    locked = _lock(plan, None)
    row = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    if row.version != expected_version:
        raise ConflictError()
    cleaned = _check_goal(
        plan, area=area, what=what, measure=measure, due_on=due_on, parent=row.parent
    )
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.version += 1
    row.save()
    _bump(locked)
    goal.refresh_from_db()
    return goal


@transaction.atomic
def goal_status_set(
    *, goal: PlanGoal, by, expected_version: int, status: str, reason: str = ""
) -> PlanGoal:
    """A goal is achieved, dropped or active again — never deleted. Dropping needs a reason;
    dropping a goal drops its sub-goals with it."""
    _require(by, EDIT, goal.plan.case)
    plan = goal.plan
    _open_case(plan.case)
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Vælg en status.")})
    reason = (reason or "").strip()
    if status == GoalStatus.DROPPED and not reason:
        raise ValidationError({"status_reason": _("Skriv hvorfor målet udgår.")})
    locked = _lock(plan, None)
    row = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    if row.version != expected_version:
        raise ConflictError()
    row.status, row.status_reason = status, reason
    row.version += 1
    row.save()
    if status == GoalStatus.DROPPED:
        for sub in PlanGoal.objects.select_for_update().filter(
            parent=row, status=GoalStatus.ACTIVE
        ):
            sub.status, sub.status_reason = GoalStatus.DROPPED, reason
            sub.version += 1
            sub.save()
    _bump(locked)
    goal.refresh_from_db()
    return goal


def _check_task(plan: Plan, *, responsible, person, provider, goal, what) -> dict:
    errors: dict[str, list[str]] = {}
    if responsible not in Responsible.values:
        errors["responsible"] = [_("Vælg hvem der gør det.")]
    if not (what or "").strip():
        errors["what"] = [_("Skriv hvad der skal gøres.")]
    if goal is not None and goal.plan_id != plan.pk:
        errors["goal"] = [_("Vælg et mål i denne plan.")]
    if provider is not None and responsible != Responsible.PROVIDER:
        errors["provider"] = [_("En leverandør vælges kun, når leverandøren gør det.")]
    if person is not None:
        around = {p.pk for p, _what in people.meeting_participants(plan.case)}
        if person.pk not in around:
            errors["person"] = [_("Vælg en af personerne omkring barnet.")]
    if errors:
        raise ValidationError(errors)
    return {
        "responsible": responsible,
        "person": person,
        "provider": provider,
        "goal": goal,
        "what": what.strip(),
    }


@transaction.atomic
def task_add(
    *,
    plan: Plan,
    by,
    responsible: str,
    what: str,
    person: Person | None = None,
    provider=None,
    goal: PlanGoal | None = None,
    token: uuid.UUID | None = None,
) -> PlanTask:
    """Who does what: the family, the network, a professional (from the people around the
    child), the provider (from the catalogue) or the caseworker."""
    _require(by, EDIT, plan.case)
    if token is not None:
        existing = PlanTask.objects.filter(create_token=token, plan=plan).first()
        if existing is not None:
            return existing
    _open_case(plan.case)
    locked = _lock(plan, None)
    cleaned = _check_task(
        plan, responsible=responsible, person=person, provider=provider, goal=goal, what=what
    )
    task = PlanTask.objects.create(plan=plan, created_by=by, create_token=token, **cleaned)
    _bump(locked)
    plan.refresh_from_db()
    return task


@transaction.atomic
def task_end(*, task: PlanTask, by, expected_version: int) -> PlanTask:
    """A task no longer part of the plan (kept, marked ended)."""
    _require(by, EDIT, task.plan.case)
    plan = task.plan
    _open_case(plan.case)
    locked = _lock(plan, None)
    row = PlanTask.objects.select_for_update().get(pk=task.pk)
    if row.version != expected_version:
        raise ConflictError()
    row.ended = True
    row.version += 1
    row.save()
    _bump(locked)
    task.refresh_from_db()
    return task


# --- versions ----------------------------------------------------------------------------


def _check_makeable(plan: Plan, made_on: date, *, revising: bool = False) -> None:
    errors: list[str] = []
    first, last = Window.PAST.bounds(timezone.localdate())
    if not first <= made_on <= last:
        raise ValidationError({"made_on": _("Datoen kan ikke ligge i fremtiden.")})
    if made_on < timezone.localdate(plan.case.opened_at):
        raise ValidationError(
            {"made_on": _("Planen kan ikke være udarbejdet, før sagen blev oprettet.")}
        )
    if plan.kind == PlanKind.ACTION and made_on >= BARNETS_LOV_FROM:
        raise ValidationError(
            {
                "made_on": _(
                    "En handleplan efter Serviceloven § 140 er udarbejdet før 1. januar 2024. "
                    "Planer fra 2024 er barnets plan eller ungeplan efter Barnets Lov."
                )
            }
        )
    if plan.kind != PlanKind.ACTION and made_on < BARNETS_LOV_FROM:
        raise ValidationError(
            {"made_on": _("Barnets plan og ungeplan findes fra 1. januar 2024 (Barnets Lov).")}
        )
    if not plan.purpose.strip():
        errors.append(_("Planen mangler det overordnede formål."))
    # a revision may record that every goal is reached; a new plan needs one to work towards
    goals = PlanGoal.objects.filter(plan=plan)
    goals = (
        goals.exclude(status=GoalStatus.DROPPED)
        if revising
        else goals.filter(status=GoalStatus.ACTIVE)
    )
    if not goals.exists():
        errors.append(
            _(
                "Planen skal have mindst ét konkret mål: hvad skal være anderledes, hvordan ved "
                "vi det, og hvornår (Barnets Lov § 92, stk. 1)."
            )
        )
    if errors:
        raise ValidationError(errors)


def _version_make(
    plan: Plan, *, by, made_on: date, changes: str, reason: str, token
) -> PlanVersion:
    number = plan.current_number + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        made_on=made_on,
        made_by=by,
        changes=changes,
        reason=reason,
        content=plan_content(plan),
        submit_token=token,
    )
    Plan.objects.filter(pk=plan.pk).update(current_number=number, version=F("version") + 1)
    return version


def _existing_version(plan: Plan, token) -> PlanVersion | None:
    if token is None:
        return None
    return PlanVersion.objects.filter(plan=plan, submit_token=token).first()


@transaction.atomic
def plan_make(
    *, plan: Plan, by, made_on: date, expected_version: int, token: uuid.UUID | None = None
) -> PlanVersion:
    """The plan is made (udarbejdet): version 1, and the event ``plan_made`` on the day it
    was made — which stops the plan deadline of Barnets Lov § 91, stk. 1–2 / § 108, stk. 3
    (Serviceloven § 140, stk. 1 for a handleplan), also when it was made before the decision.
    A youth plan is also the position on a youth plan (§ 108, stk. 1: ``youth_plan_decided``)."""
    _require(by, EDIT, plan.case)
    existing = _existing_version(plan, token)
    if existing is not None:
        return existing
    _open_case(plan.case)
    locked = _lock(plan, expected_version)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError(_("Planen er allerede udarbejdet. Gem en ny version i stedet."))
    _check_makeable(locked, made_on)
    version = _version_make(locked, by=by, made_on=made_on, changes="", reason="", token=token)
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.MADE, made_on=made_on, made_by=by)
    at = _occurred_at(made_on)
    event_write(
        ev.PlanMade(plan_kind=locked.kind, plan=locked.pk),
        case=locked.case,
        actor=by,
        occurred_at=at,
    )
    if locked.kind == PlanKind.YOUTH:
        event_write(ev.YouthPlanDecided(plan=locked.pk), case=locked.case, actor=by, occurred_at=at)
    plan.refresh_from_db()
    return version


@transaction.atomic
def plan_revise(
    *,
    plan: Plan,
    by,
    made_on: date,
    changes: str,
    reason: str,
    expected_version: int,
    token: uuid.UUID | None = None,
) -> PlanVersion:
    """A revision: the plan as it now stands becomes the next version, with what changed and
    why (Barnets Lov § 95, stk. 4: the plan is revised when follow-up shows the need). The
    earlier versions stay as they were; the new one is what counts from now."""
    _require(by, EDIT, plan.case)
    existing = _existing_version(plan, token)
    if existing is not None:
        return existing
    _open_case(plan.case)
    locked = _lock(plan, expected_version)
    if locked.status != PlanStatus.MADE:
        raise ValidationError(_("Planen er ikke udarbejdet endnu."))
    errors: dict[str, list[str]] = {}
    if not (changes or "").strip():
        errors["changes"] = [_("Skriv hvad der er ændret.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Skriv hvorfor planen ændres.")]
    if errors:
        raise ValidationError(errors)
    _check_makeable(locked, made_on, revising=True)
    current = locked.versions.order_by("-number").first()
    if current is not None and made_on < current.made_on:
        raise ValidationError(
            {
                "made_on": _("En ny version kan ikke være ældre end den gældende (%(day)s).")
                % {"day": _day(current.made_on)}
            }
        )
    version = _version_make(
        locked, by=by, made_on=made_on, changes=changes.strip(), reason=reason.strip(), token=token
    )
    event_write(
        ev.PlanRevised(plan_kind=locked.kind, plan=locked.pk, number=version.number),
        case=locked.case,
        actor=by,
        occurred_at=_occurred_at(made_on),
    )
    plan.refresh_from_db()
    return version


# --- sending -----------------------------------------------------------------------------


def share_consent(case: Case, on: date | None = None) -> Consent | None:
    """The consent in force to share the plan with the professionals (Varde: the plan goes
    to the professionals only with the family's consent)."""
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(case=case, scope=ConsentScope.SHARE_PLAN, given_on__lte=on)
        .exclude(withdrawn_on__lte=on)
        .exclude(valid_until__lt=on)
        .order_by("-given_on", "-id")
        .first()
    )


def family_recipients(case: Case) -> list[Person]:
    """The family: the custody holders and the young person from 15 (Barnets Lov § 22,
    stk. 2; § 109, stk. 2 — the plan is made with them)."""
    return people.consent_givers(case)


def professional_recipients(case: Case) -> list[Person]:
    return [r.person for r in people.people_around(case.child, kinds=[RelationKind.PROFESSIONAL])]


def plan_title(plan: Plan) -> str:
    return str(PlanKind(plan.kind).label).lower()


@transaction.atomic
def plan_send(
    *,
    version: PlanVersion,
    by,
    family: list[Person],
    professionals: list[Person] = (),
    token: uuid.UUID | None = None,
) -> list[PlanDispatch]:
    """Send a version of the plan: one letter per recipient through the outbox (made and
    delivered after commit). The family are the custody holders and the young person from
    15; professionals only with a consent in force to share the plan, recorded on each
    dispatch. Protected addresses are never printed (the letter goes by Digital Post).
    Only the plan's current version is sent; the plan is locked while sending, and a second
    submit with the same ``token`` returns the first sending's dispatches (no new letters)."""
    _require(by, SEND, version.plan.case)
    plan = Plan.objects.select_for_update().select_related("case__child").get(pk=version.plan_id)
    if token is not None:
        earlier = list(PlanDispatch.objects.filter(version__plan=plan, send_token=token))
        if earlier:
            return earlier
    if version.number != plan.current_number:
        raise ValidationError(_("Kun den gældende version af planen kan sendes."))
    case = plan.case
    _open_case(case)
    family = list(family)
    professionals = list(professionals)
    if not family and not professionals:
        raise ValidationError(_("Vælg mindst én modtager."))
    allowed_family = {p.pk for p in family_recipients(case)}
    if any(p.pk not in allowed_family for p in family):
        raise ValidationError(
            {"family": _("Vælg kun forældremyndighedsindehavere og den unge selv (fra 15 år).")}
        )
    consent = None
    if professionals:
        consent = share_consent(case)
        if consent is None:
            raise ValidationError(
                {
                    "professionals": _(
                        "Planen kan kun sendes til fagpersoner med familiens samtykke. "
                        "Registrér samtykket »Dele handleplanen med samarbejdspartnere« først."
                    )
                }
            )
        allowed = {p.pk for p in professional_recipients(case)}
        if any(p.pk not in allowed for p in professionals):
            raise ValidationError({"professionals": _("Vælg kun fagpersoner omkring barnet.")})
    content_text = plan_text(version.content, hide_places=case.child.address_protected)
    base = {
        "child_name": case.child.first_name,
        "plan_title": plan_title(plan),
        "plan_law": plan.legal_reference,
        "plan_version": str(version.number),
        "plan_date": formats.date_format(version.made_on, "j.n.Y"),
        "plan_content": content_text,
        "caseworker": by.get_full_name(),
    }
    dispatches = []
    for person, professional in [(p, False) for p in family] + [(p, True) for p in professionals]:
        address = "" if person.address_protected else person_address(person, by)
        letter = letters.letter_create(
            kind=LetterKind.PLAN,
            cases=[case],
            context={
                **base,
                "recipient_name": person.full_name,
                "professional": "ja" if professional else "",
            },
            recipient_name=person.full_name
            + (f", {person.organisation}" if professional and person.organisation else ""),
            recipient_address=address.replace(", ", "\n") if address else "",
            recipient_email=person.email if professional else "",
            by=by,
        )
        dispatches.append(
            PlanDispatch.objects.create(
                version=version,
                person=person,
                letter=letter,
                professional=professional,
                consent=consent if professional else None,
                sent_by=by,
                send_token=token,
            )
        )
    event_write(
        ev.PlanSent(
            plan=plan.pk,
            number=version.number,
            family=len(family),
            professionals=len(professionals),
        ),
        case=case,
        actor=by,
    )
    return dispatches
