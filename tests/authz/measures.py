"""The measures app in the authorisation matrix: per relation a measure started from the
relation's decided decision, with a planned follow-up, and the probes of every measures URL.
Kept apart from ``routes.py``/``world.py`` so that apps landing in parallel touch one line
there each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.authz.world import MISSING, World


def measures_build(w: World) -> None:
    """On every relation's case: a support measure started today from the relation's decided
    decision, and a follow-up planned in two weeks. On the ``intake`` case the rows are
    stored without their events (``measure_started`` would move the case out of intake, and
    so change what the relation means)."""
    from boernesag.measures import services
    from boernesag.measures.models import FollowUp, Measure, MeasureVersion

    today = timezone.localdate()
    for relation, target in w.targets.items():
        worker = target.case.caseworker
        decision = target.decided
        if relation == "intake":
            measure = Measure.objects.create(
                case=target.case,
                kind=decision.kind,
                decision=decision,
                service=decision.service,
                provider=decision.provider,
                volume=Decimal(4),
                volume_unit="hours_per_week",
                starts_on=today,
                created_by=worker,
            )
            MeasureVersion.objects.create(
                measure=measure,
                number=1,
                decision=decision,
                service=decision.service,
                provider=decision.provider,
                volume=Decimal(4),
                volume_unit="hours_per_week",
                valid_from=today,
                recorded_by=worker,
            )
            follow_up = FollowUp.objects.create(
                case=target.case, measure=measure, created_by=worker
            )
        else:
            measure = services.measure_start(
                case=target.case,
                decision=decision,
                by=worker,
                starts_on=today,
                volume=Decimal(4),
                volume_unit="hours_per_week",
            ).measure
            follow_up = services.follow_up_plan(
                measure=measure,
                by=worker,
                held_at=timezone.now() + timedelta(days=14),
                agenda="Status fra leverandøren",
            )
        target.measure, target.follow_up = measure, follow_up


def _id(w: World, rel: str, name: str, missing: int) -> int:
    return missing if rel == "none" else getattr(w.target(rel), name).pk


def _version(w: World, rel: str, name: str) -> int:
    if rel == "none":
        return 1
    obj = getattr(w.target(rel), name)
    return type(obj).objects.get(pk=obj.pk).version


def measure_kw(**extra):
    def kwargs(w, rel):
        out = {"pk": w.ids(rel).case, "measure_pk": _id(w, rel, "measure", MISSING + 60)}
        for key, (name, missing) in extra.items():
            out[key] = _id(w, rel, name, missing)
        return out

    return kwargs


def measure_probes():
    from tests.authz.routes import (
        RELATIONS,
        Detail,
        Probe,
        case_kw,
        read,
        write,
    )

    follow_up = {"follow_up_pk": ("follow_up", MISSING + 61)}
    today = timezone.localdate().isoformat()
    return [
        Probe(
            "measures:list", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("measures")
        ),
        Probe(
            "measures:case_panel",
            read(),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("measures_panel"),
        ),
        Probe(
            "measures:start",
            write(ok=200),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("measure_start"),
        ),
        Probe(
            "measures:start",
            # nothing left to start: the form answers 400 with the reason, for those allowed
            write(ok=400),
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {
                "decision": str(w.target(rel).decided.pk) if rel != "none" else "1",
                "starts_on": today,
                "volume": "4",
                "volume_unit": "hours_per_week",
            },
            relations=RELATIONS,
        ),
        Probe(
            "measures:early_support",
            write(ok=200),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("early_support_start"),
        ),
        Probe(
            "measures:early_support",
            # no service chosen: the form answers 400 with the reason, for those allowed
            write(ok=400),
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {
                "service": "",
                "starts_on": today,
                "volume": "2",
                "volume_unit": "hours_per_week",
                "requested_by": "Mor",
            },
            relations=RELATIONS,
        ),
        Probe(
            "measures:detail",
            read(),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("measure", obj="measure"),
        ),
        Probe(
            "measures:change",
            write(ok=200),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("measure_change", obj="measure"),
        ),
        Probe(
            "measures:change",
            write(ok=400),
            method="POST",
            kwargs=measure_kw(),
            data=lambda w, rel: {
                "decision": "",
                "valid_from": today,
                "volume": "4",
                "volume_unit": "hours_per_week",
                "reason": "Flere timer",
                "version": _version(w, rel, "measure"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "measures:follow_up_plan",
            write(ok=200),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("follow_up_plan", obj="measure"),
        ),
        Probe(
            "measures:follow_up_plan",
            write(),
            method="POST",
            kwargs=measure_kw(),
            data=lambda w, rel: {
                "held_at": (timezone.localdate() + timedelta(days=30)).isoformat() + "T10:00",
                "agenda": "Status",
            },
            relations=RELATIONS,
        ),
        Probe(
            "measures:follow_up",
            read(),
            kwargs=measure_kw(**follow_up),
            relations=RELATIONS,
            log=Detail("follow_up", obj="measure"),
        ),
        Probe(
            "measures:follow_up",
            # an incomplete record: 400 with what is missing, for those allowed
            write(ok=400),
            method="POST",
            kwargs=measure_kw(**follow_up),
            data=lambda w, rel: {"held_on": today, "version": _version(w, rel, "follow_up")},
            relations=RELATIONS,
        ),
        Probe(
            "measures:visit",
            write(ok=200),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("supervision_visit", obj="measure"),
        ),
        Probe(
            "measures:visit",
            # a support measure has no supervision visits: 400 with the reason
            write(ok=400),
            method="POST",
            kwargs=measure_kw(),
            data=lambda w, rel: {"visited_on": today, "talk": "alone", "at_placement": "yes"},
            relations=RELATIONS,
        ),
        Probe(
            "measures:placement",
            write(ok=200),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("placement_details", obj="measure"),
        ),
        Probe(
            "measures:placement",
            # a support measure has no place: 400 with the reason
            write(ok=400),
            method="POST",
            kwargs=measure_kw(),
            data=lambda w, rel: {
                "place_name": "Plejefamilien Skov",
                "place_from": today,
                "contact_frequency": "weekly",
                "contact_form": "home",
                "version": _version(w, rel, "measure"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "measures:end",
            write(ok=200),
            kwargs=measure_kw(),
            relations=RELATIONS,
            log=Detail("measure_end", obj="measure"),
        ),
        Probe(
            "measures:end",
            write(),
            method="POST",
            kwargs=measure_kw(),
            data=lambda w, rel: {
                "ended_on": today,
                "reason": "goal_met",
                "final_attainment": "met",
                "version": _version(w, rel, "measure"),
            },
            relations=RELATIONS,
        ),
    ]
