"""Intake shows each child only to those who may see that child."""

import pytest
from django.test import Client
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild
from boernesag.cases import services as case_services
from boernesag.cases.tests.factories import build_world, child
from boernesag.intake import services


@pytest.fixture
def siblings(db):
    """One report about two siblings: Emma (team Nord) and her brother (team Syd), each
    with an earlier report and a triage with reasons."""
    w = build_world()
    brother = child(first="Bastian", last="Hansen", born="010618")
    case_services.case_open(
        child=brother, caseworker=w.other_caseworker, team=w.team_b, opened_by=w.intake
    )

    def report(content, *kids, **extra):
        return services.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=timezone.now(),
            notifier_kind="school",
            notifier_name="Lærer Lund",
            content=content,
            by=w.intake,
            children=[services.ChildRef(k.cpr) for k in kids],
            **extra,
        )

    earlier = report("Tidligere bekymring om broren", brother)
    row = earlier.children.get()
    services.intake_triage(
        intake_child=row,
        by=w.intake,
        at_risk=False,
        acute_needed=False,
        outcome="advice",
        reasons_text="Hemmelig begrundelse om Bastian",
        expected_version=row.version,
    )
    item = report("Begge børn udebliver fra skolen", w.child, brother, reasons=["violence"])
    return w, brother, item


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_a_caseworker_of_one_sibling_sees_nothing_of_the_other(siblings):
    w, brother, item = siblings
    brother_case = brother.cases.get()
    since = AccessLogEntry.objects.count()
    page = _get(w.caseworker, f"/modtagelse/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Emma" in html
    for leak in (
        # the brother's full name and CPR: a first name alone may be a random staff name's
        "Bastian Hansen",
        brother.cpr,
        brother_case.reference,
        w.team_b.name,
        w.other_caseworker.get_full_name(),
        "Hemmelig begrundelse",
        "Tidligere bekymring",
    ):
        assert leak not in html, leak
    assert [r.child_id for r in page.context["rows"]] == [w.child.pk]
    # the log names only the child she saw
    [row] = AccessLogEntry.objects.order_by("id")[since:]
    assert row.what == "intake_item" and row.object_ref.startswith(f"item:{item.pk} n=1 ")
    assert set(AccessLogChild.objects.filter(entry=row).values_list("child_id", flat=True)) == {
        w.child.pk
    }
    # she is Emma's responsible caseworker: she may see the notifier
    assert "Lærer Lund" in html


def test_the_brothers_caseworker_sees_only_the_brother_and_his_history(siblings):
    w, _brother, item = siblings
    html = _get(w.other_caseworker, f"/modtagelse/{item.pk}/").content.decode()
    assert "Bastian" in html and "Rådgivning" in html  # his earlier report's outcome
    assert "Emma Hansen" not in html and w.child.cpr not in html
    assert w.case.reference not in html


def test_the_intake_coordinator_sees_both_and_strangers_nothing(siblings):
    w, brother, item = siblings
    page = _get(w.intake, f"/modtagelse/{item.pk}/")
    assert {r.child_id for r in page.context["rows"]} == {w.child.pk, brother.pk}
    for user in (w.manager, w.finance, w.admin):
        assert _get(user, f"/modtagelse/{item.pk}/").status_code == 404
    # a team leader of neither child's team
    from boernesag.accounts.constants import Role, UnitKind
    from boernesag.accounts.services import role_grant, unit_create
    from boernesag.accounts.tests.factories import UserFactory

    team_c = unit_create(kind=UnitKind.TEAM, name="Team Vest", code="vest", parent=w.team_a.parent)
    stranger = UserFactory()
    role_grant(user=stranger, role=Role.TEAM_LEADER, unit=team_c)
    assert _get(stranger, f"/modtagelse/{item.pk}/").status_code == 404


def test_a_team_leader_sees_the_child_of_her_team_but_not_the_notifier(siblings):
    w, brother, item = siblings
    html = _get(w.leader_a, f"/modtagelse/{item.pk}/").content.decode()
    assert "Emma" in html and "Bastian Hansen" not in html and brother.cpr not in html
    assert "Lærer Lund" not in html  # the notifier: intake and the responsible caseworker


def test_earlier_reports_on_the_child_page_are_the_childs_own(siblings):
    w, brother, item = siblings
    page = _get(w.caseworker, f"/modtagelse/barn/{w.child.pk}/")
    assert [r.item_id for r in page.context["rows"]] == [item.pk]
    assert _get(w.caseworker, f"/modtagelse/barn/{brother.pk}/").status_code == 404


def test_an_old_report_does_not_show_the_earlier_case_she_may_not_open(siblings):
    w, brother, _item = siblings
    # the brother's case moves on: closed in team Syd, a new case opened in team Nord
    old_case = brother.cases.get()
    earlier = brother.intake_reports.order_by("id").first().item
    case_services.case_close(case=old_case, by=w.other_caseworker, reason="Flyttet")
    case_services.case_open(
        child=brother, caseworker=w.caseworker, team=w.team_a, opened_by=w.intake
    )
    page = _get(w.caseworker, f"/modtagelse/{earlier.pk}/")
    html = page.content.decode()
    assert "Bastian" in html  # her child now: his earlier report is his history
    for leak in (old_case.reference, w.team_b.name, w.other_caseworker.get_full_name()):
        assert leak not in html, leak
