"""Running rebuild/verify for named projections and recording each run (ProjectionRun)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone

from boernesag.events import projections
from boernesag.events.models import ProjectionRun


def selected(names: list[str] | None) -> list[projections.Projection]:
    if not names:
        return list(projections.REGISTRY.values())
    return [projections.get(name) for name in names]


def rebuild_named(names=None, *, out: Callable[[str], None] = print) -> list:
    results = []
    for projection in selected(names):
        run = ProjectionRun.objects.create(
            name=projection.name, action=ProjectionRun.Action.REBUILD
        )
        started = time.perf_counter()
        result = projections.rebuild(projection)
        run.finished_at, run.checked, run.differences = (
            timezone.now(),
            result.checked,
            result.changed,
        )
        run.save(update_fields=["finished_at", "checked", "differences"])
        out(
            f"{projection.name}: {result.checked} genberegnet, {result.changed} rettet "
            f"({time.perf_counter() - started:.1f} s)"
        )
        results.append(result)
    return results


def verify_named(names=None, *, limit: int = 50, out: Callable[[str], None] = print) -> list:
    results = []
    for projection in selected(names):
        run = ProjectionRun.objects.create(name=projection.name, action=ProjectionRun.Action.VERIFY)
        started = time.perf_counter()
        result = projections.verify(projection, limit=limit)
        run.finished_at, run.checked = timezone.now(), result.checked
        run.differences, run.detail = result.differences, "\n".join(result.lines)
        run.save(update_fields=["finished_at", "checked", "differences", "detail"])
        status = "OK" if result.ok else f"{result.differences} forskelle"
        out(
            f"{projection.name}: {result.checked} kontrolleret, {status} "
            f"({time.perf_counter() - started:.1f} s)"
        )
        for line in result.lines:
            out(f"  {line}")
        results.append(result)
    return results
