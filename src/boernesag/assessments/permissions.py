"""Permissions on the children's investigation (the registry: ``boernesag.authz.registry``).
Object: the case. Reading an investigation is reading the case (``cases.view_case``, through
``cases.gate``)."""

from __future__ import annotations

from boernesag.accounts.predicates import has_editing_role
from boernesag.authz.registry import permission
from boernesag.cases.permissions import can_write_case, is_open_case

may_work_on_assessment = has_editing_role & can_write_case & is_open_case

permission(
    "assessments.edit_assessment",
    may_work_on_assessment,
    label="Træffe afgørelse om og gennemføre en børnefaglig undersøgelse: plan, aktiviteter, "
    "afsnit, midtvejsstatus, konklusion og foreløbig vurdering",
    obj="sag",
)
permission(
    "assessments.send_assessment",
    may_work_on_assessment,
    label="Sende breve om den børnefaglige undersøgelse: afgørelsen, anmodning om udtalelse, "
    "udkastet og den færdige undersøgelse",
    obj="sag",
)
