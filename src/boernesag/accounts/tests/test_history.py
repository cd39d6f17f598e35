"""Change history (pghistory) on roles, team memberships, units, the municipality's
settings and users' rights (issue 9, item 3)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User


@pytest.mark.django_db
def test_role_membership_unit_and_municipality_changes_are_kept(make_user, municipality):
    user = make_user(Role.CASEWORKER)
    role = RoleAssignment.objects.get(user=user)
    RoleAssignment.objects.filter(pk=role.pk).update(role=Role.TEAM_LEADER)
    RoleAssignment.objects.filter(pk=role.pk).update(valid_to=date(2030, 1, 1))
    assert list(role.history.order_by("pgh_id").values_list("pgh_label", "role")) == [
        ("insert", "caseworker"),
        ("update", "team_leader"),
        ("update", "team_leader"),
    ]
    membership = TeamMembership.objects.get(user=user)
    TeamMembership.objects.filter(pk=membership.pk).delete()
    assert list(membership.history.values_list("pgh_label", flat=True).order_by("pgh_id")) == [
        "insert",
        "delete",
    ]
    unit = Unit.objects.exclude(parent=None).first()
    Unit.objects.filter(pk=unit.pk).update(name="Distrikt Syd")
    assert unit.history.latest("pgh_id").name == "Distrikt Syd"
    Municipality.objects.update(caseworkers_see_team_cases=False, second_factor_roles=["admin"])
    latest = municipality.history.latest("pgh_id")
    assert (latest.caseworkers_see_team_cases, latest.second_factor_roles) == (False, ["admin"])


@pytest.mark.django_db
def test_user_rights_are_tracked_but_never_the_password_or_logins(make_user, password):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    User.objects.filter(pk=user.pk).update(may_see_protected_addresses=True)
    events = user.history.count()
    Client().post("/konto/log-ind/", {"email": "mette@testkommune.dk", "password": password})
    user.set_password("Et-Helt-Nyt-Kodeord-2026")
    user.save(update_fields=["password"])
    assert user.history.count() == events  # last_login and password: no history rows
    assert user.history.latest("pgh_id").may_see_protected_addresses is True
    assert not hasattr(user.history.model, "password")
