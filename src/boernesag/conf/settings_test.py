"""Settings for the test suite.

The tests connect like the product does: as an application role that owns nothing, while
the test database is created, migrated, flushed and dropped by the owner.

- ``TEST_DATABASE_URL`` set (CI: the machine's PostgreSQL as ``postgres``): that URL is the
  owner; the application role ``TEST_APP_DB_USER`` (default ``boernesag_app``) is created by
  it when missing, with ``TEST_APP_DB_PASSWORD``.
- unset: the embedded server's two roles (``conf/embedded_db.py``).
"""

import os

from boernesag.conf.embedded_db import url_with_user

if os.environ.get("TEST_DATABASE_URL"):
    _owner_url = os.environ["TEST_DATABASE_URL"]
    os.environ["MIGRATION_DATABASE_URL"] = _owner_url
    os.environ["DATABASE_URL"] = url_with_user(
        _owner_url,
        os.environ.get("TEST_APP_DB_USER", "boernesag_app"),
        os.environ.get("TEST_APP_DB_PASSWORD", "boernesag-app-test"),
    )
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("MIGRATION_DATABASE_URL", None)
os.environ.setdefault("BOERNESAG_ENV", "test")

from boernesag.conf.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
