from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION boernesag_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
"""


class Migration(migrations.Migration):
    """Case events are append-only: the database itself refuses UPDATE and DELETE, so
    history cannot be rewritten (TRUNCATE by the superuser remains for test teardown)."""

    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
