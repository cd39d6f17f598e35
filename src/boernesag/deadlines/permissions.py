"""Permissions on deadlines (the registry: ``boernesag.authz.registry``). Pausing a clock on a
case is ``cases.edit_case``; the case panel is ``cases.view_case``."""

from boernesag.accounts.predicates import (
    has_editing_role,
    is_admin,
    is_caseworker,
    is_manager,
    is_team_leader,
)
from boernesag.authz.registry import permission

permission("deadlines.view_own", is_caseworker, label="Se Mine frister")
permission("deadlines.view_team", is_team_leader, label="Se Teamets frister og eskalerede frister")
permission(
    "deadlines.view_compliance",
    is_manager | is_team_leader,
    label="Se lovoverholdelse, sagerne bag tallene og CSV-udtræk",
)
permission(
    "deadlines.view_rules",
    has_editing_role | is_manager | is_admin,
    label="Se lovens frister, lokale standarder og fristberegneren",
)
permission(
    "deadlines.edit_local_standards",
    is_admin,
    label="Fastsætte kommunens lokale standarder (strammere frister)",
)
