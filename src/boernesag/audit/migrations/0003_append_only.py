from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION boernesag_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();

CREATE TRIGGER audit_accessgrant_append_only
    BEFORE UPDATE OR DELETE ON audit_accessgrant
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS audit_accesslogentry_append_only ON audit_accesslogentry;
DROP TRIGGER IF EXISTS audit_accessgrant_append_only ON audit_accessgrant;
"""


class Migration(migrations.Migration):
    """The access log and reason-based grants are append-only (see cases 0003)."""

    dependencies = [("audit", "0002_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
