"""Permissions of pages announced in the navigation before their app exists ("Kommer
snart"). The names are the ones the coming apps will check; when an app arrives, its
``permissions.py`` takes the registration over from here."""

from boernesag.accounts.predicates import is_finance, is_manager, is_team_leader
from boernesag.authz.registry import permission

permission(
    "oversight.view_management_reviews",
    is_team_leader | is_manager,
    label="Ledelsestilsyn: stikprøver af sager gennemgået efter spørgeliste (kommer snart)",
)
permission(
    "oversight.view_key_figures",
    is_manager | is_finance,
    label="Nøgletal: sagstal, tilgang og afgang, indsatser og økonomi (kommer snart)",
)
