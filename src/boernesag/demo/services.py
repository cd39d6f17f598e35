"""Creating Demo Kommune. Idempotent: running it again changes nothing."""

from __future__ import annotations

from django.db import transaction

from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership, Unit, User
from boernesag.demo import data


@transaction.atomic
def demo_organisation_seed() -> dict[str, int]:
    """Create the municipality, its units and staff; return how many rows were created."""
    created = {"municipality": 0, "units": 0, "users": 0, "roles": 0, "memberships": 0}
    if not Municipality.objects.exists():
        Municipality.objects.create(**data.MUNICIPALITY)
        created["municipality"] += 1

    units: dict[str, Unit] = {}
    for code, name, kind, parent_code in data.UNITS:
        unit, was_created = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units[parent_code] if parent_code else None,
            },
        )
        units[code] = unit
        created["units"] += was_created

    for local, first, last, title, roles, teams in data.USERS:
        email = data.email_for(local)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, data.DEMO_PASSWORD, first_name=first, last_name=last, job_title=title
            )
            created["users"] += 1
        for role, unit_code in roles:
            _, was_created = RoleAssignment.objects.get_or_create(
                user=user, role=role, unit=units[unit_code], valid_from=data.DEMO_SINCE
            )
            created["roles"] += was_created
        for team_code in teams:
            _, was_created = TeamMembership.objects.get_or_create(
                user=user, team=units[team_code], valid_from=data.DEMO_SINCE
            )
            created["memberships"] += was_created
    return created


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, name, e-mail) for every demo user, in the order of data.USERS."""
    from boernesag.accounts.constants import Role

    rows = []
    for local, first, last, _title, roles, _teams in data.USERS:
        labels = ", ".join(str(Role(role).label) for role, _ in roles)
        rows.append((labels, f"{first} {last}", data.email_for(local)))
    return rows


DEMO_CHILDREN = 150


def demo_casework_seed() -> dict[str, int]:
    """Children, families and case histories – once. Idempotent: if demo children exist,
    nothing is added."""
    from boernesag.demo.casework import generate
    from boernesag.persons.models import Person

    if Person.objects.filter(cpr_is_test=True).exists():
        return {}
    counts = generate(children=DEMO_CHILDREN, through_services=True)
    from boernesag.demo.intake import demo_intake_seed

    counts.update(demo_intake_seed())
    from boernesag.demo.people import demo_people_seed

    counts.update(demo_people_seed())
    from boernesag.demo.networkmap import demo_network_map_seed

    counts.update(demo_network_map_seed())
    from boernesag.demo.assessments import demo_assessments_seed

    counts.update(demo_assessments_seed())
    return counts


def demo_catalogue() -> dict[str, int]:
    from boernesag.demo.catalogue import demo_catalogue_seed

    return demo_catalogue_seed()


def demo_decisions() -> dict[str, int]:
    from boernesag.demo.decisions import demo_decisions_seed

    return demo_decisions_seed()


CHILDREN_PER_CASEWORKER = 35
SCALE_TEAMS = [
    "distrikt-nord",
    "distrikt-syd",
    "distrikt-vest",
    "ungeteamet",
    "handicapteamet",
    "modtagelsen",
]


@transaction.atomic
def staff_scale(*, children: int) -> int:
    """Add caseworkers so that a generated municipality has a realistic caseload
    (about CHILDREN_PER_CASEWORKER children each). They share the demo password."""
    from boernesag.accounts.constants import Role

    wanted = children // CHILDREN_PER_CASEWORKER
    existing = RoleAssignment.objects.filter(role=Role.CASEWORKER).count()
    missing = max(wanted - existing, 0)
    if not missing:
        return 0
    teams = {u.code: u for u in Unit.objects.filter(code__in=SCALE_TEAMS)}
    hashed = User.objects.get(email=data.email_for("mette.hansen")).password
    start = User.objects.filter(email__startswith="raadgiver").count()
    users = User.objects.bulk_create(
        [
            User(
                email=f"raadgiver{start + i}@{data.DEMO_DOMAIN}",
                first_name="Rådgiver",
                last_name=str(start + i),
                job_title="Socialrådgiver",
                password=hashed,
            )
            for i in range(missing)
        ]
    )
    codes = [SCALE_TEAMS[i % len(SCALE_TEAMS)] for i in range(missing)]
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, role=Role.CASEWORKER, unit=teams[c], valid_from=data.DEMO_SINCE)
            for u, c in zip(users, codes, strict=True)
        ]
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(user=u, team=teams[c], valid_from=data.DEMO_SINCE)
            for u, c in zip(users, codes, strict=True)
        ]
    )
    return missing
