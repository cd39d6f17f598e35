"""Writes for deadlines: pausing clocks, local standards, escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.deadlines.calendar import TZ, due_at
from boernesag.deadlines.engine import LOCAL_RULE_MAX
from boernesag.deadlines.models import Clock, ClockPause, Escalation, LocalStandard
from boernesag.deadlines.rules import rule_get
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write


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
    pause = ClockPause.objects.create(
        case=case, rule_key=rule_key, reason=reason.strip(), by=by, paused_at=timezone.now()
    )
    event_write(
        ev.ClockPaused(rule=rule_key, pause=pause.pk),
        case=case,
        actor=by,
        occurred_at=pause.paused_at,
        subject=pause,
    )


@transaction.atomic
def clock_resume(*, case, rule_key: str, by) -> None:
    clock = (
        Clock.objects.running()
        .filter(case=case, rule_key=rule_key, paused_since__isnull=False)
        .first()
    )
    if clock is None:
        raise ValidationError(_("Fristen er ikke sat i bero."))
    event_write(ev.ClockResumed(rule=rule_key, pause=clock.pause_id), case=case, actor=by)


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
    ``valid_from`` get the local due time: new events use it at once, and the rule's
    existing clocks are recomputed by a background task (``local_standard_recompute``)
    after this transaction commits — only that rule's cases, in short chunks, with
    progress on the standard row; no TRUNCATE, no municipality-wide lock."""
    rule = rule_get(rule_key)
    rule_key = rule.key
    if rule.window:
        raise ValidationError(
            {"rule_key": _("Klagefristen er familiens og kan ikke gøres kortere lokalt.")}
        )
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
    if unit not in LOCAL_RULE_MAX:
        raise ValidationError({"unit": _("Vælg en enhed.")})
    if not 0 <= amount <= LOCAL_RULE_MAX[unit]:
        # checked before the day-by-day comparison, which a huge amount would keep busy
        raise ValidationError(
            {
                "amount": _(
                    "En lokal standard må kun gøre fristen strengere end loven, aldrig "
                    "lempeligere. Vælg en kortere frist."
                )
            }
        )
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
    event_write(
        ev.LocalStandardSet(rule=rule_key, amount=amount, unit=unit, valid_from=valid_from),
        actor=by,
        subject=standard,
    )
    from boernesag.deadlines.tasks import local_standard_recompute

    transaction.on_commit(lambda: local_standard_recompute.enqueue(standard.pk))
    return standard


def local_standard_recompute_cases(standard: LocalStandard) -> list[int]:
    """The cases whose clocks a new local standard can change: a clock of its rule started on
    or after the standard's first day."""
    since = datetime.combine(standard.valid_from, datetime.min.time(), tzinfo=TZ)
    return sorted(
        set(
            Clock.objects.filter(rule_key=standard.rule_key, started_at__gte=since).values_list(
                "case_id", flat=True
            )
        )
    )


def local_standard_recompute(*, standard_id: int, chunk: int = 300) -> int:
    """Recompute the clocks a local standard changes (run by the background task). Each chunk
    is its own short transaction; progress is written after each one. Returns how many
    cases' clocks changed."""
    from boernesag.events.projections import chunked, get, rebuild

    standard = LocalStandard.objects.get(pk=standard_id)
    cases = local_standard_recompute_cases(standard)
    LocalStandard.objects.filter(pk=standard_id).update(
        recompute_total=len(cases), recompute_done=0, recompute_started_at=timezone.now()
    )

    def progress(done: int) -> None:
        LocalStandard.objects.filter(pk=standard_id).update(recompute_done=done)

    result = rebuild(get("clocks"), keys=chunked(cases, chunk), progress=progress)
    LocalStandard.objects.filter(pk=standard_id).update(
        recompute_done=len(cases), recompute_finished_at=timezone.now()
    )
    return result.changed


@transaction.atomic
def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every overdue running clock once (idempotent). Returns how many were new."""
    now = now or timezone.now()
    overdue = (
        Clock.objects.actionable(now)
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
