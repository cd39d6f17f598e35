"""Writes for deadlines: pausing clocks, local standards, escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.cases.constants import EventKind
from boernesag.cases.events import event_record
from boernesag.deadlines.calendar import TZ, due_at
from boernesag.deadlines.models import Clock, Escalation, LocalStandard
from boernesag.deadlines.rules import rule_get


@transaction.atomic
def clock_pause(*, case, rule_key: str, by, reason: str) -> None:
    """A clock may be paused (e.g. waiting for the family's consent) only with a reason."""
    if len((reason or "").strip()) < 5:
        raise ValidationError({"reason": _("Skriv hvorfor fristen sættes i bero.")})
    if (
        not Clock.objects.running()
        .filter(case=case, rule_key=rule_key, paused_since__isnull=True)
        .exists()
    ):
        raise ValidationError(_("Der er ingen løbende frist at sætte i bero."))
    event_record(
        case=case,
        kind=EventKind.CLOCK_PAUSED,
        actor=by,
        payload={"rule": rule_key, "reason": reason.strip()},
    )


@transaction.atomic
def clock_resume(*, case, rule_key: str, by) -> None:
    if (
        not Clock.objects.running()
        .filter(case=case, rule_key=rule_key, paused_since__isnull=False)
        .exists()
    ):
        raise ValidationError(_("Fristen er ikke sat i bero."))
    event_record(case=case, kind=EventKind.CLOCK_RESUMED, actor=by, payload={"rule": rule_key})


def _is_stricter(rule_key: str, amount: int, unit: str, valid_from: date) -> bool:
    """Stricter means: for every start in the year from valid_from, the local due time is no
    later than the law's (checked day by day, so mixed units such as months vs days and
    holidays are compared exactly)."""
    rule = rule_get(rule_key)
    for offset in range(366):
        start = datetime.combine(
            valid_from + timedelta(days=offset), datetime.min.time(), tzinfo=TZ
        ).replace(hour=12)
        version = rule.version_for(start)
        if version is None or version.duration is None:
            return False
        legal = due_at(start, version.duration.amount, version.duration.unit)
        if due_at(start, amount, unit) > legal:
            return False
    return True


@transaction.atomic
def local_standard_set(
    *, rule_key: str, amount: int, unit: str, valid_from: date, reason: str, by
) -> LocalStandard:
    """A local standard may only tighten a rule, never loosen it. Clocks started from
    ``valid_from`` get the local due time; existing clocks are recomputed."""
    rule = rule_get(rule_key)
    if any(
        v.duration is None for v in rule.versions if v.valid_to is None or v.valid_to >= valid_from
    ):
        raise ValidationError(
            {
                "rule_key": _(
                    "Denne regel har ingen fast varighed og kan ikke gøres strengere lokalt."
                )
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Skriv begrundelsen for den lokale standard.")})
    if not _is_stricter(rule_key, amount, unit, valid_from):
        raise ValidationError(
            {
                "amount": _(
                    "En lokal standard må kun gøre fristen strengere end loven, aldrig "
                    "lempeligere. Vælg en kortere frist."
                )
            }
        )
    try:
        with transaction.atomic():
            standard = LocalStandard.objects.create(
                rule_key=rule_key,
                amount=amount,
                unit=unit,
                valid_from=valid_from,
                reason=reason.strip(),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            {"valid_from": _("Der findes allerede en lokal standard for reglen fra denne dato.")}
        ) from None
    from boernesag.deadlines.engine import rebuild_all

    rebuild_all()
    return standard


@transaction.atomic
def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every overdue running clock once (idempotent). Returns how many were new."""
    now = now or timezone.now()
    overdue = (
        Clock.objects.running()
        .filter(paused_since__isnull=True, due_at__lt=now, case__closed_at__isnull=True)
        .values_list("case_id", "rule_key", "sequence", "due_at")
    )
    existing = set(Escalation.objects.values_list("case_id", "rule_key", "sequence"))
    new = [
        Escalation(case_id=c, rule_key=r, sequence=s, due_at=d, escalated_at=now)
        for c, r, s, d in overdue
        if (c, r, s) not in existing
    ]
    Escalation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
