"""Reads for deadlines. Lists go through the case gate; compliance is one SQL aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from boernesag.cases.access import case_visibility_q, scope_for
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.models import Clock, Escalation, OrganisationClock
from boernesag.deadlines.rules import load_rules

MY_HORIZON_DAYS = 183


def my_deadlines(*, user, horizon_days: int | None = MY_HORIZON_DAYS):
    """Running clocks in the user's own open cases due within about half a year (overdue
    ones always), most urgent first. Deadlines years ahead (a youth plan at 16) are shown
    only when asked for (``horizon_days=None``: the filter "Vis alle")."""
    clocks = Clock.objects.actionable().filter(case__caseworker=user, case__closed_at__isnull=True)
    if horizon_days is not None:
        clocks = clocks.filter(due_at__lte=timezone.now() + timedelta(days=horizon_days))
    return clocks.select_related("case", "case__child", "pause").order_by(
        F("paused_since").asc(nulls_first=True), "due_at"
    )


def far_ahead(clocks, *, horizon_days: int = MY_HORIZON_DAYS) -> tuple[list, int]:
    """Split a deadline list (already evaluated) into what is due within the horizon (and
    everything not running: met, late, paused …) and the number of running deadlines further
    ahead, which every deadline list hides until the user asks ("Vis alle")."""
    horizon = timezone.now() + timedelta(days=horizon_days)
    near = [c for c in clocks if not (c.is_running and c.due_at > horizon)]
    return near, len(clocks) - len(near)


def case_deadlines(*, case):
    return (
        Clock.objects.filter(case=case).select_related("pause").order_by("-started_at", "rule_key")
    )


def organisation_deadlines(*, subject: str | None = None, running: bool = True):
    """The organisation's clocks (catalogue revision, standards review, reports about
    children not yet identified), for the pages where that work is done."""
    qs = OrganisationClock.objects.all()
    if running:
        qs = qs.running()
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs.order_by("due_at")


def subject_due(subjects: list[str], *, rule_keys) -> dict[str, Clock | OrganisationClock]:
    """The running clock of one of ``rule_keys`` for each subject (e.g. each child in an
    intake item): case clocks first, the organisation's for reports without a case."""
    found: dict[str, Clock | OrganisationClock] = {}
    for model in (Clock, OrganisationClock):
        for clock in model.objects.running().filter(subject__in=subjects, rule_key__in=rule_keys):
            found.setdefault(clock.subject, clock)
    return found


def team_deadlines(*, user, within_days: int = 14):
    led = scope_for(user).led_unit_ids
    horizon = timezone.now() + timedelta(days=within_days)
    return (
        Clock.objects.actionable()
        .filter(case__team_id__in=led, case__closed_at__isnull=True, due_at__lte=horizon)
        .select_related("case", "case__child", "case__caseworker", "case__team", "pause")
        .order_by("due_at")
    )


def team_escalations(*, user):
    led = scope_for(user).led_unit_ids
    return (
        Escalation.objects.filter(case__team_id__in=led, case__closed_at__isnull=True)
        .select_related("case", "case__child", "case__caseworker")
        .order_by("-escalated_at")
    )


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" or "month"
    year: int
    number: int

    @property
    def start(self) -> datetime:
        month = (self.number - 1) * 3 + 1 if self.kind == "quarter" else self.number
        return datetime(self.year, month, 1, tzinfo=TZ)

    @property
    def end(self) -> datetime:
        months = 3 if self.kind == "quarter" else 1
        index = self.start.month - 1 + months
        return datetime(self.year + index // 12, index % 12 + 1, 1, tzinfo=TZ)

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.number}. kvartal {self.year}"
        months = [
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ]
        return f"{months[self.number - 1]} {self.year}"


OUTCOMES = ("met", "late", "missed", "paused", "open")


def _outcome_filters(due: str, now: datetime) -> dict[str, Q]:
    running = Q(stopped_at__isnull=True, cancelled_at__isnull=True)
    return {
        "met": Q(stopped_at__isnull=False, stopped_at__lte=F(due)),
        "late": Q(stopped_at__isnull=False, stopped_at__gt=F(due)),
        "missed": running & Q(paused_since__isnull=True, **{f"{due}__lt": now}),
        "paused": running & Q(paused_since__isnull=False),
        "open": running & Q(paused_since__isnull=True, **{f"{due}__gte": now}),
    }


def compliance_clocks(*, period: Period, local: bool = False):
    """Clocks that count in compliance: rules that count, due in the period, not cancelled."""
    due = "local_due_at" if local else "due_at"
    counted = [key for key, rule in load_rules().items() if rule.compliance]
    return Clock.objects.filter(
        rule_key__in=counted,
        cancelled_at__isnull=True,
        **{f"{due}__gte": period.start, f"{due}__lt": period.end},
    )


def compliance_table(
    *, period: Period, group: str = "team", local: bool = False, now: datetime | None = None
) -> list[dict]:
    """Rows of (rule, team or caseworker) with counts per outcome, computed in SQL.

    Grouped by responsibility at the time (``Clock.team``/``Clock.caseworker``: who held the
    case when the deadline was decided), so a later reassignment never moves past figures."""
    now = now or timezone.now()
    due = "local_due_at" if local else "due_at"
    group_fields = {
        "team": ["team_id", "team__name"],
        "caseworker": ["caseworker_id", "caseworker__first_name", "caseworker__last_name"],
        "rule": [],
    }[group]
    filters = _outcome_filters(due, now)
    rows = (
        compliance_clocks(period=period, local=local)
        .values("rule_key", *group_fields)
        .annotate(**{name: Count("id", filter=q) for name, q in filters.items()})
        .order_by("rule_key", *group_fields)
    )
    rules = load_rules()
    result = []
    for row in rows:
        decided = row["met"] + row["late"] + row["missed"]
        if group == "team":
            who, who_id = row["team__name"] or "Ukendt team", row["team_id"]
        elif group == "caseworker":
            who = (
                f"{row['caseworker__first_name'] or ''} {row['caseworker__last_name'] or ''}"
            ).strip() or "Ikke fordelt"
            who_id = row["caseworker_id"]
        else:
            who, who_id = "Hele kommunen", None
        result.append(
            {
                **{k: row[k] for k in OUTCOMES},
                "rule_key": row["rule_key"],
                "rule_title": rules[row["rule_key"]].title,
                "who": who,
                "who_id": who_id,
                "total": decided + row["paused"] + row["open"],
                "rate": round(100 * row["met"] / decided, 1) if decided else None,
            }
        )
    return result


def compliance_drilldown(
    *,
    period: Period,
    rule_key: str,
    outcome: str,
    group: str,
    who_id: int | None,
    local: bool = False,
    now: datetime | None = None,
):
    now = now or timezone.now()
    due = "local_due_at" if local else "due_at"
    qs = compliance_clocks(period=period, local=local).filter(
        _outcome_filters(due, now)[outcome], rule_key=rule_key
    )
    if group == "team":
        qs = qs.filter(team_id=who_id)
    elif group == "caseworker":
        qs = qs.filter(caseworker_id=who_id)
    return qs.select_related("case", "team", "caseworker").order_by(due)


def visible_case_ids(user, case_ids) -> set[int]:
    from boernesag.cases.models import Case

    return set(
        Case.objects.filter(case_visibility_q(user), pk__in=case_ids).values_list("pk", flat=True)
    )


def current_period(kind: str = "quarter", today: date | None = None) -> Period:
    today = today or timezone.localdate()
    number = (today.month - 1) // 3 + 1 if kind == "quarter" else today.month
    return Period(kind, today.year, number)
