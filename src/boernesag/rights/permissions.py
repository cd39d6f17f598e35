"""Permissions for changing staff access and for seeing who could see a child
(docs/authorisation.md "Separation of duties")."""

from __future__ import annotations

from boernesag.accounts.predicates import is_admin, is_manager
from boernesag.authz.registry import named, permission, predicate
from boernesag.cases.permissions import leads_a_team_of_child

may_confirm_access = named(
    is_admin | is_manager,
    "may_confirm_access",
    "administrator eller leder (den anden person, der godkender adgangsændringer)",
)


@predicate(doc="ændringen venter, og man hverken bad om den eller er den, hvis adgang den ændrer")
def is_second_person(user, change) -> bool:
    return (
        change is not None
        and change.is_pending
        and user.pk not in (change.requested_by_id, change.user_id)
    )


@predicate(doc="ændringen venter, og man bad selv om den")
def requested_it(user, change) -> bool:
    return change is not None and change.is_pending and change.requested_by_id == user.pk


permission(
    "rights.view_access_changes",
    is_admin | is_manager,
    label="Se adgangsændringer: ventende anmodninger og afgjorte ændringer",
)
permission(
    "rights.request_access_change",
    is_admin,
    label="Ændre brugeres adgang (roller, teams, enheder, beskyttede adresser); "
    "udvidelser venter på en anden persons godkendelse",
)
permission(
    "rights.confirm_access_change",
    may_confirm_access & is_second_person,
    label="Godkende eller afvise en ventende adgangsændring – aldrig sin egen anmodning "
    "og aldrig en ændring af sin egen adgang",
    obj="adgangsændring",
)
permission(
    "rights.withdraw_access_change",
    is_admin & requested_it,
    label="Trække sin egen ventende anmodning tilbage",
    obj="adgangsændring",
)
permission(
    "rights.view_who_could_see",
    is_admin | leads_a_team_of_child,
    label="Se hvem der kunne se barnets oplysninger på en given dato, og hvorfor",
    obj="barn",
)
