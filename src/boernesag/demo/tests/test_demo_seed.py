from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User
from boernesag.demo.data import DEMO_PASSWORD

README = Path(__file__).resolve().parents[4] / "README.md"


def counts():
    return [
        Model.objects.count()
        for Model in (Municipality, Unit, User, RoleAssignment, TeamMembership)
    ]


@pytest.mark.django_db
def test_demo_seed_builds_demo_kommune_and_is_idempotent():
    out = StringIO()
    call_command("demo_seed", stdout=out)
    first = counts()
    assert Municipality.objects.get().name == "Demo Kommune"
    assert User.objects.count() >= 20
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    team_names = set(Unit.objects.filter(kind="team").values_list("name", flat=True))
    assert {"Modtagelsen", "Distrikt Nord", "Distrikt Syd", "Distrikt Vest"} <= team_names
    assert {"Ungeteamet", "Handicapteamet"} <= team_names
    assert "mette.hansen@demo-kommune.dk" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()

    call_command("demo_seed", stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_municipality_alone(municipality):
    out = StringIO()
    call_command("demo_seed", "--if-empty", stdout=out)
    assert User.objects.count() == 0
    assert "allerede" in out.getvalue()


@pytest.mark.django_db
def test_every_demo_user_can_log_in_with_the_documented_password(client):
    call_command("demo_seed", stdout=StringIO())
    assert DEMO_PASSWORD in README.read_text()
    for user in User.objects.all():
        assert client.login(email=user.email, password=DEMO_PASSWORD), user.email
        client.logout()
