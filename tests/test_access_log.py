"""Every read of a child's data writes exactly one access-log row — list pages one row naming
every child shown — refused attempts are recorded with the user and the target, and the chain
detects edits. (The matrix in test_authorisation_matrix.py checks the log of every page for
every role and relation; these tests follow the log through what users do.)"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild, RefusedAccess
from boernesag.authz.services import list_children_verify
from boernesag.cases.models import CaseEvent
from boernesag.cases.tests.factories import build_world

VIEWERS = {"caseworker_own", "caseworker_team", "team_leader_own"}


def read_urls(w):
    case, child = w.case, w.child
    return {
        "child": f"/boern/{child.pk}/",
        "case": f"/sager/{case.pk}/",
        "timeline": f"/sager/{case.pk}/tidslinje/",
        "journal": f"/sager/{case.pk}/journal/",
        "journal_search": f"/sager/{case.pk}/journal/?q=skolen",
        "journal_addendum": f"/sager/{case.pk}/journal/{case.journal_entries.first().pk}/tilfoej/",
        "documents": f"/sager/{case.pk}/dokumenter/",
        "document_download": f"/sager/{case.pk}/dokumenter/{case.documents.first().pk}/hent/",
        "meetings": f"/sager/{case.pk}/moeder/",
        "meeting": f"/sager/{case.pk}/moeder/{case.meetings.first().pk}/",
        "consents": f"/sager/{case.pk}/samtykker/",
    }


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
    # the front page (issue 20) shows the children who need the user now: one row naming
    # them all, or nothing when it shows none
    before = AccessLogEntry.objects.count()
    client.get("/")
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [r.what for r in rows] in ([], ["front_page"])
    assert all(r.user_id == user.pk and r.child_id is None for r in rows)
    # pages without child data log nothing
    before = AccessLogEntry.objects.count()
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


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new_rows(since: int):
    return list(AccessLogEntry.objects.filter(id__gt=since).order_by("id"))


def _last_id() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _children_of(entry) -> set[int]:
    return set(AccessLogChild.objects.filter(entry=entry).values_list("child_id", flat=True))


@pytest.mark.django_db
def test_list_pages_log_one_row_naming_the_children_and_who_saw_a_child_includes_them():
    from boernesag.intake import services as intake_services

    w = build_world()
    since = _last_id()
    assert _client(w.caseworker).get("/sager/mine/").status_code == 200
    assert _client(w.leader_a).get("/sager/team/").status_code == 200
    assert _client(w.caseworker).get("/frister/mine/").status_code == 200
    intake_services.intake_register(
        kind="concern_report",
        channel="phone",
        received_at=timezone.now(),
        notifier_kind="police",
        content="Bekymring",
        by=w.intake,
        children=[intake_services.ChildRef(w.child.cpr)],
    )
    assert _client(w.intake).get("/modtagelse/").status_code == 200
    rows = _new_rows(since)
    assert [(r.what, r.child_id) for r in rows] == [
        ("my_cases", None),
        ("team_cases", None),
        ("my_deadlines", None),
        ("intake_queue", None),
    ]
    for row in rows:
        assert _children_of(row) == {w.child.pk}
        assert row.object_ref.startswith("n=1 h=")
    assert list_children_verify()[0]
    # "who saw this child": the team leader's view of the child's log includes the lists
    page = _client(w.leader_a).get(f"/adgangslog/barn/{w.child.pk}/")
    seen = {(r.user_id, r.what) for r in page.context["rows"]}
    assert {
        (w.caseworker.pk, "my_cases"),
        (w.leader_a.pk, "team_cases"),
        (w.intake.pk, "intake_queue"),
    } <= seen
    # an empty list shows no child and logs nothing
    since = _last_id()
    assert _client(w.other_caseworker).get("/sager/mine/").status_code == 200
    assert _new_rows(since) == []


@pytest.mark.django_db
def test_the_children_of_a_list_row_are_covered_by_the_chain():
    w = build_world()
    _client(w.caseworker).get("/sager/mine/")
    assert list_children_verify() == (True, "Listerne over viste børn er intakte (1 sider).")
    entry = AccessLogEntry.objects.get(what="my_cases")
    # rows can only be added (the application's role may insert): an added child is detected
    AccessLogChild.objects.create(entry=entry, child=w.parent)
    ok, message = list_children_verify()
    assert not ok and f"Række {entry.pk}" in message
    with pytest.raises(CommandError, match=f"Række {entry.pk}: listen over viste børn"):
        call_command("audit_verify")
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        AccessLogChild.objects.filter(entry=entry).delete()


@pytest.mark.django_db
def test_children_added_to_a_row_that_is_not_a_list_are_detected():
    w = build_world()
    _client(w.caseworker).get(f"/sager/{w.case.pk}/")
    _client(w.caseworker).get("/sager/mine/")
    page_row = AccessLogEntry.objects.get(what="case_page")
    AccessLogChild.objects.create(entry=page_row, child=w.parent)
    assert list_children_verify() == (
        False,
        f"Række {page_row.pk}: børn på en række, der ikke er en liste (ændret eller slettet).",
    )


@pytest.mark.django_db
def test_refused_attempts_are_recorded_with_the_user_and_the_target():
    w = build_world()
    other = _client(w.other_caseworker)
    assert other.get(f"/sager/{w.case.pk}/journal/").status_code == 404
    assert other.get("/sager/999999999/").status_code == 404
    assert _client(w.manager).get("/sager/mine/").status_code == 403
    colleague = _client(w.colleague)
    entry = w.case.journal_entries.get()
    # she may see the case, but correcting someone else's note is refused (403)
    assert colleague.get(f"/sager/{w.case.pk}/journal/{entry.pk}/ret/").status_code == 403
    refusals = list(RefusedAccess.objects.order_by("id"))
    assert [(r.user_id, r.status, r.url_name, r.case_id, r.child_id, r.what) for r in refusals] == [
        (w.other_caseworker.pk, 404, "cases:journal", w.case.pk, w.child.pk, "journal"),
        (w.other_caseworker.pk, 404, "cases:case", 999999999, None, "case_page"),
        (w.manager.pk, 403, "cases:my_cases", None, None, "cases.view_my_cases"),
        (w.colleague.pk, 403, "cases:journal_correct", w.case.pk, w.child.pk, "journal_entry"),
    ]
    assert refusals[-1].object_ref == str(entry.pk)
    # nothing was logged as read, and the refusals are shown where the child's log is
    assert not AccessLogEntry.objects.filter(user__in=[w.other_caseworker, w.manager]).exists()
    page = _client(w.leader_a).get(f"/adgangslog/barn/{w.child.pk}/")
    assert [r.user_id for r in page.context["refusals"]] == [w.colleague.pk, w.other_caseworker.pk]
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        RefusedAccess.objects.update(status=200)


@pytest.mark.django_db
def test_search_logs_what_it_shows_and_keeps_the_cpr_number_out_of_urls():
    w = build_world()
    client = _client(w.caseworker)
    response = client.post("/boern/", {"q": "Emma"})
    assert response.status_code == 302
    assert "Emma" not in response["Location"] and "?s=" in response["Location"]
    since = _last_id()
    page = client.get(response["Location"])
    assert [c.pk for c in page.context["result"].children] == [w.child.pk]
    [row] = _new_rows(since)
    assert (row.what, row.child_id, _children_of(row)) == ("child_search", None, {w.child.pk})

    # a CPR number outside her need-to-know: the look-up reveals that a case exists (logged)
    other = _client(w.other_caseworker)
    response = other.post("/boern/", {"q": w.child.cpr_formatted})
    assert w.child.cpr[:6] not in response["Location"]
    since = _last_id()
    page = other.get(response["Location"])
    html = page.content.decode()
    # the child's name (not a staff member who may share a first name) and CPR stay hidden
    assert "Du har ikke adgang til dette barn" in html
    # (the search box keeps the CPR number she typed herself)
    assert w.child.full_name not in html
    [row] = _new_rows(since)
    assert (row.what, row.child_id, row.case_id) == ("cpr_lookup", w.child.pk, None)
    link = page.context["result"].reasoned_access_url
    # the link carries an opaque token, never the child's id or CPR number
    token = link.split("/adgang/")[1].strip("/")
    assert len(token) >= 16 and token != str(w.child.pk) and f"/{w.child.pk}/" not in link
    assert w.child.cpr not in link
    since = _last_id()
    assert other.get(link).status_code == 200
    [row] = _new_rows(since)
    assert (row.what, row.child_id) == ("reasoned_access_page", w.child.pk)
    # the link works only in the session that searched
    assert _client(w.other_caseworker).get(link).status_code == 404
    # an old search token: a Danish message, no 500
    assert client.get("/boern/?s=udloebet").status_code == 302
    # a GET with the CPR number in the URL is not a search
    since = _last_id()
    assert other.get(f"/boern/?q={w.child.cpr}").context["result"] is None
    assert _new_rows(since) == []


@pytest.mark.django_db
def test_without_reasoned_access_the_cpr_look_up_reveals_nothing():
    from boernesag.accounts.models import Municipality

    w = build_world()
    Municipality.objects.update(reasoned_access_roles=["team_leader"])
    other = _client(w.other_caseworker)
    page = other.post("/boern/", {"q": w.child.cpr}, follow=True)
    assert page.context["result"].hidden_match is None
    assert "Du har ikke adgang" not in page.content.decode()
    assert not AccessLogEntry.objects.filter(what="cpr_lookup").exists()


@pytest.mark.django_db
def test_the_access_log_is_looked_up_by_a_posted_cpr_number():
    w = build_world()
    leader = _client(w.leader_a)
    response = leader.post("/adgangslog/", {"cpr": w.child.cpr_formatted})
    assert response.status_code == 302 and response["Location"] == f"/adgangslog/barn/{w.child.pk}/"
    # the old GET form is gone: a CPR number in the URL looks nothing up
    assert leader.get(f"/adgangslog/?cpr={w.child.cpr}").status_code == 200
    # a child outside the leader's teams: the same answer as an unknown number
    other_leader = _client(w.leader_b)
    for cpr in (w.child.cpr, "0101011234"):
        page = other_leader.post("/adgangslog/", {"cpr": cpr})
        assert page.status_code == 400
        assert "Du kan ikke se adgangsloggen" in page.content.decode()
    assert other_leader.post("/adgangslog/", {"cpr": "12"}).status_code == 400


@pytest.mark.django_db
def test_the_compliance_drilldown_logs_the_children_behind_the_number():
    from boernesag.deadlines.models import Clock
    from boernesag.deadlines.selectors import current_period

    w = build_world()
    clock = Clock.objects.get(case=w.case, rule_key="assessment_duration")
    period = current_period("quarter", timezone.localtime(clock.due_at).date())
    query = (
        f"kind=quarter&year={period.year}&number={period.number}&group=rule&basis=law"
        "&outcome=open&rule=assessment_duration"
    )
    since = _last_id()
    page = _client(w.manager).get(f"/frister/lovoverholdelse/sager/?{query}")
    assert page.status_code == 200 and w.case.reference in page.content.decode()
    [row] = _new_rows(since)
    assert (row.what, _children_of(row)) == ("compliance_drilldown", {w.child.pk})


@pytest.mark.django_db
def test_audit_verify_passes_after_reading_pages(capsys):
    """Tampering (as the application role and as the owner) is tested in
    src/boernesag/audit/tests/test_tampering.py."""
    w = build_world()
    client = Client()
    client.force_login(w.caseworker)
    for url in list(read_urls(w).values())[:5]:
        client.get(url)
    call_command("audit_verify")
    assert "intakt (5 rækker)" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events_event SET kind = 'case_closed'",
        "DELETE FROM events_event",
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
        # the trigger, or before it the missing privilege of the application's role
        pytest.raises(DatabaseError, match=r"append-only|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert CaseEvent.objects.count() == events
