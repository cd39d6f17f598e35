"""Every read of a child's data writes exactly one access-log row; the chain detects edits."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.models import CaseEvent
from boernesag.cases.tests.factories import build_world
from tests.test_authorisation_matrix import VIEWERS, read_urls

EXPECTED_WHAT = {
    "child": ("child_page", None),
    "case": ("case_page", None),
    "timeline": ("timeline", None),
    "journal": ("journal", None),
    "journal_search": ("journal", None),
    "journal_addendum": ("journal_entry", "entry"),
    "documents": ("documents", None),
    "document_download": ("document_download", "document"),
    "meetings": ("meetings", None),
    "meeting": ("meeting", "meeting"),
    "consents": ("consents", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_each_page_with_child_data_logs_exactly_one_row(role):
    w = build_world()
    user = w.users_by_role()[role]
    client = Client()
    client.force_login(user)
    refs = {
        "entry": str(w.case.journal_entries.first().pk),
        "document": str(w.case.documents.first().pk),
        "meeting": str(w.case.meetings.first().pk),
    }
    for name, url in read_urls(w).items():
        before = AccessLogEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200
        rows = list(AccessLogEntry.objects.order_by("id")[before:])
        assert len(rows) == 1, (name, len(rows))
        row = rows[0]
        what, ref = EXPECTED_WHAT[name]
        assert (row.user_id, row.child_id, row.what) == (user.pk, w.child.pk, what), name
        assert row.case_id == (None if name == "child" else w.case.pk), name
        assert row.object_ref == (refs[ref] if ref else ""), name
        assert row.reason == ""
    # pages without child data log nothing
    before = AccessLogEntry.objects.count()
    client.get("/")
    client.get("/boern/")
    assert AccessLogEntry.objects.count() == before


@pytest.mark.django_db
def test_cpr_numbers_are_never_in_the_log_or_urls():
    w = build_world()
    client = Client()
    client.force_login(w.caseworker)
    for url in read_urls(w).values():
        assert w.child.cpr not in url
        client.get(url)
    for row in AccessLogEntry.objects.all():
        assert w.child.cpr not in f"{row.what}{row.object_ref}{row.reason}"


@pytest.mark.django_db
def test_audit_verify_passes_untouched_and_fails_after_an_edit_in_sql(capsys):
    w = build_world()
    client = Client()
    client.force_login(w.caseworker)
    for url in list(read_urls(w).values())[:5]:
        client.get(url)
    call_command("audit_verify")
    assert "intakt (5 rækker)" in capsys.readouterr().out
    victim = AccessLogEntry.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        # a superuser bypassing the append-only trigger
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_accesslogentry SET what = 'x' WHERE id = %s", [victim.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match=f"Række {victim.pk}: indholdet er ændret"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_audit_verify_detects_a_removed_row():
    w = build_world()
    client = Client()
    client.force_login(w.caseworker)
    for url in list(read_urls(w).values())[:4]:
        client.get(url)
    victim = AccessLogEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_accesslogentry WHERE id = %s", [victim.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="kæden er brudt"):
        call_command("audit_verify")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseevent SET kind = 'case_closed'",
        "DELETE FROM cases_caseevent",
        "UPDATE audit_accesslogentry SET reason = 'x'",
        "DELETE FROM audit_accesslogentry",
        "DELETE FROM audit_accessgrant",
    ],
)
def test_the_database_refuses_to_rewrite_history(sql):
    w = build_world()
    client = Client()
    client.force_login(w.caseworker)
    client.get(f"/sager/{w.case.pk}/")
    from boernesag.cases.services import reasoned_access_grant

    reasoned_access_grant(user=w.other_caseworker, child=w.child, reason="Dækker for kollega i dag")
    events = CaseEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert CaseEvent.objects.count() == events
