"""Append-only tables, enforced by the database (docs/security.md "Kun tilføjelse").

After every ``migrate`` (and after the test suite's flush) ``append_only_apply`` makes sure
that every append-only table — the models registered with ``boernesag.lib.append_only`` and
every pghistory event model — carries the guard triggers, and that the application's role
has exactly the privileges it needs. Tables added later by any app are covered by the same
run. Idempotent: when everything is in place it costs three catalogue queries.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import connections
from pghistory.models import Event

from boernesag.conf import db_roles
from boernesag.lib.append_only import append_only_labels

logger = logging.getLogger(__name__)


def append_only_models() -> list:
    labels = append_only_labels()
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.label in labels or issubclass(model, Event):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def append_only_tables() -> list[str]:
    return [model._meta.db_table for model in append_only_models()]


def append_only_apply(using: str = "default") -> dict[str, list[str]]:
    """Install the guard triggers and the application role's grants, as the owner."""
    connection = connections[using]
    tables = append_only_tables()
    with connection.owner_connection() as owner, owner.cursor() as cursor:
        triggers = db_roles.append_only_install(cursor, tables)
        app_role = connection.app_role
        grants = db_roles.grants_apply(cursor, app_role, tables) if app_role else []
    if triggers or grants:
        logger.info(
            "Append-only guards installed on %d tables; grants fixed on %d tables.",
            len(triggers),
            len(grants),
        )
    return {"triggers": triggers, "grants": grants}


def append_only_post_migrate(sender, using="default", **kwargs) -> None:
    append_only_apply(using)
