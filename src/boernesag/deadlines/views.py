from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate
from boernesag.deadlines import selectors, services
from boernesag.deadlines.calculator import calculate
from boernesag.deadlines.calendar import TZ
from boernesag.deadlines.forms import (
    CalculatorForm,
    CompliancePeriodForm,
    LocalStandardForm,
    PauseForm,
)
from boernesag.deadlines.models import LocalStandard
from boernesag.deadlines.rules import LAWS, RuleError, canonical_rule_key, load_rules
from boernesag.deadlines.selectors import OUTCOMES, Period
from boernesag.deadlines.simulate import MAX_CHARS, SimulationError, simulate_text
from boernesag.lib.exports import csv_response
from boernesag.lib.forms import form_add_validation_error

OUTCOME_LABELS = {
    "met": _("Overholdt"),
    "late": _("Overholdt for sent"),
    "missed": _("Overskredet"),
    "paused": _("I bero"),
    "open": _("Løber"),
}


@gate.permission_required("deadlines.view_own")
def my_deadlines(request):
    show_all = request.GET.get("vis") == "alle"
    clocks = gate.list_logged(
        request,
        selectors.my_deadlines(
            user=request.user, horizon_days=None if show_all else selectors.MY_HORIZON_DAYS
        )[:200],
        what="my_deadlines",
    )
    later = 0
    if not show_all:
        later = selectors.my_deadlines(user=request.user, horizon_days=None).count() - len(clocks)
    template = (
        "deadlines/partials/my_deadlines.html" if request.htmx else "deadlines/my_deadlines.html"
    )
    return render(
        request,
        template,
        {
            "clocks": clocks,
            "show_all": show_all,
            "later": max(later, 0),
            "now": timezone.now(),
            "breadcrumbs": [(_("Mine frister"), None)],
        },
    )


@gate.gated_case("deadlines")
def case_panel(request, case):
    clocks = list(selectors.case_deadlines(case=case))
    show_all = request.GET.get("vis") == "alle"
    later = 0
    if not show_all:
        clocks, later = selectors.far_ahead(clocks)
    return render(
        request,
        "deadlines/partials/case_panel.html",
        {
            "case": case,
            "clocks": clocks,
            "later": later,
            "now": timezone.now(),
            "can_edit": request.user.has_perm("cases.edit_case", case),
            "pause_form": PauseForm(),
        },
    )


@require_POST
def clock_pause(request, pk: int, rule_key: str):
    case = gate.case_get(request, pk, what="deadline_pause", action="edit", object_ref=rule_key)
    form = PauseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Skriv en begrundelse for at sætte fristen i bero."))
        if request.POST.get("action") == "resume":
            services.clock_resume(case=case, rule_key=rule_key, by=request.user)
            messages.success(request, _("Fristen løber igen."))
        else:
            services.clock_pause(
                case=case, rule_key=rule_key, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Fristen er sat i bero. Begrundelsen er registreret."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cases:case", pk=case.pk)


@gate.permission_required("deadlines.view_team")
def team_deadlines(request):
    clocks = list(selectors.team_deadlines(user=request.user)[:300])
    escalations = list(selectors.team_escalations(user=request.user)[:100])
    gate.list_logged(request, [*clocks, *escalations], what="team_deadlines")
    return render(
        request,
        "deadlines/team.html",
        {
            "clocks": clocks,
            "escalations": escalations,
            "now": timezone.now(),
            "breadcrumbs": [(_("Teamets frister"), None)],
        },
    )


def _period_from(request):
    today = timezone.localdate()
    initial = {
        "kind": "quarter",
        "year": today.year,
        "number": (today.month - 1) // 3 + 1,
        "group": "team",
        "basis": "law",
    }
    form = CompliancePeriodForm(request.GET or initial)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, Period(d["kind"], d["year"], d["number"])


@gate.permission_required("deadlines.view_compliance")
def compliance(request):
    form, period = _period_from(request)
    rows = []
    if period is not None:
        rows = selectors.compliance_table(
            period=period,
            group=form.cleaned_data["group"],
            local=form.cleaned_data["basis"] == "local",
        )
    if period is not None and request.GET.get("format") == "csv":
        return _compliance_csv(rows, period)
    return render(
        request,
        "deadlines/compliance.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "outcomes": OUTCOMES,
            "labels": OUTCOME_LABELS,
            # the period shown, also when it is the default (no "Vis" pressed yet): the
            # drill-down links and the CSV link carry it
            "query": _period_query(form) if period is not None else "",
            "breadcrumbs": [(_("Lovoverholdelse"), None)],
        },
    )


def _period_query(form) -> str:
    fields = ("kind", "year", "number", "group", "basis")
    return urlencode({name: form.cleaned_data[name] for name in fields})


def _compliance_csv(rows, period):
    return csv_response(
        f"lovoverholdelse-{period.year}-{period.kind}{period.number}.csv",
        [
            _("Periode"),
            _("Regel"),
            _("Enhed/sagsbehandler"),
            _("Overholdt"),
            _("Overholdt for sent"),
            _("Overskredet"),
            _("I bero"),
            _("Løber"),
            _("Lovoverholdelse (%)"),
        ],
        (
            [
                period.label,
                r["rule_title"],
                r["who"],
                r["met"],
                r["late"],
                r["missed"],
                r["paused"],
                r["open"],
                "" if r["rate"] is None else str(r["rate"]).replace(".", ","),
            ]
            for r in rows
        ),
    )


@gate.permission_required("deadlines.view_compliance")
def compliance_drilldown(request):
    form, period = _period_from(request)
    outcome, rule_key = request.GET.get("outcome"), request.GET.get("rule")
    if period is None or outcome not in OUTCOMES or rule_key not in load_rules():
        raise Http404
    who = request.GET.get("who")
    group = form.cleaned_data["group"]
    clocks = gate.list_logged(
        request,
        selectors.compliance_drilldown(
            period=period,
            rule_key=rule_key,
            outcome=outcome,
            group=group,
            who_id=int(who) if who and who.isdigit() else None,
            local=form.cleaned_data["basis"] == "local",
        )[:1000],
        what="compliance_drilldown",
    )
    visible = selectors.visible_case_ids(request.user, [c.case_id for c in clocks])
    return render(
        request,
        "deadlines/drilldown.html",
        {
            "clocks": clocks,
            "visible": visible,
            "period": period,
            "rule": load_rules()[rule_key],
            "outcome_label": OUTCOME_LABELS[outcome],
            "basis_local": form.cleaned_data["basis"] == "local",
            "breadcrumbs": [
                (_("Lovoverholdelse"), f"/frister/lovoverholdelse/?{request.GET.urlencode()}"),
                (OUTCOME_LABELS[outcome], None),
            ],
        },
    )


@gate.permission_required("deadlines.view_rules")
def rules_overview(request):
    is_admin = request.user.has_perm("deadlines.edit_local_standards")
    form = LocalStandardForm(request.POST or None)
    if request.method == "POST":
        gate.require(request, "deadlines.edit_local_standards")
        if form.is_valid():
            try:
                services.local_standard_set(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Den lokale standard er gemt. Nye frister bruger den med det samme; "
                        "sagernes løbende frister genberegnes i baggrunden (se status nedenfor)."
                    ),
                )
                return redirect("deadlines:rules")
    return render(
        request,
        "deadlines/rules.html",
        {
            "rules": sorted(load_rules().values(), key=lambda r: r.title),
            "laws": LAWS,
            "local_standards": LocalStandard.objects.select_related("created_by"),
            "recomputing": LocalStandard.objects.filter(
                recompute_finished_at__isnull=True
            ).exists(),
            "form": form if is_admin else None,
            "is_admin": is_admin,
            "breadcrumbs": [(_("Regler og frister"), None)],
        },
        status=400 if form.errors else 200,
    )


SIMULATION_EXAMPLE = """født 2012-05-01
2026-01-12 09:30 report_received intake_kind=concern_report notifier_professional=true
2026-01-12 14:00 report_triaged outcome=investigation
2026-01-12 14:05 assessment_started aware_at=2026-01-12T09:30
2026-04-20 assessment_concluded
2026-05-01 plan_made
2026-05-04 decision_made measure_kind=support
2026-05-11 measure_started measure_kind=support
2026-08-03 follow_up_held next_follow_up_due=2027-02-01"""


@gate.permission_required("deadlines.view_rules")
def calculator(request):
    query = request.GET.copy()
    if query.get("rule_key"):  # old rule keys keep working (aliases)
        query["rule_key"] = canonical_rule_key(query["rule_key"])
    form = CalculatorForm(query if "rule_key" in request.GET else None)
    result, error = None, ""
    # "Prøv et forløb" posts its timeline (a long one does not fit in a URL); a link with
    # ?forloeb= still works. Nothing is stored either way.
    source = request.POST if request.method == "POST" else request.GET
    timeline = source.get("forloeb", "")
    simulation, simulation_error = None, ""
    if "forloeb" in source:
        try:
            simulation = simulate_text(timeline)  # refuses an over-long text, never clips it
        except SimulationError as exc:
            simulation_error = str(exc)
        else:
            labels = {**OUTCOME_LABELS, "cancelled": _("Bortfaldet"), "expired": _("Udløbet")}
            for clock in simulation.clocks:
                clock["status_label"] = labels[clock["status"]]
                for key in ("started", "due", "stopped"):
                    clock[f"{key}_at"] = parse_datetime(clock[key]) if clock[key] else None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            result = calculate(
                rule_key=d["rule_key"],
                start=d["start"].astimezone(TZ),
                birth_date=d["birth_date"],
                notifier_kind=d["notifier_kind"],
                measure_kind=d["measure_kind"],
                local=d["local"],
            )
        except RuleError as exc:
            error = str(exc)
    return render(
        request,
        "deadlines/calculator.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "timeline": timeline or SIMULATION_EXAMPLE,
            "timeline_limit": MAX_CHARS,
            "simulation": simulation,
            "simulation_error": simulation_error,
            "breadcrumbs": [
                (_("Regler og frister"), "/frister/regler/"),
                (_("Fristberegner"), None),
            ],
        },
    )
