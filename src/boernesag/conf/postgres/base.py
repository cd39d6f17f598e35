"""Django's PostgreSQL backend, plus the owner role for schema work.

``settings.DATABASES["default"]["OWNER"]`` holds the owner's ``USER``, ``PASSWORD``, ``HOST``
and ``PORT`` (from ``MIGRATION_DATABASE_URL``); ``None`` means one role does everything
(development only; production refuses it, see ``conf/settings.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql import base, creation, operations

from boernesag.conf import db_roles

OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


class DatabaseCreation(creation.DatabaseCreation):
    """Test databases are created, migrated and dropped by the owner role; the tests then
    run as the application role, like the product does."""

    def create_test_db(self, *args, **kwargs):
        with self.connection.as_owner():
            app_role = self.connection.app_role
            if app_role:
                with self._nodb_cursor() as cursor:
                    db_roles.role_ensure(
                        cursor, app_role, self.connection.settings_dict.get("PASSWORD") or None
                    )
            return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        with self.connection.as_owner():
            return super().destroy_test_db(*args, **kwargs)

    def _destroy_test_db(self, test_database_name, verbosity):
        # FORCE: an idle connection left by a finished thread (a live-server request, a
        # parallel-login test) must not keep the test database alive.
        with self._nodb_cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE {self.connection.ops.quote_name(test_database_name)} WITH (FORCE)"
            )


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        """Emptying every table (the test suite's teardown of transactional tests) runs as
        the owner, with the TRUNCATE guard of append-only tables lifted inside the same
        transaction. Production never flushes: nothing the law says to keep is deleted."""
        if settings.PRODUCTION:
            raise RuntimeError("flush is refused in production (append-only audit trail)")
        with self.connection.owner_connection() as owner, owner.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                guarded = db_roles.truncate_guarded_tables(cursor)
                for table in guarded:
                    cursor.execute(
                        f"ALTER TABLE {owner.ops.quote_name(table)} "
                        f"DISABLE TRIGGER {db_roles.NO_TRUNCATE_TRIGGER}"
                    )
                for sql in sql_list:
                    cursor.execute(sql)
                for table in guarded:
                    cursor.execute(
                        f"ALTER TABLE {owner.ops.quote_name(table)} "
                        f"ENABLE TRIGGER {db_roles.NO_TRUNCATE_TRIGGER}"
                    )
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    ops_class = DatabaseOperations

    _owner_depth = 0

    _saved_credentials: dict | None = None

    def _app_user(self) -> str | None:
        if self._owner_depth:
            return self._saved_credentials["USER"]
        return self.settings_dict.get("USER")

    @property
    def owner_settings(self) -> dict | None:
        owner = self.settings_dict.get("OWNER")
        if not owner or owner.get("USER") == self._app_user():
            return None
        return owner

    @property
    def app_role(self) -> str | None:
        """The application role's name, or None when one role does everything."""
        if self.owner_settings is None:
            return None
        return self._app_user()

    @property
    def is_owner(self) -> bool:
        return self.owner_settings is None or self._owner_depth > 0

    @contextmanager
    def as_owner(self) -> Iterator[DatabaseWrapper]:
        """Run this connection as the owner role for the duration (migrations, test
        database creation). Not thread-safe: meant for management commands."""
        if self.is_owner:
            yield self
            return
        if self.in_atomic_block:
            raise RuntimeError("cannot switch to the owner role inside a transaction")
        self.close()
        owner = self.owner_settings
        self._saved_credentials = {key: self.settings_dict.get(key) for key in OWNER_KEYS}
        self.settings_dict.update({key: owner.get(key) for key in OWNER_KEYS})
        self._owner_depth += 1
        try:
            yield self
        finally:
            self.close()
            self._owner_depth -= 1
            self.settings_dict.update(self._saved_credentials)

    @contextmanager
    def owner_connection(self) -> Iterator[DatabaseWrapper]:
        """A separate connection as the owner to the same database (this one if it already
        is the owner). Closed on exit."""
        if self.is_owner:
            yield self
            return
        owner_dict = {**self.settings_dict, **{k: self.owner_settings.get(k) for k in OWNER_KEYS}}
        alias = f"{self.alias}__owner"
        owner = self.__class__(owner_dict, alias=alias)
        owner._owner_depth = 1
        owner._saved_credentials = {key: self.settings_dict.get(key) for key in OWNER_KEYS}
        # Reachable as connections[alias] while open (django.contrib.postgres looks it up).
        connections[alias] = owner
        try:
            yield owner
        finally:
            owner.close()
            del connections[alias]
