"""Fixtures shared by every test: the app tests under src/ and the cross-app tests/."""

import os

import pytest

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
