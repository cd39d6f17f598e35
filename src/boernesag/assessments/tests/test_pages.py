"""The investigation pages: the full path through the forms, the conflict message keeping
what was typed, escaped text, the access log, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boernesag.assessments import services
from boernesag.assessments.constants import ActivityKind, StatementSource
from boernesag.assessments.models import Assessment
from boernesag.assessments.tests.helpers import decided, held, teacher
from boernesag.audit.models import AccessLogEntry
from boernesag.cases.tests.factories import build_world

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_decision_form_creates_the_investigation_and_a_double_submit_makes_one():
    w = build_world()
    client = client_for(w.caseworker)
    url = f"/sager/{w.case.pk}/undersoegelse/afgoerelse/"
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["form"].initial["token"]
    consent = w.case.consents.first()
    data = {
        "token": str(token),
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": "bl_20_2",
        "reasons": "Fravær",
        "consent_route": "with_consent",
        "consents": [str(consent.pk)],
        "focus_areas": "Skole",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302 and second.url == first.url
    assert Assessment.objects.filter(case=w.case).count() == 1


def test_a_refused_decision_keeps_what_was_typed_with_danish_messages():
    w = build_world()
    client = client_for(w.caseworker)
    response = client.post(
        f"/sager/{w.case.pk}/undersoegelse/afgoerelse/",
        {
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "bl_20_2",
            "reasons": "Min lange begrundelse",
            "consent_route": "without_consent",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv hvorfor undersøgelsen gennemføres uden samtykke." in html
    assert "Min lange begrundelse" in html


def test_the_section_conflict_keeps_what_was_typed():
    w = build_world()
    a = decided(w)
    section = a.sections.order_by("section__order").first()
    services.section_save(section=section, by=w.colleague, expected_version=1, text="Kollegaens")
    response = client_for(w.caseworker).post(
        f"/sager/{w.case.pk}/undersoegelse/{a.pk}/afsnit/{section.pk}/",
        {"text": "Det jeg skrev", "version": 1},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "En anden har gemt ændringer" in html
    assert "Det jeg skrev" in html and "Kollegaens" in html


def test_the_case_page_and_its_timeline_link_to_the_investigation():
    w = build_world()
    decided(w)
    html = client_for(w.caseworker).get(f"/sager/{w.case.pk}/").content.decode()
    link = f'href="/sager/{w.case.pk}/undersoegelse/"'
    assert html.count(link) >= 3  # the tab, and the started and decided events


def test_user_text_is_escaped_on_the_page():
    w = build_world()
    decided(w, reasons="<script>alert(1)</script>")
    html = client_for(w.caseworker).get(f"/sager/{w.case.pk}/undersoegelse/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_each_page_writes_one_access_log_row():
    w = build_world()
    a = decided(w)
    activity = services.activity_add(
        assessment=a, by=w.caseworker, kind=ActivityKind.HOME_VISIT, planned_on=a.decided_on
    )
    section = a.sections.first()
    base = f"/sager/{w.case.pk}/undersoegelse/"
    pages = {
        base: ("assessments", ""),
        base + "afgoerelse/": ("assessment_decide", ""),
        base + f"{a.pk}/": ("assessment", str(a.pk)),
        base + f"{a.pk}/plan/": ("assessment_plan", str(a.pk)),
        base + f"{a.pk}/aktiviteter/ny/": ("assessment_activity_add", str(a.pk)),
        base + f"{a.pk}/aktiviteter/{activity.pk}/": ("assessment_activity", str(a.pk)),
        base + f"{a.pk}/afsnit/{section.pk}/": ("assessment_section", str(a.pk)),
        base + f"{a.pk}/midtvejsstatus/": ("assessment_midway", str(a.pk)),
        base + f"{a.pk}/udkast/": ("assessment_draft", str(a.pk)),
        base + f"{a.pk}/bemaerkninger/": ("assessment_comments", str(a.pk)),
        base + f"{a.pk}/konklusion/": ("assessment_conclude", str(a.pk)),
        base + f"{a.pk}/foreloebig-vurdering/": ("assessment_provisional", str(a.pk)),
    }
    client = client_for(w.caseworker)
    for url, (what, ref) in pages.items():
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client.get(url).status_code == 200, url
        rows = list(AccessLogEntry.objects.filter(id__gt=since))
        assert [(r.what, r.child_id, r.case_id, r.object_ref) for r in rows] == [
            (what, w.child.pk, w.case.pk, ref)
        ], url
    # someone without need-to-know gets 404 and no row
    other = client_for(w.other_caseworker)
    since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    assert other.get(base + f"{a.pk}/").status_code == 404
    assert not AccessLogEntry.objects.filter(id__gt=since).exists()


def _grow(w, a, n):
    person = teacher(w) if n == 1 else None
    for i in range(n):
        held(a, by=w.caseworker, kind=ActivityKind.CHILD_CONVERSATION)
        services.activity_add(
            assessment=a,
            by=w.caseworker,
            kind=ActivityKind.STATEMENT,
            planned_on=timezone.localdate(),
            statement_source=StatementSource.SCHOOL,
            person=person or w._teacher,
            answer_by=timezone.localdate() + timedelta(days=10 + i),
        )
    if person:
        w._teacher = person
    else:
        # more sections too: the municipality adds areas to its template (admin)
        from boernesag.assessments.models import AssessmentSection, TemplateSection

        for i in range(4):
            extra = TemplateSection.objects.create(
                template=a.template, key=f"extra-{i}", title=f"Ekstra {i}", order=20 + i
            )
            AssessmentSection.objects.create(assessment=a, section=extra)
    for section in a.sections.all():
        section.refresh_from_db()
        services.section_save(
            section=section, by=w.caseworker, expected_version=section.version, text="Tekst " * n
        )


def test_the_investigation_page_queries_do_not_grow():
    w = build_world()
    a = decided(w)
    client = client_for(w.caseworker)
    counts = []
    for n in (1, 6):
        _grow(w, a, n)
        for url in (
            f"/sager/{w.case.pk}/undersoegelse/{a.pk}/",
            f"/sager/{w.case.pk}/undersoegelse/{a.pk}/plan/",
        ):
            client.get(url)  # warm caches (session, permissions)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append((url, len(ctx.captured_queries)))
    assert counts[0][1] == counts[2][1], counts
    assert counts[1][1] == counts[3][1], counts
    assert a.activities.count() == 14 and a.sections.count() == 12
