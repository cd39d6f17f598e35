"""SQL for the two database roles and the append-only guard (docs/security.md).

- The **owner role** owns every table, runs migrations and installs the triggers below.
- The **application role** owns nothing; it gets SELECT, INSERT, UPDATE and DELETE on the
  ordinary tables, only SELECT and INSERT on append-only tables, and never TRUNCATE.
  Not owning the tables means it cannot ``ALTER TABLE … DISABLE TRIGGER``, drop a trigger or
  change a grant; not being a superuser means it cannot ``SET session_replication_role``.

Every append-only table carries two triggers calling ``boernesag_refuse_change()``: one
refusing UPDATE and DELETE row by row, one refusing TRUNCATE. They also stop the owner by
mistake; an owner or superuser who removes them on purpose is caught by ``audit_verify``
(keyed chain, external anchors, trigger inventory).

Functions here take a DB-API cursor so that migrations, the embedded-server bootstrap and
the post-migrate hook share them. They are idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REFUSE_FUNCTION = "boernesag_refuse_change"
NO_CHANGE_TRIGGER = "boernesag_append_only"
NO_TRUNCATE_TRIGGER = "boernesag_no_truncate"

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

REFUSE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {REFUSE_FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_name_valid(name: str) -> bool:
    return bool(_ROLE_NAME.match(name or ""))


def role_ensure(cursor, name: str, password: str | None = None, *, createdb: bool = False) -> None:
    """Create a login role unless it exists (safe when several processes race)."""
    if not role_name_valid(name):
        raise ValueError(f"invalid role name {name!r}")
    options = "LOGIN NOSUPERUSER NOCREATEROLE " + ("CREATEDB" if createdb else "NOCREATEDB")
    if password:
        options += f" PASSWORD {_literal(password)}"
    cursor.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(name)}) THEN
                CREATE ROLE {_ident(name)} {options};
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        """
    )


def existing_tables(cursor, tables: Iterable[str]) -> list[str]:
    tables = sorted(set(tables))
    if not tables:
        return []
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind IN ('r', 'p')"
        " AND c.relnamespace = current_schema()::regnamespace",
        [tables],
    )
    return sorted(row[0] for row in cursor.fetchall())


def trigger_inventory(cursor, tables: Iterable[str]) -> dict[str, dict[str, str]]:
    """{table: {trigger name: tgenabled}} for the guard triggers on the given tables
    (tgenabled 'O' = enabled, 'D' = disabled, 'R'/'A' = replica/always)."""
    tables = sorted(set(tables))
    result: dict[str, dict[str, str]] = {table: {} for table in tables}
    if not tables:
        return result
    cursor.execute(
        """
        SELECT c.relname, t.tgname, t.tgenabled
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relname = ANY(%s) AND t.tgname = ANY(%s)
          AND c.relnamespace = current_schema()::regnamespace
        """,
        [tables, [NO_CHANGE_TRIGGER, NO_TRUNCATE_TRIGGER]],
    )
    for table, trigger, enabled in cursor.fetchall():
        result[table][trigger] = enabled
    return result


def append_only_install(cursor, tables: Iterable[str]) -> list[str]:
    """Make sure each existing table has both guard triggers, enabled. Returns the tables
    that needed work (empty when everything was in place)."""
    tables = existing_tables(cursor, tables)
    inventory = trigger_inventory(cursor, tables)
    todo = [
        table
        for table in tables
        if inventory[table].get(NO_CHANGE_TRIGGER) != "O"
        or inventory[table].get(NO_TRUNCATE_TRIGGER) != "O"
    ]
    if not todo:
        return []
    cursor.execute(
        "SELECT 1 FROM pg_proc WHERE proname = %s"
        " AND pronamespace = current_schema()::regnamespace",
        [REFUSE_FUNCTION],
    )
    if cursor.fetchone() is None:
        cursor.execute(REFUSE_FUNCTION_SQL)
    for table in todo:
        quoted = _ident(table)
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER {NO_CHANGE_TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {REFUSE_FUNCTION}()"
        )
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER {NO_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_FUNCTION}()"
        )
        cursor.execute(
            f"ALTER TABLE {quoted} ENABLE TRIGGER {NO_CHANGE_TRIGGER}, "
            f"ENABLE TRIGGER {NO_TRUNCATE_TRIGGER}"
        )
    return todo


def truncate_guarded_tables(cursor) -> list[str]:
    cursor.execute(
        """
        SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE t.tgname = %s AND c.relnamespace = current_schema()::regnamespace
        ORDER BY c.relname
        """,
        [NO_TRUNCATE_TRIGGER],
    )
    return [row[0] for row in cursor.fetchall()]


def grants_to_fix(cursor, app_role: str, append_only: Iterable[str]) -> list[str]:
    """Tables whose privileges for the application role differ from the rule."""
    cursor.execute(
        """
        SELECT c.relname FROM pg_class c
        WHERE c.relkind IN ('r', 'p', 'v') AND c.relnamespace = current_schema()::regnamespace
          AND (
            NOT has_table_privilege(%(role)s, c.oid, 'SELECT, INSERT')
            OR has_table_privilege(%(role)s, c.oid, 'TRUNCATE')
            OR (c.relname = ANY(%(protected)s)
                AND has_table_privilege(%(role)s, c.oid, 'UPDATE, DELETE'))
            OR (c.relname <> ALL(%(protected)s) AND c.relkind <> 'v'
                AND NOT (has_table_privilege(%(role)s, c.oid, 'UPDATE')
                         AND has_table_privilege(%(role)s, c.oid, 'DELETE')))
          )
        ORDER BY c.relname
        """,
        {"role": app_role, "protected": sorted(set(append_only))},
    )
    return [row[0] for row in cursor.fetchall()]


def grants_apply(cursor, app_role: str, append_only: Iterable[str]) -> list[str]:
    """Give the application role what it needs and nothing more. Returns the tables that
    were fixed (empty when everything was in place)."""
    if not role_name_valid(app_role):
        raise ValueError(f"invalid role name {app_role!r}")
    protected = existing_tables(cursor, append_only)
    fix = grants_to_fix(cursor, app_role, protected)
    role = _ident(app_role)
    cursor.execute(f"GRANT USAGE ON SCHEMA {_ident(_schema(cursor))} TO {role}")
    # Future tables and sequences created by the owner are usable at once.
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
    )
    cursor.execute(f"ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO {role}")
    if not fix:
        return []
    schema = _ident(_schema(cursor))
    cursor.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"
    )
    cursor.execute(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA {schema} FROM {role}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    for table in protected:
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {_ident(table)} FROM {role}")
    return fix


def _schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def role_audit(cursor, app_role: str, append_only: Iterable[str]) -> list[str]:
    """Problems with the application role, in Danish (empty list: all as it should be)."""
    problems = []
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row is None:
        return [f"Databaserollen {app_role} findes ikke."]
    if row[0]:
        problems.append(f"Programmets databaserolle {app_role} er superbruger.")
    cursor.execute(
        """
        SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND pg_has_role(%s, c.relowner, 'USAGE')
        ORDER BY c.relname LIMIT 5
        """,
        [app_role],
    )
    owned = [r[0] for r in cursor.fetchall()]
    if owned:
        problems.append(
            f"Programmets databaserolle {app_role} ejer tabeller ({', '.join(owned)} …)."
        )
    protected = existing_tables(cursor, append_only)
    if protected:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace
              AND (has_table_privilege(%s, c.oid, 'UPDATE')
                   OR has_table_privilege(%s, c.oid, 'DELETE')
                   OR has_table_privilege(%s, c.oid, 'TRUNCATE'))
            ORDER BY c.relname
            """,
            [protected, app_role, app_role, app_role],
        )
        writable = [r[0] for r in cursor.fetchall()]
        if writable:
            problems.append(
                f"Programmets databaserolle {app_role} kan ændre eller slette i tabeller, "
                f"der kun må tilføjes til: {', '.join(writable)}."
            )
    return problems


def schema_ownership_transfer(cursor, new_owner: str) -> int:
    """Give every table, view, sequence and function in the current schema to ``new_owner``
    (run as a superuser). Used once for databases created before the two roles existed.
    Returns how many objects changed owner."""
    if not role_name_valid(new_owner):
        raise ValueError(f"invalid role name {new_owner!r}")
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    changed = 0
    # Tables first: their owned sequences follow them; standalone sequences come after.
    for relkinds in (("r", "p", "v", "m"), ("S",)):
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = ANY(%s)
              AND c.relowner <> %s::regrole
            ORDER BY c.relname
            """,
            [list(relkinds), new_owner],
        )
        for name, kind in cursor.fetchall():
            cursor.execute(f"ALTER {kinds[kind]} {_ident(name)} OWNER TO {_ident(new_owner)}")
            changed += 1
    cursor.execute(
        """
        SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.proowner <> %s::regrole
        """,
        [new_owner],
    )
    for (signature,) in cursor.fetchall():
        cursor.execute(f"ALTER FUNCTION {signature} OWNER TO {_ident(new_owner)}")
        changed += 1
    return changed
