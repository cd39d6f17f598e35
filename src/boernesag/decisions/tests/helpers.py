"""A catalogue to decide from and complete decisions, built through the real services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from boernesag.catalogue import services as catalogue
from boernesag.catalogue.models import LegalSection
from boernesag.decisions import services


def build_catalogue(admin) -> SimpleNamespace:
    """One approved service (2–10 hours a week, 4–52 weeks) delivered by a provider at 500
    kr. an hour, a placement service at 2.500 kr. a day, and the legal sections — and the
    starting authority matrix, which a database emptied between browser tests has lost."""
    from boernesag.decisions import authority

    authority.defaults_ensure()
    start = date(2024, 1, 1)
    s32 = LegalSection.objects.create(
        law="BL", paragraph="§ 32", stk="1", nr="3", title="Familiebehandling", valid_from=start
    )
    s46 = LegalSection.objects.create(
        law="BL", paragraph="§ 46", title="Anbringelse med samtykke", valid_from=start
    )
    s47 = LegalSection.objects.create(
        law="BL", paragraph="§ 47", title="Anbringelse uden samtykke", valid_from=start
    )

    def approved(name, **frame):
        version = catalogue.service_create(by=admin, name=name, purpose="Trivsel", **frame)
        catalogue.version_submit(version=version, by=admin)
        catalogue.version_approve(
            version=version, by=admin, approved_on=start, body="Børne- og Ungeudvalget"
        )
        return version.service

    family = approved("Familiebehandling", min_hours=2, max_hours=10, min_weeks=4, max_weeks=52)
    placement = approved("Anbringelse i plejefamilie")
    provider = catalogue.provider_create(
        name="Familiecentret", kind="municipal", services=[family, placement]
    )
    catalogue.rate_add(
        provider=provider, service=family, unit="hour", price=Decimal(500), valid_from=start
    )
    catalogue.rate_add(
        provider=provider, service=placement, unit="day", price=Decimal(2500), valid_from=start
    )
    return SimpleNamespace(
        family=family, placement=placement, provider=provider, s32=s32, s46=s46, s47=s47
    )


def complete(cat, **overrides) -> dict:
    """The fields of a complete support grant within the caseworker's authority (4 hours a
    week × 500 kr. × 52 = 104.000 kr. a year)."""
    fields = dict(
        kind="support",
        outcome="grant",
        service=cat.family,
        provider=cat.provider,
        hours_per_week=4,
        starts_on=timezone.localdate() + timedelta(days=7),
        duration_weeks=26,
        purpose="At styrke familiens samspil",
        reasons="Undersøgelsen viser et behov for støtte i hjemmet.",
        child_view="Emma vil gerne have hjælp derhjemme.",
        plan_needed=True,
        legal_sections=[cat.s32],
    )
    fields.update(overrides)
    return fields


def draft(w, cat, by=None, **overrides):
    return services.decision_create(
        case=w.case, by=by or w.caseworker, **complete(cat, **overrides)
    )


def decide(decision, by):
    decision.refresh_from_db()
    return services.decision_decide(decision=decision, by=by, expected_version=decision.version)
