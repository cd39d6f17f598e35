"""Role predicates for the permission registry. Roles are checked only here and inside other
predicates, never in views: views ask ``user.has_perm(...)``."""

from __future__ import annotations

from boernesag.accounts.constants import Role
from boernesag.authz.registry import named, predicate


def _holds(user, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


@predicate(doc="har rollen sagsbehandler")
def is_caseworker(user) -> bool:
    return _holds(user, Role.CASEWORKER)


@predicate(doc="har rollen faglig koordinator (modtagelse)")
def is_intake_coordinator(user) -> bool:
    return _holds(user, Role.INTAKE_COORDINATOR)


@predicate(doc="har rollen teamleder")
def is_team_leader(user) -> bool:
    return _holds(user, Role.TEAM_LEADER)


@predicate(doc="har rollen leder")
def is_manager(user) -> bool:
    return _holds(user, Role.MANAGER)


@predicate(doc="har rollen økonomi")
def is_finance(user) -> bool:
    return _holds(user, Role.FINANCE)


@predicate(doc="har rollen administrator")
def is_admin(user) -> bool:
    return _holds(user, Role.ADMIN)


@predicate(doc="har en hvilken som helst rolle i kommunen")
def is_staff_member(user) -> bool:
    return _holds(user, *Role.values)


# Roles that work in cases (write journal, open cases …) when need-to-know allows it.
has_editing_role = named(
    is_caseworker | is_team_leader | is_intake_coordinator,
    "has_editing_role",
    "sagsbehandler, teamleder eller faglig koordinator (roller, der arbejder i sager)",
)
