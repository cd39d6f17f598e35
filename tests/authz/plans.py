"""The plans app in the authorisation matrix: a plan per relation (built through the
services, with a goal, a sub-goal, a task and version 1) and the probes of every plan URL.
Kept apart from ``routes.py``/``world.py`` so that apps landing in parallel touch one line
there each."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.authz.world import MISSING, World

TODAY = "2026-01-02"


def plans_build(w: World) -> None:
    """On every relation's case: a plan made today, with a goal, a sub-goal and a task —
    on the ``intake`` case a draft (making it would write ``plan_made``, which moves the case
    out of intake and so changes what the relation means)."""
    from boernesag.plans import services

    for relation, target in w.targets.items():
        worker = target.case.caseworker
        plan = services.plan_create(
            case=target.case,
            kind="child",
            by=worker,
            purpose="Barnet kommer i skole hver dag",
            expected_duration_months=6,
        )
        due = timezone.localdate() + timedelta(days=90)
        goal = services.goal_add(
            plan=plan,
            by=worker,
            area="school",
            what="Møder i skole 9 af 10 dage",
            measure="Fraværslisten",
            due_on=due,
        )
        sub = services.goal_add(
            plan=plan,
            by=worker,
            area="school",
            what="Står op kl. 7",
            measure="Mor fortæller",
            due_on=due,
            parent=goal,
        )
        task = services.task_add(
            plan=plan, by=worker, responsible="family", what="Vækker barnet", person=target.parent
        )
        plan.refresh_from_db()
        if relation != "intake":
            services.plan_make(
                plan=plan, by=worker, made_on=timezone.localdate(), expected_version=plan.version
            )
            plan.refresh_from_db()
        target.plan, target.goal, target.sub_goal, target.task = plan, goal, sub, task


def _id(w: World, rel: str, name: str, missing: int) -> int:
    return missing if rel == "none" else getattr(w.target(rel), name).pk


def _version(w: World, rel: str, name: str) -> int:
    if rel == "none":
        return 1
    obj = getattr(w.target(rel), name)
    return type(obj).objects.get(pk=obj.pk).version


def plan_kw(**extra):
    def kwargs(w, rel):
        out = {"pk": w.ids(rel).case, "plan_pk": _id(w, rel, "plan", MISSING + 50)}
        for key, (name, missing) in extra.items():
            out[key] = _id(w, rel, name, missing) if name else missing
        return out

    return kwargs


def plan_probes():
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

    # the intake case's plan is a draft: it has no version 1 to show or send
    def sees_version(role, rel):
        return rel != "intake" and sees_case(role, rel)

    def sends_version(role, rel):
        return rel != "intake" and writes_case(role, rel)

    goal = {"goal_pk": ("goal", MISSING + 51)}
    task = {"task_pk": ("task", MISSING + 52)}
    number = {"number": (None, 1)}
    return [
        Probe("plans:plans", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("plans")),
        Probe(
            "plans:plan_new",
            write(ok=200),
            kwargs=case_kw(),
            relations=RELATIONS,
            log=Detail("plan_new"),
        ),
        Probe(
            "plans:plan_new",
            write(),
            method="POST",
            kwargs=case_kw(),
            data=lambda w, rel: {"kind": "child", "purpose": "Et nyt formål"},
            relations=RELATIONS,
        ),
        Probe(
            "plans:plan",
            read(),
            kwargs=plan_kw(),
            relations=RELATIONS,
            log=Detail("plan", obj="plan"),
        ),
        Probe(
            "plans:plan",
            write(),
            method="POST",
            kwargs=plan_kw(),
            data=lambda w, rel: {"purpose": "Ændret formål", "version": _version(w, rel, "plan")},
            relations=RELATIONS,
        ),
        Probe(
            "plans:goal_add",
            write(ok=200),
            kwargs=plan_kw(),
            relations=RELATIONS,
            log=Detail("plan_goal_add", obj="plan"),
        ),
        Probe(
            "plans:goal_add",
            write(),
            method="POST",
            kwargs=plan_kw(),
            data=lambda w, rel: {
                "area": "health",
                "what": "Går til tandlæge",
                "measure": "Tandplejens journal",
                "due_on": "2027-01-02",
            },
            relations=RELATIONS,
        ),
        Probe(
            "plans:goal",
            read(),
            kwargs=plan_kw(**goal),
            relations=RELATIONS,
            log=Detail("plan_goal", obj="plan"),
        ),
        Probe(
            "plans:goal",
            write(),
            method="POST",
            kwargs=plan_kw(**goal),
            data=lambda w, rel: {
                "area": "school",
                "what": "Møder i skole hver dag",
                "measure": "Fraværslisten",
                "due_on": "2027-01-02",
                "version": _version(w, rel, "goal"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "plans:goal_status",
            write(),
            method="POST",
            kwargs=plan_kw(**goal),
            data=lambda w, rel: {
                "status": "achieved",
                "status_reason": "",
                "version": _version(w, rel, "goal"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "plans:task_add",
            write(ok=200),
            kwargs=plan_kw(),
            relations=RELATIONS,
            log=Detail("plan_task_add", obj="plan"),
        ),
        Probe(
            "plans:task_add",
            write(),
            method="POST",
            kwargs=plan_kw(),
            data=lambda w, rel: {"responsible": "caseworker", "what": "Indkalder til statusmøde"},
            relations=RELATIONS,
        ),
        Probe(
            "plans:task_end",
            write(),
            method="POST",
            kwargs=plan_kw(**task),
            data=lambda w, rel: {"version": _version(w, rel, "task")},
            relations=RELATIONS,
        ),
        Probe(
            "plans:version_new",
            write(ok=200),
            kwargs=plan_kw(),
            relations=RELATIONS,
            log=Detail("plan_version_new", obj="plan"),
        ),
        Probe(
            "plans:version_new",
            write(),
            method="POST",
            kwargs=plan_kw(),
            data=lambda w, rel: {
                "made_on": str(timezone.localdate()),
                "changes": "Delmål tilføjet",
                "reason": "Statusmøde",
                "version": _version(w, rel, "plan"),
            },
            relations=RELATIONS,
        ),
        Probe(
            "plans:version",
            read(may=sees_version),
            kwargs=plan_kw(**number),
            relations=RELATIONS,
            log=Detail("plan_version", obj="plan"),
        ),
        Probe(
            "plans:send",
            write(ok=200, may=sends_version, knows=sees_version),
            kwargs=plan_kw(**number),
            relations=RELATIONS,
            log=Detail("plan_send", obj="plan"),
        ),
        Probe(
            "plans:send",
            write(may=sends_version, knows=sees_version),
            method="POST",
            kwargs=plan_kw(**number),
            data=lambda w, rel: {
                "family": [str(w.target(rel).parent.pk)] if rel != "none" else ["1"]
            },
            relations=RELATIONS,
        ),
    ]
