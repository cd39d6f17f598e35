"""Change history (pghistory) on providers, rates and contracts (issue 9, item 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from boernesag.catalogue.models import Contract, Provider, Rate, Service


@pytest.mark.django_db
def test_providers_rates_and_contracts_are_tracked():
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
