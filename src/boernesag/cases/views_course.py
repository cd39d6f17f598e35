"""Closing and reopening a case, the recorded closures, and the steps that start or stop a
legal deadline (docs/closure.md). Every read through the gate (one access-log row per page);
every action a permission in the registry (``cases.close_case``, ``cases.reopen_case``,
``cases.record_step``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from boernesag.cases import gate, services
from boernesag.cases.closure import explain_items
from boernesag.cases.course import due_for
from boernesag.cases.forms_course import ClosureForm, ReopenForm, StepForm
from boernesag.cases.models import CaseClosure, CaseReopening, CaseStep
from boernesag.cases.steps import BY_SLUG
from boernesag.cases.views import CONFLICT, _case_context
from boernesag.lib.forms import form_add_validation_error


def _resubmitted(request, pk: int, model, what: str):
    """A second submit of a form that already closed/reopened the case (the token is on the
    row): the case page, as after the first — not a refusal because the case changed."""
    if request.method != "POST":
        return None
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None
    if not model.objects.filter(case_id=pk, submit_token=token).exists():
        return None
    case = gate.case_get(request, pk, what=what)
    return redirect("cases:case", pk=case.pk)


def case_close(request, pk: int):
    done = _resubmitted(request, pk, CaseClosure, "case_close")
    if done is not None:
        return done
    case = gate.case_get(request, pk, what="case_close", action="cases.close_case")
    items = explain_items(case)
    form = ClosureForm(request.POST or None, items=items, initial={"version": case.version})
    status, missing = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_close_checked(
                    case=case,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    answers=form.answers(),
                    explanations=form.explanations(),
                    expected_version=form.cleaned_data["version"],
                    token=form.cleaned_data.get("token"),
                )
            except services.ClosureIncomplete as exc:
                missing = exc.missing
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Sagen er afsluttet."))
                return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_close.html",
        _case_context(request, case, "overview", form=form, missing=missing),
        status=status,
    )


def case_reopen(request, pk: int):
    done = _resubmitted(request, pk, CaseReopening, "case_reopen")
    if done is not None:
        return done
    case = gate.case_get(request, pk, what="case_reopen", action="cases.reopen_case")
    form = ReopenForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_reopen(
                    case=case,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                    token=form.cleaned_data.get("token"),
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Sagen er genåbnet."))
                return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_reopen.html",
        _case_context(request, case, "overview", form=form),
        status=status,
    )


def closure_detail(request, pk: int, closure_pk: int):
    case, closure = gate.case_object_get(
        request,
        pk,
        CaseClosure,
        closure_pk,
        what="case_closure",
        queryset=CaseClosure.objects.select_related("closed_by").prefetch_related("explanations"),
    )
    return render(
        request,
        "cases/closure_detail.html",
        _case_context(request, case, "overview", closure=closure),
    )


def step_record(request, pk: int, kind: str):
    spec = BY_SLUG.get(kind)
    if spec is None:
        raise Http404
    case = gate.case_get(request, pk, what="case_step", action="cases.record_step")
    form = StepForm(request.POST or None, spec=spec)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.step_record(
                    case=case,
                    by=request.user,
                    kind=spec.kind,
                    occurred_on=form.cleaned_data["occurred_on"],
                    note=form.cleaned_data["note"],
                    outcome=form.cleaned_data.get("outcome") or "",
                    token=form.cleaned_data.get("token"),
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Registreret: %(what)s.") % {"what": spec.title})
                return redirect("cases:case", pk=case.pk)
    earlier = CaseStep.objects.filter(case=case, kind=spec.kind).select_related("recorded_by")
    due = [d for d in due_for(case) if d.rule_key == spec.rule_key]
    return render(
        request,
        "cases/step.html",
        _case_context(request, case, "overview", form=form, spec=spec, earlier=earlier, due=due),
        status=status,
    )
