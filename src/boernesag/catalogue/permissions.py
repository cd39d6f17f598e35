"""Permissions on the service catalogue (the registry: ``boernesag.authz.registry``). The
public pages (``/indsatser/``) need no login and no permission."""

from boernesag.accounts.predicates import is_admin, is_finance, is_manager, is_staff_member
from boernesag.authz.registry import permission

permission("catalogue.view_catalogue", is_staff_member, label="Se indsatskataloget")
permission(
    "catalogue.manage_catalogue",
    is_admin | is_finance,
    label="Redigere, indstille, godkende og offentliggøre indsatser; leverandører, takster "
    "og kontrakter",
)
permission(
    "catalogue.view_prices",
    is_admin | is_finance | is_manager,
    label="Se priser og takster på indsatserne",
)
