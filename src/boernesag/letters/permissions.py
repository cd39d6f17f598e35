"""Permissions on letters (the registry: ``boernesag.authz.registry``). Letters on a case
are documents: ``cases.view_case`` and, for letters naming the notifier,
``cases.see_notifier_documents``; the outbox is ``intake.view_outbox``."""

from boernesag.accounts.predicates import is_admin
from boernesag.authz.registry import permission

permission(
    "letters.edit_templates",
    is_admin,
    label="Redigere brevskabeloner (tekst, kontrol og forhåndsvisning)",
)
