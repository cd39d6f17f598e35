"""A case is not closed while one of its measures runs (the measures app's item on the
closure checklist, ``measures/closure_checks.py``); once it has ended, the item is met."""

from __future__ import annotations

import pytest
from django.utils import timezone

from boernesag.cases.closure import closure_checks
from boernesag.cases.tests.factories import build_world
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.measures import services
from boernesag.measures.tests.helpers import granted, start

pytestmark = pytest.mark.django_db


def _measure_messages(case) -> list[str]:
    (check,) = [c for c in closure_checks() if c.key == "measures_ended"]
    return list(check.check(case, None) or [])


def test_a_running_measure_blocks_closing_and_its_end_meets_the_item():
    w = build_world()
    cat = build_catalogue(w.admin)
    assert "measures_ended" in [c.key for c in closure_checks()]
    assert _measure_messages(w.case) == []
    measure = start(w, granted(w, cat))
    messages = _measure_messages(w.case)
    assert len(messages) == 1
    assert "er ikke afsluttet" in messages[0] and measure.provider.name in messages[0]
    services.measure_end(
        measure=measure,
        by=w.caseworker,
        ended_on=timezone.localdate(),
        reason="goal_met",
        final_attainment="met",
        expected_version=measure.version,
    )
    assert _measure_messages(w.case) == []
