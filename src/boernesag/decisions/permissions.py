"""Permissions on decisions, hearings and appeals (the registry: ``authz.registry``).

Reads go through ``cases.gate`` with ``cases.view_case``; these are the actions. The
authority matrix (``decisions.authority``) is checked by the services on top of
``decisions.approve_decision``: the permission says who may open the approval, the matrix
whether her level suffices."""

from __future__ import annotations

from boernesag.accounts.predicates import is_manager, is_staff_member, is_team_leader
from boernesag.authz.registry import permission
from boernesag.cases.permissions import (
    can_view_case,
    is_open_case,
    leads_case_team,
    may_edit,
)

permission(
    "decisions.make_decision",
    may_edit,
    label="Forberede og træffe afgørelser, partshøre, sende afgørelsesbreve, registrere klager",
    obj="sag",
)
permission(
    "decisions.approve_decision",
    is_team_leader & leads_case_team & can_view_case & is_open_case,
    label="Godkende eller afvise en afgørelse over sagsbehandlerens kompetence "
    "(kompetenceplanen afgør, om niveauet rækker; aldrig sin egen)",
    obj="sag",
)
permission(
    "decisions.view_queue",
    is_team_leader,
    label="Se afgørelser, der venter på godkendelse i de teams, man leder",
)
permission(
    "decisions.view_appeal_overview",
    is_team_leader | is_manager,
    label="Se oversigten over klager og Ankestyrelsens afgørelser (tal, ingen børn)",
)
permission(
    "decisions.view_authority",
    is_staff_member,
    label="Se kompetenceplanen",
)
