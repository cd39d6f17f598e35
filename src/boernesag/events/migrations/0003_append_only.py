"""The event store is append-only, enforced by the database.

- UPDATE and DELETE on ``events_event`` are refused row by row with the existing function
  ``boernesag_refuse_change()`` (cases 0003).
- TRUNCATE is refused by a statement trigger — except for a database superuser. That one
  exception exists for test teardown: pytest-django's transactional tests empty every table
  with TRUNCATE, and the test databases are created and flushed by the superuser. A
  superuser can switch triggers off anyway, so it weakens nothing; the application itself
  must connect as a role that is neither superuser nor owner of the table (docs/events.md).
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION boernesag_refuse_truncate_unless_superuser() RETURNS trigger AS $$
BEGIN
    IF current_setting('is_superuser') = 'on' THEN
        RETURN NULL;  -- test teardown (pytest-django flushes with TRUNCATE)
    END IF;
    RAISE EXCEPTION 'Table % is append-only: TRUNCATE is not allowed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_event_append_only
    BEFORE UPDATE OR DELETE ON events_event
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();

CREATE TRIGGER events_event_no_truncate
    BEFORE TRUNCATE ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION boernesag_refuse_truncate_unless_superuser();
"""

REVERSE = """
DROP TRIGGER IF EXISTS events_event_no_truncate ON events_event;
DROP TRIGGER IF EXISTS events_event_append_only ON events_event;
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0002_copy_case_events"), ("cases", "0003_caseevent_append_only")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
