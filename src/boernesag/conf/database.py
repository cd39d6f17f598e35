"""DATABASES["default"] from the two URLs (application role and owner role)."""

from __future__ import annotations

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

ENGINE = "boernesag.conf.postgres"


def database_settings(app_url: str, owner_url: str, production: bool) -> dict:
    """The application connection, with the owner's credentials under ``OWNER``.

    Without an owner URL one role does everything: allowed in development (a superuser
    DATABASE_URL on a laptop), refused in production."""
    config = dj_database_url.parse(app_url, conn_max_age=60)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "Børnesag runs on PostgreSQL only; DATABASE_URL must be postgres://"
        )
    config["ENGINE"] = ENGINE
    config["OWNER"] = None
    if owner_url:
        owner = dj_database_url.parse(owner_url)
        if owner["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                "Børnesag runs on PostgreSQL only; MIGRATION_DATABASE_URL must be postgres://"
            )
        if owner["NAME"] != config["NAME"]:
            raise ImproperlyConfigured(
                "MIGRATION_DATABASE_URL and DATABASE_URL must name the same database."
            )
        config["OWNER"] = {key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    if production:
        if not config["OWNER"]:
            raise ImproperlyConfigured(
                "MIGRATION_DATABASE_URL must be set when BOERNESAG_ENV=production: the "
                "application's role (DATABASE_URL) must not own the tables."
            )
        if config["OWNER"]["USER"] == config["USER"]:
            raise ImproperlyConfigured(
                "DATABASE_URL and MIGRATION_DATABASE_URL must use two different roles."
            )
    return config
