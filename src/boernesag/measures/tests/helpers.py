"""A case with a made plan and granted decisions to start measures from, built through the
real services (``cases.tests.factories.build_world``, ``decisions.tests.helpers``)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from boernesag.decisions import services as decisions
from boernesag.decisions.models import Decision
from boernesag.decisions.tests.helpers import complete, decide
from boernesag.measures import services


def granted(w, cat, *, on: date | None = None, by=None, **overrides) -> Decision:
    """A support grant (4 h a week at 500 kr./h unless overridden) decided by the
    caseworker; ``on`` backdates the decision (for measures under an older law)."""
    by = by or w.caseworker
    decision = decisions.decision_create(case=w.case, by=by, **complete(cat, **overrides))
    decision = decide(decision, by)
    if on is not None:
        Decision.objects.filter(pk=decision.pk).update(
            decided_at=timezone.make_aware(datetime.combine(on, time(9, 0)))
        )
        decision.refresh_from_db()
    return decision


def start(w, decision, *, starts_on=None, volume=4, unit="hours_per_week", **kw):
    return services.measure_start(
        case=w.case,
        decision=decision,
        by=w.caseworker,
        starts_on=starts_on or timezone.localdate(),
        volume=Decimal(volume),
        volume_unit=unit,
        **kw,
    ).measure


def approved(w, decision):
    """The team leader approves a decision above the caseworker's authority."""
    decision.refresh_from_db()
    decisions.decision_approve(
        decision=decision, by=w.leader_a, approved=True, reasons="Indsatsen er nødvendig."
    )
    decision.refresh_from_db()
    return decision


def placement_granted(w, cat, **overrides):
    """A placement with consent (Barnets Lov § 46) at 2.500 kr. a day, approved by the team
    leader (above the caseworker's authority), with the custody holder's consent."""
    from boernesag.cases.services import consent_record
    from boernesag.persons.constants import RelationKind

    parent = w.case.child.relations.filter(kind=RelationKind.CUSTODY_HOLDER).first()
    consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=parent.person,
        scope="placement",
        form="written",
        given_on=timezone.localdate(),
    )
    fields = dict(
        kind="placement_with_consent",
        service=cat.placement,
        hours_per_week=None,
        duration_weeks=52,
        legal_sections=[cat.s46],
    )
    fields.update(overrides)
    return approved(w, granted(w, cat, **fields))
