"""Demo access changes (separation of duties): one request waiting for a second person, and
two decided ones — through ``boernesag.rights.services``, so the events are written."""

from __future__ import annotations

from django.db import transaction

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Unit, User
from boernesag.demo import data
from boernesag.rights import services
from boernesag.rights.models import AccessChange


def _user(local: str) -> User | None:
    return User.objects.filter(email=data.email_for(local)).first()


@transaction.atomic
def demo_access_changes_seed() -> dict[str, int]:
    """Idempotent: nothing is added when any access change exists."""
    if AccessChange.objects.exists():
        return {}
    kirsten, anders = _user("kirsten.madsen"), _user("anders.holm")
    signe, mikkel = _user("signe.bach"), _user("mikkel.krogh")
    whole = Unit.objects.filter(code="demo-kommune").first()
    north = Unit.objects.filter(code="distrikt-nord").first()
    if None in (kirsten, anders, signe, mikkel, whole, north):
        return {}
    # the attack of issue 9, stopped: an administrator asks to lead the whole municipality;
    # the other administrator rejects it
    own = services.role_grant_request(
        actor=kirsten,
        user=kirsten,
        role=Role.TEAM_LEADER,
        unit=whole,
        reason="Vil kunne se alle sager ved supportopgaver",
    )
    services.access_change_reject(
        actor=anders,
        change=own,
        note="Administratorer skal ikke se sagsindhold; support sker uden adgang til sager.",
    )
    # applied: protected addresses for a caseworker, asked by Anders, confirmed by Kirsten
    protected = services.protected_addresses_request(
        actor=anders,
        user=mikkel,
        allowed=True,
        reason="Har to sager med navne- og adressebeskyttelse",
    )
    services.access_change_confirm(actor=kirsten, change=protected)
    # waiting: Kirsten asks for Signe to help Distrikt Nord; Anders, Susanne Brandt or Jens
    # Mortensen (leaders) can confirm it — Kirsten cannot
    services.team_join_request(
        actor=kirsten,
        user=signe,
        team=north,
        reason="Dækker for Distrikt Nord i sommerferien",
    )
    return {"access_changes": AccessChange.objects.count()}
