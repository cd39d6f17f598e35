from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from boernesag.accounts import services
from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, Unit, User
from boernesag.accounts.tests.factories import UnitFactory, UserFactory


@pytest.mark.django_db
def test_unit_tree_has_the_municipality_on_top():
    root = services.unit_create(kind=UnitKind.MUNICIPALITY, name="Kommune", code="k")
    dept = services.unit_create(kind=UnitKind.DEPARTMENT, name="Børn", code="b", parent=root)
    team = services.unit_create(kind=UnitKind.TEAM, name="Nord", code="n", parent=dept)
    assert list(root.children.all()) == [dept]
    assert team.parent.parent == root
    with pytest.raises(IntegrityError):
        Unit.objects.create(kind=UnitKind.TEAM, name="Løs", code="loes", parent=None)


@pytest.mark.django_db
def test_roles_count_only_inside_their_period():
    user = UserFactory()
    team = UnitFactory()
    today = timezone.localdate()
    RoleAssignment.objects.create(
        user=user,
        role=Role.TEAM_LEADER,
        unit=team,
        valid_from=today - timedelta(days=30),
        valid_to=today - timedelta(days=1),
    )
    RoleAssignment.objects.create(user=user, role=Role.CASEWORKER, unit=team, valid_from=today)
    RoleAssignment.objects.create(
        user=user, role=Role.ADMIN, unit=team, valid_from=today + timedelta(days=1)
    )
    fresh = User.objects.get(pk=user.pk)
    assert fresh.role_codes == {Role.CASEWORKER}
    assert fresh.has_role(Role.CASEWORKER)
    assert not fresh.has_role(Role.TEAM_LEADER, Role.ADMIN)


@pytest.mark.django_db
def test_a_user_may_hold_several_roles_in_several_units():
    user = UserFactory(roles=[Role.CASEWORKER, Role.INTAKE_COORDINATOR])
    services.role_grant(user=user, role=Role.TEAM_LEADER, unit=UnitFactory())
    assert User.objects.get(pk=user.pk).role_codes == {
        Role.CASEWORKER,
        Role.INTAKE_COORDINATOR,
        Role.TEAM_LEADER,
    }


@pytest.mark.django_db
def test_inactive_users_hold_no_roles():
    user = UserFactory(roles=[Role.ADMIN], is_active=False)
    assert not user.has_role(Role.ADMIN)


@pytest.mark.django_db
def test_email_is_stored_lower_case():
    user = services.user_create(
        email="Mette.Hansen@Kommune.DK", first_name="Mette", last_name="Hansen", password=None
    )
    assert user.email == "mette.hansen@kommune.dk"
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(email="Mette@Kommune.dk")


@pytest.mark.django_db
def test_team_membership_only_for_teams():
    dept = UnitFactory(kind=UnitKind.DEPARTMENT)
    with pytest.raises(ValueError):
        services.team_join(user=UserFactory(), team=dept)


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    call_command(
        "createsuperuser",
        interactive=False,
        email="admin@kommune.dk",
        first_name="Ada",
        last_name="Admin",
        verbosity=0,
    )
    assert User.objects.get(email="admin@kommune.dk").has_role(Role.ADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.CASEWORKER, Role.INTAKE_COORDINATOR, Role.TEAM_LEADER, Role.MANAGER, Role.FINANCE],
)
def test_only_administrators_reach_the_admin_screens(client, make_user, role, municipality):
    client.force_login(make_user(role))
    response = client.get("/administration/")
    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()
    assert client.get("/administration/accounts/user/").status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/administration/", follow=True)
    assert response.redirect_chain[-1][0] == "/konto/log-ind/?next=%2Fadministration%2F"


@pytest.mark.django_db
def test_administrator_manages_units_and_users_in_danish(make_user, municipality):
    admin = make_user(Role.ADMIN)
    client = Client()
    client.force_login(admin)
    index = client.get("/administration/").content.decode()
    assert "Organisation og brugere" in index
    assert "Enheder" in index
    team = UnitFactory(name="Distrikt Øst")
    response = client.post(
        "/administration/accounts/user/add/",
        {
            "email": "Ny.Raadgiver@testkommune.dk",
            "first_name": "Ny",
            "last_name": "Rådgiver",
            "job_title": "Socialrådgiver",
            "usable_password": "true",
            "password1": "kort",
            "password2": "kort",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "team_memberships-TOTAL_FORMS": "0",
            "team_memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Denne adgangskode er for kort" in response.content.decode()
    assert not User.objects.filter(email="ny.raadgiver@testkommune.dk").exists()

    response = client.post(
        "/administration/accounts/user/add/",
        {
            "email": "ny.raadgiver@testkommune.dk",
            "first_name": "Ny",
            "last_name": "Rådgiver",
            "job_title": "Socialrådgiver",
            "usable_password": "true",
            "password1": "Sikker-Adgang-2026!",
            "password2": "Sikker-Adgang-2026!",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.CASEWORKER,
            "role_assignments-0-unit": team.pk,
            "role_assignments-0-valid_from": timezone.localdate().isoformat(),
            "team_memberships-TOTAL_FORMS": "1",
            "team_memberships-INITIAL_FORMS": "0",
            "team_memberships-0-team": team.pk,
            "team_memberships-0-valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(email="ny.raadgiver@testkommune.dk")
    assert created.check_password("Sikker-Adgang-2026!")
    # Roles and teams are not given here: the admin shows them read-only, and the posted
    # rows are ignored. They are asked for under "Adgangsændringer" (four eyes, rights app).
    assert not created.role_assignments.exists()
    assert not created.team_memberships.exists()
    change_page = client.get(response["Location"]).content.decode()
    assert f"/adgangsaendringer/bruger/{created.pk}/" in change_page
