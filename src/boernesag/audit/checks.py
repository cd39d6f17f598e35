"""System checks for the audit trail (``manage.py check --database default``)."""

from __future__ import annotations

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def app_role_owns_nothing(app_configs=None, databases=None, **kwargs):
    """The application's database role is no superuser, owns no table and cannot change
    append-only tables."""
    from boernesag.audit.append_only import append_only_tables
    from boernesag.conf import db_roles

    errors = []
    for alias in databases or []:
        connection = connections[alias]
        app_role = getattr(connection, "app_role", None)
        if not app_role:
            continue
        with connection.cursor() as cursor:
            for problem in db_roles.role_audit(cursor, app_role, append_only_tables()):
                errors.append(checks.Error(problem, id="audit.E001"))
    return errors
