"""PostgreSQL backend with two database roles.

See docs/adr/0004-keyed-audit-trail-and-database-roles.md.

The web server, workers and tests connect as the *application role*, which owns nothing and
may not UPDATE, DELETE or TRUNCATE append-only tables. Migrations, the creation and removal
of test databases and the test suite's table flush run as the *owner role*, whose
credentials come from ``MIGRATION_DATABASE_URL`` (``settings_dict["OWNER"]``).
"""
