"""The gate's API, the permission registry, the child page and search."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild, RefusedAccess
from boernesag.authz.registry import PERMISSIONS
from boernesag.cases import gate, services
from boernesag.cases.models import Case, JournalEntry
from boernesag.cases.selectors import name_tsquery
from boernesag.cases.tests.factories import build_world, child


@pytest.fixture
def w(db):
    return build_world()


def test_the_documented_permission_table_is_the_registry():
    from boernesag.authz.management.commands.permissions_table import doc_path, with_table

    text = doc_path().read_text(encoding="utf-8")
    assert text == with_table(text), "run: manage.py permissions_table --write"


def test_every_permission_is_named_after_its_app_and_labelled():
    from django.apps import apps

    labels = {config.label for config in apps.get_app_configs()} | {"oversight"}
    for name, perm in PERMISSIONS.items():
        assert name.split(".")[0] in labels, name
        assert perm.label, name


def test_the_admin_role_implies_no_permission_on_cases_or_children(w):
    case_perms = [p for p in PERMISSIONS.values() if p.obj in ("sag", "barn")]
    assert case_perms
    for perm in case_perms:
        target = w.case if perm.obj == "sag" else w.child
        if perm.name in ("cases.view_child_access_log", "rights.view_who_could_see"):
            continue  # the audit of who looked / could look (not the child's data): admins may
        assert not w.admin.has_perm(perm.name, target), perm.name
    assert w.admin.has_perm("accounts.administer")
    assert not w.caseworker.has_perm("accounts.administer")
    assert not w.admin.has_perm("cases.unknown_permission")


def test_case_get_logs_one_row_and_refuses_with_404_or_403(w):
    case = gate.case_get(w.caseworker, w.case.pk, what="case_page")
    assert case == w.case
    row = AccessLogEntry.objects.get()
    assert (row.user_id, row.what, row.child_id, row.case_id) == (
        w.caseworker.pk,
        "case_page",
        w.child.pk,
        w.case.pk,
    )
    with pytest.raises(Http404):
        gate.case_get(w.other_caseworker, w.case.pk, what="case_page")
    with pytest.raises(Http404):
        gate.case_get(w.caseworker, "x", what="case_page")
    with pytest.raises(PermissionDenied):
        gate.case_get(w.caseworker, w.case.pk, what="reassign", action="reassign")
    # without a request the refusals are written at once, with the target
    refusals = RefusedAccess.objects.order_by("id")
    assert list(refusals.values_list("user_id", "status", "case_id", "what")) == [
        (w.other_caseworker.pk, 404, w.case.pk, "case_page"),
        (w.caseworker.pk, 404, None, "case_page"),
        (w.caseworker.pk, 403, w.case.pk, "reassign"),
    ]
    assert AccessLogEntry.objects.count() == 1


def test_case_object_get_checks_the_object_before_logging(w):
    entry = w.case.journal_entries.get()
    case, got = gate.case_object_get(
        w.caseworker,
        w.case.pk,
        JournalEntry,
        entry.pk,
        what="journal_entry",
        perm="cases.correct_journal",
    )
    assert (case, got) == (w.case, entry)
    with pytest.raises(PermissionDenied):  # the colleague did not write it
        gate.case_object_get(
            w.colleague,
            w.case.pk,
            JournalEntry,
            entry.pk,
            what="journal_entry",
            perm="cases.correct_journal",
        )
    other = child(first="Ib", born="010120")
    other_case = services.case_open(
        child=other, caseworker=w.caseworker, team=w.team_a, opened_by=w.intake
    )
    with pytest.raises(Http404):  # an entry of another case
        gate.case_object_get(
            w.caseworker, other_case.pk, JournalEntry, entry.pk, what="journal_entry"
        )
    assert list(AccessLogEntry.objects.values_list("user_id", flat=True)) == [w.caseworker.pk]


def test_list_logged_names_the_children_once_and_logs_nothing_for_an_empty_list(w):
    rows = gate.list_logged(w.caseworker, Case.objects.filter(pk=w.case.pk), what="my_cases")
    assert rows == [w.case]
    entry = AccessLogEntry.objects.get()
    assert entry.child_id is None and entry.what == "my_cases"
    assert list(AccessLogChild.objects.values_list("entry_id", "child_id", "case_id")) == [
        (entry.pk, w.child.pk, w.case.pk)
    ]
    assert gate.list_logged(w.caseworker, Case.objects.none(), what="my_cases") == []
    assert AccessLogEntry.objects.count() == 1
    with pytest.raises(TypeError):
        gate.list_logged(w.caseworker, [object()], what="x")


def test_the_child_page_lists_only_cases_the_viewer_may_open(w):
    services.case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    newer = services.case_open(
        child=w.child, caseworker=w.other_caseworker, team=w.team_b, opened_by=w.intake
    )
    leader_b = Client()
    leader_b.force_login(w.leader_b)
    page = leader_b.get(f"/boern/{w.child.pk}/")
    assert [c.pk for c in page.context["cases"]] == [newer.pk]
    html = page.content.decode()
    assert w.case.reference not in html and w.caseworker.get_full_name() not in html
    assert "Barnet har 1 anden sag, som du ikke har adgang til." in html
    assert page.context["reasoned_access_url"]
    assert "Opret sag" not in html  # there is an open case
    leader_a = Client()
    leader_a.force_login(w.leader_a)
    page = leader_a.get(f"/boern/{w.child.pk}/")
    assert [c.pk for c in page.context["cases"]] == [w.case.pk]
    assert newer.reference not in page.content.decode()


@pytest.mark.parametrize(
    "text",
    ["(", "!", "<script>", "Emma & (", "'", '"', "\\", "a:*", "emma | !hansen", "æøå (", "   "],
)
def test_search_treats_any_typed_text_as_text(w, text):
    client = Client()
    client.force_login(w.caseworker)
    response = client.post("/boern/", {"q": text}, follow=True)
    assert response.status_code == 200
    found = response.context["result"].children if response.context.get("result") else []
    if "emma" in text.lower():
        assert [c.pk for c in found] == [w.child.pk]  # the words in it are still searched
    elif name_tsquery(text):
        assert not found and "Ingen børn fundet" in response.content.decode()
    elif text.strip():  # only punctuation: says what to type instead
        assert not found and "Skriv mindst ét bogstav eller tal" in response.content.decode()


def test_search_finds_by_name_prefixes(w):
    client = Client()
    client.force_login(w.caseworker)
    page = client.post("/boern/", {"q": "em HANS"}, follow=True)
    assert [c.pk for c in page.context["result"].children] == [w.child.pk]


@given(st.text(max_size=40))
def test_the_name_query_is_always_valid_tsquery_syntax(text):
    query = name_tsquery(text)
    for term in query.split(" & ") if query else []:
        assert term.startswith("'") and term.endswith("':*")
        assert "'" not in term[1:-3] and "\\" not in term


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_postgresql_accepts_the_name_query_for_any_text(db, text):
    from django.db import connection

    query = name_tsquery(text)
    if query:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsquery('simple', %s)", [query])
