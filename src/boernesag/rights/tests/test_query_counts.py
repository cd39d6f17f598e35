"""The access-change pages and "who could see" answer with a fixed number of queries however
many changes, users, roles, cases and grants there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.audit.models import AccessGrant, GrantKind
from boernesag.cases import services as case_services
from boernesag.cases.tests.factories import child as make_child
from boernesag.rights import services

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pages_do_not_grow_with_the_data(municipality):
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Kommunen", code="k")
    admin, admin2 = UserFactory(), UserFactory()
    role_grant(user=admin, role=Role.ADMIN, unit=root)
    role_grant(user=admin2, role=Role.ADMIN, unit=root)
    kid = make_child()
    teams = []

    def grow(n: int) -> None:
        for _ in range(n):
            team = unit_create(
                kind=UnitKind.TEAM, name=f"Team {len(teams)}", code=f"t{len(teams)}", parent=root
            )
            teams.append(team)
            worker = UserFactory()
            role_grant(user=worker, role=Role.CASEWORKER, unit=team)
            team_join(user=worker, team=team)
            leader = UserFactory()
            role_grant(user=leader, role=Role.TEAM_LEADER, unit=team)
            newcomer = UserFactory()
            pending = services.role_grant_request(
                actor=admin, user=newcomer, role=Role.CASEWORKER, unit=team, reason="Nyansat"
            )
            decided = services.team_join_request(
                actor=admin2, user=newcomer, team=team, reason="Hjælper teamet"
            )
            services.access_change_confirm(actor=admin, change=decided)
            assert pending.is_pending
            open_case = kid.cases.filter(closed_at__isnull=True).first()
            if open_case is None:
                case_services.case_open(child=kid, caseworker=worker, team=team, opened_by=worker)
            else:
                case_services.case_reassign(
                    case=open_case,
                    caseworker=worker,
                    team=team,
                    by=leader,
                    reason="Flyttet",
                    expected_version=None,
                )
            now = timezone.now()
            AccessGrant.objects.create(
                user=worker,
                child=kid,
                reason="Skolemøde",
                kind=GrantKind.INFORMATION,
                granted_at=now - timedelta(hours=1),
                expires_at=now + timedelta(hours=1),
            )

    client = Client()
    client.force_login(admin2)
    urls = [
        reverse("rights:changes"),
        reverse("rights:user", args=[admin.pk]),
        reverse("rights:who_could_see", args=[kid.pk]),
    ]
    grow(2)
    small = [count(client, url) for url in urls]
    grow(6)
    large = [count(client, url) for url in urls]
    assert large == small
