"""Background tasks of the event store (django-tasks, run by the database worker)."""

from __future__ import annotations

import logging

from django_tasks import task

from boernesag.events.runs import verify_named

log = logging.getLogger("boernesag.events")


@task()
def projections_verify_nightly() -> int:
    """Nightly (enqueued by the deadline scheduler): compare every projection with what the
    events give. Differences are logged and recorded as ProjectionRun rows; returns how
    many keys differed."""
    results = verify_named(out=log.info)
    differences = sum(r.differences for r in results)
    if differences:
        log.error("projections_verify: %s forskelle (se ProjectionRun)", differences)
    return differences
