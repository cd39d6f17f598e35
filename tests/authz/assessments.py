"""The children's investigation in the authorisation matrix: an investigation per relation
(built through the services: the § 20 decision, a planned home visit, the draft sent) and
the probes of every investigation URL. Kept apart from ``routes.py``/``world.py`` so that
apps landing in parallel touch one line there each.

The ``intake`` case has no investigation (deciding one would write ``assessment_started``,
which moves the case out of intake and so changes what the relation means): its
investigation URLs answer 404 to everyone who may know the case, like ``none``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.authz.world import MISSING, World


def assessments_build(w: World) -> None:
    from boernesag.assessments import services
    from boernesag.assessments.constants import ActivityKind, ConsentRoute, LegalBasis
    from boernesag.cases.models import Consent

    for relation, target in w.targets.items():
        if relation == "intake":
            continue
        worker = target.case.caseworker
        assessment = services.assessment_decide(
            case=target.case,
            by=worker,
            decided_on=timezone.localdate() - timedelta(days=5),
            legal_basis=LegalBasis.BL_20_2,
            reasons="Skolen beskriver meget fravær.",
            consent_route=ConsentRoute.WITH_CONSENT,
            consents=list(Consent.objects.filter(case=target.case)),
            focus_areas="Fravær",
        )
        activity = services.activity_add(
            assessment=assessment,
            by=worker,
            kind=ActivityKind.HOME_VISIT,
            planned_on=timezone.localdate(),
        )
        assessment.refresh_from_db()
        services.draft_send(
            assessment=assessment,
            by=worker,
            expected_version=assessment.version,
            recipients=[target.parent],
            comments_by=timezone.localdate() + timedelta(days=7),
        )
        assessment.refresh_from_db()
        target.assessment = assessment
        target.activity = activity
        target.section = assessment.sections.order_by("section__order").first()


def _id(w: World, rel: str, name: str, missing: int) -> int:
    target = w.targets.get(rel)
    obj = getattr(target, name, None) if target is not None else None
    return obj.pk if obj is not None else missing


def _version(w: World, rel: str, name: str) -> int:
    target = w.targets.get(rel)
    obj = getattr(target, name, None) if target is not None else None
    if obj is None:
        return 1
    return type(obj).objects.get(pk=obj.pk).version


def a_kw(**extra):
    def kwargs(w, rel):
        out = {"pk": w.ids(rel).case, "a_pk": _id(w, rel, "assessment", MISSING + 60)}
        for key, (name, missing) in extra.items():
            out[key] = _id(w, rel, name, missing)
        return out

    return kwargs


def assessment_probes():
    from tests.authz.routes import (
        ANON,
        RELATIONS,
        Detail,
        Probe,
        case_kw,
        read,
        write,
    )

    def exists(expect):
        """No investigation on the intake case: 404 for every signed-in user."""
        return lambda role, rel: (
            (302 if role == ANON else 404) if rel == "intake" else expect(role, rel)
        )

    today = timezone.localdate()

    def plan_data(w, rel):
        target = w.targets.get(rel)
        a = getattr(target, "assessment", None)
        return {
            "focus_areas": "Fravær og trivsel",
            "start_date": (a.start_date if a else today).isoformat(),
            "planned_end": (a.planned_end if a else today).isoformat(),
            "version": _version(w, rel, "assessment"),
        }

    act = {"act_pk": ("activity", MISSING + 61)}
    sec = {"section_pk": ("section", MISSING + 62)}
    return [
        Probe(
            "assessments:overview",
            read(),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("assessments"),
        ),
        Probe(
            "assessments:decide",
            write(ok=200),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("assessment_decide"),
        ),
        Probe(
            # allowed: refused by the service (an investigation is open / no aware_at): 400
            "assessments:decide",
            write(ok=400),
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {
                "decided_on": today.isoformat(),
                "legal_basis": "bl_20_2",
                "reasons": "Ny begrundelse",
                "consent_route": "without_consent",
                "without_consent_reasons": "Afviser samarbejde",
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:detail",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment", obj="assessment"),
        ),
        Probe(
            "assessments:plan",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_plan", obj="assessment"),
        ),
        Probe(
            "assessments:plan",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=plan_data,
            relations=RELATIONS,
        ),
        Probe(
            "assessments:activity_add",
            exists(write(ok=200)),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_activity_add", obj="assessment"),
        ),
        Probe(
            "assessments:activity_add",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {"kind": "child_conversation", "planned_on": today.isoformat()},
            relations=RELATIONS,
        ),
        Probe(
            "assessments:activity",
            exists(read()),
            kwargs=a_kw(**act),
            relations=RELATIONS,
            log=Detail("assessment_activity", obj="assessment"),
        ),
        Probe(
            "assessments:activity",
            exists(write()),
            method="POST",
            kwargs=a_kw(**act),
            data=lambda w, rel: {
                "held": "no",
                "not_held_reason": "Familien aflyste",
                "version": _version(w, rel, "activity"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:section",
            exists(read()),
            kwargs=a_kw(**sec),
            relations=RELATIONS,
            log=Detail("assessment_section", obj="assessment"),
        ),
        Probe(
            "assessments:section",
            exists(write()),
            method="POST",
            kwargs=a_kw(**sec),
            data=lambda w, rel: {
                "text": "Barnet udvikler sig",
                "version": _version(w, rel, "section"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:midway",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_midway", obj="assessment"),
        ),
        Probe(
            "assessments:midway",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {
                "focus_holds": "yes",
                "text": "Fokus holder",
                "version": _version(w, rel, "assessment"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:draft",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_draft", obj="assessment"),
        ),
        Probe(
            "assessments:draft",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {
                "recipients": [str(w.target(rel).parent.pk)] if rel != "none" else [],
                "comments_by": (today + timedelta(days=7)).isoformat(),
                "version": _version(w, rel, "assessment"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:comments",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_comments", obj="assessment"),
        ),
        Probe(
            "assessments:comments",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {
                "comments": "Mor er enig",
                "version": _version(w, rel, "assessment"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:conclude",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_conclude", obj="assessment"),
        ),
        Probe(
            "assessments:conclude",
            exists(write()),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {
                "concluded_on": today.isoformat(),
                "needs_support": "no",
                "reasons": "Ingen behov",
                "child_view": "Det går godt",
                "parents_view": "Enige",
                "version": _version(w, rel, "assessment"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "assessments:provisional",
            exists(read()),
            kwargs=a_kw(),
            relations=RELATIONS,
            log=Detail("assessment_provisional", obj="assessment"),
        ),
        Probe(
            # allowed: the 4 months have not passed, so the service refuses (400)
            "assessments:provisional",
            exists(write(ok=400)),
            method="POST",
            kwargs=a_kw(),
            data=lambda w, rel: {"text": "Foreløbig", "version": _version(w, rel, "assessment")},
            relations=RELATIONS,
        ),
    ]
