"""Separation of duties: every change of access through the services, with events; changes
that widen access wait for a second person; narrowing ones take effect at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, TeamMembership, User
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.cases.access import scope_for, scope_forget
from boernesag.events.models import Event
from boernesag.rights import services
from boernesag.rights.constants import AccessChangeStatus
from boernesag.rights.models import AccessChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(municipality):
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Kommunen", code="k")
    dept = unit_create(kind=UnitKind.DEPARTMENT, name="Børn og Familie", code="bf", parent=root)
    north = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="nord", parent=dept)
    south = unit_create(kind=UnitKind.TEAM, name="Team Syd", code="syd", parent=dept)

    def person(role=None, unit=None):
        user = UserFactory()
        if role:
            role_grant(user=user, role=role, unit=unit)
        return user

    class Org:
        pass

    o = Org()
    o.root, o.dept, o.north, o.south = root, dept, north, south
    o.admin = person(Role.ADMIN, root)
    o.admin2 = person(Role.ADMIN, root)
    o.manager = person(Role.MANAGER, dept)
    o.worker = person(Role.CASEWORKER, north)
    team_join(user=o.worker, team=north)
    o.newcomer = person()
    return o


def kinds(**filters) -> list[str]:
    return list(
        Event.objects.organisation().filter(**filters).order_by("id").values_list("kind", flat=True)
    )


def test_a_role_grant_waits_for_a_second_person_and_then_applies_with_events(org):
    change = services.role_grant_request(
        actor=org.admin,
        user=org.newcomer,
        role=Role.CASEWORKER,
        unit=org.north,
        reason="Ny medarbejder i Team Nord",
    )
    assert change.status == AccessChangeStatus.PENDING and change.widens
    assert not RoleAssignment.objects.filter(user=org.newcomer).exists()
    assert kinds() == ["access_change_requested"]
    requested = Event.objects.get(kind="access_change_requested")
    assert requested.actor_id == org.admin.pk
    assert requested.payload == {
        "change_kind": "role_grant",
        "user": org.newcomer.pk,
        "role": "caseworker",
        "unit": org.north.pk,
        "self_change": False,
    }

    services.access_change_confirm(actor=org.admin2, change=change)

    change.refresh_from_db()
    assert (change.status, change.decided_by) == (AccessChangeStatus.APPLIED, org.admin2)
    assignment = RoleAssignment.objects.get(user=org.newcomer)
    assert (assignment.role, assignment.unit, assignment.valid_from) == (
        Role.CASEWORKER,
        org.north,
        timezone.localdate(),
    )
    assert change.assignment == assignment
    assert kinds() == ["access_change_requested", "access_change_confirmed", "role_granted"]
    granted = Event.objects.get(kind="role_granted")
    assert granted.actor_id == org.admin2.pk
    assert granted.subject_id == assignment.pk
    assert granted.payload["change"] == change.pk
    assert org.newcomer.has_role(Role.CASEWORKER)


def test_the_requester_can_never_confirm_her_own_request(org):
    change = services.role_grant_request(
        actor=org.admin, user=org.newcomer, role=Role.CASEWORKER, unit=org.north, reason="Nyansat"
    )
    assert not org.admin.has_perm("rights.confirm_access_change", change)
    with pytest.raises(PermissionDenied):
        services.access_change_confirm(actor=org.admin, change=change)
    with pytest.raises(PermissionDenied):
        services.access_change_reject(actor=org.admin, change=change, note="Fortrudt igen")
    change.refresh_from_db()
    assert change.is_pending
    assert not RoleAssignment.objects.filter(user=org.newcomer).exists()


def test_an_administrator_cannot_widen_her_own_access_alone(org):
    """The attack of issue 9: the administrator makes herself team leader of the whole
    municipality. It waits; she cannot confirm it; neither can the one it is about when
    another administrator asked for it."""
    change = services.role_grant_request(
        actor=org.admin,
        user=org.admin,
        role=Role.TEAM_LEADER,
        unit=org.root,
        reason="Jeg vil se alt",
    )
    assert change.self_change
    assert Event.objects.get(kind="access_change_requested").payload["self_change"] is True
    with pytest.raises(PermissionDenied):
        services.access_change_confirm(actor=org.admin, change=change)
    scope_forget(org.admin)
    assert not scope_for(org.admin).led_unit_ids

    for_her = services.role_grant_request(
        actor=org.admin2, user=org.manager, role=Role.TEAM_LEADER, unit=org.root, reason="Leder"
    )
    with pytest.raises(PermissionDenied):
        services.access_change_confirm(actor=org.manager, change=for_her)
    # a leader (manager) who is neither asker nor subject may confirm
    services.access_change_confirm(actor=org.manager, change=change)
    del org.admin.role_codes
    assert org.admin.has_role(Role.TEAM_LEADER)


def test_the_database_refuses_a_self_decision_whatever_the_code_path(org):
    change = services.role_grant_request(
        actor=org.admin, user=org.newcomer, role=Role.FINANCE, unit=org.root, reason="Økonomi"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessChange.objects.filter(pk=change.pk).update(decided_by=org.admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessChange.objects.filter(pk=change.pk).update(decided_by=org.newcomer)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessChange.objects.filter(pk=change.pk).update(status=AccessChangeStatus.APPLIED)


def test_roles_without_the_permission_cannot_request_or_confirm(org):
    with pytest.raises(PermissionDenied):
        services.role_grant_request(
            actor=org.manager,
            user=org.newcomer,
            role=Role.CASEWORKER,
            unit=org.north,
            reason="xxxxx",
        )
    change = services.role_grant_request(
        actor=org.admin, user=org.newcomer, role=Role.CASEWORKER, unit=org.north, reason="Nyansat"
    )
    with pytest.raises(PermissionDenied):
        services.access_change_confirm(actor=org.worker, change=change)


def test_a_rejection_needs_a_reason_and_is_recorded(org):
    change = services.team_join_request(
        actor=org.admin, user=org.newcomer, team=org.south, reason="Hjælper Team Syd"
    )
    with pytest.raises(ValidationError):
        services.access_change_reject(actor=org.admin2, change=change, note=" ")
    services.access_change_reject(
        actor=org.admin2, change=change, note="Ikke aftalt med teamlederen"
    )
    change.refresh_from_db()
    assert change.status == AccessChangeStatus.REJECTED
    assert change.decision_note == "Ikke aftalt med teamlederen"
    assert not TeamMembership.objects.filter(user=org.newcomer).exists()
    rejected = Event.objects.get(kind="access_change_rejected")
    assert rejected.actor_id == org.admin2.pk
    assert "Ikke aftalt" not in str(rejected.payload)  # the reason stays on the row
    with pytest.raises(ValidationError):  # decided once
        services.access_change_confirm(actor=org.manager, change=change)


def test_a_team_join_applies_on_confirmation(org):
    change = services.team_join_request(
        actor=org.admin, user=org.worker, team=org.south, reason="Dækker for Team Syd"
    )
    assert not TeamMembership.objects.filter(user=org.worker, team=org.south).exists()
    services.access_change_confirm(actor=org.manager, change=change)
    assert (
        TeamMembership.objects.active_on(timezone.localdate())
        .filter(user=org.worker, team=org.south)
        .exists()
    )
    assert kinds(kind="team_joined") == ["team_joined"]


def test_a_revocation_takes_effect_at_once_without_a_second_person(org):
    assignment = RoleAssignment.objects.get(user=org.worker)
    scope_forget(org.worker)
    assert org.north.pk in scope_for(org.worker).team_ids
    change = services.role_end(actor=org.admin, assignment=assignment, reason="Fratrådt")
    assert (change.status, change.widens, change.decided_by) == (
        AccessChangeStatus.APPLIED,
        False,
        None,
    )
    assignment.refresh_from_db()
    assert assignment.valid_to == timezone.localdate() and assignment.ended_at is not None
    # gone now, not at midnight
    assert (
        not RoleAssignment.objects.active_on(timezone.localdate()).filter(user=org.worker).exists()
    )
    scope_forget(org.worker)
    assert not scope_for(org.worker).team_ids
    # but the record says she held it today (who could see the child today)
    assert RoleAssignment.objects.held_on(timezone.localdate()).filter(user=org.worker).exists()
    revoked = Event.objects.get(kind="role_revoked")
    assert revoked.actor_id == org.admin.pk
    assert revoked.payload["valid_to"] == timezone.localdate().isoformat()

    membership = TeamMembership.objects.get(user=org.worker)
    services.team_leave(actor=org.admin, membership=membership, reason="Fratrådt")
    assert (
        not TeamMembership.objects.active_on(timezone.localdate()).filter(user=org.worker).exists()
    )
    assert kinds(kind="team_left") == ["team_left"]


def test_a_later_end_date_keeps_the_role_until_then(org):
    assignment = RoleAssignment.objects.get(user=org.worker)
    last_day = timezone.localdate() + timedelta(days=10)
    services.role_end(actor=org.admin, assignment=assignment, reason="Orlov", valid_to=last_day)
    assert RoleAssignment.objects.active_on(last_day).filter(user=org.worker).exists()
    assert (
        not RoleAssignment.objects.active_on(last_day + timedelta(days=1))
        .filter(user=org.worker)
        .exists()
    )


def test_dates_are_never_put_in_the_past(org):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError):
        services.role_grant_request(
            actor=org.admin,
            user=org.newcomer,
            role=Role.CASEWORKER,
            unit=org.north,
            reason="Bagud",
            valid_from=yesterday,
        )
    with pytest.raises(ValidationError):
        services.role_end(
            actor=org.admin,
            assignment=RoleAssignment.objects.get(user=org.worker),
            reason="Bagud",
            valid_to=yesterday,
        )


def test_moving_a_role_down_narrows_at_once_and_up_widens_and_waits(org):
    leader = UserFactory()
    role_grant(user=leader, role=Role.TEAM_LEADER, unit=org.dept)
    assignment = RoleAssignment.objects.get(user=leader)
    down = services.role_move_request(
        actor=org.admin, assignment=assignment, unit=org.north, reason="Leder kun Nord nu"
    )
    assert down.status == AccessChangeStatus.APPLIED and not down.widens
    current = RoleAssignment.objects.active_on(timezone.localdate()).get(user=leader)
    assert current.unit == org.north
    assert kinds(kind__in=["role_revoked", "role_granted"]) == ["role_revoked", "role_granted"]

    up = services.role_move_request(
        actor=org.admin, assignment=current, unit=org.root, reason="Hele kommunen"
    )
    assert up.is_pending and up.widens
    assert RoleAssignment.objects.active_on(timezone.localdate()).get(user=leader).unit == org.north
    services.access_change_confirm(actor=org.admin2, change=up)
    assert RoleAssignment.objects.active_on(timezone.localdate()).get(user=leader).unit == org.root


def test_protected_addresses_widen_with_four_eyes_and_narrow_at_once(org):
    change = services.protected_addresses_request(
        actor=org.admin, user=org.worker, allowed=True, reason="Har sager med beskyttede børn"
    )
    assert change.is_pending
    assert not User.objects.get(pk=org.worker.pk).may_see_protected_addresses
    services.access_change_confirm(actor=org.admin2, change=change)
    assert User.objects.get(pk=org.worker.pk).may_see_protected_addresses
    org.worker.refresh_from_db()
    services.protected_addresses_request(
        actor=org.admin, user=org.worker, allowed=False, reason="Skiftet opgaver"
    )
    assert not User.objects.get(pk=org.worker.pk).may_see_protected_addresses
    assert [
        e.payload["allowed"]
        for e in Event.objects.filter(kind="protected_address_access_changed").order_by("id")
    ] == [True, False]


def test_the_same_change_cannot_wait_twice_and_can_be_withdrawn(org):
    services.role_grant_request(
        actor=org.admin, user=org.newcomer, role=Role.CASEWORKER, unit=org.north, reason="Nyansat"
    )
    with pytest.raises(ValidationError, match="venter allerede"):
        services.role_grant_request(
            actor=org.admin,
            user=org.newcomer,
            role=Role.CASEWORKER,
            unit=org.north,
            reason="Nyansat igen",
        )
    change = AccessChange.objects.get()
    with pytest.raises(PermissionDenied):
        services.access_change_withdraw(actor=org.admin2, change=change)
    services.access_change_withdraw(actor=org.admin, change=change)
    change.refresh_from_db()
    assert change.status == AccessChangeStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.access_change_confirm(actor=org.admin2, change=change)


def test_a_stale_page_is_told_about_the_conflict(org):
    change = services.role_grant_request(
        actor=org.admin, user=org.newcomer, role=Role.CASEWORKER, unit=org.north, reason="Nyansat"
    )
    with pytest.raises(services.ConflictError):
        services.access_change_confirm(
            actor=org.admin2, change=change, expected_version=change.version + 1
        )


def test_reactivating_a_user_waits_for_a_second_person(org):
    User.objects.filter(pk=org.worker.pk).update(is_active=False)
    org.worker.refresh_from_db()
    change = services.user_reactivate_request(
        actor=org.admin, user=org.worker, reason="Tilbage fra orlov"
    )
    assert change.is_pending
    assert not User.objects.get(pk=org.worker.pk).is_active
    with pytest.raises(PermissionDenied):
        services.access_change_confirm(actor=org.admin, change=change)
    services.access_change_confirm(actor=org.admin2, change=change)
    assert User.objects.get(pk=org.worker.pk).is_active
    assert kinds(kind="user_reactivated") == ["user_reactivated"]


def test_a_move_keeps_a_last_day_set_before(org):
    """A move down takes effect at once without a second person: were the planned last day
    dropped, a role set to end would go on, by one administrator alone."""
    today = timezone.localdate()
    leader = UserFactory()
    role_grant(user=leader, role=Role.TEAM_LEADER, unit=org.dept)
    last_day = today + timedelta(days=10)
    services.role_end(
        actor=org.admin2,
        assignment=RoleAssignment.objects.get(user=leader),
        reason="Fratræder",
        valid_to=last_day,
    )
    services.role_move_request(
        actor=org.admin,
        assignment=RoleAssignment.objects.get(user=leader),
        unit=org.north,
        reason="Leder kun Nord til sidst",
    )
    current = RoleAssignment.objects.active_on(today).get(user=leader)
    assert (current.unit, current.valid_to) == (org.north, last_day)
    assert (
        not RoleAssignment.objects.active_on(last_day + timedelta(days=1))
        .filter(user=leader)
        .exists()
    )
    assert Event.objects.get(kind="role_granted").payload["user"] == leader.pk


def test_a_move_waiting_cannot_bring_back_a_role_ended_meanwhile(org):
    leader = UserFactory()
    role_grant(user=leader, role=Role.TEAM_LEADER, unit=org.dept)
    assignment = RoleAssignment.objects.get(user=leader)
    up = services.role_move_request(
        actor=org.admin, assignment=assignment, unit=org.root, reason="Hele kommunen"
    )
    services.role_end(actor=org.admin, assignment=assignment, reason="Fratrådt")
    ended_at = RoleAssignment.objects.get(pk=assignment.pk).ended_at
    with pytest.raises(ValidationError, match="ophørt"):
        services.access_change_confirm(actor=org.admin2, change=up)
    assert not RoleAssignment.objects.active_on(timezone.localdate()).filter(user=leader).exists()
    assert RoleAssignment.objects.get(pk=assignment.pk).ended_at == ended_at
    assert AccessChange.objects.get(pk=up.pk).is_pending
    assert not kinds(kind="role_granted")
