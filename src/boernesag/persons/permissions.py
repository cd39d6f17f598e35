"""Permissions on the people around the child (the registry: ``boernesag.authz.registry``).

The network map and genogram belong to a case. Who may know a case, and who may work in
it, is decided by the case permissions (``cases.view_case``, ``cases.edit_case``); this app
sits below ``cases`` (import layers), so its predicates ask the registry for those by name
rather than importing the case rules."""

from __future__ import annotations

from boernesag.authz.registry import permission, predicate


@predicate(doc="kender sagen (cases.view_case)")
def may_view_case(user, case) -> bool:
    return case is not None and user.has_perm("cases.view_case", case)


@predicate(doc="må arbejde i sagen (cases.edit_case: redigerende rolle, skriveadgang, åben sag)")
def may_edit_case(user, case) -> bool:
    return case is not None and user.has_perm("cases.edit_case", case)


permission(
    "persons.view_network_map",
    may_view_case,
    label="Se barnets netværkskort og genogram (også til udskrift)",
    obj="sag",
)
permission(
    "persons.edit_network_map",
    may_edit_case,
    label="Tegne barnets netværkskort og genogram (placering, nærhed, noter, slægtsside)",
    obj="sag",
)
