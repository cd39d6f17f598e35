"""All writes for decisions, hearings, approvals and appeals (docs/decisions.md).

Law (verified on lovguiden.dk / ast.dk unless marked):
- Barnets Lov § 32 (support measures), § 46 (placement with consent), § 47 (placement
  without consent, decided by the children and young people's committee, § 142, stk. 1);
- Barnets Lov § 5: the child's view before the decision (its absence explained);
- Barnets Lov § 3: children from 10 exercise party rights in these matters (letters go to
  them too); § 91, stk. 1: the position on a plan when support is granted;
- forvaltningsloven § 19: hearing before a decision that rests on information the party has
  not seen (always before a refusal here, unless the skip is explained);
- Retssikkerhedsloven § 67, stk. 1 (4 weeks to appeal) and § 66, stk. 1 (reconsideration
  within 4 weeks, then forwarding to Ankestyrelsen) — values per ast.dk; Barnets Lov
  §§ 144–150 (appeals to Ankestyrelsen) per the ministry's guidance's table of contents
  (VEJ nr. 9471 af 21/06/2024), the exact section per decision kind *unverified*.

Every service takes the acting user (``by``), checks the permission registry and writes in
one transaction; letters are composed here and rendered and sent after commit by the letters
app. Events carry ids, codes and dates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.cases.services import ConflictError, NotAllowed
from boernesag.catalogue.models import RateUnit
from boernesag.catalogue.selectors import rate_for
from boernesag.decisions import authority
from boernesag.decisions.constants import (
    APPEAL_WINDOW_RULE,
    LEVEL_ORDER,
    AppealStatus,
    DecisionKind,
    DecisionStatus,
    Level,
    Outcome,
    TemporaryResolution,
)
from boernesag.decisions.models import Appeal, Approval, Decision, DecisionLetter, Hearing
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.letters import services as letters
from boernesag.letters.models import Letter, LetterKind
from boernesag.persons import selectors as people

__all__ = ["ConflictError", "NotAllowed"]

WEEKS_PER_YEAR = 52
# the fields of a decision a caseworker fills in (the form and the services share them)
FIELDS = (
    "assessment",
    "plan",
    "kind",
    "outcome",
    "service",
    "provider",
    "hours_per_week",
    "starts_on",
    "duration_weeks",
    "purpose",
    "reasons",
    "yearly_cost",
    "outside_frame_reason",
    "child_view",
    "child_view_absent_reason",
    "rests_on_unseen_information",
    "hearing_skip_reason",
    "plan_needed",
    "temporary",
)


def _require(by, perm: str, obj) -> None:
    if not by.has_perm(perm, obj):
        raise NotAllowed(_("Du har ikke adgang til at gøre dette på sagen."))


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


# --- the frame and the cost --------------------------------------------------------------


def service_frame(service):
    """The frame of the service's version in force: (min_hours, max_hours, min_weeks,
    max_weeks), each None when not set."""
    version = service.current_version if service else None
    if version is None:
        return (None, None, None, None)
    return (version.min_hours, version.max_hours, version.min_weeks, version.max_weeks)


def outside_frame(service, hours_per_week: int | None, duration_weeks: int | None) -> bool:
    """Is the volume outside the catalogue service's frame (hours per week, weeks)?"""
    min_h, max_h, min_w, max_w = service_frame(service)

    def out(value, low, high):
        return value is not None and (
            (low is not None and value < low) or (high is not None and value > high)
        )

    return out(hours_per_week, min_h, max_h) or out(duration_weeks, min_w, max_w)


def yearly_cost_estimate(*, provider, service, hours_per_week, on: date) -> Decimal | None:
    """The expected cost over a year from the provider's rate in force on ``on``: an hourly
    rate × hours a week × 52, a daily rate × 365, a monthly rate × 12; a module rate is not
    estimated (the caseworker enters the cost)."""
    if provider is None or service is None:
        return None
    rate = rate_for(provider=provider, service=service, on=on)
    if rate is None:
        return None
    if rate.unit == RateUnit.HOUR:
        if not hours_per_week:
            return None
        return (rate.price * hours_per_week * WEEKS_PER_YEAR).quantize(Decimal(1))
    if rate.unit == RateUnit.DAY:
        return (rate.price * 365).quantize(Decimal(1))
    if rate.unit == RateUnit.MONTH:
        return (rate.price * 12).quantize(Decimal(1))
    return None


# --- drafting ----------------------------------------------------------------------------


def _clean_fields(fields: dict) -> dict:
    data = {k: fields[k] for k in FIELDS if k in fields}
    for key in (
        "purpose",
        "reasons",
        "outside_frame_reason",
        "child_view",
        "child_view_absent_reason",
        "hearing_skip_reason",
    ):
        if key in data:
            data[key] = (data[key] or "").strip()
    return data


def concluded_assessments(case):
    from boernesag.assessments.constants import AssessmentStatus
    from boernesag.assessments.models import Assessment

    return Assessment.objects.filter(case=case, status=AssessmentStatus.CONCLUDED).order_by(
        "-concluded_at", "-id"
    )


def made_plans(case):
    from boernesag.plans.constants import PlanStatus
    from boernesag.plans.models import Plan

    return Plan.objects.filter(case=case, status=PlanStatus.MADE).order_by("-made_on", "-id")


def _check_basis(case, data: dict) -> None:
    """The investigation and plan a decision rests on belong to its own case (an id from
    another case is refused, never linked)."""
    errors = {}
    assessment = data.get("assessment")
    if assessment is not None and not concluded_assessments(case).filter(pk=assessment.pk).exists():
        errors["assessment"] = _("Vælg en afsluttet børnefaglig undersøgelse på denne sag.")
    plan = data.get("plan")
    if plan is not None and not made_plans(case).filter(pk=plan.pk).exists():
        errors["plan"] = _("Vælg en udarbejdet plan på denne sag.")
    if errors:
        raise ValidationError(errors)


def _derive(decision: Decision) -> None:
    """Fields computed from others: the frame, the cost (if not entered), who must decide."""
    if decision.outcome == Outcome.REFUSAL and decision.kind != DecisionKind.SUPPORT:
        decision.plan_needed = None
    decision.outside_frame = outside_frame(
        decision.service, decision.hours_per_week, decision.duration_weeks
    )
    estimate = None
    if decision.outcome == Outcome.GRANT:
        # The estimate from the provider's rate is recomputed on every save (hours raised
        # after the first save raise the cost). A typed figure never lowers it: with a rate
        # the cost is max(estimate, typed); the typed figure stands alone only when there is
        # no rate to compute from (a module rate, no rate in force).
        estimate = yearly_cost_estimate(
            provider=decision.provider,
            service=decision.service,
            hours_per_week=decision.hours_per_week,
            on=decision.starts_on or timezone.localdate(),
        )
        if estimate is not None:
            typed = decision.yearly_cost
            decision.yearly_cost = max(estimate, typed) if typed is not None else estimate
    decision.required_level = authority.required_level(
        kind=decision.kind,
        yearly_cost=decision.yearly_cost,
        outside_frame=decision.outside_frame and decision.outcome == Outcome.GRANT,
    )
    if decision.outcome == Outcome.GRANT and estimate is None:
        # no cost computed from a rate (a module rate, no rate in force, hours left empty at
        # an hourly rate): a typed figure alone could put any measure under the
        # caseworker's limit, so at least the team leader decides
        decision.required_level = max(
            decision.required_level, Level.TEAM_LEADER, key=lambda lv: LEVEL_ORDER[lv]
        )
    if decision.replaces_id and decision.replaces.committee:
        # what the children and young people's committee decided only the committee changes
        # (Barnets Lov § 142): a new decision replacing it needs the committee, whatever kind
        # it is changed to
        decision.required_level = Level.COMMITTEE


@transaction.atomic
def decision_create(*, case, by, submit_token=None, legal_sections=(), **fields) -> Decision:
    """A draft decision on ``case``. A form submitted twice (the same ``submit_token``)
    gives the decision the first submission made."""
    _require(by, "decisions.make_decision", case)
    if submit_token is not None:
        existing = Decision.objects.filter(case=case, submit_token=submit_token).first()
        if existing is not None:
            return existing
    data = _clean_fields(fields)
    if "assessment" not in fields:
        # a decision after an investigation rests on it: the latest concluded one unless
        # another is chosen
        data["assessment"] = concluded_assessments(case).first()
    _check_basis(case, data)
    decision = Decision(
        case=case,
        created_by=by,
        created_at=timezone.now(),
        submit_token=submit_token,
        **data,
    )
    _derive(decision)
    decision.save()
    decision.legal_sections.set(list(legal_sections))
    return decision


@transaction.atomic
def decision_update(
    *, decision: Decision, by, expected_version: int, legal_sections=None, **fields
) -> Decision:
    """Change a draft. Someone else saving in the meantime raises ``ConflictError``."""
    _require(by, "decisions.make_decision", decision.case)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.version != expected_version:
        raise ConflictError()
    if locked.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Afgørelsen er ikke en kladde længere og kan ikke ændres."))
    data = _clean_fields(fields)
    _check_basis(locked.case, data)
    for key, value in data.items():
        setattr(locked, key, value)
    _derive(locked)
    locked.version = F("version") + 1
    locked.save()
    if legal_sections is not None:
        locked.legal_sections.set(list(legal_sections))
    locked.refresh_from_db()
    locked.editors.add(by)
    return locked


def hearing_required(decision: Decision) -> bool:
    """forvaltningsloven § 19: before a refusal, and when the decision rests on
    information the family has not seen."""
    return decision.outcome == Outcome.REFUSAL or decision.rests_on_unseen_information


def hearing_basis(decision: Decision) -> dict:
    """What the parties are heard on, besides the information in the letter: the decision
    the draft proposes. Compared with the hearing's ``heard_basis`` before deciding."""
    return {
        "outcome": decision.outcome,
        "kind": decision.kind,
        "service": decision.service_id,
        "provider": decision.provider_id,
        "hours_per_week": decision.hours_per_week,
        "starts_on": decision.starts_on.isoformat() if decision.starts_on else None,
        "duration_weeks": decision.duration_weeks,
    }


def placement_consent_missing(case, *, on: date) -> list:
    """Who must consent to a placement and has no consent in force (Barnets Lov § 46, stk.
    1–2: the custody holders and the young person who has turned 15)."""
    from boernesag.cases.constants import ConsentScope
    from boernesag.cases.models import Consent

    given = set(
        Consent.objects.filter(case=case, scope=ConsentScope.PLACEMENT, given_on__lte=on)
        .exclude(withdrawn_on__lte=on)
        .exclude(valid_until__lt=on)
        .values_list("given_by_id", flat=True)
    )
    return [p for p in people.consent_givers(case, on=on) if p.pk not in given]


def decision_problems(decision: Decision, *, today: date | None = None) -> list[str]:
    """What stops the decision from being made (Danish, one line each). Empty: it may be
    decided (or sent for approval)."""
    today = today or timezone.localdate()
    problems = []
    if not decision.legal_sections.exists():
        problems.append(_("Vælg lovgrundlaget (lovhjemmel fra indsatskataloget)."))
    if not decision.reasons:
        problems.append(_("Skriv begrundelsen for afgørelsen."))
    if (
        decision.assessment_id is None
        and not decision.temporary
        and concluded_assessments(decision.case).exists()
    ):
        problems.append(
            _("Vælg den børnefaglige undersøgelse, afgørelsen bygger på (Barnets Lov § 20).")
        )
    if not decision.child_view and not decision.child_view_absent_reason:
        problems.append(
            _(
                "Barnets synspunkter skal foreligge før afgørelsen (Barnets Lov § 5) – skriv "
                "dem, eller forklar hvorfor de ikke foreligger."
            )
        )
    if decision.outcome == Outcome.GRANT:
        if decision.service_id is None:
            problems.append(_("Vælg indsatsen fra indsatskataloget."))
        if decision.provider_id is None:
            problems.append(_("Vælg leverandøren."))
        elif (
            decision.service_id
            and not decision.provider.services.filter(pk=decision.service_id).exists()
        ):
            problems.append(_("Leverandøren leverer ikke den valgte indsats."))
        if decision.starts_on is None:
            problems.append(_("Angiv startdatoen."))
        if decision.provider_id and decision.service_id and not decision.hours_per_week:
            rate = rate_for(
                provider=decision.provider,
                service=decision.service,
                on=decision.starts_on or today,
            )
            if rate is not None and rate.unit == RateUnit.HOUR:
                problems.append(
                    _("Angiv omfanget i timer pr. uge (leverandørens takst er en timetakst).")
                )
        if not decision.purpose:
            problems.append(_("Skriv formålet med indsatsen."))
        if decision.duration_weeks is None:
            problems.append(_("Angiv den forventede varighed."))
        if decision.yearly_cost is None:
            problems.append(
                _("Angiv den forventede udgift om året (der er ingen takst at regne fra).")
            )
        if decision.outside_frame and not decision.outside_frame_reason:
            problems.append(
                _("Omfanget ligger uden for indsatsens ramme: skriv begrundelsen for det.")
            )
        if decision.kind == DecisionKind.PLACEMENT_WITH_CONSENT:
            missing = placement_consent_missing(decision.case, on=today)
            if missing:
                problems.append(
                    _(
                        "En anbringelse med samtykke kræver samtykke fra forældremyndigheds"
                        "indehaverne og den unge fra 15 år (Barnets Lov § 46). Registrér "
                        "samtykket »Anbringelse uden for hjemmet« fra: %(who)s."
                    )
                    % {"who": ", ".join(p.full_name for p in missing)}
                )
        if decision.kind == DecisionKind.SUPPORT and decision.plan_needed is None:
            problems.append(
                _("Tag stilling til, om der skal udarbejdes en plan (Barnets Lov § 91, stk. 1).")
            )
    if hearing_required(decision) and not decision.hearing_skip_reason:
        all_hearings = list(decision.hearings.all())
        basis = hearing_basis(decision)
        hearings = [h for h in all_hearings if h.heard_basis == basis]
        if all_hearings and not hearings:
            problems.append(
                _(
                    "Udkastet er ændret, efter parterne blev hørt (afgørelsens resultat, "
                    "indsats, leverandør, omfang eller periode). Send en ny partshøring om "
                    "det ændrede udkast, eller skriv hvorfor den undlades."
                )
            )
        elif not hearings:
            problems.append(
                _(
                    "Afgørelsen kræver partshøring (forvaltningsloven § 19). Send en "
                    "partshøring, eller skriv hvorfor den undlades."
                )
            )
        elif not any(h.is_closed for h in hearings):
            problems.append(
                _("Partshøringen er ikke afsluttet: registrér svaret (svarfrist %(due)s).")
                % {"due": _day(hearings[0].answer_due)}
            )
    return problems


def _decided(decision: Decision, *, by, at: datetime, committee: bool) -> None:
    """Mark ``decision`` (locked) decided and write ``decision_made``."""
    decision.status = DecisionStatus.DECIDED
    decision.decided_at = at
    decision.decided_by = by
    decision.committee = committee or decision.kind == DecisionKind.PLACEMENT_WITHOUT_CONSENT
    decision.version = F("version") + 1
    decision.save()
    decision.refresh_from_db()
    event_write(
        ev.DecisionMade(
            outcome=decision.outcome,
            measure_kind=decision.kind,
            plan_needed=decision.plan_needed if decision.outcome == Outcome.GRANT else None,
            decision=decision.pk,
            temporary=decision.temporary,
            committee=decision.committee,
        ),
        case=decision.case,
        actor=by,
        occurred_at=at,
    )
    replaced = decision.replaces
    if replaced is not None and replaced.temporary and not replaced.temporary_resolution:
        _temporary_resolved(replaced, by=by, resolution=TemporaryResolution.CHANGED, at=at)


@transaction.atomic
def decision_decide(*, decision: Decision, by, expected_version: int) -> Decision:
    """Make the decision — or, if it needs a higher level than ``by`` holds (the authority
    matrix), send it to that level's queue. Refused with the list of what is missing."""
    _require(by, "decisions.make_decision", decision.case)
    locked = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    )
    if locked.version != expected_version:
        raise ConflictError()
    if locked.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Afgørelsen er allerede truffet eller sendt til godkendelse."))
    _derive(locked)
    problems = decision_problems(locked)
    if problems:
        raise ValidationError(problems)
    if authority.covers(authority.level_of(by, locked.case), locked.required_level) and (
        locked.required_level != Level.COMMITTEE
    ):
        _decided(locked, by=by, at=timezone.now(), committee=False)
        return locked
    locked.status = DecisionStatus.AWAITING_APPROVAL
    locked.submitted_by = by
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    event_write(
        ev.DecisionSubmitted(level=locked.required_level),
        case=locked.case,
        actor=by,
        subject=locked,
    )
    # the team leaders are told by e-mail after commit (no names, no CPR)
    transaction.on_commit(partial(_approval_notify_enqueue, locked.pk, locked.version))
    return locked


def _approval_notify_enqueue(decision_id: int, version: int) -> None:
    from boernesag.decisions.tasks import decision_approval_notify

    decision_approval_notify.enqueue(decision_id, version)


@transaction.atomic
def decision_approve(
    *,
    decision: Decision,
    by,
    approved: bool,
    reasons: str,
    committee_meeting_on: date | None = None,
) -> Approval:
    """Approve (the decision is made) or reject (back to draft) a decision waiting for
    approval, with reasons. Nobody approves a decision they created, edited or submitted;
    someone without the level the decision needs is refused; a committee decision records
    the committee's meeting."""
    _require(by, "decisions.approve_decision", decision.case)
    locked = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    )
    if locked.status != DecisionStatus.AWAITING_APPROVAL:
        raise ValidationError(_("Afgørelsen venter ikke på godkendelse."))
    if (
        locked.created_by_id == by.pk
        or locked.submitted_by_id == by.pk
        or locked.editors.filter(pk=by.pk).exists()
    ):
        raise NotAllowed(
            _("Du kan ikke godkende en afgørelse, du selv har forberedt, ændret eller indsendt.")
        )
    level = authority.level_of(by, locked.case)
    committee = locked.required_level == Level.COMMITTEE
    needed = Level.TEAM_LEADER if committee else locked.required_level
    if not authority.covers(level, needed):
        raise NotAllowed(
            _("Du har ikke kompetence til at godkende denne afgørelse (kræver: %(level)s).")
            % {"level": Level(locked.required_level).label}
        )
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(
            {"reasons": _("Skriv begrundelsen for godkendelsen eller afvisningen.")}
        )
    if committee and committee_meeting_on is None:
        raise ValidationError(
            {"committee_meeting_on": _("Angiv datoen for børne- og ungeudvalgets møde.")}
        )
    if committee and committee_meeting_on > timezone.localdate():
        raise ValidationError(
            {
                "committee_meeting_on": _(
                    "Udvalgets afgørelse registreres efter mødet: datoen kan ikke ligge i "
                    "fremtiden."
                )
            }
        )
    approval = Approval.objects.create(
        decision=locked,
        level=locked.required_level,
        approved=approved,
        reasons=reasons,
        by=by,
        at=timezone.now(),
        committee_meeting_on=committee_meeting_on if committee else None,
    )
    event_write(
        ev.DecisionApprovalRecorded(
            approval=approval.pk, approved=approved, level=locked.required_level
        ),
        case=locked.case,
        actor=by,
        subject=locked,
    )
    if committee:
        # The committee decides (Barnets Lov § 47): its decision is made on the day of its
        # meeting, whatever it decides. A refusal of the placement is a decision too and is
        # recorded as such, with the committee's reasons; it is not a draft sent back.
        locked.committee_meeting_on = committee_meeting_on
        if not approved:
            locked.outcome = Outcome.REFUSAL
            locked.reasons = reasons
        _decided(locked, by=by, at=_moment(committee_meeting_on), committee=True)
    elif approved:
        _decided(locked, by=by, at=approval.at, committee=False)
    else:
        locked.status = DecisionStatus.DRAFT
        locked.version = F("version") + 1
        locked.save()
    return approval


# --- hearing -----------------------------------------------------------------------------


def _address(person, *, hidden: bool) -> str:
    """The address printed on a letter. ``hidden`` when the child or any party has name and
    address protection: then no letter of the decision prints an address (a parent's or the
    child's address would show where the protected person lives); the letters go by
    Digital Post without one."""
    if hidden or person.address_protected:
        return ""
    city = " ".join(p for p in (person.postcode, person.city) if p)
    return "\n".join(p for p in (person.street, city) if p)


def _addresses_hidden(case, parties) -> bool:
    return case.child.address_protected or any(p.address_protected for p in parties)


def decision_text(decision: Decision, *, hide_provider: bool | None = None) -> str:
    """What is decided, in one paragraph of plain text. For a child with name and address
    protection the provider is not named in letters to the parties (``hide_provider``,
    default: the child's protection): the name of a foster family, institution or day
    service would tell the parents where the child is."""
    if hide_provider is None:
        hide_provider = decision.case.child.address_protected
    kind = DecisionKind(decision.kind).label
    if decision.outcome == Outcome.REFUSAL:
        what = str(decision.service) if decision.service_id else kind
        text = _("Kommunen giver afslag på %(what)s (%(kind)s).") % {"what": what, "kind": kind}
    else:
        text = _("Kommunen bevilger %(service)s hos %(provider)s (%(kind)s).") % {
            "service": decision.service,
            "provider": (
                _("en leverandør, som ikke nævnes af hensyn til barnets beskyttelse")
                if hide_provider
                else decision.provider.name
                if decision.provider_id
                else ""
            ),
            "kind": kind,
        }
        if decision.hours_per_week:
            text += " " + _("Omfang: %(h)s timer om ugen.") % {"h": decision.hours_per_week}
        if decision.starts_on:
            text += " " + _("Indsatsen starter den %(d)s.") % {"d": _day(decision.starts_on)}
        if decision.duration_weeks:
            text += " " + _("Den forventes at vare %(w)s uger.") % {"w": decision.duration_weeks}
    basis = []
    if decision.assessment_id and decision.assessment.concluded_on:
        basis.append(
            _("den børnefaglige undersøgelse afsluttet den %(d)s")
            % {"d": _day(decision.assessment.concluded_on)}
        )
    if decision.plan_id and decision.plan.made_on:
        basis.append(_("barnets plan af %(d)s") % {"d": _day(decision.plan.made_on)})
    if basis:
        text += " " + _("Afgørelsen bygger på %(basis)s.") % {"basis": _(" og ").join(basis)}
    if decision.committee:
        text += " " + _("Afgørelsen er truffet af børne- og ungeudvalget")
        if decision.committee_meeting_on:
            text += " " + _("på mødet den %(d)s") % {"d": _day(decision.committee_meeting_on)}
        text += "."
    if decision.temporary:
        text += " " + _(
            "Afgørelsen er midlertidig og gælder, indtil den børnefaglige undersøgelse er "
            "afsluttet."
        )
    return text


def legal_basis_text(decision: Decision) -> str:
    return "; ".join(str(section) for section in decision.legal_sections.all())


def _party_letter(
    *,
    kind: str,
    decision: Decision,
    party,
    by,
    context: dict,
    hearing=None,
    appeal=None,
    hidden: bool | None = None,
) -> Letter:
    case = decision.case
    letter = letters.letter_create(
        kind=kind,
        cases=[case],
        context={
            "recipient_name": party.full_name,
            "child_name": case.child.full_name,
            "case_reference": case.reference,
            "caseworker": by.get_full_name(),
            **context,
        },
        recipient_name=party.full_name,
        recipient_address=_address(
            party,
            hidden=_addresses_hidden(case, people.parties(case)) if hidden is None else hidden,
        ),
        by=by,
    )
    DecisionLetter.objects.create(
        decision=decision,
        letter=letter,
        hearing=hearing,
        appeal=appeal,
        party=party,
        party_is_child=party.pk == case.child_id,
    )
    return letter


def _parties(decision: Decision):
    """The parties the letters go to: the custody holders, and the child from 10 (Barnets
    Lov § 3: party rights in § 32, § 46 and committee matters)."""
    parties = people.parties(decision.case)
    if not parties:
        raise ValidationError(
            _(
                "Der er ingen parter registreret på sagen (forældremyndighedsindehavere). "
                "Registrér dem under Personer omkring barnet."
            )
        )
    return parties


@transaction.atomic
def hearing_send(
    *, decision: Decision, by, answer_due: date, information: str, submit_token=None
) -> Hearing:
    """Send a hearing letter to every party before the decision (forvaltningsloven § 19),
    with the date by which they may answer. A form submitted twice (the same
    ``submit_token``) gives the hearing the first submission sent — no second letters."""
    _require(by, "decisions.make_decision", decision.case)
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__child")
        .get(pk=decision.pk)
    )
    if submit_token is not None:
        existing = Hearing.objects.filter(decision=locked, submit_token=submit_token).first()
        if existing is not None:
            return existing
    if locked.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Partshøring sendes, før afgørelsen træffes."))
    information = (information or "").strip()
    errors = {}
    if not information:
        errors["information"] = _("Skriv de oplysninger, parterne skal høres over.")
    today = timezone.localdate()
    if answer_due is None or answer_due <= today:
        errors["answer_due"] = _("Svarfristen skal ligge efter i dag.")
    elif answer_due > today + timedelta(days=90):
        errors["answer_due"] = _("Svarfristen kan højst ligge 90 dage ude.")
    if errors:
        raise ValidationError(errors)
    parties = _parties(locked)
    hearing = Hearing.objects.create(
        case=locked.case,
        decision=locked,
        heard_basis=hearing_basis(locked),
        sent_by=by,
        sent_at=timezone.now(),
        answer_due=answer_due,
        information=information,
        submit_token=submit_token,
    )
    hidden = _addresses_hidden(locked.case, parties)
    for party in parties:
        _party_letter(
            kind=LetterKind.HEARING,
            decision=locked,
            party=party,
            by=by,
            hearing=hearing,
            hidden=hidden,
            context={
                "decision_text": decision_text(locked),
                "legal_basis": legal_basis_text(locked),
                "information": information,
                "answer_due": _day(answer_due),
            },
        )
    event_write(
        ev.HearingSent(decision=locked.pk, answer_due=answer_due),
        case=locked.case,
        actor=by,
        subject=hearing,
    )
    return hearing


@transaction.atomic
def hearing_answer(
    *,
    hearing: Hearing,
    by,
    answered_on: date | None,
    answer: str = "",
    no_answer: bool = False,
    new_information: bool = False,
    new_information_assessment: str = "",
) -> Hearing:
    """Record the parties' answer — or that none came by the answer date. New information
    in the answer must be assessed (written down) before the decision is made."""
    _require(by, "decisions.make_decision", hearing.decision.case)
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("decision__case")
        .get(pk=hearing.pk)
    )
    if locked.is_closed:
        raise ValidationError(_("Svaret på partshøringen er allerede registreret."))
    answer = (answer or "").strip()
    assessment = (new_information_assessment or "").strip()
    today = timezone.localdate()
    errors = {}
    if no_answer:
        if today <= locked.answer_due:
            errors["no_answer"] = _(
                "Svarfristen (%(due)s) er ikke udløbet endnu: vent, eller registrér svaret."
            ) % {"due": _day(locked.answer_due)}
        answered_on, new_information, answer, assessment = None, False, "", ""
    else:
        if answered_on is None:
            errors["answered_on"] = _("Angiv datoen svaret kom.")
        elif answered_on < timezone.localdate(locked.sent_at) or answered_on > today:
            errors["answered_on"] = _("Svaret kan ikke være kommet før høringen eller efter i dag.")
        if not answer:
            errors["answer"] = _("Skriv hvad parterne svarede (kort referat).")
        if new_information and not assessment:
            errors["new_information_assessment"] = _(
                "Svaret har nye oplysninger: skriv din vurdering af dem, før der træffes "
                "afgørelse (opdatér også begrundelsen)."
            )
    if errors:
        raise ValidationError(errors)
    locked.answered_on = answered_on
    locked.no_answer = no_answer
    locked.answer = answer
    locked.new_information = new_information
    locked.new_information_assessment = assessment
    locked.answer_recorded_by = by
    locked.save()
    event_write(
        ev.HearingAnswered(
            decision=locked.decision_id, answered=not no_answer, new_information=new_information
        ),
        case=locked.decision.case,
        actor=by,
        subject=locked,
    )
    return locked


# --- the decision letter -----------------------------------------------------------------


@dataclass(frozen=True)
class AppealDates:
    letter_date: date
    appeal_by: date  # 4 weeks after receipt, if received on the letter's date


def appeal_dates(letter_date: date) -> AppealDates:
    """The appeal deadline printed in the letter, from the same rule the appeal window's
    clock uses (``appeal_window``: Retssikkerhedsloven § 67, stk. 1)."""
    from boernesag.deadlines.calculator import calculate
    from boernesag.deadlines.calendar import end_of_day

    start = end_of_day(letter_date) - timedelta(hours=12)  # noon of the letter's day
    due = calculate(rule_key=APPEAL_WINDOW_RULE, start=start).due
    return AppealDates(letter_date=letter_date, appeal_by=timezone.localtime(due).date())


def appeal_guidance(decision: Decision, *, letter_date: date, municipality: str) -> str:
    """Klagevejledning with the right dates: 4 weeks to appeal to the municipality, which
    reconsiders within 4 weeks and, if it upholds the decision, forwards the appeal to
    Ankestyrelsen (Retssikkerhedsloven §§ 66–67). A child from 10 may appeal herself
    (Barnets Lov § 3)."""
    dates = appeal_dates(letter_date)
    lines = [
        _("Klagevejledning"),
        _(
            "Du kan klage over afgørelsen. Klagen skal være modtaget inden 4 uger efter, at "
            "du har fået afgørelsen (retssikkerhedslovens § 67, stk. 1). Får du brevet den "
            "%(letter)s, skal vi have klagen senest den %(by)s."
        )
        % {"letter": _day(dates.letter_date), "by": _day(dates.appeal_by)},
    ]
    if decision.committee:
        lines.append(
            _(
                "Afgørelsen er truffet af børne- og ungeudvalget og kan påklages til "
                "Ankestyrelsen. Send klagen til %(municipality)s, som sender den videre til "
                "Ankestyrelsen sammen med sagens akter."
            )
            % {"municipality": municipality}
        )
    else:
        lines.append(
            _(
                "Send klagen til %(municipality)s – skriftligt eller mundtligt. Kommunen "
                "genvurderer afgørelsen inden 4 uger efter at have modtaget klagen. Giver "
                "kommunen dig ikke fuldt ud medhold, sender kommunen klagen videre til "
                "Ankestyrelsen sammen med sagens akter (retssikkerhedslovens § 66)."
            )
            % {"municipality": municipality}
        )
    lines.append(
        _(
            "Børn og unge, der er fyldt 10 år, kan selv klage over afgørelsen (barnets lovs "
            "§ 3). En klage har ikke opsættende virkning."
        )
    )
    return "\n".join(lines)


@transaction.atomic
def decision_send(*, decision: Decision, by) -> list[Letter]:
    """Compose the decision letter for every party (the custody holders and the child from
    10) and put them in the outbox; they are rendered on the letterhead and sent after
    commit. A decision without legal basis or reasons cannot be sent; the appeal guidance
    is made here with the right dates (and the letter template must print it)."""
    _require(by, "decisions.make_decision", decision.case)
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__child", "service", "provider")
        .get(pk=decision.pk)
    )
    if locked.status != DecisionStatus.DECIDED:
        if locked.status == DecisionStatus.SENT:
            raise ValidationError(_("Afgørelsen er allerede sendt til parterne."))
        raise ValidationError(_("Afgørelsen er ikke truffet endnu."))
    if not locked.legal_sections.exists() or not locked.reasons:
        raise ValidationError(_("En afgørelse uden lovgrundlag og begrundelse kan ikke sendes."))
    from boernesag.accounts.selectors import municipality_get

    municipality = municipality_get()
    name = municipality.name if municipality else _("kommunen")
    today = timezone.localdate()
    context = {
        "decision_text": decision_text(locked),
        "legal_basis": legal_basis_text(locked),
        "decided_date": formats.date_format(timezone.localtime(locked.decided_at), "j.n.Y"),
        "purpose": locked.purpose,
        "reasons": locked.reasons,
        "appeal_guidance": appeal_guidance(locked, letter_date=today, municipality=name),
    }
    parties = _parties(locked)
    hidden = _addresses_hidden(locked.case, parties)
    sent = [
        _party_letter(
            kind=LetterKind.DECISION,
            decision=locked,
            party=p,
            by=by,
            context=context,
            hidden=hidden,
        )
        for p in parties
    ]
    locked.status = DecisionStatus.SENT
    locked.version = F("version") + 1
    locked.save()
    return sent


@transaction.atomic
def decision_letter_mark_sent(*, decision: Decision, letter: Letter, by, channel: str) -> Letter:
    """A person sent one of the decision's letters (Digital Post by hand, post, e-mail)."""
    _require(by, "decisions.make_decision", decision.case)
    if not DecisionLetter.objects.filter(decision=decision, letter=letter).exists():
        raise NotAllowed(_("Brevet hører ikke til afgørelsen."))
    return letters.letter_mark_sent(letter=letter, channel=channel, by=by)


@letters.on_letter_sent
def decision_letter_sent(letter: Letter) -> None:
    """The first decision letter sent starts the family's appeal window (decision_sent,
    subject: the decision), at the moment of sending."""
    link = (
        DecisionLetter.objects.filter(letter=letter, hearing=None, appeal=None)
        .select_related("decision__case")
        .first()
    )
    if link is None:
        return
    decision = Decision.objects.select_for_update().get(pk=link.decision_id)
    if decision.sent_at is not None:
        return
    decision.sent_at = letter.sent_at
    decision.save(update_fields=["sent_at"])
    event_write(
        ev.DecisionSent(letter=letter.pk, decision=decision.pk),
        case=link.decision.case,
        actor=letter.sent_by or letters_system_actor(),
        subject=decision,
        occurred_at=letter.sent_at,
    )


def letters_system_actor():
    from boernesag.events.services import Actor

    return Actor.system("letters.outbox")


# --- temporary decisions -----------------------------------------------------------------


def _temporary_resolved(decision: Decision, *, by, resolution: str, at: datetime) -> None:
    Decision.objects.filter(pk=decision.pk).update(
        temporary_resolution=resolution, resolved_at=at, version=F("version") + 1
    )
    event_write(
        ev.TemporaryDecisionResolved(resolution=resolution),
        case=decision.case,
        actor=by,
        subject=decision,
        occurred_at=at,
    )


@transaction.atomic
def temporary_resolve(*, decision: Decision, by, resolution: str) -> Decision:
    """The investigation's conclusion confirms or stops a temporary decision. To change it,
    make a new decision that replaces it (``decision_change_start``)."""
    _require(by, "decisions.make_decision", decision.case)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if not locked.temporary or not locked.is_decided:
        raise ValidationError(_("Kun en truffet midlertidig afgørelse kan afklares."))
    if locked.temporary_resolution:
        raise ValidationError(_("Den midlertidige afgørelse er allerede afklaret."))
    if resolution not in (TemporaryResolution.CONFIRMED, TemporaryResolution.STOPPED):
        raise ValidationError(_("Vælg bekræft eller stop – en ændring er en ny afgørelse."))
    _temporary_resolved(locked, by=by, resolution=resolution, at=timezone.now())
    locked.refresh_from_db()
    return locked


@transaction.atomic
def decision_change_start(*, decision: Decision, by) -> Decision:
    """A new draft that replaces ``decision`` (after an appeal or an investigation), with
    its content copied for editing."""
    _require(by, "decisions.make_decision", decision.case)
    if not decision.is_decided:
        raise ValidationError(_("Kun en truffet afgørelse kan ændres."))
    draft = Decision.objects.filter(replaces=decision, status=DecisionStatus.DRAFT).first()
    if draft is not None:
        return draft
    fields = {name: getattr(decision, name) for name in FIELDS}
    fields["temporary"] = False
    new = Decision(
        case=decision.case,
        created_by=by,
        created_at=timezone.now(),
        replaces=decision,
        **fields,
    )
    _derive(new)
    new.save()
    new.legal_sections.set(list(decision.legal_sections.all()))
    return new


# --- appeals -----------------------------------------------------------------------------


def appeal_is_late(decision: Decision, received_on: date) -> bool:
    """Received after the 4-week window counted from when the letter was sent (the window
    rule); accepted but flagged — the municipality decides whether to treat it."""
    if decision.sent_at is None:
        return False
    return received_on > appeal_dates(timezone.localdate(decision.sent_at)).appeal_by


@transaction.atomic
def appeal_register(
    *, decision: Decision, by, received_on: date, appellant, content: str, submit_token=None
) -> Appeal:
    """Register an appeal against a decision; the reconsideration clock starts
    (``appeal_reconsideration``: 4 weeks, Retssikkerhedsloven § 66). An appeal after the
    window is accepted and flagged. A form submitted twice (the same ``submit_token``)
    gives the appeal the first submission registered — no second appeal or clock."""
    _require(by, "decisions.make_decision", decision.case)
    locked = (
        Decision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    )
    if submit_token is not None:
        existing = Appeal.objects.filter(decision=locked, submit_token=submit_token).first()
        if existing is not None:
            return existing
    if not locked.is_decided:
        raise ValidationError(_("Der kan kun klages over en truffet afgørelse."))
    content = (content or "").strip()
    errors = {}
    if not content:
        errors["content"] = _("Skriv hvad klagen går ud på.")
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = _("Angiv datoen klagen kom.")
    elif received_on > today or received_on < timezone.localdate(locked.decided_at):
        errors["received_on"] = _("Klagen kan ikke være kommet før afgørelsen eller efter i dag.")
    if appellant is None or appellant.pk not in {p.pk for p in people.parties(locked.case)}:
        errors["appellant"] = _("Vælg klageren blandt sagens parter.")
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        case=locked.case,
        decision=locked,
        received_on=received_on,
        appellant=appellant,
        content=content,
        late=appeal_is_late(locked, received_on),
        submit_token=submit_token,
        registered_by=by,
        registered_at=timezone.now(),
    )
    occurred = _moment(received_on)
    event_write(
        ev.AppealReceived(appeal=appeal.pk, late=appeal.late),
        case=locked.case,
        actor=by,
        subject=locked,
        occurred_at=occurred,
    )
    return appeal


def _moment(day: date) -> datetime:
    """A day as a moment for an event: now if today, else noon that day (never future)."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    from boernesag.deadlines.calendar import end_of_day

    return end_of_day(day) - timedelta(hours=12)


@transaction.atomic
def appeal_reconsider(
    *,
    appeal: Appeal,
    by,
    upheld: bool,
    reconsideration: str,
    forwarded_material: str = "",
    expected_version: int,
) -> Appeal:
    """The municipality's reconsideration (stops the clock): changed — a new draft decision
    replaces the appealed one; upheld — the appeal is forwarded to Ankestyrelsen today with
    the material named, and the appellant gets a letter."""
    _require(by, "decisions.make_decision", appeal.decision.case)
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__case")
        .get(pk=appeal.pk)
    )
    if locked.version != expected_version:
        raise ConflictError()
    if locked.status != AppealStatus.RECEIVED:
        raise ValidationError(_("Klagen er allerede genvurderet."))
    reconsideration = (reconsideration or "").strip()
    forwarded_material = (forwarded_material or "").strip()
    errors = {}
    if not reconsideration:
        errors["reconsideration"] = _("Skriv kommunens genvurdering.")
    if upheld and not forwarded_material:
        errors["forwarded_material"] = _("Skriv hvad der sendes til Ankestyrelsen.")
    if errors:
        raise ValidationError(errors)
    decision = locked.decision
    if decision.committee and not upheld:
        # The municipality's reconsideration (Retssikkerhedsloven § 66) is of the
        # administration's decisions; a decision of the children and young people's committee
        # is not changed by the administration: the appeal goes on to Ankestyrelsen
        # (Barnets Lov's appeal chapter, §§ 144 ff. — the exact section unverified).
        raise ValidationError(
            {
                "upheld": _(
                    "Børne- og ungeudvalgets afgørelse kan ikke ændres af forvaltningen. "
                    "Send klagen videre til Ankestyrelsen."
                )
            }
        )
    now = timezone.now()
    locked.reconsidered_at, locked.reconsidered_by = now, by
    locked.reconsideration = reconsideration
    if upheld:
        locked.status = AppealStatus.FORWARDED
        locked.forwarded_on = timezone.localdate(now)
        locked.forwarded_material = forwarded_material
    else:
        locked.status = AppealStatus.CHANGED
        locked.new_decision = decision_change_start(decision=decision, by=by)
    locked.version += 1
    locked.save()
    event_write(
        ev.AppealReconsidered(appeal=locked.pk, outcome="upheld" if upheld else "changed"),
        case=decision.case,
        actor=by,
        subject=decision,
        occurred_at=now,
    )
    if upheld:
        event_write(
            ev.AppealForwarded(appeal=locked.pk, forwarded_on=locked.forwarded_on),
            case=decision.case,
            actor=by,
            subject=locked,
            occurred_at=now,
        )
        _party_letter(
            kind=LetterKind.APPEAL_FORWARDED,
            decision=decision,
            party=locked.appellant,
            by=by,
            appeal=locked,
            context={
                "received_date": formats.date_format(locked.received_on, "j.n.Y"),
                "decided_date": formats.date_format(
                    timezone.localtime(decision.decided_at), "j.n.Y"
                ),
                "forwarded_date": formats.date_format(locked.forwarded_on, "j.n.Y"),
                "reconsideration": reconsideration,
            },
        )
    return locked


@transaction.atomic
def appeal_ruling_record(
    *, appeal: Appeal, by, ruling: str, ruled_on: date, note: str = "", expected_version: int
) -> Appeal:
    """Ankestyrelsen's ruling on a forwarded appeal: upheld, changed, set aside or sent
    back."""
    _require(by, "decisions.make_decision", appeal.decision.case)
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__case")
        .get(pk=appeal.pk)
    )
    if locked.version != expected_version:
        raise ConflictError()
    if locked.status != AppealStatus.FORWARDED:
        raise ValidationError(
            _("Kun en klage, der er sendt til Ankestyrelsen, kan få en afgørelse.")
        )
    errors = {}
    if ruled_on is None:
        errors["ruled_on"] = _("Angiv datoen for Ankestyrelsens afgørelse.")
    elif ruled_on < locked.forwarded_on or ruled_on > timezone.localdate():
        errors["ruled_on"] = _("Datoen skal ligge mellem videresendelsen og i dag.")
    if errors:
        raise ValidationError(errors)
    locked.status = AppealStatus.RULED
    locked.ruling, locked.ruled_on = ruling, ruled_on
    locked.ruling_note = (note or "").strip()
    locked.version += 1
    locked.save()
    event_write(
        ev.AppealRuled(appeal=locked.pk, ruling=ruling),
        case=locked.decision.case,
        actor=by,
        subject=locked,
        occurred_at=_moment(ruled_on),
    )
    return locked
