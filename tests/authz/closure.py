"""Closing and reopening a case, the recorded closure, and the steps that start or stop a
deadline (docs/closure.md) in the authorisation matrix. Kept apart from ``routes.py`` and
``world.py`` (one line there each).

Every relation's case gets a recorded closure row (``closure_build``) so the closure page
has something to show — the cases themselves stay open (closing them would change what the
relations mean for every other probe). The reopen probes close the relation's case in the
cell (``prepare``; the cell is rolled back)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from tests.authz.world import MISSING, World

TODAY = "2026-01-02"


def closure_build(w: World) -> None:
    from boernesag.cases.models import CaseClosure

    for target in w.targets.values():
        target.closure = CaseClosure.objects.create(
            case=target.case,
            reason="Målene er nået",
            final_assessment="Det går godt",
            closed_by=w.users["caseworker"],
            closed_at=timezone.now(),
        )


def _close_case(client, w: World, role: str, rel: str) -> dict:
    if rel != "none":
        from boernesag.cases.services import case_close

        case = w.target(rel).case
        case.refresh_from_db()
        # closed by the case's own caseworker (the service checks cases.close_case)
        case_close(case=case, by=case.caseworker, reason="Afsluttet")
    return {}


def closure_probes():
    from tests.authz.routes import (
        RELATIONS,
        Detail,
        Probe,
        case_kw,
        read,
        sees_case,
        write,
        writes_case,
    )

    # a closed case: intake coordinators no longer see the intake relation's case
    def reopens(role, rel):
        return rel != "intake" and writes_case(role, rel)

    def knows_closed(role, rel):
        return rel != "intake" and sees_case(role, rel)

    def closure_kw(w, rel):
        pk = MISSING + 60 if rel == "none" else w.target(rel).closure.pk
        return {"pk": w.ids(rel).case, "closure_pk": pk}

    def version(w, rel):
        return (
            1
            if rel == "none"
            else type(w.target(rel).case).objects.get(pk=w.target(rel).case.pk).version
        )

    # a step for every age (the youth steps have age limits; the worlds children vary)
    step = {"kind": "misbrugsbehandling-anmodning"}

    return [
        Probe(
            "cases:close",
            write(ok=200),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("case_close"),
        ),
        Probe(
            "cases:close",
            write(ok=400),  # nothing filled in: refused with what is missing
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {"version": version(w, rel), "token": str(uuid.uuid4())},
            relations=RELATIONS,
        ),
        Probe(
            "cases:reopen",
            write(ok=200, may=reopens, knows=knows_closed),
            kwargs=case_kw(),
            relations=RELATIONS,
            prepare=_close_case,
            log=Detail("case_reopen"),
        ),
        Probe(
            "cases:reopen",
            write(may=reopens, knows=knows_closed),
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {
                "version": version(w, rel),  # read after prepare closed the case
                "reason": "Ny bekymring fra skolen",
                "token": str(uuid.uuid4()),
            },
            relations=RELATIONS,
            prepare=_close_case,
        ),
        Probe(
            "cases:closure",
            read(),
            kwargs=closure_kw,
            relations=RELATIONS,
            log=Detail("case_closure", obj="closure"),
        ),
        Probe(
            "cases:step",
            write(ok=200),
            kwargs=lambda w, rel: {**case_kw()(w, rel), **step},
            relations=RELATIONS,
            log=Detail("case_step"),
        ),
        Probe(
            "cases:step",
            write(),
            method="POST",
            kwargs=lambda w, rel: {**case_kw()(w, rel), **step},
            data=lambda w, rel: {"occurred_on": TODAY, "note": "", "token": str(uuid.uuid4())},
            relations=RELATIONS,
        ),
    ]
