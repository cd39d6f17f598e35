"""Pages for plans: the case's plans, one plan with its goals, sub-goals and who does what,
making and revising versions, a version as it was, and sending it.

Every page gets its case through the gate (``cases.gate``: need-to-know, 404/403, one
access-log row). A plan, goal or task of another case answers 404 like one that does not
exist. Writing needs ``plans.edit_plan`` / ``plans.send_plan`` on the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate
from boernesag.cases.constants import MeetingKind
from boernesag.cases.models import Case, Meeting
from boernesag.cases.views import CONFLICT, _case_context
from boernesag.catalogue.models import Provider
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons import selectors as people
from boernesag.plans import selectors, services
from boernesag.plans.constants import GoalStatus, PlanKind, PlanStatus
from boernesag.plans.forms import (
    GoalAddForm,
    GoalEditForm,
    GoalStatusForm,
    PlanCreateForm,
    PlanEditForm,
    SendForm,
    TaskForm,
    VersionForm,
)
from boernesag.plans.models import Plan, PlanGoal, PlanTask, PlanVersion

EDIT = "plans.edit_plan"
SEND = "plans.send_plan"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _on_post(request, action: str) -> str:
    return action if request.method == "POST" else "view"


def _valid_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _plan_get(request, pk, plan_pk, *, what: str, action: str = "view") -> tuple[Case, Plan]:
    return gate.case_object_get(
        request,
        pk,
        Plan,
        plan_pk,
        what=what,
        action=action,
        queryset=lambda case: Plan.objects.select_related("case", "meeting"),
    )


def _part_get(request, pk, plan_pk, model, part_pk, *, what: str, action: str):
    """The case (gate), the plan and one of its goals or tasks. Anything not on this plan of
    this case answers 404; the access-log row is written only after every check passed."""
    part = None
    if _valid_id(pk) and _valid_id(plan_pk) and _valid_id(part_pk):
        part = model.objects.filter(pk=part_pk, plan_id=plan_pk, plan__case_id=pk).first()
    if part is None:
        gate.refuse(
            request,
            status=404,
            what=what,
            case_id=int(pk) if _valid_id(pk) else None,
            object_ref=part_pk,
        )
    case, plan = _plan_get(request, pk, plan_pk, what=what, action=action)
    return case, plan, part


def _plan_url(plan: Plan) -> str:
    return reverse("plans:plan", args=[plan.case_id, plan.pk])


def _context(request, case, **extra):
    context = _case_context(request, case, "plans", **extra)
    context["can_edit_plan"] = request.user.has_perm(EDIT, case)
    context["can_send_plan"] = request.user.has_perm(SEND, case)
    plan = extra.get("plan")
    if plan is not None:
        context["breadcrumbs"] = [
            *context["breadcrumbs"][:-1],
            (_("Sag %(ref)s") % {"ref": case.reference}, reverse("cases:case", args=[case.pk])),
            (_("Planer"), reverse("plans:plans", args=[case.pk])),
            (plan_label(plan), None),
        ]
    return context


def plan_label(plan: Plan) -> str:
    return str(PlanKind(plan.kind).label)


def _meetings(case: Case):
    return list(Meeting.objects.filter(case=case).order_by("-held_at", "-id")[:50])


# --- the case's plans --------------------------------------------------------------------


@gate.gated_case("plans")
def case_plans(request, case: Case):
    plans = selectors.case_plans(case)
    return render(
        request,
        "plans/plans.html",
        _context(
            request,
            case,
            plans=plans,
            proposed=services.kind_proposed(case),
            youth_proposed=selectors.youth_plan_proposed(case, plans),
            assessment_concluded=selectors.assessment_concluded_at(case),
        ),
    )


def plan_new(request, pk: int):
    case = gate.case_get(request, pk, what="plan_new", action=EDIT)
    kinds = services.kinds_for(case)
    meetings = _meetings(case)
    initial = {"kind": request.GET.get("type") or services.kind_proposed(case)}
    form = PlanCreateForm(_posted(request), kinds=kinds, meetings=meetings, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                plan = services.plan_create(
                    case=case,
                    by=request.user,
                    kind=data.pop("kind"),
                    token=data.pop("token"),
                    **data,
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Planen er oprettet som kladde. Tilføj mål og hvem der gør hvad.")
                )
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/plan_new.html",
        _context(request, case, form=form),
        status=status,
    )


# --- one plan ----------------------------------------------------------------------------


def _plan_initial(plan: Plan) -> dict:
    return {
        "purpose": plan.purpose,
        "basis": plan.basis,
        "involvement": plan.involvement,
        "drafted_with_family": plan.drafted_with_family,
        "family_support": plan.family_support,
        "expected_duration_months": plan.expected_duration_months,
        "meeting": str(plan.meeting_id or ""),
        "version": plan.version,
    }


def plan_detail(request, pk: int, plan_pk: int):
    """The plan: its fields (editable), goals with sub-goals, who does what, versions and
    who received them. POST saves the plan's own fields (version conflict: 409, keeping
    what was typed)."""
    case, plan = _plan_get(request, pk, plan_pk, what="plan", action=_on_post(request, EDIT))
    meetings = _meetings(case)
    form = PlanEditForm(_posted(request), initial=_plan_initial(plan), meetings=meetings)
    status = 200
    saved = None
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.plan_update(plan=plan, by=request.user, expected_version=version, **data)
            except services.ConflictError:
                plan.refresh_from_db()
                saved = plan
                posted = request.POST.copy()
                posted["version"] = plan.version
                form = PlanEditForm(posted, meetings=meetings)
                form.is_valid()
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Planen er gemt."))
                return redirect(_plan_url(plan))
        else:
            status = 400
    view = selectors.plan_view(plan)
    return render(
        request,
        "plans/plan.html",
        _context(
            request,
            case,
            plan=plan,
            view=view,
            form=form,
            saved=saved,
            plan_meeting_kind=MeetingKind.PLAN_MEETING,
            youth_proposed=plan.kind == PlanKind.CHILD
            and selectors.youth_plan_proposed(case, selectors.case_plans(case)),
        ),
        status=status,
    )


def goal_add(request, pk: int, plan_pk: int):
    case, plan = _plan_get(request, pk, plan_pk, what="plan_goal_add", action=EDIT)
    parent = None
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    if parent_id:
        parent = (
            PlanGoal.objects.filter(pk=parent_id, plan=plan, parent__isnull=True).first()
            if _valid_id(parent_id)
            else None
        )
        if parent is None:
            messages.error(request, _("Målet findes ikke i planen."))
            return redirect(_plan_url(plan))
    form = GoalAddForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.goal_add(plan=plan, by=request.user, parent=parent, **data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Delmålet er tilføjet.") if parent else _("Målet er tilføjet.")
                )
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/goal_form.html",
        _context(request, case, plan=plan, form=form, parent=parent, goal=None),
        status=status,
    )


def goal_edit(request, pk: int, plan_pk: int, goal_pk: int):
    case, plan, goal = _part_get(
        request, pk, plan_pk, PlanGoal, goal_pk, what="plan_goal", action=_on_post(request, EDIT)
    )
    initial = {
        "area": goal.area,
        "what": goal.what,
        "measure": goal.measure,
        "due_on": goal.due_on,
        "version": goal.version,
    }
    form = GoalEditForm(_posted(request), initial=initial)
    status_form = GoalStatusForm(
        initial={
            "status": goal.status,
            "status_reason": goal.status_reason,
            "version": goal.version,
        }
    )
    status = 200
    saved = None
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.goal_update(goal=goal, by=request.user, expected_version=version, **data)
            except services.ConflictError:
                goal.refresh_from_db()
                saved = goal
                posted = request.POST.copy()
                posted["version"] = goal.version
                form = GoalEditForm(posted)
                form.is_valid()
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Målet er gemt."))
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/goal_form.html",
        _context(
            request,
            case,
            plan=plan,
            form=form,
            goal=goal,
            parent=goal.parent,
            status_form=status_form,
            saved=saved,
        ),
        status=status,
    )


@require_POST
def goal_status(request, pk: int, plan_pk: int, goal_pk: int):
    case, plan, goal = _part_get(
        request, pk, plan_pk, PlanGoal, goal_pk, what="plan_goal_status", action=EDIT
    )
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        try:
            services.goal_status_set(
                goal=goal,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["status_reason"],
            )
        except services.ConflictError:
            form.add_error(None, CONFLICT)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Målets status er nu »%(status)s«.")
                % {"status": GoalStatus(form.cleaned_data["status"]).label},
            )
            return redirect(_plan_url(plan))
    goal.refresh_from_db()
    edit_form = GoalEditForm(
        initial={
            "area": goal.area,
            "what": goal.what,
            "measure": goal.measure,
            "due_on": goal.due_on,
            "version": goal.version,
        }
    )
    return render(
        request,
        "plans/goal_form.html",
        _context(
            request,
            case,
            plan=plan,
            form=edit_form,
            goal=goal,
            parent=goal.parent,
            status_form=form,
        ),
        status=409 if any(CONFLICT in e for e in form.non_field_errors()) else 400,
    )


def task_add(request, pk: int, plan_pk: int):
    case, plan = _plan_get(request, pk, plan_pk, what="plan_task_add", action=EDIT)
    persons = [(p, what) for p, what in people.meeting_participants(case) if p.pk != case.child_id]
    providers = list(Provider.objects.order_by("name")[:500])
    goals = list(plan.goals.exclude(status=GoalStatus.DROPPED).order_by("position", "id"))
    form = TaskForm(
        _posted(request),
        persons=persons,
        providers=providers,
        goals=goals,
        initial={"goal": request.GET.get("goal", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.task_add(plan=plan, by=request.user, **data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Opgaven er tilføjet."))
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/task_form.html",
        _context(request, case, plan=plan, form=form),
        status=status,
    )


@require_POST
def task_end(request, pk: int, plan_pk: int, task_pk: int):
    _case, plan, task = _part_get(
        request, pk, plan_pk, PlanTask, task_pk, what="plan_task_end", action=EDIT
    )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.task_end(task=task, by=request.user, expected_version=version)
    except services.ConflictError:
        messages.error(request, CONFLICT)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Opgaven er markeret som ophørt."))
    return redirect(_plan_url(plan))


# --- versions ----------------------------------------------------------------------------


def plan_version_new(request, pk: int, plan_pk: int):
    """Make the plan (version 1) or save a revision (what changed and why)."""
    case, plan = _plan_get(request, pk, plan_pk, what="plan_version_new", action=EDIT)
    form = VersionForm(_posted(request), initial={"version": plan.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if plan.status == PlanStatus.DRAFT:
                    version = services.plan_make(
                        plan=plan,
                        by=request.user,
                        made_on=data["made_on"],
                        expected_version=data["version"],
                        token=data["token"],
                    )
                else:
                    version = services.plan_revise(
                        plan=plan,
                        by=request.user,
                        made_on=data["made_on"],
                        changes=data["changes"],
                        reason=data["reason"],
                        expected_version=data["version"],
                        token=data["token"],
                    )
            except services.ConflictError:
                plan.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = plan.version
                form = VersionForm(posted)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "En anden har ændret planen, siden du åbnede siden. Se ændringerne "
                        "på planen, og gem versionen igen – det du skrev, er bevaret."
                    ),
                )
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Planen er udarbejdet (version 1).")
                    if version.number == 1
                    else _("Version %(n)s af planen er gemt.") % {"n": version.number},
                )
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/version_form.html",
        _context(request, case, plan=plan, form=form, view=selectors.plan_view(plan)),
        status=status,
    )


def _version_get(request, pk, plan_pk, number, *, what, action="view"):
    version = None
    if _valid_id(pk) and _valid_id(plan_pk) and _valid_id(number):
        version = PlanVersion.objects.filter(
            plan_id=plan_pk, plan__case_id=pk, number=number
        ).first()
    if version is None:
        gate.refuse(
            request,
            status=404,
            what=what,
            case_id=int(pk) if _valid_id(pk) else None,
            object_ref=plan_pk,
        )
    case, plan = _plan_get(request, pk, plan_pk, what=what, action=action)
    return case, plan, version


def plan_version(request, pk: int, plan_pk: int, number: int):
    case, plan, version = _version_get(request, pk, plan_pk, number, what="plan_version")
    return render(
        request,
        "plans/version.html",
        _context(
            request,
            case,
            plan=plan,
            version=version,
            text=services.plan_text(version.content),
            latest=plan.current_number,
        ),
    )


def plan_send(request, pk: int, plan_pk: int, number: int):
    case, plan, version = _version_get(request, pk, plan_pk, number, what="plan_send", action=SEND)
    family = services.family_recipients(case)
    consent = services.share_consent(case)
    professionals = services.professional_recipients(case) if consent else []
    form = SendForm(
        _posted(request),
        family=family,
        professionals=professionals,
        initial={"family": [str(p.pk) for p in family]},
    )
    status = 200
    if request.method == "POST":
        if version.number != plan.current_number:
            form.is_valid()
            form.add_error(None, _("Kun den gældende version af planen kan sendes."))
            status = 400
        elif form.is_valid():
            try:
                dispatches = services.plan_send(
                    version=version,
                    by=request.user,
                    family=form.cleaned_data["family"],
                    professionals=form.cleaned_data["professionals"],
                    token=form.cleaned_data.get("token"),
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(n)s breve er lagt i udbakken og sendes nu.") % {"n": len(dispatches)},
                )
                return redirect(_plan_url(plan))
        else:
            status = 400
    return render(
        request,
        "plans/send.html",
        _context(
            request,
            case,
            plan=plan,
            version=version,
            form=form,
            consent=consent,
            has_professionals=bool(people.people_around(case.child, kinds=["professional"])),
        ),
        status=status,
    )
