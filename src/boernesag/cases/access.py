"""Need-to-know access to cases and children (DOMAIN.md §9).

- caseworkers see their own cases and, if the municipality allows it, their team's;
- team leaders see the cases of the units they lead (and the units below them);
- intake coordinators see their own units' cases and every open case still in intake
  (phase 1–2);
- managers, finance and administrators see no personal data by default;
- anyone may get time-limited access to one child by stating a reason (audit.AccessGrant).

``case_visibility_q`` is the one gate: ``Case.objects.visible_to(user)`` uses it, and so do
the child selectors. The user's scope is computed once per request (a handful of queries,
independent of the number of cases) and cached on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.db.models import Q
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit
from boernesag.audit.models import AccessGrant
from boernesag.cases.constants import Phase

EDITING_ROLES = (Role.CASEWORKER, Role.TEAM_LEADER, Role.INTAKE_COORDINATOR)


@dataclass(frozen=True)
class Scope:
    user_id: int
    team_ids: frozenset[int]  # teams whose cases the user may see through role/membership
    led_unit_ids: frozenset[int]  # units led as team leader (with descendants)
    intake: bool
    granted_child_ids: frozenset[int]


def _descendants(unit_ids: set[int], parent_of: dict[int, int | None]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for uid, parent in parent_of.items():
        children.setdefault(parent, []).append(uid)
    result, stack = set(), list(unit_ids)
    while stack:
        uid = stack.pop()
        if uid in result:
            continue
        result.add(uid)
        stack.extend(children.get(uid, []))
    return result


def scope_for(user) -> Scope:
    cached = getattr(user, "_case_scope", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    roles: dict[str, set[int]] = {}
    for role, unit_id in (
        RoleAssignment.objects.active_on(today).filter(user=user).values_list("role", "unit_id")
    ):
        roles.setdefault(role, set()).add(unit_id)
    team_ids: set[int] = set()
    led: set[int] = set()
    if roles.get(Role.TEAM_LEADER) or roles.get(Role.INTAKE_COORDINATOR):
        parent_of = dict(Unit.objects.values_list("id", "parent_id"))
        led = _descendants(roles.get(Role.TEAM_LEADER, set()), parent_of)
        team_ids |= led
        team_ids |= _descendants(roles.get(Role.INTAKE_COORDINATOR, set()), parent_of)
    if Role.CASEWORKER in roles:
        municipality = Municipality.objects.order_by("pk").first()
        if municipality is None or municipality.caseworkers_see_team_cases:
            team_ids |= set(
                TeamMembership.objects.active_on(today)
                .filter(user=user)
                .values_list("team_id", flat=True)
            )
    granted = set(
        AccessGrant.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
            "child_id", flat=True
        )
    )
    scope = Scope(
        user_id=user.pk,
        team_ids=frozenset(team_ids),
        led_unit_ids=frozenset(led),
        intake=Role.INTAKE_COORDINATOR in roles,
        granted_child_ids=frozenset(granted),
    )
    user._case_scope = scope
    return scope


def case_visibility_q(user, *, prefix: str = "", include_grants: bool = True) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    s = scope_for(user)
    q = Q(**{f"{prefix}caseworker_id": s.user_id})
    if s.team_ids:
        q |= Q(**{f"{prefix}team_id__in": s.team_ids})
    if s.intake:
        q |= Q(
            **{
                f"{prefix}phase__in": [Phase.INQUIRY, Phase.TRIAGE],
                f"{prefix}closed_at__isnull": True,
            }
        )
    if include_grants and s.granted_child_ids:
        q |= Q(**{f"{prefix}child_id__in": s.granted_child_ids})
    return q


def active_grant_for(user, child_id: int) -> AccessGrant | None:
    return (
        AccessGrant.objects.filter(user=user, child_id=child_id, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


@rules.predicate
def can_view_case(user, case) -> bool:
    from boernesag.cases.models import Case

    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


@rules.predicate
def has_editing_role(user) -> bool:
    return user.has_role(*EDITING_ROLES)


@rules.predicate
def is_open_case(user, case) -> bool:
    return case.closed_at is None


@rules.predicate
def leads_case_team(user, case) -> bool:
    s = scope_for(user)
    return case.team_id in s.led_unit_ids or (s.intake and case.team_id in s.team_ids)


case_rules = rules.RuleSet()
case_rules.add_rule("view", can_view_case)
case_rules.add_rule("edit", has_editing_role & can_view_case & is_open_case)
case_rules.add_rule("reassign", has_editing_role & leads_case_team & is_open_case)


def may(action: str, user, case) -> bool:
    return case_rules.test_rule(action, user, case)
