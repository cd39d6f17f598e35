"""Permissions of the organisation and user administration."""

from boernesag.accounts.predicates import is_admin
from boernesag.authz.registry import permission

permission(
    "accounts.administer",
    is_admin,
    label="Administrere organisation, brugere, roller, låste konti og opsætning "
    "(administrationsskærmene)",
)
