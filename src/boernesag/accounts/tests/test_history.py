"""Change history (pghistory) on roles, team memberships, units, the municipality's
settings and users' rights; providers, rates and contracts (issue 9, item 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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


@pytest.mark.django_db
def test_providers_rates_and_contracts_are_tracked():
    from boernesag.catalogue.models import Contract, Provider, Rate, Service

    provider = Provider.objects.create(name="Familiehuset", kind="municipal")
    Provider.objects.filter(pk=provider.pk).update(name="Familiehuset Nord")
    assert [h.name for h in provider.history.order_by("pgh_id")] == [
        "Familiehuset",
        "Familiehuset Nord",
    ]
    service = Service.objects.create(key="familiebehandling")
    rate = Rate.objects.create(
        provider=provider,
        service=service,
        unit="hour",
        price=Decimal("650"),
        valid_from=date(2026, 1, 1),
    )
    Rate.objects.filter(pk=rate.pk).update(price=Decimal("700"))
    assert [h.price for h in rate.history.order_by("pgh_id")] == [Decimal("650"), Decimal("700")]
    contract = Contract.objects.create(
        provider=provider, title="Rammeaftale", starts_on=date(2026, 1, 1)
    )
    Contract.objects.filter(pk=contract.pk).update(ends_on=date(2027, 12, 31))
    assert contract.history.latest("pgh_id").ends_on == date(2027, 12, 31)
