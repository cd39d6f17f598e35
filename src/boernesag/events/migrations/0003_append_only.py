"""The event store is append-only, enforced by the database.

The same two guards every append-only table has (``conf/db_roles.py``, docs/security.md):
``boernesag_append_only`` refuses UPDATE and DELETE row by row and ``boernesag_no_truncate``
refuses TRUNCATE, both with ``boernesag_refuse_change()``. ``events.Event`` is registered with
``@append_only``, so the post-migrate hook (``audit.append_only``) keeps the guards in place
and gives the application role only SELECT and INSERT on the table.

Test teardown: pytest-django's transactional tests empty every table with TRUNCATE; that
flush runs as the owner role with the TRUNCATE guard lifted inside the same transaction
(``conf/postgres``, ``execute_sql_flush``) and is refused in production. The application
itself connects as a role that owns nothing and has no TRUNCATE privilege, so nothing in
the application can rewrite or empty the log.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE TRIGGER boernesag_append_only
    BEFORE UPDATE OR DELETE ON events_event
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();

CREATE OR REPLACE TRIGGER boernesag_no_truncate
    BEFORE TRUNCATE ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION boernesag_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS boernesag_no_truncate ON events_event;
DROP TRIGGER IF EXISTS boernesag_append_only ON events_event;
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0002_copy_case_events"), ("cases", "0003_caseevent_append_only")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
