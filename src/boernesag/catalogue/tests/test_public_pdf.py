"""The public service level PDF: rendered once per content and served from the store;
anonymous visitors are limited per address."""

import pytest
from django.test import Client

from boernesag.accounts.constants import Role
from boernesag.catalogue.models import PublicCataloguePdf
from boernesag.catalogue.tests.test_catalogue import approve_and_publish, make_service

URL = "/indsatser/serviceniveau/?format=pdf"


@pytest.fixture
def admin(make_user, municipality):
    return make_user(Role.ADMIN)


@pytest.fixture
def published(admin):
    return approve_and_publish(make_service(admin, name="Familiebehandling"), admin)


def test_the_pdf_is_rendered_once_and_served_from_the_store(published, admin):
    first = Client().get(URL, REMOTE_ADDR="203.0.113.7")
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    stored = PublicCataloguePdf.objects.get()
    # WeasyPrint stamps each rendering with its time: identical bytes mean no new rendering.
    second = Client().get(URL, REMOTE_ADDR="198.51.100.1")
    assert second.content == first.content == bytes(stored.pdf)
    assert PublicCataloguePdf.objects.get().pk == stored.pk
    assert second["ETag"] == f'"{stored.fingerprint}"'
    assert Client().get(URL, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304

    # a new publication changes the catalogue: a new PDF replaces the old one
    approve_and_publish(make_service(admin, name="Aflastning"), admin)
    third = Client().get(URL)
    assert third.content != first.content
    assert PublicCataloguePdf.objects.count() == 1
    assert PublicCataloguePdf.objects.get().fingerprint != stored.fingerprint


def test_anonymous_visitors_are_limited_per_address(published, admin, settings):
    settings.CATALOGUE_PDF_RATE_LIMIT = 2
    visitor = Client()
    assert [visitor.get(URL, REMOTE_ADDR="203.0.113.7").status_code for _ in range(2)] == [200] * 2
    refused = visitor.get(URL, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "For mange forespørgsler" in refused.content.decode()
    assert Client().get(URL, REMOTE_ADDR="198.51.100.1").status_code == 200  # another address
    staff = Client()
    staff.force_login(admin)
    assert staff.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 200  # staff are not limited


@pytest.mark.django_db(transaction=True)  # the rendering lock lasts until the transaction ends
def test_while_a_new_pdf_is_rendered_visitors_get_the_previous_one(published, admin):
    import psycopg
    from django.db import connection

    from boernesag.catalogue.public_pdf import LOCK_KEY, public_catalogue_pdf

    earlier = public_catalogue_pdf()
    approve_and_publish(make_service(admin, name="Aflastning"), admin)
    params = connection.get_connection_params()
    params.pop("context", None)
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as renderer:  # another process rendering
        renderer.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        served = public_catalogue_pdf()
        assert (served.fresh, served.content) == (False, earlier.content)
        renderer.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    fresh = public_catalogue_pdf()
    assert fresh.fresh and fresh.content != earlier.content
