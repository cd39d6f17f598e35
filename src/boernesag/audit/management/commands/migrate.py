"""``manage.py migrate`` as the owner role.

Django's migrate, run with the credentials of ``MIGRATION_DATABASE_URL``: the application's
role owns nothing, so it cannot create or alter tables. After the migrations the post-migrate
hook (``audit.append_only``) installs the append-only guards and the application role's
grants, still as the owner. Without ``MIGRATION_DATABASE_URL`` (development with one role)
this is Django's migrate unchanged.
"""

from django.core.management.commands import migrate
from django.db import connections


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        as_owner = getattr(connection, "as_owner", None)
        if as_owner is None:
            return super().handle(*args, **options)
        with as_owner():
            return super().handle(*args, **options)
