"""The Django admin cannot be used to take over another user's access (issue 9 item 3).

Setting the password of a colleague who holds roles would let an administrator log in as
that colleague - a team leader, say - read the team's cases and confirm her own pending
access requests as the "second person". The admin sets passwords only for users who hold
no access yet (a new user before a role is confirmed) and for herself.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.authz.models import RefusedAccess
from boernesag.rights import services

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ny-hemmelig-adgangskode-2026!"


@pytest.fixture
def org(municipality):
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Kommunen", code="k")
    north = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="nord", parent=root)
    o = type("Org", (), {})()
    o.root, o.north = root, north
    o.admin, o.leader, o.worker = UserFactory(), UserFactory(), UserFactory()
    role_grant(user=o.admin, role=Role.ADMIN, unit=root)
    role_grant(user=o.leader, role=Role.TEAM_LEADER, unit=root)
    role_grant(user=o.worker, role=Role.CASEWORKER, unit=north)
    team_join(user=o.worker, team=north)
    return o


def _set_password(client, user):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def _admin(org) -> Client:
    client = Client()
    client.force_login(org.admin)
    return client


@pytest.mark.parametrize("who", ["leader", "worker"])
def test_the_admin_cannot_set_the_password_of_a_user_who_has_access(org, who):
    target = getattr(org, who)
    before = target.password
    client = _admin(org)
    page = client.get(reverse("admin:auth_user_password_change", args=[target.pk]))
    assert page.status_code == 403
    assert "kan ikke sætte adgangskoden for en anden bruger" in page.content.decode()
    response = _set_password(client, target)
    assert response.status_code == 403
    assert RefusedAccess.objects.filter(user=org.admin, method="POST").count() == 1
    target.refresh_from_db()
    assert target.password == before
    assert not target.check_password(NEW_PASSWORD)
    assert not Client().login(email=target.email, password=NEW_PASSWORD)


def test_a_user_with_only_a_protected_address_right_is_protected_too(org):
    target = UserFactory()
    target.may_see_protected_addresses = True
    target.save(update_fields=["may_see_protected_addresses"])
    assert _set_password(_admin(org), target).status_code == 403
    target.refresh_from_db()
    assert not target.check_password(NEW_PASSWORD)


def test_a_pending_request_for_the_user_blocks_it_too(org):
    """Else: set the newcomer's password, ask for a role for him, let it be confirmed."""
    newcomer = UserFactory()
    other_admin = UserFactory()
    role_grant(user=other_admin, role=Role.ADMIN, unit=org.root)
    services.role_grant_request(
        actor=other_admin,
        user=newcomer,
        role=Role.CASEWORKER,
        unit=org.north,
        reason="Ny medarbejder",
    )
    assert _set_password(_admin(org), newcomer).status_code == 403
    newcomer.refresh_from_db()
    assert not newcomer.check_password(NEW_PASSWORD)


def test_the_admin_sets_the_password_of_a_new_user_without_access(org):
    newcomer = UserFactory()
    response = _set_password(_admin(org), newcomer)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)


def test_the_admin_changes_her_own_password(org):
    response = _set_password(_admin(org), org.admin)
    assert response.status_code == 302
    org.admin.refresh_from_db()
    assert org.admin.check_password(NEW_PASSWORD)


def test_the_change_page_tells_why_and_what_to_do(org):
    client = _admin(org)
    locked = client.get(reverse("admin:accounts_user_change", args=[org.leader.pk]))
    assert locked.status_code == 200
    text = locked.content.decode()
    assert "kan ikke sætte adgangskoden for en anden bruger" in text
    assert "../password/" not in text
    newcomer = UserFactory()
    open_ = client.get(reverse("admin:accounts_user_change", args=[newcomer.pk])).content
    assert "../password/" in open_.decode()
