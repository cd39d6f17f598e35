"""A placement's provider and place are where a protected child lives (CPR-loven § 28):
masked like the address on every measures page for users without the right to see
protected addresses, shown to those with it (review of issue 13)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boernesag.cases.tests.factories import build_world
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.measures.models import Measure
from boernesag.measures.tests.helpers import placement_granted, start

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(case, measure) -> dict[str, str]:
    return {
        "list": reverse("measures:list", args=[case.pk]),
        "panel": reverse("measures:case_panel", args=[case.pk]),
        "detail": reverse("measures:detail", args=[case.pk, measure.pk]),
    }


def test_a_protected_childs_placement_is_masked_for_users_without_the_right():
    w = build_world()
    cat = build_catalogue(w.admin)
    measure = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    Measure.objects.filter(pk=measure.pk).update(
        place_name="Solhjem", place_department="Afdeling Øst"
    )
    child = w.case.child
    child.address_protected = True
    child.save(update_fields=["address_protected"])
    provider = measure.provider.name
    assert not w.caseworker.may_see_protected_addresses
    client = _client(w.caseworker)
    for name, url in _pages(w.case, measure).items():
        html = client.get(url).content.decode()
        assert "Adressebeskyttet" in html, name
        assert provider not in html and "Solhjem" not in html and "Afdeling Øst" not in html, name
    placement = reverse("measures:placement", args=[w.case.pk, measure.pk])
    assert client.get(placement).status_code == 403
    # someone with the right sees where the child lives
    w.caseworker.may_see_protected_addresses = True
    w.caseworker.save(update_fields=["may_see_protected_addresses"])
    detail = client.get(_pages(w.case, measure)["detail"]).content.decode()
    assert provider in detail and "Solhjem" in detail
    assert client.get(placement).status_code == 200
