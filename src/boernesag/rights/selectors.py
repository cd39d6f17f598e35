"""Reads for access changes, and "who could see this child on a date" (issue 9, item 3).

``who_could_see(child, day)`` answers from the dated data, not from today's state:

- the responsible caseworker and team of each of the child's cases at any moment of the
  day, replayed from the case's ``case_opened``/``case_reassigned`` events;
- the case's phase during the day (intake coordinators see every open case still in
  intake), folded from its events like the ``case_state`` projection;
- roles and team memberships in force at any moment of the day (``held_on``: dated
  ``valid_from``/``valid_to`` and the moment of an immediate revocation, ``ended_at``);
- the municipality's setting "caseworkers see the team's cases" as it was that day (its
  change history);
- reasoned access (``audit.AccessGrant``) valid at any moment of the day;
- intake items naming the child (``intake.IntakeChild``) registered by the end of the day:
  every intake coordinator sees every item and its children, also before a case exists
  and after it has left intake (the child's link is today's: a child identified later
  counts from the item's registration).

The rules are those of ``cases.access`` (need-to-know), applied to that day. Known limit:
the unit tree is today's (units are rarely moved; their history is kept in
``accounts.UnitHistory`` for an audit by hand).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User
from boernesag.audit.models import AccessGrant
from boernesag.cases.access import INTAKE_PHASES
from boernesag.cases.models import Case
from boernesag.cases.projections import _STORED_PHASE_KINDS, fold_phase
from boernesag.rights.constants import AccessChangeStatus
from boernesag.rights.models import AccessChange


def pending_changes():
    return (
        AccessChange.objects.filter(status=AccessChangeStatus.PENDING)
        .select_related("user", "unit", "requested_by", "assignment__unit", "membership__team")
        .order_by("requested_at", "id")
    )


def decided_changes(limit: int = 100):
    return (
        AccessChange.objects.exclude(status=AccessChangeStatus.PENDING)
        .select_related(
            "user", "unit", "requested_by", "decided_by", "assignment__unit", "membership__team"
        )
        .order_by("-decided_at", "-id")[:limit]
    )


# --- who could see a child on a date ---------------------------------------------------


@dataclass
class Because:
    """One reason a user had need-to-know."""

    text: str
    case: Case | None = None


@dataclass
class Seer:
    user: User
    reasons: list[Because] = field(default_factory=list)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class _CaseDay:
    case: Case
    responsible: set[tuple[int | None, int | None]]  # (team, caseworker) during the day
    in_intake: bool


def _case_days(cases: list[Case], begin: datetime, end: datetime) -> list[_CaseDay]:
    """Each case that existed during [begin, end): who was responsible and whether it was
    in intake at some moment of the day."""
    ids = [c.pk for c in cases]
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_id, kind, payload, occurred_at FROM events_event "
            "WHERE case_id = ANY(%s) AND occurred_at < %s AND "
            "(kind IN ('case_opened', 'case_reassigned') OR kind = ANY(%s)) "
            "ORDER BY case_id, occurred_at, id",
            [ids, end, _STORED_PHASE_KINDS],
        )
        rows = cursor.fetchall()
    by_case: dict[int, list] = {}
    for case_id, kind, raw, at in rows:
        by_case.setdefault(case_id, []).append((kind, raw, at))
    result = []
    for case in cases:
        events = by_case.get(case.pk, [])
        if not events:
            continue  # opened after the day
        responsible: set[tuple[int | None, int | None]] = set()
        current = None
        kinds: list[str] = []
        phases: set[str] = set()
        for kind, raw, at in events:
            payload = json.loads(raw) if isinstance(raw, str) else raw
            if kind == "case_opened":
                current = (payload.get("team"), payload.get("caseworker"))
            elif kind == "case_reassigned":
                current = (payload.get("to_team"), payload.get("to_caseworker"))
            else:
                kinds.append(kind)
            phase = fold_phase(kinds)
            if at >= begin:
                responsible.add(current)
                phases.add(phase)
        # the state at the start of the day counts too
        start_state = _state_before(events, begin)
        if start_state is not None:
            responsible.add(start_state[0])
            phases.add(start_state[1])
        responsible.discard(None)
        in_intake = bool(phases & set(INTAKE_PHASES))
        result.append(_CaseDay(case=case, responsible=responsible, in_intake=in_intake))
    return result


def _state_before(events, begin):
    current, kinds, seen = None, [], False
    for kind, raw, at in events:
        if at >= begin:
            break
        seen = True
        payload = json.loads(raw) if isinstance(raw, str) else raw
        if kind == "case_opened":
            current = (payload.get("team"), payload.get("caseworker"))
        elif kind == "case_reassigned":
            current = (payload.get("to_team"), payload.get("to_caseworker"))
        else:
            kinds.append(kind)
    return (current, fold_phase(kinds)) if seen and current else None


def _ancestors(unit_id: int, parent_of: dict[int, int | None]) -> list[int]:
    chain, current, seen = [], unit_id, set()
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parent_of.get(current)
    return chain


def _team_cases_setting_on(day: date, end: datetime) -> bool:
    """The municipality's "caseworkers see the team's cases" at any moment of the day (its
    change history; the current value when no history reaches back)."""
    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None:
        return True
    history = municipality.history.order_by("pgh_id")
    before = history.filter(pgh_created_at__lt=_start(day)).last()
    during = list(
        history.filter(pgh_created_at__gte=_start(day), pgh_created_at__lt=end).values_list(
            "caseworkers_see_team_cases", flat=True
        )
    )
    values = ([before.caseworkers_see_team_cases] if before else []) + during
    if not values:
        first = history.first()
        values = [first.caseworkers_see_team_cases if first else True]
    return any(values)


def who_could_see(child, day: date) -> list[Seer]:
    """Everyone who had need-to-know to ``child`` at some moment of ``day``, with why."""
    begin = _start(day)
    end = _start(day + timedelta(days=1))
    cases = list(Case.objects.filter(child=child, opened_at__lt=end).select_related("team"))
    case_days = _case_days(cases, begin, end)
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    units = {u.pk: u for u in Unit.objects.all()}
    roles = list(RoleAssignment.objects.held_on(day).select_related("unit"))
    memberships = list(TeamMembership.objects.held_on(day))
    caseworker_ids = {r.user_id for r in roles if r.role == Role.CASEWORKER}
    team_setting = _team_cases_setting_on(day, end)

    reasons: dict[int, list[Because]] = {}

    def add(user_id: int | None, text: str, case: Case | None = None) -> None:
        if user_id is None:
            return
        found = reasons.setdefault(user_id, [])
        if not any(b.text == text and b.case == case for b in found):
            found.append(Because(text, case))

    for cd in case_days:
        for team_id, caseworker_id in sorted(cd.responsible, key=str):
            team = units.get(team_id)
            team_name = team.name if team else "?"
            add(
                caseworker_id,
                _("Ansvarlig sagsbehandler (team %(team)s)") % {"team": team_name},
                cd.case,
            )
            chain = _ancestors(team_id, parent_of) if team_id else []
            for r in roles:
                if r.unit_id not in chain:
                    continue
                if r.role == Role.TEAM_LEADER:
                    add(
                        r.user_id,
                        _("Teamleder for %(unit)s, som sagens team %(team)s hører under")
                        % {"unit": r.unit.name, "team": team_name}
                        if r.unit_id != team_id
                        else _("Teamleder for sagens team %(team)s") % {"team": team_name},
                        cd.case,
                    )
                elif r.role == Role.INTAKE_COORDINATOR:
                    add(
                        r.user_id,
                        _("Faglig koordinator i %(unit)s (sagens team %(team)s)")
                        % {"unit": r.unit.name, "team": team_name},
                        cd.case,
                    )
            if team_setting:
                for m in memberships:
                    if m.team_id == team_id and m.user_id in caseworker_ids:
                        add(
                            m.user_id,
                            _("Sagsbehandler i sagens team %(team)s") % {"team": team_name},
                            cd.case,
                        )
        if cd.in_intake:
            for r in roles:
                if r.role == Role.INTAKE_COORDINATOR:
                    add(
                        r.user_id,
                        _("Faglig koordinator: sagen var i modtagelsen (fase 1–2)"),
                        cd.case,
                    )
    # Intake coordinators see every intake item and every child named in it, whatever
    # the item's state (``intake.access``): from the moment the item was registered.
    first_report = (
        child.intake_reports.filter(item__recorded_at__lt=end)
        .order_by("item__recorded_at")
        .values_list("item__recorded_at", flat=True)
        .first()
    )
    if first_report is not None:
        for r in roles:
            if r.role == Role.INTAKE_COORDINATOR:
                add(
                    r.user_id,
                    _("Faglig koordinator: barnet er nævnt i en henvendelse (registreret %(at)s)")
                    % {"at": timezone.localtime(first_report).strftime("%d.%m.%Y %H:%M")},
                )
    grants = AccessGrant.objects.filter(
        child=child, granted_at__lt=end, expires_at__gt=begin
    ).order_by("granted_at")
    for grant in grants:
        add(
            grant.user_id,
            _("Adgang med begrundelse (%(kind)s) %(from)s–%(to)s: %(reason)s")
            % {
                "kind": grant.get_kind_display().lower(),
                "from": timezone.localtime(grant.granted_at).strftime("%d.%m.%Y %H:%M"),
                "to": timezone.localtime(grant.expires_at).strftime("%d.%m.%Y %H:%M"),
                "reason": grant.reason,
            },
        )
    users = User.objects.in_bulk(list(reasons))
    seers = [Seer(user=users[uid], reasons=why) for uid, why in reasons.items() if uid in users]
    return sorted(seers, key=lambda s: (s.user.get_full_name().lower(), s.user.pk))
