"""Need-to-know access to cases and children (DOMAIN.md §9): the rules behind the gate.

- caseworkers see their own cases and, if the municipality allows it, their team's;
- team leaders see the cases of the units they lead (and the units below them);
- intake coordinators see their own units' cases and every open case still in intake
  (phase 1–2);
- managers, finance and administrators see no personal data by default;
- reasoned access (``audit.AccessGrant``): the roles the municipality allows may get
  time-limited access to one child by stating a reason; read-only unless the reason is an
  assignment (``GrantKind.ASSIGNMENT``). Never finance, never administrators.

``case_visibility_q`` is the query form of the rule (``Case.objects.visible_to(user)``);
``case_visible`` is the same rule on one loaded case, without a query. The user's scope is
computed once per request (a handful of queries, independent of the number of cases) and
cached on the user object. Views do not call this module: they use ``cases.gate`` and
``user.has_perm`` (the predicates are registered in ``cases/permissions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import (
    NEVER_REASONED_ACCESS,
    Municipality,
    RoleAssignment,
    TeamMembership,
    Unit,
    reasoned_access_roles_default,
)
from boernesag.audit.models import AccessGrant, GrantKind
from boernesag.cases.constants import Phase

INTAKE_PHASES = (Phase.INQUIRY, Phase.TRIAGE)


@dataclass(frozen=True)
class Scope:
    user_id: int
    roles: frozenset[str]
    team_ids: frozenset[int]  # teams whose cases the user may see through role/membership
    led_unit_ids: frozenset[int]  # units led as team leader (with descendants)
    intake: bool
    granted_child_ids: frozenset[int]  # active reasoned access (any kind)
    assigned_child_ids: frozenset[int]  # active reasoned access that may write
    reasoned_access_roles: frozenset[str]  # the municipality's setting


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


def _empty_scope() -> Scope:
    none: frozenset = frozenset()
    return Scope(0, none, none, none, False, none, none, none)


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _empty_scope()
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
    municipality = Municipality.objects.order_by("pk").first()
    if Role.CASEWORKER in roles and (
        municipality is None or municipality.caseworkers_see_team_cases
    ):
        team_ids |= set(
            TeamMembership.objects.active_on(today)
            .filter(user=user)
            .values_list("team_id", flat=True)
        )
    allowed = (
        municipality.reasoned_access_roles if municipality else reasoned_access_roles_default()
    )
    granted: set[int] = set()
    assigned: set[int] = set()
    for child_id, kind in AccessGrant.objects.filter(
        user=user, expires_at__gt=timezone.now()
    ).values_list("child_id", "kind"):
        granted.add(child_id)
        if kind == GrantKind.ASSIGNMENT:
            assigned.add(child_id)
    scope = Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        team_ids=frozenset(team_ids),
        led_unit_ids=frozenset(led),
        intake=Role.INTAKE_COORDINATOR in roles,
        granted_child_ids=frozenset(granted),
        assigned_child_ids=frozenset(assigned),
        reasoned_access_roles=frozenset(allowed) - frozenset(NEVER_REASONED_ACCESS),
    )
    user._case_scope = scope
    return scope


def scope_forget(user) -> None:
    """Drop the cached scope (after a grant or a reassignment in the same request)."""
    user.__dict__.pop("_case_scope", None)


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
                f"{prefix}phase__in": list(INTAKE_PHASES),
                f"{prefix}closed_at__isnull": True,
            }
        )
    if include_grants and s.granted_child_ids:
        q |= Q(**{f"{prefix}child_id__in": s.granted_child_ids})
    return q


def case_visible(user, case, *, include_grants: bool = True) -> bool:
    """``case_visibility_q`` evaluated on one loaded case (no query beyond the scope)."""
    s = scope_for(user)
    if not s.user_id:
        return False
    return (
        case.caseworker_id == s.user_id
        or case.team_id in s.team_ids
        or (s.intake and case.phase in INTAKE_PHASES and case.closed_at is None)
        or (include_grants and case.child_id in s.granted_child_ids)
    )


def case_writable(user, case) -> bool:
    """Need-to-know that allows writing: through role/team, or an assignment grant (a grant
    for information only reads)."""
    return case_visible(user, case, include_grants=False) or (
        case.child_id in scope_for(user).assigned_child_ids
    )


def child_visible(user, child) -> bool:
    s = scope_for(user)
    if not s.user_id:
        return False
    if child.pk in s.granted_child_ids:
        return True
    cache = user.__dict__.setdefault("_child_visible", {})
    if child.pk not in cache:
        from boernesag.cases.models import Case

        cache[child.pk] = Case.objects.filter(case_visibility_q(user), child_id=child.pk).exists()
    return cache[child.pk]


def active_grant_for(user, child_id: int) -> AccessGrant | None:
    return (
        AccessGrant.objects.filter(user=user, child_id=child_id, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def grant_reviewer_unit_ids(child_id: int) -> set[int]:
    """Units whose team leaders review reasoned access to this child: the team of the
    child's open case (else the latest case); while that case is still in intake, also the
    intake units (where intake coordinators hold their role) — the intake leader."""
    from boernesag.cases.models import Case

    cases = list(Case.objects.filter(child_id=child_id).only("team_id", "phase", "closed_at"))
    if not cases:
        return set()
    current = next((c for c in cases if c.closed_at is None), None) or max(
        cases, key=lambda c: c.closed_at
    )
    units = {current.team_id}
    if current.closed_at is None and current.phase in INTAKE_PHASES:
        today = timezone.localdate()
        units |= set(
            RoleAssignment.objects.active_on(today)
            .filter(role=Role.INTAKE_COORDINATOR)
            .values_list("unit_id", flat=True)
        )
    return units
