import re
from pathlib import Path

import pytest
from django.test import Client

from boernesag.accounts.constants import Role
from boernesag.web.navigation import NAV_ITEMS
from boernesag.web.views import server_error

SRC = Path(__file__).resolve().parents[2]

EXPECTED_NAV = {
    Role.CASEWORKER: ["Mine sager", "Mine frister", "Find barn", "Indsatskatalog"],
    Role.INTAKE_COORDINATOR: ["Modtagelse", "Udbakke", "Find barn", "Indsatskatalog"],
    Role.TEAM_LEADER: [
        "Find barn",
        "Teamets sager",
        "Teamets frister",
        "Til godkendelse",
        "Klager",
        "Ledelsestilsyn",
        "Lovoverholdelse",
        "Indsatskatalog",
        "Adgangslog",
    ],
    Role.MANAGER: [
        "Klager",
        "Ledelsestilsyn",
        "Lovoverholdelse",
        "Nøgletal",
        "Indsatskatalog",
        "Adgangsændringer",
    ],
    Role.FINANCE: ["Nøgletal", "Indsatskatalog", "Takster og kontrakter"],
    Role.ADMIN: [
        "Indsatskatalog",
        "Takster og kontrakter",
        "Adgangslog",
        "Adgangsændringer",
        "Regler og frister",
        "Brevskabeloner",
        "Organisation og brugere",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_a_danish_start_page_with_its_navigation(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    labels = [str(item.label) for item in response.context["nav_items"]]
    assert labels == EXPECTED_NAV[role]
    html = response.content.decode()
    assert f"Goddag, {user.first_name}" in html
    assert '<html lang="da">' in html
    assert 'aria-label="Hovedmenu"' in html


@pytest.mark.django_db
def test_user_with_several_roles_gets_the_union_of_their_navigation(client):
    from boernesag.accounts.tests.factories import UserFactory

    user = UserFactory(roles=[Role.CASEWORKER, Role.INTAKE_COORDINATOR])
    client.force_login(user)
    labels = [str(i.label) for i in client.get("/").context["nav_items"]]
    assert labels == [
        "Mine sager",
        "Mine frister",
        "Modtagelse",
        "Udbakke",
        "Find barn",
        "Indsatskatalog",
    ]


@pytest.mark.django_db
def test_coming_soon_pages_respect_roles(client, make_user):
    client.force_login(make_user(Role.MANAGER))
    page = client.get("/kommer-snart/noegletal/")
    assert page.status_code == 200
    assert "Kommer snart" in page.content.decode()
    client.force_login(make_user(Role.CASEWORKER))
    assert client.get("/kommer-snart/noegletal/").status_code == 403
    assert client.get("/kommer-snart/indsatskatalog/").status_code == 404
    assert client.get("/kommer-snart/findes-ikke/").status_code == 404
    # real pages are never "coming soon"
    assert client.get("/kommer-snart/administration/").status_code == 404
    assert client.get("/kommer-snart/mine-sager/").status_code == 404
    assert client.get("/kommer-snart/mine-frister/").status_code == 404


def test_every_nav_item_has_a_unique_key_and_a_registered_permission():
    from boernesag.authz.registry import PERMISSIONS

    keys = [item.key for item in NAV_ITEMS]
    assert len(keys) == len(set(keys))
    assert all(item.perm in PERMISSIONS for item in NAV_ITEMS)


@pytest.mark.django_db
def test_unknown_url_gives_the_danish_404_page(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    response = client.get("/findes/ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden findes ikke" in html
    assert "Traceback" not in html and "urlpatterns" not in html


@pytest.mark.django_db
def test_anonymous_unknown_url_gets_the_danish_404_without_navigation(client):
    response = client.get("/findes/ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()
    assert response.context["nav_items"] == []


def test_500_page_is_danish_and_needs_no_database(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Der skete en fejl" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_a_danish_403(municipality):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/log-ind/", {"email": "a@b.dk", "password": "x"})
    assert response.status_code == 403
    assert "Formularen var udløbet" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_and_strict_csp(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_no_template_has_inline_script_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        if template.parts[-2:] == ("letters", "letter.html"):
            continue  # rendered to PDF by WeasyPrint, never served to a browser
        text = template.read_text()
        if inline_script.search(text) or "<style" in text or " style=" in text:
            offenders.append(str(template.relative_to(SRC)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{template.relative_to(SRC)} (event handler attribute)")
    assert offenders == []


@pytest.mark.django_db
def test_login_page_shows_the_municipality_name(client, municipality):
    html = client.get("/konto/log-ind/").content.decode()
    assert "Testkommune" in html
    assert 'class="skipnav" href="#main-content"' in html
    assert 'href="/indsatser/"' in html  # the public service level is one click away


TEAM_LEADER_QUERIES = 24


@pytest.mark.django_db
def test_start_page_query_count_is_fixed(client, make_user, django_assert_num_queries):
    from boernesag.accounts.services import role_grant, team_join
    from boernesag.accounts.tests.factories import UnitFactory

    user = make_user(Role.CASEWORKER)
    client.force_login(user)
    client.get("/")
    # session, user, municipality, role codes, role assignments, teams, and the session
    # save that renews the idle timeout (savepoint, update, release); the caseworker's
    # "Min uge": deadlines this week, deadlines later, meetings, hearings, statements, new
    # cases (web.front_pages; tests/test_front_pages.py grows the data)
    with django_assert_num_queries(15):
        client.get("/")
    unit = UnitFactory()
    role_grant(user=user, role=Role.TEAM_LEADER, unit=unit)
    team_join(user=user, team=unit)
    client.get("/")
    # the team leader's part: open cases, custody holders, overdue deadlines, caseworkers,
    # escalations, approvals (and the leader's scope)
    with django_assert_num_queries(TEAM_LEADER_QUERIES):
        client.get("/")
    for _ in range(4):
        unit = UnitFactory()
        role_grant(user=user, role=Role.TEAM_LEADER, unit=unit)
        team_join(user=user, team=unit)
    with django_assert_num_queries(TEAM_LEADER_QUERIES):
        client.get("/")
