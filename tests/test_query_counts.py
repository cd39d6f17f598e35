"""Pages answer with a fixed number of queries, however much data there is."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boernesag.cases import services
from boernesag.cases.tests.factories import build_world, child, pdf_upload


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(w, n):
    for i in range(n):
        services.journal_write(
            case=w.case,
            author=w.caseworker,
            kind="note",
            title=f"Notat {i}",
            text="tekst",
            occurred_on=timezone.localdate(),
        )
        services.document_add(
            case=w.case,
            uploaded_by=w.caseworker,
            file=pdf_upload(),
            title=f"Bilag {i}",
            kind="other",
            document_date=timezone.localdate(),
        )
        kid = child(first=f"Barn{i}", last="Jensen")
        services.case_open(
            child=kid, caseworker=w.caseworker, team=w.team_a, opened_by=w.caseworker
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "case",
        "timeline",
        "journal",
        "documents",
        "meetings",
        "consents",
        "child",
        "my_cases",
        "team_cases",
    ],
)
def test_page_query_count_does_not_grow(page):
    w = build_world()
    client = Client()
    client.force_login(w.leader_a if page == "team_cases" else w.caseworker)
    urls = {
        "case": f"/sager/{w.case.pk}/",
        "timeline": f"/sager/{w.case.pk}/tidslinje/",
        "journal": f"/sager/{w.case.pk}/journal/",
        "documents": f"/sager/{w.case.pk}/dokumenter/",
        "meetings": f"/sager/{w.case.pk}/moeder/",
        "consents": f"/sager/{w.case.pk}/samtykker/",
        "child": f"/boern/{w.child.pk}/",
        "my_cases": "/sager/mine/",
        "team_cases": "/sager/team/",
    }
    url = urls[page]
    client.get(url)
    small = count(client, url)
    grow(w, 30)
    assert count(client, url) == small
    assert small <= 30, small
