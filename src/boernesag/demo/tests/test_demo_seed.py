from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

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
    first_casework = casework_counts()
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
    assert casework_counts() == first_casework


def casework_counts():
    from boernesag.cases.models import Case, CaseEvent, Consent, JournalEntry, Meeting
    from boernesag.persons.models import Person

    return [M.objects.count() for M in (Person, Case, CaseEvent, JournalEntry, Meeting, Consent)]


@pytest.mark.django_db
def test_demo_casework_is_realistic_and_consistent_with_its_events():
    from boernesag.cases.constants import PHASE_AFTER_EVENT
    from boernesag.cases.events import phase_from_events
    from boernesag.cases.models import Case
    from boernesag.persons.models import Person

    call_command("demo_seed", stdout=StringIO())
    children = Person.objects.filter(cases__isnull=False).distinct().count()
    all_children = Person.objects.filter(relations__isnull=False).distinct().count()
    assert all_children >= 150
    assert 100 <= Case.objects.count() <= 140
    assert children == Case.objects.values("child").distinct().count()
    assert Person.objects.filter(cpr_is_test=False).count() == 0
    phases = set(Case.objects.values_list("phase", flat=True))
    assert len(phases) >= 5  # a realistic spread over the process
    assert Case.objects.filter(closed_at__isnull=False).exists()
    for case in Case.objects.all():
        latest = case.events.order_by("-occurred_at", "-id").first()
        assert case.last_activity_at == latest.occurred_at
        assert case.phase == phase_from_events(case)
        assert case.events.filter(kind__in=list(PHASE_AFTER_EVENT)).exists()
        if case.opened_at < timezone.now() - timedelta(days=1):  # not the live intake queue
            assert case.journal_entries.exists()
    # the intake queue has something to do, and every demo case has its report
    from boernesag.intake.models import IntakeChild

    assert IntakeChild.objects.filter(assessed_at__isnull=True).count() >= 5
    assert IntakeChild.objects.filter(child__isnull=True).exists()  # an unknown child
    assert IntakeChild.objects.filter(item__reasons__contains=["violence"]).exists()
    assert not Case.objects.exclude(intake_reports__isnull=False).exists()


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
