"""Reads for decisions. Callers have passed the gate (or log the list they show)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from boernesag.cases.models import Case
from boernesag.decisions.constants import (
    APPEAL_RECONSIDERATION_RULE,
    APPEAL_WINDOW_RULE,
    AppealStatus,
    DecisionKind,
    DecisionStatus,
    Ruling,
)
from boernesag.decisions.models import Appeal, Approval, Decision, DecisionLetter, Hearing


def service_names(decisions) -> None:
    """Set ``service_name`` on each decision: the name of its service's version in force,
    in one query for all of them (``str(service)`` asks once per service)."""
    from boernesag.catalogue.models import ServiceVersion
    from boernesag.catalogue.selectors import IN_FORCE

    ids = {d.service_id for d in decisions if d.service_id}
    names = dict(
        ServiceVersion.objects.filter(service_id__in=ids, status__in=IN_FORCE)
        .order_by("service_id", "-number")
        .distinct("service_id")
        .values_list("service_id", "name")
    )
    for d in decisions:
        d.service_name = names.get(d.service_id, "")


def case_decisions(case: Case) -> list[Decision]:
    decisions = list(
        Decision.objects.filter(case=case)
        .select_related("provider")
        .prefetch_related(
            Prefetch("appeals", queryset=Appeal.objects.order_by("-received_on", "-id"))
        )
        .order_by("-created_at", "-id")
    )
    service_names(decisions)
    return decisions


def _subject(decision: Decision) -> str:
    return f"decisions.decision:{decision.pk}"


@dataclass
class DecisionView:
    problems: list[str]
    frame: tuple
    legal_sections: list
    hearings: list[Hearing]
    approvals: list[Approval]
    letters: list[DecisionLetter]
    appeals: list[Appeal]
    replaced_by: list[Decision]
    window: object = None  # the appeal window clock
    hearing_letters: dict = field(default_factory=dict)


def decision_view(decision: Decision) -> DecisionView:
    """Everything the decision's page shows, in a fixed number of queries."""
    from boernesag.deadlines.models import Clock
    from boernesag.decisions import services

    links = list(
        DecisionLetter.objects.filter(decision=decision)
        .select_related("letter", "party")
        .order_by("id")
    )
    hearing_letters = defaultdict(list)
    for link in links:
        if link.hearing_id:
            hearing_letters[link.hearing_id].append(link)
    hearings = list(decision.hearings.select_related("sent_by").order_by("-sent_at", "-id"))
    for hearing in hearings:
        hearing.sent_letters = hearing_letters.get(hearing.pk, [])
    window = (
        Clock.objects.filter(
            case_id=decision.case_id, rule_key=APPEAL_WINDOW_RULE, subject=_subject(decision)
        )
        .order_by("-started_at")
        .first()
    )
    return DecisionView(
        problems=services.decision_problems(decision) if decision.is_draft else [],
        frame=services.service_frame(decision.service) if decision.service_id else (None,) * 4,
        legal_sections=list(decision.legal_sections.all()),
        hearings=hearings,
        approvals=list(decision.approvals.select_related("by")),
        letters=[link for link in links if not link.hearing_id and not link.appeal_id],
        appeals=list(decision.appeals.select_related("appellant")),
        replaced_by=list(decision.replaced_by.order_by("created_at")),
        window=window,
        hearing_letters=dict(hearing_letters),
    )


def reconsideration_clock(appeal: Appeal):
    from boernesag.deadlines.models import Clock

    return (
        Clock.objects.filter(
            case_id=appeal.case_id,
            rule_key=APPEAL_RECONSIDERATION_RULE,
            subject=_subject(appeal.decision),
            started_at__date__gte=appeal.received_on,
        )
        .order_by("started_at")
        .first()
    )


def approval_queue(user):
    """Decisions waiting for approval in the teams ``user`` leads (and may see)."""
    from boernesag.cases import access

    led = access.scope_for(user).led_unit_ids
    return (
        Decision.objects.filter(
            status=DecisionStatus.AWAITING_APPROVAL,
            case__in=Case.objects.visible_to(user),
            case__team_id__in=led,
        )
        .select_related("case__child", "case__team", "created_by")
        .order_by("created_at", "id")
    )


def appeal_overview() -> dict:
    """Appeals and rulings by decision kind and team (the case's team today): counts only.
    Two aggregate queries, whatever the number of appeals."""
    decided = (
        Decision.objects.filter(status__in=[DecisionStatus.DECIDED, DecisionStatus.SENT])
        .values("kind", "case__team__name")
        .annotate(n=Count("id"))
    )
    counts = {
        "appeals": Count("id"),
        "late": Count("id", filter=Q(late=True)),
        "pending": Count("id", filter=Q(status=AppealStatus.RECEIVED)),
        "changed": Count("id", filter=Q(status=AppealStatus.CHANGED)),
        "forwarded": Count("id", filter=Q(forwarded_on__isnull=False)),
        **{f"ruling_{code}": Count("id", filter=Q(ruling=code)) for code in Ruling.values},
    }
    appeals = Appeal.objects.values("decision__kind", "decision__case__team__name").annotate(
        **counts
    )
    rows: dict[tuple, dict] = {}
    for row in decided:
        key = (row["kind"], row["case__team__name"])
        rows.setdefault(key, {"decisions": 0, **{k: 0 for k in counts}})["decisions"] = row["n"]
    for row in appeals:
        key = (row["decision__kind"], row["decision__case__team__name"])
        target = rows.setdefault(key, {"decisions": 0, **{k: 0 for k in counts}})
        for name in counts:
            target[name] = row[name]
    table = [
        {"kind": DecisionKind(kind).label, "team": team, **values}
        for (kind, team), values in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]
    totals = {name: sum(r[name] for r in table) for name in ["decisions", *counts]}
    return {"rows": table, "totals": totals, "rulings": Ruling.choices}
