from django.db import migrations

SQL = """
CREATE TRIGGER authz_refusedaccess_append_only
    BEFORE UPDATE OR DELETE ON authz_refusedaccess
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();

CREATE TRIGGER authz_accesslogchild_append_only
    BEFORE UPDATE OR DELETE ON authz_accesslogchild
    FOR EACH ROW EXECUTE FUNCTION boernesag_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS authz_refusedaccess_append_only ON authz_refusedaccess;
DROP TRIGGER IF EXISTS authz_accesslogchild_append_only ON authz_accesslogchild;
"""


class Migration(migrations.Migration):
    """Refusals and the children named by list pages are audit records: append-only like
    the access log (``boernesag_refuse_change`` comes from audit 0003)."""

    dependencies = [("authz", "0001_initial"), ("audit", "0003_append_only")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
