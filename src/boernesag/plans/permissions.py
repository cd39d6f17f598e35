"""Permissions on plans (the registry: ``boernesag.authz.registry``). Object: the case.

Reading a plan is reading the case (``cases.view_case``, through ``cases.gate``)."""

from __future__ import annotations

from boernesag.accounts.predicates import has_editing_role
from boernesag.authz.registry import permission
from boernesag.cases.permissions import can_write_case, is_open_case

may_work_on_plan = has_editing_role & can_write_case & is_open_case

permission(
    "plans.edit_plan",
    may_work_on_plan,
    label="Udarbejde og revidere barnets plan, ungeplan eller handleplan: mål, delmål, hvem "
    "gør hvad, nye versioner",
    obj="sag",
)
permission(
    "plans.send_plan",
    may_work_on_plan,
    label="Sende en plan til familien og – med samtykke – til fagpersonerne",
    obj="sag",
)
