"""The page "Adgangsændringer", and the Django admin closed to direct access changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, TeamMembership, Unit, User
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.rights.constants import AccessChangeStatus
from boernesag.rights.models import AccessChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(municipality):
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Kommunen", code="k")
    north = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="nord", parent=root)
    south = unit_create(kind=UnitKind.TEAM, name="Team Syd", code="syd", parent=root)
    o = type("Org", (), {})()
    o.root, o.north, o.south = root, north, south
    o.admin, o.admin2, o.worker = UserFactory(), UserFactory(), UserFactory()
    role_grant(user=o.admin, role=Role.ADMIN, unit=root)
    role_grant(user=o.admin2, role=Role.ADMIN, unit=root)
    role_grant(user=o.worker, role=Role.CASEWORKER, unit=north)
    team_join(user=o.worker, team=north)
    return o


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_request_then_another_administrator_confirms_through_the_pages(org):
    newcomer = UserFactory(first_name="Nikoline", last_name="Nyansat")
    first = client_for(org.admin)
    user_page = reverse("rights:user", args=[newcomer.pk])
    response = first.post(
        user_page,
        {
            "action": "grant",
            "grant-role": Role.CASEWORKER,
            "grant-unit": org.south.pk,
            "grant-reason": "Ny medarbejder i Team Syd",
        },
    )
    assert response.status_code == 302
    change = AccessChange.objects.get()
    assert change.is_pending and not RoleAssignment.objects.filter(user=newcomer).exists()

    listing = first.get(reverse("rights:changes")).content.decode()
    assert "Nikoline Nyansat" in listing and "Træk tilbage" in listing
    assert reverse("rights:confirm", args=[change.pk]) not in listing  # not her own

    # confirming her own request is refused even when posted directly
    assert (
        first.post(reverse("rights:confirm", args=[change.pk]), {"version": "1"}).status_code == 403
    )
    assert AccessChange.objects.get().is_pending

    second = client_for(org.admin2)
    listing = second.get(reverse("rights:changes")).content.decode()
    assert reverse("rights:confirm", args=[change.pk]) in listing
    response = second.post(reverse("rights:confirm", args=[change.pk]), {"version": "1"})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=newcomer).unit == org.south
    assert AccessChange.objects.get().status == AccessChangeStatus.APPLIED


def test_a_bad_request_keeps_what_was_typed_with_a_danish_message(org):
    page = reverse("rights:user", args=[org.worker.pk])
    response = client_for(org.admin).post(
        page,
        {
            "action": "grant",
            "grant-role": Role.CASEWORKER,
            "grant-unit": org.north.pk,
            "grant-reason": "Har den allerede",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "allerede denne rolle" in body and "Har den allerede" in body
    past = client_for(org.admin).post(
        page,
        {
            "action": "join",
            "join-team": org.south.pk,
            "join-valid_from": "2020-01-01",
            "join-reason": "Bagud i tiden",
        },
    )
    assert past.status_code == 400
    assert "Bagud i tiden" in past.content.decode()
    assert not AccessChange.objects.exists()


def test_a_revocation_on_the_page_takes_effect_at_once(org):
    assignment = RoleAssignment.objects.get(user=org.worker)
    response = client_for(org.admin).post(
        reverse("rights:user", args=[org.worker.pk]),
        {"action": "end", "end-target": f"role:{assignment.pk}", "end-reason": "Fratrådt"},
    )
    assert response.status_code == 302
    assert (
        not RoleAssignment.objects.active_on(timezone.localdate()).filter(user=org.worker).exists()
    )


def test_a_rejection_without_a_reason_is_refused_with_a_message(org):
    newcomer = UserFactory()
    client_for(org.admin).post(
        reverse("rights:user", args=[newcomer.pk]),
        {"action": "join", "join-team": org.north.pk, "join-reason": "Hjælper Team Nord"},
    )
    change = AccessChange.objects.get()
    response = client_for(org.admin2).post(
        reverse("rights:reject", args=[change.pk]), {"version": "1", "note": ""}, follow=True
    )
    assert "Skriv hvorfor" in response.content.decode()
    assert AccessChange.objects.get().is_pending


# --- the Django admin cannot bypass the services -----------------------------------------


def test_the_admin_cannot_give_roles_memberships_or_protected_addresses_directly(org):
    target = UserFactory(email="maalet@testkommune.dk")
    client = client_for(org.admin)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("rights:user", args=[target.pk]) in page.content.decode()
    today = timezone.localdate().isoformat()
    data = {
        "email": "maalet@testkommune.dk",
        "first_name": "Maja",
        "last_name": "Mål",
        "job_title": "",
        "is_active": "on",
        "may_see_protected_addresses": "on",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-role": Role.TEAM_LEADER,
        "role_assignments-0-unit": str(org.root.pk),
        "role_assignments-0-valid_from": today,
        "team_memberships-TOTAL_FORMS": "1",
        "team_memberships-INITIAL_FORMS": "0",
        "team_memberships-MIN_NUM_FORMS": "0",
        "team_memberships-MAX_NUM_FORMS": "1000",
        "team_memberships-0-team": str(org.north.pk),
        "team_memberships-0-valid_from": today,
    }
    client.post(url, data)
    # also for herself
    client.post(
        reverse("admin:accounts_user_change", args=[org.admin.pk]),
        {**data, "email": org.admin.email},
    )
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert not RoleAssignment.objects.filter(user=org.admin, role=Role.TEAM_LEADER).exists()
    assert not TeamMembership.objects.filter(user__in=[target, org.admin]).exists()
    assert not User.objects.filter(may_see_protected_addresses=True).exists()


def test_the_admin_cannot_move_a_unit_under_another_leader(org):
    client = client_for(org.admin)
    url = reverse("admin:accounts_unit_change", args=[org.south.pk])
    client.post(
        url,
        {
            "kind": UnitKind.TEAM,
            "name": "Team Syd",
            "code": "syd",
            "parent": str(org.north.pk),
            "is_active": "on",
        },
    )
    assert Unit.objects.get(pk=org.south.pk).parent == org.root


def test_the_admin_cannot_reactivate_a_user_directly(org):
    User.objects.filter(pk=org.worker.pk).update(is_active=False)
    client = client_for(org.admin)
    url = reverse("admin:accounts_user_change", args=[org.worker.pk])
    client.post(
        url,
        {
            "email": org.worker.email,
            "first_name": org.worker.first_name,
            "last_name": org.worker.last_name,
            "job_title": "",
            "is_active": "on",
        },
    )
    assert not User.objects.get(pk=org.worker.pk).is_active
    response = client.post(
        reverse("rights:user", args=[org.worker.pk]),
        {"action": "reactivate", "reactivate-reason": "Tilbage fra orlov"},
    )
    assert response.status_code == 302
    assert AccessChange.objects.get().kind == "user_reactivate"
    assert not User.objects.get(pk=org.worker.pk).is_active
