"""Fixtures for the cross-app tests."""

import pytest


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The authorisation matrix's municipality (``tests/authz/world.py``), built once per
    module inside a transaction that is rolled back when the module is done. Tests using it
    are marked ``django_db`` (each then runs in a savepoint inside this transaction)."""
    from django.db import transaction
    from django.test import override_settings

    from tests.authz.world import build_matrix_world

    # the same directory the autouse ``_media_root`` fixture gives each test
    media = tmp_path_factory.getbasetemp() / "media"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        world = build_matrix_world()
        yield world
        transaction.set_rollback(True)
