"""Fixtures shared by every test: the app tests under src/ and the cross-app tests/."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Speed is measured in bench/, not in tests: no per-example time limits (the first holiday
# lookup for a year, or a busy CI machine, must not make a property test flaky).
hypothesis_settings.register_profile("boernesag", deadline=None)
hypothesis_settings.load_profile("boernesag")

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def municipality(db):
    from boernesag.accounts.tests.factories import MunicipalityFactory

    return MunicipalityFactory()


@pytest.fixture
def make_user(db):
    from boernesag.accounts.tests.factories import user_with_role

    return user_with_role


@pytest.fixture
def password():
    from boernesag.accounts.tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture(autouse=True)
def _audit_anchor_dir(settings, tmp_path_factory):
    """Each test anchors the access log in its own directory: anchors describe one
    database's log, and test databases are emptied between tests."""
    settings.AUDIT_ANCHOR_DIR = tmp_path_factory.mktemp("anchors")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploads in tests go to a temporary directory, never into var/media, which a developer's
    `make run` database uses (and which the orphan sweep would otherwise see)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
