"""All writes for measures: start (iværksættelse), change (a new version from a new
decision), follow-up (planned and held, with goal scores), supervision visits and the end.
See docs/measures.md.

Law (verified on retsinformation.dk / lovguiden.dk unless marked):
- Barnets Lov § 32 (support measures), § 46 (placement with consent), § 47 (placement
  without consent, the children and young people's committee) — a measure is started only
  from a decision granted under them (and approved where the authority matrix requires);
  Serviceloven § 52 for measures decided before 2024;
- Barnets Lov § 95, stk. 2–3: the first follow-up no later than 3 months after the start (or
  when a parallel investigation concludes), then on the date the municipality sets with
  reasons; Serviceloven § 70, stk. 2 (before 2024): within 3 months, then at least every 6
  months (the stk. is *unverified*: the forarbejder to Barnets Lov § 96 give § 70, stk. 2 as
  the placement paragraph, so the 3/6-month duty may be stk. 1 — as the rule file says);
- Barnets Lov § 156, stk. 5: supervision of a placed child at least twice a year, talking
  with the child without staff or foster parents present (Serviceloven § 148, stk. 2 before
  2024 — *unverified*);
- Barnets Lov § 5: the child's views are heard before the follow-up decides (the
  conversation, or why there was none).

Every service takes the acting user (``by``), checks the permission registry and writes in
one transaction with its typed event. Events carry ids, codes and dates only; they are
written without a subject so that the deadline engine's ``track: measure`` follows every
measure on the case (one follow-up clock for all of them, ending when the last ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.cases.constants import MeetingKind
from boernesag.cases.services import ConflictError, NotAllowed, meeting_create
from boernesag.catalogue.models import Contract, RateUnit
from boernesag.catalogue.selectors import rate_for
from boernesag.deadlines.calendar import add_months
from boernesag.decisions.constants import DecisionStatus, Level, Outcome
from boernesag.decisions.models import Decision
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.measures import provider_letters
from boernesag.measures.constants import (
    PLACEMENT_KINDS,
    REPORT_DAYS_BEFORE,
    Attainment,
    ContactForm,
    ContactFrequency,
    EndReason,
    FollowUpDecision,
    FollowUpStatus,
    MeasureStatus,
    VisitTalk,
    VolumeUnit,
)
from boernesag.measures.models import (
    FollowUp,
    GoalScore,
    Measure,
    MeasureVersion,
    SupervisionVisit,
)

__all__ = ["ConflictError", "NotAllowed"]

WORK = "measures.work_measure"
FOLLOW = "measures.follow_up"
BARNETS_LOV_FROM = date(2024, 1, 1)
# Serviceloven § 70, stk. 2 (stk. *unverified*, may be stk. 1): at least every 6 months after
# the first follow-up
SEL_MAX_INTERVAL_MONTHS = 6
UNIT_FOR_RATE = {
    RateUnit.HOUR: VolumeUnit.HOURS_PER_WEEK,
    RateUnit.DAY: VolumeUnit.DAYS_PER_WEEK,
    RateUnit.MONTH: VolumeUnit.MONTHS,
    RateUnit.MODULE: VolumeUnit.MODULES,
}


def _require(by, perm: str, case) -> None:
    if not by.has_perm(perm, case):
        raise NotAllowed(_("Du har ikke adgang til at gøre dette på sagen."))


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


def _at(day: date) -> datetime:
    """When something recorded for ``day`` happened: noon that day, never in the future."""
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    return min(moment, timezone.now())


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(what)s kan ikke ligge i fremtiden.") % {"what": what}})


def _bump(model, obj, expected_version: int, **changes) -> None:
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise ConflictError()
    obj.refresh_from_db()


# --- what a measure may start from --------------------------------------------------------


def decision_granted_on(decision: Decision) -> date | None:
    """The day the decision was granted (and, where the authority matrix requires it,
    approved), or None if it is not a granted decision in force."""
    if decision.outcome != Outcome.GRANT or decision.status not in (
        DecisionStatus.DECIDED,
        DecisionStatus.SENT,
    ):
        return None
    if decision.decided_at is None:
        return None
    day = timezone.localtime(decision.decided_at).date()
    if decision.required_level != Level.CASEWORKER and not decision.committee:
        approval = decision.approvals.filter(approved=True).order_by("at").last()
        if approval is None:
            return None
        day = max(day, timezone.localtime(approval.at).date())
    return day


def decision_problems(decision: Decision) -> list[str]:
    """Why a measure cannot be started (or changed) from ``decision`` — empty if it can."""
    if decision.outcome != Outcome.GRANT:
        return [_("Et afslag kan ikke iværksættes.")]
    if decision.status == DecisionStatus.AWAITING_APPROVAL:
        return [
            _(
                "Afgørelsen venter på godkendelse efter kompetenceplanen. Indsatsen kan først "
                "iværksættes, når den er godkendt."
            )
        ]
    if decision.status == DecisionStatus.DRAFT:
        return [_("Afgørelsen er ikke truffet endnu. Indsatsen kan først iværksættes bagefter.")]
    if decision_granted_on(decision) is None:
        return [_("Afgørelsen er ikke godkendt efter kompetenceplanen.")]
    problems = []
    if decision.service_id is None:
        problems.append(_("Afgørelsen nævner ingen indsats fra indsatskataloget."))
    return problems


def startable_decisions(case) -> list[Decision]:
    """Granted decisions of the case not yet started and not changing a started measure."""
    used = MeasureVersion.objects.filter(measure__case=case, decision__isnull=False).values(
        "decision_id"
    )
    decisions = (
        Decision.objects.filter(
            case=case,
            outcome=Outcome.GRANT,
            status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT],
            service__isnull=False,
        )
        .exclude(pk__in=used)
        .exclude(
            replaces__in=Measure.objects.filter(case=case, decision__isnull=False).values(
                "decision_id"
            )
        )
        .select_related("provider")
        .order_by("-decided_at", "-id")
    )
    return list(decisions)


def waiting_decisions(case) -> list[tuple[Decision, list[str]]]:
    """Grants of the case that cannot be started yet (a draft, awaiting approval), with
    why — the measures tab says so instead of hiding them."""
    waiting = Decision.objects.filter(
        case=case,
        outcome=Outcome.GRANT,
        status__in=[DecisionStatus.DRAFT, DecisionStatus.AWAITING_APPROVAL],
    ).order_by("-created_at", "-id")[:20]
    return [(d, decision_problems(d)) for d in waiting]


def change_decisions(measure: Measure) -> list[Decision]:
    """Granted decisions replacing the measure's decision in force, not yet applied (none for
    early support, which has no decision to replace)."""
    if measure.decision_id is None:
        return []
    used = MeasureVersion.objects.filter(
        measure__case_id=measure.case_id, decision__isnull=False
    ).values("decision_id")
    return list(
        Decision.objects.filter(
            case_id=measure.case_id,
            replaces_id=measure.decision_id,
            outcome=Outcome.GRANT,
            status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT],
        )
        .exclude(pk__in=used)
        .order_by("-decided_at", "-id")
    )


# --- frame, contract and rate ---------------------------------------------------------------


def service_frame(service) -> tuple[int | None, int | None]:
    """(min, max) hours a week of the service's version in force."""
    version = service.current_version if service else None
    if version is None:
        return (None, None)
    return (version.min_hours, version.max_hours)


def _check_volume(decision: Decision, service, volume: Decimal, unit: str) -> None:
    """A volume outside the catalogue's frame needs the decision's approved reason (the
    decision was decided with ``outside_frame`` and its reason, at the level the authority
    matrix requires); more hours than the decision granted need a new decision."""
    if volume is None or volume <= 0:
        raise ValidationError({"volume": _("Angiv et omfang større end 0.")})
    if decision.hours_per_week and unit != VolumeUnit.HOURS_PER_WEEK:
        raise ValidationError(
            {
                "volume_unit": _(
                    "Afgørelsen bevilger %(granted)s timer pr. uge. Angiv omfanget i timer pr. "
                    "uge – en anden enhed kræver en ny afgørelse."
                )
                % {"granted": decision.hours_per_week}
            }
        )
    if unit == VolumeUnit.MONTHS and volume != 1:
        raise ValidationError(
            {"volume": _("En månedlig ydelse har omfanget 1 (én ydelse pr. måned).")}
        )
    if unit != VolumeUnit.HOURS_PER_WEEK:
        return
    low, high = service_frame(service)
    outside = (low is not None and volume < low) or (high is not None and volume > high)
    if outside and not (decision.outside_frame and decision.outside_frame_reason.strip()):
        frame = " – ".join(str(v) if v is not None else "" for v in (low, high))
        raise ValidationError(
            {
                "volume": _(
                    "Omfanget (%(volume)s timer pr. uge) ligger uden for indsatsens ramme "
                    "(%(frame)s timer pr. uge). Det kræver en afgørelse, der er truffet med en "
                    "godkendt begrundelse for omfang uden for rammen."
                )
                % {"volume": _num(volume), "frame": frame}
            }
        )
    if decision.hours_per_week and volume > decision.hours_per_week:
        raise ValidationError(
            {
                "volume": _(
                    "Omfanget (%(volume)s timer pr. uge) er større end bevilget i afgørelsen "
                    "(%(granted)s timer pr. uge). Flere timer kræver en ny afgørelse."
                )
                % {"volume": _num(volume), "granted": decision.hours_per_week}
            }
        )


def _check_weeks(decision: Decision, service, starts_on: date, expected_end_on) -> None:
    """The expected duration (start to expected end, both included) must lie within the
    service's duration frame (``min_weeks``–``max_weeks`` of the version in force), unless
    the decision carries the approved reason for going outside the frame."""
    from boernesag.decisions.services import service_frame as frame_of

    if expected_end_on is None or service is None:
        return
    _lo, _hi, low, high = frame_of(service)
    weeks = Decimal((expected_end_on - starts_on).days + 1) / 7
    outside = (low is not None and weeks < low) or (high is not None and weeks > high)
    if outside and not (decision.outside_frame and decision.outside_frame_reason.strip()):
        frame = " – ".join(str(v) if v is not None else "" for v in (low, high))
        raise ValidationError(
            {
                "expected_end_on": _(
                    "Varigheden (%(weeks)s uger) ligger uden for indsatsens ramme (%(frame)s "
                    "uger). Det kræver en afgørelse, der er truffet med en godkendt begrundelse "
                    "for at gå uden for rammen."
                )
                % {"weeks": _num(weeks.quantize(Decimal("0.1"))), "frame": frame}
            }
        )


def _num(value: Decimal) -> str:
    return formats.number_format(value.normalize() if isinstance(value, Decimal) else value)


def contract_in_force(provider, service, on: date) -> Contract | None:
    return (
        Contract.objects.filter(provider=provider, services=service, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("-starts_on")
        .first()
    )


def supply_warnings(*, provider, service, unit: str, on: date) -> list[str]:
    """What is missing for paying the provider on ``on``: a contract and a rate in force
    whose unit fits the volume. Warnings, not refusals: the child's measure starts."""
    warnings = []
    if contract_in_force(provider, service, on) is None:
        warnings.append(
            _("%(provider)s har ingen gyldig kontrakt om indsatsen den %(day)s.")
            % {"provider": provider.name, "day": _day(on)}
        )
    rate = rate_for(provider=provider, service=service, on=on)
    if rate is None:
        warnings.append(
            _(
                "%(provider)s har ingen takst for indsatsen den %(day)s – udgiften kan ikke "
                "beregnes."
            )
            % {"provider": provider.name, "day": _day(on)}
        )
    elif UNIT_FOR_RATE.get(rate.unit) != unit:
        warnings.append(
            _(
                "Taksten er pr. %(rate_unit)s, men omfanget er angivet i %(unit)s – udgiften kan "
                "ikke beregnes."
            )
            % {"rate_unit": rate.get_unit_display(), "unit": VolumeUnit(unit).label}
        )
    return warnings


def default_unit(*, decision: Decision, provider, on: date) -> str:
    rate = (
        rate_for(provider=provider, service=decision.service, on=on)
        if provider and decision.service_id
        else None
    )
    if rate is not None:
        return UNIT_FOR_RATE[rate.unit]
    return (
        VolumeUnit.DAYS_PER_WEEK if decision.kind in PLACEMENT_KINDS else VolumeUnit.HOURS_PER_WEEK
    )


def _plan_in_force(case, decision: Decision):
    from boernesag.decisions.services import made_plans

    return decision.plan if decision.plan_id else made_plans(case).first()


# --- start -----------------------------------------------------------------------------------


@dataclass
class Started:
    measure: Measure
    warnings: list[str]
    created: bool = True


@transaction.atomic
def measure_start(
    *,
    case,
    decision: Decision,
    by,
    starts_on: date,
    volume: Decimal,
    volume_unit: str,
    expected_end_on: date | None = None,
    provider=None,
    token=None,
) -> Started:
    """Start (iværksæt) a measure from a granted decision (Barnets Lov §§ 32, 46, 47;
    Serviceloven § 52 before 2024). Refused: a decision not granted or not approved, a start
    before the grant or in the future, a volume outside the service's frame without the
    decision's approved reason, another provider than the decision names. A provider without
    a contract or rate on the start date is a warning. Writes ``measure_started``, which
    starts the follow-up clock (and, for a placement, the supervision clock)."""
    _require(by, WORK, case)
    if token is not None:
        existing = Measure.objects.filter(case=case, submit_token=token).first()
        if existing is not None:
            return Started(existing, list(existing.versions.first().warnings), created=False)
    if decision.case_id != case.pk:
        raise ValidationError({"decision": _("Vælg en afgørelse på denne sag.")})
    problems = decision_problems(decision)
    if problems:
        raise ValidationError({"decision": problems})
    if MeasureVersion.objects.filter(decision=decision).exists():
        raise ValidationError(
            {"decision": _("Der er allerede iværksat en indsats efter denne afgørelse.")}
        )
    if decision.replaces_id and Measure.objects.filter(decision_id=decision.replaces_id).exists():
        raise ValidationError(
            {
                "decision": _(
                    "Afgørelsen ændrer en afgørelse, der allerede er iværksat. Brug »Ændr "
                    "indsatsen« på indsatsen."
                )
            }
        )
    granted = decision_granted_on(decision)
    if starts_on < granted:
        raise ValidationError(
            {
                "starts_on": _(
                    "Indsatsen kan ikke iværksættes før afgørelsen er truffet og godkendt "
                    "(%(day)s)."
                )
                % {"day": _day(granted)}
            }
        )
    _not_future(starts_on, "starts_on", _("Startdatoen"))
    if expected_end_on is not None and expected_end_on < starts_on:
        raise ValidationError(
            {"expected_end_on": _("Den forventede slutdato kan ikke ligge før startdatoen.")}
        )
    provider = provider or decision.provider
    if provider is None:
        raise ValidationError({"provider": _("Vælg leverandøren.")})
    if decision.provider_id and provider.pk != decision.provider_id:
        raise ValidationError(
            {
                "provider": _(
                    "Afgørelsen er truffet med %(provider)s som leverandør. En anden leverandør "
                    "kræver en ny afgørelse."
                )
                % {"provider": decision.provider.name}
            }
        )
    service = decision.service
    _check_volume(decision, service, volume, volume_unit)
    if expected_end_on is None and decision.duration_weeks:
        expected_end_on = starts_on + timedelta(weeks=decision.duration_weeks) - timedelta(days=1)
    _check_weeks(decision, service, starts_on, expected_end_on)
    warnings = supply_warnings(provider=provider, service=service, unit=volume_unit, on=starts_on)
    try:
        with transaction.atomic():
            measure = Measure.objects.create(
                case=case,
                kind=decision.kind,
                decision=decision,
                service=service,
                provider=provider,
                volume=volume,
                volume_unit=volume_unit,
                starts_on=starts_on,
                expected_end_on=expected_end_on,
                plan=_plan_in_force(case, decision),
                # set by a held follow-up; until then the engine's clock is the date shown
                next_follow_up_on=None,
                created_by=by,
                submit_token=token,
            )
    except IntegrityError:
        existing = Measure.objects.get(case=case, submit_token=token)
        return Started(existing, list(existing.versions.first().warnings), created=False)
    try:
        with transaction.atomic():
            MeasureVersion.objects.create(
                measure=measure,
                number=1,
                decision=decision,
                service=service,
                provider=provider,
                volume=volume,
                volume_unit=volume_unit,
                valid_from=starts_on,
                expected_end_on=expected_end_on,
                warnings=warnings,
                recorded_by=by,
            )
    except IntegrityError as exc:
        # a concurrent start of the same decision (another form, another token) won
        raise ValidationError(
            {"decision": _("Der er netop iværksat en indsats efter denne afgørelse.")}
        ) from exc
    event_write(
        ev.MeasureStarted(measure_kind=decision.kind, measure=measure.pk),
        case=case,
        actor=by,
        occurred_at=_at(starts_on),
    )
    provider_letters.start_letter(measure, by=by, on=starts_on)
    return Started(measure, warnings)


# --- early support without a decision ---------------------------------------------------------


EARLY_SUPPORT_BASIS_BL = "Barnets Lov § 30"
EARLY_SUPPORT_BASIS_SEL = "Serviceloven § 11"


def early_support_basis(starts_on: date) -> str:
    """The legal basis of early support by the start date: Barnets Lov § 30 from 1 January
    2024 (the act's commencement), Serviceloven § 11 before."""
    return EARLY_SUPPORT_BASIS_BL if starts_on >= BARNETS_LOV_FROM else EARLY_SUPPORT_BASIS_SEL


def early_support_services():
    """The services whose version in force the catalogue marks as not visiteret (no decision
    by the authority needed) — the choices for early support."""
    from boernesag.catalogue.models import Service
    from boernesag.catalogue.selectors import current_versions

    ids = current_versions().filter(visiteret=False).values("service_id")
    return Service.objects.filter(pk__in=ids)


@transaction.atomic
def early_support_start(
    *,
    case,
    service,
    provider,
    by,
    starts_on: date,
    volume: Decimal,
    volume_unit: str,
    requested_by: str,
    expected_end_on: date | None = None,
    token=None,
) -> Started:
    """Start early support (tidlig forebyggende indsats) without an investigation and without
    a decision: Barnets Lov § 30 (from 2024-01-01), Serviceloven § 11 before. Only a service
    whose catalogue version in force is not visiteret (``ServiceVersion.visiteret = False``);
    a visiteret service needs a granted decision (``measure_start``). The family's request or
    consent (who asked) is recorded on the measure. Follow-up and end run through the
    ordinary services; ``measure_started`` carries ``early_support=True`` and the follow-up
    rule keeps its clock — whether Barnets Lov § 95 applies to § 30 services is
    **unverified**. Refused: a visiteret service, a provider not offering the service, a start
    in the future, an expected end before the start, a volume of 0, a missing request."""
    from boernesag.decisions.constants import DecisionKind

    _require(by, WORK, case)
    if token is not None:
        existing = Measure.objects.filter(case=case, submit_token=token).first()
        if existing is not None:
            return Started(existing, list(existing.versions.first().warnings), created=False)
    errors = {}
    version = service.current_version if service is not None else None
    if service is None:
        errors["service"] = _("Vælg indsatsen.")
    elif version is None or version.visiteret or service.closed_on is not None:
        errors["service"] = _(
            "Indsatsen er visiteret og kræver en afgørelse. Træf afgørelsen og iværksæt "
            "indsatsen derfra."
        )
    if provider is None:
        errors["provider"] = _("Vælg leverandøren.")
    elif service is not None and not service.providers.filter(pk=provider.pk).exists():
        errors["provider"] = _("Leverandøren tilbyder ikke indsatsen.")
    if not (requested_by or "").strip():
        errors["requested_by"] = _(
            "Angiv hvem der har anmodet om eller givet samtykke til indsatsen."
        )
    if errors:
        raise ValidationError(errors)
    _not_future(starts_on, "starts_on", _("Startdatoen"))
    if expected_end_on is not None and expected_end_on < starts_on:
        raise ValidationError(
            {"expected_end_on": _("Den forventede slutdato kan ikke ligge før startdatoen.")}
        )
    if volume is None or volume <= 0:
        raise ValidationError({"volume": _("Angiv et omfang større end 0.")})
    if volume_unit == VolumeUnit.MONTHS and volume != 1:
        raise ValidationError(
            {"volume": _("En månedlig ydelse har omfanget 1 (én ydelse pr. måned).")}
        )
    warnings = supply_warnings(provider=provider, service=service, unit=volume_unit, on=starts_on)
    from boernesag.decisions.services import made_plans

    try:
        with transaction.atomic():
            measure = Measure.objects.create(
                case=case,
                kind=DecisionKind.SUPPORT,
                decision=None,
                early_support=True,
                legal_basis=early_support_basis(starts_on),
                requested_by=requested_by.strip(),
                service=service,
                provider=provider,
                volume=volume,
                volume_unit=volume_unit,
                starts_on=starts_on,
                expected_end_on=expected_end_on,
                plan=made_plans(case).first(),
                next_follow_up_on=None,
                created_by=by,
                submit_token=token,
            )
    except IntegrityError:
        existing = Measure.objects.get(case=case, submit_token=token)
        return Started(existing, list(existing.versions.first().warnings), created=False)
    MeasureVersion.objects.create(
        measure=measure,
        number=1,
        decision=None,
        service=service,
        provider=provider,
        volume=volume,
        volume_unit=volume_unit,
        valid_from=starts_on,
        expected_end_on=expected_end_on,
        warnings=warnings,
        recorded_by=by,
    )
    event_write(
        ev.MeasureStarted(
            measure_kind=DecisionKind.SUPPORT, measure=measure.pk, early_support=True
        ),
        case=case,
        actor=by,
        occurred_at=_at(starts_on),
    )
    provider_letters.start_letter(measure, by=by, on=starts_on)
    return Started(measure, warnings)


# --- change ----------------------------------------------------------------------------------


@transaction.atomic
def measure_change(
    *,
    measure: Measure,
    decision: Decision,
    by,
    valid_from: date,
    volume: Decimal,
    volume_unit: str,
    expected_end_on: date | None = None,
    provider=None,
    reason: str = "",
    expected_version: int,
) -> Started:
    """Apply a new decision that replaces the measure's decision in force (``replaces``):
    more or fewer hours, another provider. Appends a version; the earlier ones stay on the
    measure's page. A double submit of the same decision returns the version already made."""
    _require(by, WORK, measure.case)
    done = MeasureVersion.objects.filter(measure=measure, decision=decision).first()
    if done is not None:
        return Started(measure, list(done.warnings), created=False)
    if not measure.is_active:
        raise ValidationError(_("Indsatsen er ophørt og kan ikke ændres."))
    if measure.decision_id is None:
        raise ValidationError(
            {
                "decision": _(
                    "En tidlig forebyggende indsats har ingen afgørelse, der kan ændres. Afslut "
                    "indsatsen og iværksæt den nye."
                )
            }
        )
    if decision.case_id != measure.case_id or decision.replaces_id != measure.decision_id:
        raise ValidationError(
            {"decision": _("Vælg en afgørelse, der ændrer indsatsens gældende afgørelse.")}
        )
    if decision.kind != measure.kind:
        raise ValidationError(
            {
                "decision": _(
                    "Afgørelsen gælder en anden type indsats. Afslut denne indsats og iværksæt "
                    "den nye."
                )
            }
        )
    problems = decision_problems(decision)
    if problems:
        raise ValidationError({"decision": problems})
    granted = decision_granted_on(decision)
    current = measure.versions.order_by("-number").first()
    if valid_from < max(granted, current.valid_from):
        raise ValidationError(
            {
                "valid_from": _(
                    "Ændringen kan tidligst gælde fra %(day)s (afgørelsen og den gældende version)."
                )
                % {"day": _day(max(granted, current.valid_from))}
            }
        )
    _not_future(valid_from, "valid_from", _("Datoen"))
    provider = provider or decision.provider or measure.provider
    if decision.provider_id and provider.pk != decision.provider_id:
        raise ValidationError({"provider": _("Leverandøren skal være den, afgørelsen nævner.")})
    service = decision.service or measure.service
    _check_volume(decision, service, volume, volume_unit)
    if expected_end_on is not None and expected_end_on < valid_from:
        raise ValidationError(
            {"expected_end_on": _("Den forventede slutdato kan ikke ligge før ændringen.")}
        )
    _check_weeks(decision, service, measure.starts_on, expected_end_on)
    warnings = supply_warnings(provider=provider, service=service, unit=volume_unit, on=valid_from)
    number = measure.current_number + 1
    old_provider = measure.provider
    _bump(
        Measure,
        measure,
        expected_version,
        decision=decision,
        service=service,
        provider=provider,
        volume=volume,
        volume_unit=volume_unit,
        expected_end_on=expected_end_on,
        current_number=number,
    )
    MeasureVersion.objects.create(
        measure=measure,
        number=number,
        decision=decision,
        service=service,
        provider=provider,
        volume=volume,
        volume_unit=volume_unit,
        valid_from=valid_from,
        expected_end_on=expected_end_on,
        reason=(reason or "").strip(),
        warnings=warnings,
        recorded_by=by,
    )
    event_write(
        ev.MeasureChanged(measure=measure.pk, decision=decision.pk),
        case=measure.case,
        actor=by,
        occurred_at=_at(valid_from),
    )
    if provider.pk != old_provider.pk:
        # the former provider is told the measure ends with it, the new one that it starts
        measure.ended_on = valid_from
        provider_letters.end_letter(
            measure,
            by=by,
            provider=old_provider,
            reason_label=_("Indsatsen fortsætter hos en anden leverandør"),
            contract=contract_in_force(old_provider, service, valid_from),
        )
        measure.ended_on = None
        provider_letters.start_letter(measure, by=by, on=valid_from)
    return Started(measure, warnings)


# --- follow-up -------------------------------------------------------------------------------


@transaction.atomic
def follow_up_plan(
    *,
    measure: Measure,
    by,
    held_at: datetime,
    agenda: str,
    persons=(),
    other_participants: str = "",
    token=None,
) -> FollowUp:
    """Plan a follow-up: the status meeting (``cases.Meeting``, a status meeting with agenda
    and participants) and the provider's status report, asked for now and due one week
    before the meeting."""
    _require(by, FOLLOW, measure.case)
    if token is not None:
        existing = FollowUp.objects.filter(measure=measure, submit_token=token).first()
        if existing is not None:
            return existing
    if not measure.is_active:
        raise ValidationError(_("Indsatsen er ophørt. Der kan ikke planlægges opfølgning."))
    if not (agenda or "").strip():
        raise ValidationError({"agenda": _("Skriv dagsordenen for statusmødet.")})
    meeting_day = timezone.localtime(held_at).date()
    if meeting_day < measure.starts_on:
        raise ValidationError({"held_at": _("Statusmødet kan ikke ligge før indsatsens start.")})
    meeting = meeting_create(
        case=measure.case,
        by=by,
        kind=MeetingKind.STATUS_MEETING,
        held_at=held_at,
        agenda=agenda,
        persons=persons,
        other_participants=other_participants,
        second_caseworker_absent_reason=_("Opfølgning på en iværksat indsats"),
    )
    today = timezone.localdate()
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                case=measure.case,
                measure=measure,
                meeting=meeting,
                report_requested_on=today,
                report_due_on=max(today, meeting_day - timedelta(days=REPORT_DAYS_BEFORE)),
                created_by=by,
                submit_token=token,
            )
    except IntegrityError as exc:
        # the same form sent twice at once: the other request planned it
        raise ValidationError(
            _("Opfølgningen er netop planlagt fra en anden fane. Se indsatsens side.")
        ) from exc
    provider_letters.report_request_letter(follow_up, by=by)
    return follow_up


def plan_goals(measure: Measure, plan=None):
    """(plan version in force, its active goals) for the measure: the version of the plan the
    measure follows (the decision's plan, else the case's newest made plan)."""
    from boernesag.plans.constants import GoalStatus
    from boernesag.plans.models import PlanGoal, PlanVersion

    plan = plan or measure.plan
    if plan is None:
        from boernesag.decisions.services import made_plans

        plan = made_plans(measure.case).first()
    if plan is None:
        return None, []
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is None:
        return None, []
    ids = [g["id"] for g in version.content["goals"] if g["status"] == GoalStatus.ACTIVE]
    goals = {g.pk: g for g in PlanGoal.objects.filter(pk__in=ids)}
    return version, [goals[i] for i in ids if i in goals]


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    by,
    expected_version: int,
    held_on: date,
    decision: str,
    scores: dict,
    next_follow_up_on: date | None = None,
    interval_reasons: str = "",
    report_received_on: date | None = None,
    report_source: str = "",
    report_summary: str = "",
    child_talked_on: date | None = None,
    child_view: str = "",
    child_not_talked_reason: str = "",
    assessment: str = "",
    token=None,
) -> FollowUp:
    """Record a held follow-up (Barnets Lov § 95, stk. 2–3; Serviceloven § 70, stk. 2 — stk.
    *unverified* — before 2024): the provider's report and its source, the conversation with
    the child (or why not, Barnets Lov § 5), a score for every active goal of the plan version
    in force (``scores``: goal id → (score 1–5, words)) — a goal not in that version is
    refused — the decision to continue, change or end, and the next follow-up with the
    reasons for the interval (not for an ending). Writes
    ``follow_up_held(next_follow_up_due)``, which stops the follow-up clock and restarts it
    to the date set. Refused on an ended measure."""
    measure = follow_up.measure
    _require(by, FOLLOW, measure.case)
    if follow_up.is_held:
        if token is not None and follow_up.record_token == token:
            return follow_up
        raise ConflictError()
    if not measure.is_active:
        # its follow_up_held would stop the case's clock on behalf of a measure still running
        raise ValidationError(
            _("Indsatsen er ophørt. Der kan ikke registreres opfølgning på en ophørt indsats.")
        )
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if held_on > today:
        err("held_on", _("Opfølgningen kan ikke registreres, før den er holdt."))
    if held_on < measure.starts_on:
        err("held_on", _("Opfølgningen kan ikke ligge før indsatsens start."))
    if decision not in FollowUpDecision.values:
        err("decision", _("Vælg om indsatsen fortsætter, ændres eller ophører."))
    if report_received_on is not None and not (report_source or "").strip():
        err("report_source", _("Skriv hvor statusrapporten kommer fra (kilden)."))
    if report_received_on is not None and report_received_on > today:
        err("report_received_on", _("Datoen kan ikke ligge i fremtiden."))
    if child_talked_on is None and not (child_not_talked_reason or "").strip():
        err(
            "child_talked_on",
            _(
                "Registrér samtalen med barnet før mødet, eller skriv hvorfor der ikke er talt "
                "med barnet (Barnets Lov § 5)."
            ),
        )
    if child_talked_on is not None and child_talked_on > held_on:
        err("child_talked_on", _("Samtalen med barnet skal ligge før eller på mødedagen."))
    if decision != FollowUpDecision.END:
        if next_follow_up_on is None:
            err("next_follow_up_on", _("Sæt datoen for næste opfølgning."))
        elif next_follow_up_on <= held_on:
            err("next_follow_up_on", _("Næste opfølgning skal ligge efter denne."))
        elif measure.starts_on < BARNETS_LOV_FROM and next_follow_up_on > add_months(
            held_on, SEL_MAX_INTERVAL_MONTHS
        ):
            err(
                "next_follow_up_on",
                _(
                    "Indsatsen er iværksat efter Serviceloven: der skal følges op mindst hver 6. "
                    "måned (senest %(day)s)."
                )
                % {"day": _day(add_months(held_on, SEL_MAX_INTERVAL_MONTHS))},
            )
        if not (interval_reasons or "").strip():
            err(
                "interval_reasons",
                _("Begrund intervallet til næste opfølgning (Barnets Lov § 95, stk. 3)."),
            )
    version, goals = plan_goals(measure)
    allowed = {g.pk for g in goals}
    cleaned = {}
    for goal_id, (score, note) in (scores or {}).items():
        if int(goal_id) not in allowed:
            err("scores", _("Et mål er ikke med i den gældende version af planen."))
            continue
        if score is None:
            continue
        if int(score) not in range(1, 6):
            err("scores", _("Scoren skal være mellem 1 og 5."))
            continue
        cleaned[int(goal_id)] = (int(score), (note or "").strip())
    missing = [g for g in goals if g.pk not in cleaned]
    if missing:
        err(
            "scores",
            _("Giv hvert mål i planen en score: %(goals)s.")
            % {"goals": "; ".join(g.what[:60] for g in missing)},
        )
    if errors:
        raise ValidationError(errors)
    _bump(
        FollowUp,
        follow_up,
        expected_version,
        status=FollowUpStatus.HELD,
        held_on=held_on,
        decision=decision,
        plan_version=version,
        next_follow_up_on=next_follow_up_on if decision != FollowUpDecision.END else None,
        interval_reasons=(interval_reasons or "").strip(),
        report_received_on=report_received_on,
        report_source=(report_source or "").strip(),
        report_summary=(report_summary or "").strip(),
        child_talked_on=child_talked_on,
        child_view=(child_view or "").strip(),
        child_not_talked_reason=(child_not_talked_reason or "").strip(),
        assessment=(assessment or "").strip(),
        recorded_by=by,
        record_token=token,
    )
    GoalScore.objects.bulk_create(
        GoalScore(follow_up=follow_up, goal_id=goal_id, score=score, note=note)
        for goal_id, (score, note) in cleaned.items()
    )
    if decision != FollowUpDecision.END:
        Measure.objects.filter(pk=measure.pk).update(next_follow_up_on=next_follow_up_on)
    event_write(
        ev.FollowUpHeld(
            next_follow_up_due=next_follow_up_on if decision != FollowUpDecision.END else None
        ),
        case=measure.case,
        actor=by,
        occurred_at=_at(held_on),
    )
    return follow_up


# --- supervision -----------------------------------------------------------------------------


@transaction.atomic
def supervision_visit_record(
    *,
    measure: Measure,
    by,
    visited_on: date,
    talked_alone: bool | None = None,
    not_alone_reason: str = "",
    talk: str | None = None,
    at_placement: bool = True,
    token=None,
) -> SupervisionVisit:
    """A supervision visit to a placed child (Barnets Lov § 156, stk. 5): the date, that it
    was at the placement, and the talk with the child — alone (without staff or foster
    parents present), with staff present (why), or not at all (why). Only a visit at the
    placement with a talk meets the duty and writes ``supervision_visit_held``, which
    restarts the supervision clock; a visit without a talk (or not at the placement) is
    recorded, but the clock keeps running (``meets_duty`` False). ``talked_alone`` is the
    older yes/no (yes: alone, no: staff present)."""
    _require(by, WORK, measure.case)
    if token is not None:
        existing = SupervisionVisit.objects.filter(measure=measure, submit_token=token).first()
        if existing is not None:
            return existing
    if measure.kind not in PLACEMENT_KINDS:
        raise ValidationError(_("Tilsynsbesøg registreres ved anbringelser."))
    if not measure.is_active:
        raise ValidationError(_("Anbringelsen er ophørt."))
    _not_future(visited_on, "visited_on", _("Besøget"))
    if visited_on < measure.starts_on:
        raise ValidationError({"visited_on": _("Besøget kan ikke ligge før anbringelsen.")})
    if talk is None and talked_alone is not None:
        talk = VisitTalk.ALONE if talked_alone else VisitTalk.WITH_STAFF
    if talk not in VisitTalk.values:
        raise ValidationError({"talk": _("Svar på, om der blev talt med barnet.")})
    talked_alone = talk == VisitTalk.ALONE
    reason = (not_alone_reason or "").strip()
    if not talked_alone and not reason:
        raise ValidationError(
            {
                "not_alone_reason": _(
                    "Skriv hvorfor der ikke blev talt med barnet uden personale eller "
                    "plejeforældre til stede (Barnets Lov § 156, stk. 5)."
                )
                if talk == VisitTalk.WITH_STAFF
                else _("Skriv hvorfor der ikke blev talt med barnet (Barnets Lov § 156, stk. 5).")
            }
        )
    meets_duty = talk != VisitTalk.NOT_TALKED and bool(at_placement)
    try:
        with transaction.atomic():
            visit = SupervisionVisit.objects.create(
                case=measure.case,
                measure=measure,
                visited_on=visited_on,
                talked_alone=talked_alone,
                not_alone_reason="" if talked_alone else reason,
                talk=talk,
                at_placement=bool(at_placement),
                meets_duty=meets_duty,
                recorded_by=by,
                submit_token=token,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Besøget er netop registreret fra en anden fane. Se indsatsens side.")
        ) from exc
    if meets_duty:
        event_write(
            ev.SupervisionVisitHeld(), case=measure.case, actor=by, occurred_at=_at(visited_on)
        )
    return visit


# --- placement details ---------------------------------------------------------------------


@transaction.atomic
def placement_details_record(
    *,
    measure: Measure,
    by,
    expected_version: int,
    place_name: str,
    place_from: date | None,
    contact_frequency: str,
    contact_form: str,
    place_department: str = "",
    contact_note: str = "",
    token=None,
) -> Measure:
    """Record (or change) a placement's place — the provider's place or department and
    the day the child came there — and the arrangement for the child's contact with the
    parents (how often, in what form; Barnets Lov §§ 51–52 on samvær and contact —
    *unverified* here). Placements only, while they run. A change by someone else meanwhile
    is a ``ConflictError``; the same form submitted twice records once (``token``). Writes
    ``placement_details_recorded(measure)``; the earlier details stay in the measure's
    history."""
    _require(by, WORK, measure.case)
    if token is not None and measure.details_token == token:
        return measure
    if measure.kind not in PLACEMENT_KINDS:
        raise ValidationError(_("Anbringelsessted og samvær registreres ved anbringelser."))
    if not measure.is_active:
        raise ValidationError(_("Anbringelsen er ophørt."))
    errors: dict[str, str] = {}
    if not (place_name or "").strip():
        errors["place_name"] = _("Skriv anbringelsesstedets navn.")
    if place_from is None:
        errors["place_from"] = _("Skriv datoen, barnet kom på anbringelsesstedet.")
    elif place_from < measure.starts_on:
        errors["place_from"] = _("Datoen kan ikke ligge før anbringelsens start (%(day)s).") % {
            "day": _day(measure.starts_on)
        }
    elif place_from > timezone.localdate():
        errors["place_from"] = _("Datoen kan ikke ligge i fremtiden.")
    if contact_frequency not in ContactFrequency.values:
        errors["contact_frequency"] = _("Vælg hvor ofte barnet har samvær med forældrene.")
    elif contact_frequency == ContactFrequency.NONE:
        if not (contact_note or "").strip():
            errors["contact_note"] = _("Skriv hvorfor der ikke er samvær for tiden.")
    elif contact_form not in ContactForm.values:
        errors["contact_form"] = _("Vælg hvordan samværet foregår.")
    if errors:
        raise ValidationError(errors)
    _bump(
        Measure,
        measure,
        expected_version,
        place_name=place_name.strip(),
        place_department=(place_department or "").strip(),
        place_from=place_from,
        contact_frequency=contact_frequency,
        contact_form="" if contact_frequency == ContactFrequency.NONE else contact_form,
        contact_note=(contact_note or "").strip(),
        details_token=token,
    )
    event_write(ev.PlacementDetailsRecorded(measure=measure.pk), case=measure.case, actor=by)
    return measure


# --- end -------------------------------------------------------------------------------------


def youth_support_decided(case) -> bool:
    """Whether the case records a position on support after the 18th birthday (the event
    ``youth_support_decided``, Barnets Lov § 111)."""
    from boernesag.events.models import Event

    return Event.objects.filter(case=case, kind=ev.YouthSupportDecided.kind).exists()


@transaction.atomic
def measure_end(
    *,
    measure: Measure,
    by,
    ended_on: date,
    reason: str,
    final_attainment: str,
    reasons: str = "",
    expected_version: int,
    token=None,
) -> Measure:
    """End a measure with its reason (goal met; no longer meets its goal; consent withdrawn;
    the young person turns 18; other, explained), the end date and the final goal
    attainment. Writes ``measure_ended`` naming the measure: the follow-up and supervision
    clocks end when no other measure of the case keeps them running."""
    _require(by, WORK, measure.case)
    if not measure.is_active:
        if token is not None and measure.end_token == token:
            return measure
        raise ValidationError(_("Indsatsen er allerede ophørt."))
    errors = {}
    if reason not in EndReason.values:
        errors["reason"] = _("Vælg årsagen til ophøret.")
    if reason == EndReason.OTHER and not (reasons or "").strip():
        errors["reasons"] = _("Skriv begrundelsen for ophøret.")
    if final_attainment not in Attainment.values:
        errors["final_attainment"] = _("Angiv målopfyldelsen ved ophør.")
    current = measure.versions.order_by("-number").first()
    if ended_on < max(measure.starts_on, current.valid_from):
        errors["ended_on"] = _("Ophøret kan ikke ligge før indsatsens start eller seneste ændring.")
    elif ended_on > timezone.localdate():
        errors["ended_on"] = _(
            "Registrér ophøret, når indsatsen er ophørt (datoen er i fremtiden)."
        )
    if reason == EndReason.TURNS_18:
        born = measure.case.child.birth_date
        if born is not None and ended_on < add_months(born, 18 * 12):
            errors["reason"] = _("Barnet er ikke fyldt 18 år på ophørsdatoen.")
        elif measure.kind in PLACEMENT_KINDS and not youth_support_decided(measure.case):
            # Barnets Lov § 111: before a placement ends at 18 the municipality decides on
            # support after the 18th birthday (efterværn/ungestøtte)
            errors["reason"] = _(
                "Anbringelsen kan ikke afsluttes, fordi den unge fylder 18, før der er taget "
                "stilling til støtte efter det fyldte 18. år (ungestøtte/efterværn, Barnets "
                "Lov § 111). Registrér stillingtagen på sagen under »Handlinger« først."
            )
    if errors:
        raise ValidationError(errors)
    _bump(
        Measure,
        measure,
        expected_version,
        status=MeasureStatus.ENDED,
        ended_on=ended_on,
        end_reason=reason,
        end_reasons=(reasons or "").strip(),
        final_attainment=final_attainment,
        ended_by=by,
        end_token=token,
        next_follow_up_on=None,
    )
    event_write(
        ev.MeasureEnded(measure=measure.pk), case=measure.case, actor=by, occurred_at=_at(ended_on)
    )
    provider_letters.end_letter(
        measure, by=by, contract=contract_in_force(measure.provider, measure.service, ended_on)
    )
    return measure
