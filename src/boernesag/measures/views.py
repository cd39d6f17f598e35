"""Pages for measures: the case's measures, starting one from a granted decision, one
measure with its versions, follow-ups and visits, changing it by a new decision, planning
and recording a follow-up, a supervision visit, the end — and the case page's panel.

Every page gets its case through the gate (``cases.gate``: need-to-know, 404/403, one
access-log row). A measure or follow-up of another case answers 404 like one that does not
exist. Writing needs ``measures.work_measure`` / ``measures.follow_up`` on the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from boernesag.cases import gate
from boernesag.cases.models import Case
from boernesag.cases.views import CONFLICT, _case_context, _participant_choices
from boernesag.catalogue.models import Provider
from boernesag.lib.forms import form_add_validation_error
from boernesag.measures import selectors, services
from boernesag.measures.constants import PLACEMENT_KINDS
from boernesag.measures.forms import (
    ChangeForm,
    EarlySupportForm,
    EndForm,
    FollowUpPlanForm,
    FollowUpRecordForm,
    PlacementDetailsForm,
    StartForm,
    VisitForm,
)
from boernesag.measures.models import FollowUp, Measure
from boernesag.measures.templatetags.measures_display import place_masked
from boernesag.persons.display import protected_text

WORK = "measures.work_measure"
FOLLOW = "measures.follow_up"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _on_post(request, action: str) -> str:
    return action if request.method == "POST" else "view"


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _valid_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _measure_get(request, pk, measure_pk, *, what: str, action: str = "view"):
    return gate.case_object_get(
        request,
        pk,
        Measure,
        measure_pk,
        what=what,
        action=action,
        queryset=lambda case: Measure.objects.select_related("case__child", "provider"),
    )


def _follow_up_get(request, pk, measure_pk, follow_up_pk, *, what: str, action: str):
    """The case (gate), the measure and one of its follow-ups; anything not on this measure
    of this case answers 404, and the access-log row is written only after every check."""
    follow_up = None
    if _valid_id(pk) and _valid_id(measure_pk) and _valid_id(follow_up_pk):
        follow_up = FollowUp.objects.filter(
            pk=follow_up_pk, measure_id=measure_pk, case_id=pk
        ).first()
    if follow_up is None:
        gate.refuse(
            request,
            status=404,
            what=what,
            case_id=int(pk) if _valid_id(pk) else None,
            object_ref=follow_up_pk,
        )
    case, measure = _measure_get(request, pk, measure_pk, what=what, action=action)
    follow_up.measure = measure
    return case, measure, follow_up


def _url(measure: Measure) -> str:
    return reverse("measures:detail", args=[measure.case_id, measure.pk])


def measure_label(measure: Measure, case: Case, user) -> str:
    name = getattr(measure, "service_name", "") or str(measure.service)
    provider = protected_text() if place_masked(case, measure, user) else measure.provider.name
    return f"{name} – {provider}"


def _context(request, case: Case, **extra):
    context = _case_context(request, case, "measures", **extra)
    context["can_work"] = request.user.has_perm(WORK, case)
    context["can_follow_up"] = request.user.has_perm(FOLLOW, case)
    measure = extra.get("measure")
    crumbs = [
        *context["breadcrumbs"][:-1],
        (_("Sag %(ref)s") % {"ref": case.reference}, reverse("cases:case", args=[case.pk])),
    ]
    if measure is not None:
        crumbs += [
            (_("Indsatser"), reverse("measures:list", args=[case.pk])),
            (measure_label(measure, case, request.user), None),
        ]
    else:
        crumbs.append((_("Indsatser"), None))
    context["breadcrumbs"] = crumbs
    return context


def _providers():
    return Provider.objects.order_by("name")


# --- the case's measures -------------------------------------------------------------------


@gate.gated_case("measures")
def measure_list(request, case: Case):
    measures = selectors.case_measures(case)
    startable = services.startable_decisions(case)
    return render(
        request,
        "measures/list.html",
        _context(
            request,
            case,
            measures=measures,
            startable=startable,
            waiting=services.waiting_decisions(case),
        ),
    )


def measure_start(request, pk: int):
    case = gate.case_get(request, pk, what="measure_start", action=WORK)
    decisions = services.startable_decisions(case)
    from boernesag.decisions.selectors import service_names

    service_names(decisions)
    chosen = request.POST.get("decision") or request.GET.get("afgoerelse") or ""
    initial = {"decision": chosen}
    picked = next((d for d in decisions if str(d.pk) == chosen), None)
    if picked is not None:
        from django.utils import timezone

        today = timezone.localdate()
        initial.update(
            volume=picked.hours_per_week or (7 if picked.kind in PLACEMENT_KINDS else None),
            volume_unit=services.default_unit(decision=picked, provider=picked.provider, on=today),
            starts_on=picked.starts_on if picked.starts_on and picked.starts_on <= today else today,
        )
    form = StartForm(_posted(request), decisions=decisions, providers=_providers(), initial=initial)
    status = 200
    if request.method == "POST":
        token = _uuid(request.POST.get("token"))
        done = Measure.objects.filter(case=case, submit_token=token).first() if token else None
        if done is not None:  # a double submit: the measure the first one started
            return redirect(_url(done))
        if form.is_valid():
            data = form.cleaned_data
            decision = next((d for d in decisions if str(d.pk) == data["decision"]), None)
            try:
                if decision is None:
                    raise ValidationError(
                        {
                            "decision": _(
                                "Afgørelsen kan ikke iværksættes: den er ikke truffet, venter på "
                                "godkendelse, er allerede iværksat eller hører til en anden sag."
                            )
                        }
                    )
                started = services.measure_start(
                    case=case,
                    decision=decision,
                    by=request.user,
                    starts_on=data["starts_on"],
                    volume=data["volume"],
                    volume_unit=data["volume_unit"],
                    expected_end_on=data["expected_end_on"],
                    provider=data["provider"],
                    token=data["token"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                # the warnings (contract, rate) stay on the measure's page while it runs
                messages.success(request, _("Indsatsen er iværksat."))
                return redirect(_url(started.measure))
        else:
            status = 400
    return render(
        request,
        "measures/start.html",
        _context(request, case, form=form, decisions=decisions),
        status=status,
    )


def early_support_start(request, pk: int):
    """Start early support without a decision (Barnets Lov § 30; Serviceloven § 11 before
    2024): the choices are the services the catalogue marks as not visiteret."""
    case = gate.case_get(request, pk, what="early_support_start", action=WORK)
    choices = services.early_support_services()
    form = EarlySupportForm(_posted(request), services=choices, providers=_providers())
    status = 200
    if request.method == "POST":
        token = _uuid(request.POST.get("token"))
        done = Measure.objects.filter(case=case, submit_token=token).first() if token else None
        if done is not None:  # a double submit: the measure the first one started
            return redirect(_url(done))
        if form.is_valid():
            data = form.cleaned_data
            try:
                started = services.early_support_start(
                    case=case,
                    service=data["service"],
                    provider=data["provider"],
                    by=request.user,
                    starts_on=data["starts_on"],
                    volume=data["volume"],
                    volume_unit=data["volume_unit"],
                    expected_end_on=data["expected_end_on"],
                    requested_by=data["requested_by"],
                    token=data["token"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Den tidlige forebyggende indsats er iværksat."))
                return redirect(_url(started.measure))
        else:
            status = 400
    return render(
        request,
        "measures/early_support.html",
        _context(request, case, form=form),
        status=status,
    )


# --- one measure ---------------------------------------------------------------------------


def _mask_names(text: str, names) -> str:
    for name in names:
        text = text.replace(name, protected_text())
    return text


def measure_detail(request, pk: int, measure_pk: int):
    case, measure = _measure_get(request, pk, measure_pk, what="measure")
    view = selectors.measure_view(measure)
    measure.service_name = view.versions[-1].service_name if view.versions else ""
    if place_masked(case, measure, request.user):
        # the contract/rate warnings name the provider: where a protected child lives
        names = {v.provider.name for v in view.versions if v.provider_id}
        view.warnings = [_mask_names(text, names) for text in view.warnings]
    return render(
        request,
        "measures/detail.html",
        _context(
            request,
            case,
            measure=measure,
            view=view,
            is_placement=measure.kind in PLACEMENT_KINDS,
        ),
    )


def measure_change(request, pk: int, measure_pk: int):
    case, measure = _measure_get(request, pk, measure_pk, what="measure_change", action=WORK)
    decisions = services.change_decisions(measure)
    from boernesag.decisions.selectors import service_names

    service_names(decisions)
    initial = {
        "volume": measure.volume,
        "volume_unit": measure.volume_unit,
        "expected_end_on": measure.expected_end_on,
        "version": measure.version,
    }
    form = ChangeForm(
        _posted(request), decisions=decisions, providers=_providers(), initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            decision = next((d for d in decisions if str(d.pk) == data["decision"]), None)
            try:
                if decision is None:
                    raise ValidationError(
                        {"decision": _("Vælg en truffet afgørelse, der ændrer indsatsen.")}
                    )
                services.measure_change(
                    measure=measure,
                    decision=decision,
                    by=request.user,
                    valid_from=data["valid_from"],
                    volume=data["volume"],
                    volume_unit=data["volume_unit"],
                    expected_end_on=data["expected_end_on"],
                    provider=data["provider"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Indsatsen er ændret. Den tidligere version er bevaret.")
                )
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/change.html",
        _context(request, case, measure=measure, form=form, decisions=decisions),
        status=status,
    )


def follow_up_plan(request, pk: int, measure_pk: int):
    case, measure = _measure_get(request, pk, measure_pk, what="follow_up_plan", action=FOLLOW)
    form = FollowUpPlanForm(_posted(request), persons=_participant_choices(case))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            from boernesag.persons.models import Person

            wanted = {int(p) for p in data["persons"]}
            persons = [p for p in Person.objects.filter(pk__in=wanted)]
            try:
                follow_up = services.follow_up_plan(
                    measure=measure,
                    by=request.user,
                    held_at=data["held_at"],
                    agenda=data["agenda"],
                    persons=persons,
                    other_participants=data["other_participants"],
                    token=data["token"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Statusmødet er planlagt. Leverandørens statusrapport skal foreligge "
                        "senest %(day)s."
                    )
                    % {"day": follow_up.report_due_on.strftime("%d.%m.%Y")},
                )
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/follow_up_plan.html",
        _context(request, case, measure=measure, form=form),
        status=status,
    )


def follow_up_record(request, pk: int, measure_pk: int, follow_up_pk: int):
    case, measure, follow_up = _follow_up_get(
        request,
        pk,
        measure_pk,
        follow_up_pk,
        what="follow_up",
        action=_on_post(request, FOLLOW),
    )
    version, goals = services.plan_goals(measure)
    form = FollowUpRecordForm(
        _posted(request) if not follow_up.is_held else None,
        goals=goals,
        initial={"version": follow_up.version},
    )
    status = 200
    if request.method == "POST":
        if follow_up.is_held:
            messages.info(request, _("Opfølgningen er allerede registreret."))
            return redirect(_url(measure))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.follow_up_record(
                    follow_up=follow_up,
                    by=request.user,
                    expected_version=data["version"],
                    held_on=data["held_on"],
                    decision=data["decision"],
                    scores=form.scores(),
                    next_follow_up_on=data["next_follow_up_on"],
                    interval_reasons=data["interval_reasons"],
                    report_received_on=data["report_received_on"],
                    report_source=data["report_source"],
                    report_summary=data["report_summary"],
                    child_talked_on=data["child_talked_on"],
                    child_view=data["child_view"],
                    child_not_talked_reason=data["child_not_talked_reason"],
                    assessment=data["assessment"],
                    token=data["token"],
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Opfølgningen er registreret."))
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/follow_up.html",
        _context(
            request,
            case,
            measure=measure,
            follow_up=follow_up,
            form=form,
            plan_version=version,
        ),
        status=status,
    )


def supervision_visit(request, pk: int, measure_pk: int):
    case, measure = _measure_get(request, pk, measure_pk, what="supervision_visit", action=WORK)
    form = VisitForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = services.supervision_visit_record(
                    measure=measure,
                    by=request.user,
                    visited_on=data["visited_on"],
                    talk=data["talk"],
                    at_placement=data["at_placement"],
                    not_alone_reason=data["not_alone_reason"],
                    token=data["token"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                if visit.meets_duty:
                    messages.success(request, _("Tilsynsbesøget er registreret."))
                else:
                    messages.warning(
                        request,
                        _(
                            "Besøget er registreret, men det opfylder ikke tilsynspligten "
                            "(Barnets Lov § 156, stk. 5): der skal tales med barnet ved "
                            "besøget på anbringelsesstedet. Fristen for tilsynsbesøg løber "
                            "fortsat."
                        ),
                    )
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/visit.html",
        _context(request, case, measure=measure, form=form),
        status=status,
    )


def placement_details(request, pk: int, measure_pk: int):
    """The placement's place and the arrangement for contact with the parents."""
    case, measure = _measure_get(request, pk, measure_pk, what="placement_details", action=WORK)
    if place_masked(case, measure, request.user):
        # the place is where a protected child lives (CPR-loven § 28): only those with the
        # right to see protected addresses record or read it
        raise PermissionDenied(
            _("Barnet har adressebeskyttelse: du kan ikke se anbringelsesstedet.")
        )
    initial = {
        "version": measure.version,
        "place_name": measure.place_name or measure.provider.name,
        "place_department": measure.place_department,
        "place_from": measure.place_from or measure.starts_on,
        "contact_frequency": measure.contact_frequency,
        "contact_form": measure.contact_form,
        "contact_note": measure.contact_note,
    }
    form = PlacementDetailsForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.placement_details_record(
                    measure=measure,
                    by=request.user,
                    expected_version=data["version"],
                    place_name=data["place_name"],
                    place_department=data["place_department"],
                    place_from=data["place_from"],
                    contact_frequency=data["contact_frequency"],
                    contact_form=data["contact_form"],
                    contact_note=data["contact_note"],
                    token=data["token"],
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Anbringelsessted og samvær er gemt."))
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/placement.html",
        _context(request, case, measure=measure, form=form),
        status=status,
    )


def measure_end(request, pk: int, measure_pk: int):
    case, measure = _measure_get(request, pk, measure_pk, what="measure_end", action=WORK)
    form = EndForm(_posted(request), initial={"version": measure.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.measure_end(
                    measure=measure,
                    by=request.user,
                    ended_on=data["ended_on"],
                    reason=data["reason"],
                    reasons=data["reasons"],
                    final_attainment=data["final_attainment"],
                    expected_version=data["version"],
                    token=data["token"],
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Indsatsen er afsluttet."))
                return redirect(_url(measure))
        else:
            status = 400
    return render(
        request,
        "measures/end.html",
        _context(request, case, measure=measure, form=form),
        status=status,
    )


# --- the case page's panel -----------------------------------------------------------------


@gate.gated_case("measures_panel")
def case_panel(request, case: Case):
    return render(
        request,
        "measures/partials/case_panel.html",
        {"case": case, "panel": selectors.case_panel(case)},
    )
