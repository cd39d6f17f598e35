"""*Afgørelser* on a case, the approval queue, the appeals overview and the authority
matrix. Every page about a case gets it through ``cases.gate`` (need-to-know, 404/403, one
access-log row); lists log the children shown; the overview and the matrix show no child."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate
from boernesag.cases.views import CONFLICT, _case_context
from boernesag.decisions import authority, selectors, services
from boernesag.decisions.forms import (
    AppealForm,
    ApprovalForm,
    DecideForm,
    DecisionForm,
    HearingAnswerForm,
    HearingForm,
    LetterSentForm,
    ReconsiderForm,
    ResolveForm,
    RulingForm,
)
from boernesag.decisions.models import Appeal, Decision, Hearing
from boernesag.letters.models import Letter
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons import selectors as people

MAKE = "decisions.make_decision"
APPROVE = "decisions.approve_decision"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _on_post(request, action: str) -> str:
    return action if request.method == "POST" else "view"


def _decision_get(request, pk, decision_pk, *, what: str, action: str = "view"):
    return gate.case_object_get(
        request,
        pk,
        Decision,
        decision_pk,
        what=what,
        action=action,
        queryset=Decision.objects.select_related(
            "service", "provider", "created_by", "decided_by", "replaces", "assessment", "plan"
        ),
    )


def _detail_url(decision: Decision) -> str:
    return reverse("decisions:detail", args=[decision.case_id, decision.pk])


def _context(request, case, **extra):
    return _case_context(
        request,
        case,
        "decisions",
        can_decide=request.user.has_perm(MAKE, case),
        can_approve=request.user.has_perm(APPROVE, case),
        **extra,
    )


def _plan_initial(value):
    return {True: "yes", False: "no"}.get(value, "")


# --- the tab -----------------------------------------------------------------------------


def decision_list(request, pk: int):
    case = gate.case_get(request, pk, what="decisions")
    return render(
        request,
        "decisions/list.html",
        _context(request, case, decisions=selectors.case_decisions(case)),
    )


def decision_create(request, pk: int):
    case = gate.case_get(request, pk, what="decision_new", action=MAKE)
    form = DecisionForm(_posted(request), case=case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = services.decision_create(
                    case=case,
                    by=request.user,
                    submit_token=form.cleaned_data.get("submit_token"),
                    **form.service_fields(),
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Afgørelsen er gemt som kladde."))
                return redirect(_detail_url(decision))
        status = 400
    return render(
        request,
        "decisions/form.html",
        _context(request, case, form=form, decision=None),
        status=status,
    )


def _draft_form(decision: Decision, data=None) -> DecisionForm:
    initial = {name: getattr(decision, name) for name in services.FIELDS}
    initial["service"] = decision.service_id
    initial["provider"] = decision.provider_id
    initial["assessment"] = decision.assessment_id
    initial["plan"] = decision.plan_id
    initial["plan_needed"] = _plan_initial(decision.plan_needed)
    initial["legal_sections"] = [s.pk for s in decision.legal_sections.all()]
    initial["version"] = decision.version
    return DecisionForm(data, initial=initial, case=decision.case)


def decision_detail(request, pk: int, decision_pk: int):
    """The decision: what it says, what is missing before it can be made, its hearings,
    approvals, letters and appeals; while it is a draft, the form to edit it."""
    case, decision = _decision_get(
        request, pk, decision_pk, what="decision", action=_on_post(request, MAKE)
    )
    form = _draft_form(decision, _posted(request)) if decision.is_draft else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Afgørelsen er ikke en kladde længere og kan ikke ændres."))
            return redirect(_detail_url(decision))
        if form.is_valid():
            data = form.service_fields()
            try:
                decision = services.decision_update(
                    decision=decision,
                    by=request.user,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **data,
                )
            except services.ConflictError:
                # keep the input, but with the version now saved, so that submitting the
                # kept form again (after reading the message) saves it
                decision.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = decision.version
                form = _draft_form(decision, posted)
                form.is_valid()
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Kladden er gemt."))
                return redirect(_detail_url(decision))
        else:
            status = 400
    return _detail_page(request, case, decision, form=form, status=status)


def _detail_page(request, case, decision, *, form=None, status=200, **extra):
    view = selectors.decision_view(decision)
    return render(
        request,
        "decisions/detail.html",
        _context(
            request,
            case,
            decision=decision,
            view=view,
            form=form,
            decide_form=DecideForm(initial={"version": decision.version}),
            sent_form=LetterSentForm(),
            may_approve=request.user.has_perm(APPROVE, case)
            and decision.created_by_id != request.user.pk,
            **extra,
        ),
        status=status,
    )


@require_POST
def decision_decide(request, pk: int, decision_pk: int):
    _case, decision = _decision_get(request, pk, decision_pk, what="decision_decide", action=MAKE)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Siden var forældet. Prøv igen."))
        return redirect(_detail_url(decision))
    try:
        decision = services.decision_decide(
            decision=decision, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except services.ConflictError:
        messages.error(request, CONFLICT)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if decision.is_decided:
            messages.success(request, _("Afgørelsen er truffet. Send den nu til parterne."))
        else:
            messages.success(
                request,
                _("Afgørelsen ligger over din kompetence og venter nu på godkendelse (%(l)s).")
                % {"l": decision.get_required_level_display()},
            )
    return redirect(_detail_url(decision))


def decision_approve(request, pk: int, decision_pk: int):
    case, decision = _decision_get(
        request, pk, decision_pk, what="decision_approval", action=APPROVE
    )
    form = ApprovalForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decision_approve(decision=decision, by=request.user, **form.cleaned_data)
            except services.NotAllowed as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Afgørelsen er godkendt og truffet.")
                    if form.cleaned_data["approved"]
                    else _("Afgørelsen er afvist og sendt tilbage som kladde."),
                )
                return redirect(_detail_url(decision))
        else:
            status = 400
    return render(
        request,
        "decisions/approve.html",
        _context(
            request,
            case,
            decision=decision,
            view=selectors.decision_view(decision),
            form=form,
            level=authority.level_of(request.user, case),
        ),
        status=status,
    )


@require_POST
def decision_send(request, pk: int, decision_pk: int):
    _case, decision = _decision_get(request, pk, decision_pk, what="decision_send", action=MAKE)
    try:
        sent = services.decision_send(decision=decision, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Afgørelsen er lagt i udbakken til %(n)s parter. Brevene dannes som PDF.")
            % {"n": len(sent)},
        )
    return redirect(_detail_url(decision))


@require_POST
def letter_sent(request, pk: int, decision_pk: int):
    _case, decision = _decision_get(request, pk, decision_pk, what="decision_letter", action=MAKE)
    form = LetterSentForm(request.POST)
    letter = (
        Letter.objects.filter(pk=form.data.get("letter")).first()
        if str(form.data.get("letter", "")).isdigit()
        else None
    )
    if not form.is_valid() or letter is None:
        messages.error(request, _("Vælg hvordan brevet er sendt."))
        return redirect(_detail_url(decision))
    try:
        services.decision_letter_mark_sent(
            decision=decision, letter=letter, by=request.user, channel=form.cleaned_data["channel"]
        )
    except (ValidationError, services.NotAllowed) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Brevet er markeret som sendt."))
    return redirect(_detail_url(decision))


@require_POST
def decision_resolve(request, pk: int, decision_pk: int):
    _case, decision = _decision_get(request, pk, decision_pk, what="decision_resolve", action=MAKE)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.temporary_resolve(
                decision=decision, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Den midlertidige afgørelse er afklaret."))
    return redirect(_detail_url(decision))


@require_POST
def decision_change(request, pk: int, decision_pk: int):
    _case, decision = _decision_get(request, pk, decision_pk, what="decision_change", action=MAKE)
    try:
        new = services.decision_change_start(decision=decision, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(decision))
    messages.success(
        request, _("En ny afgørelse, der ændrer den tidligere, er oprettet som kladde.")
    )
    return redirect(_detail_url(new))


# --- hearing -----------------------------------------------------------------------------


def hearing_send(request, pk: int, decision_pk: int):
    case, decision = _decision_get(request, pk, decision_pk, what="hearing_new", action=MAKE)
    form = HearingForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.hearing_send(decision=decision, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Partshøringen er lagt i udbakken til parterne."))
                return redirect(_detail_url(decision))
        status = 400
    return render(
        request,
        "decisions/hearing.html",
        _context(
            request,
            case,
            decision=decision,
            form=form,
            parties=people.parties(case),
            text=services.decision_text(decision),
        ),
        status=status,
    )


def hearing_answer(request, pk: int, hearing_pk: int):
    case, hearing = gate.case_object_get(
        request,
        pk,
        Hearing,
        hearing_pk,
        what="hearing_answer",
        action=MAKE,
        queryset=Hearing.objects.select_related("decision"),
    )
    form = HearingAnswerForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.hearing_answer(hearing=hearing, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Svaret på partshøringen er registreret."))
                return redirect(_detail_url(hearing.decision))
        status = 400
    return render(
        request,
        "decisions/hearing_answer.html",
        _context(request, case, hearing=hearing, decision=hearing.decision, form=form),
        status=status,
    )


# --- appeals -----------------------------------------------------------------------------


def appeal_add(request, pk: int, decision_pk: int):
    case, decision = _decision_get(request, pk, decision_pk, what="appeal_new", action=MAKE)
    form = AppealForm(_posted(request), parties=people.parties(case))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal = services.appeal_register(
                    decision=decision, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                if appeal.late:
                    messages.warning(
                        request,
                        _(
                            "Klagen er registreret. Den er modtaget efter klagefristen – "
                            "kommunen afgør, om den alligevel behandles."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Klagen er registreret. Genvurdér den inden 4 uger.")
                    )
                return redirect("decisions:appeal", pk=case.pk, appeal_pk=appeal.pk)
        status = 400
    return render(
        request,
        "decisions/appeal_add.html",
        _context(request, case, decision=decision, form=form),
        status=status,
    )


def appeal_detail(request, pk: int, appeal_pk: int):
    """An appeal: the reconsideration (changed or upheld and forwarded) and, later,
    Ankestyrelsen's ruling."""
    case, appeal = gate.case_object_get(
        request,
        pk,
        Appeal,
        appeal_pk,
        what="appeal",
        action=_on_post(request, MAKE),
        queryset=Appeal.objects.select_related("decision", "appellant", "new_decision"),
    )
    reconsider = ruling = None
    status = 200
    if appeal.status == "received":
        reconsider = ReconsiderForm(_posted(request), initial={"version": appeal.version})
    elif appeal.status == "forwarded":
        ruling = RulingForm(_posted(request), initial={"version": appeal.version})
    if request.method == "POST":
        form = reconsider or ruling
        if form is None:
            messages.error(request, _("Klagen er færdigbehandlet."))
            return redirect("decisions:appeal", pk=case.pk, appeal_pk=appeal.pk)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                if form is reconsider:
                    appeal = services.appeal_reconsider(
                        appeal=appeal, by=request.user, expected_version=version, **data
                    )
                else:
                    appeal = services.appeal_ruling_record(
                        appeal=appeal, by=request.user, expected_version=version, **data
                    )
            except services.ConflictError:
                appeal.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = appeal.version
                kept = type(form)(posted, initial={"version": appeal.version})
                kept.is_valid()
                if form is reconsider:
                    reconsider = kept
                else:
                    ruling = kept
                form = kept
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                if appeal.new_decision_id and form is reconsider:
                    messages.success(
                        request, _("Afgørelsen ændres: ret den nye afgørelse og træf den.")
                    )
                    return redirect(_detail_url(appeal.new_decision))
                messages.success(request, _("Klagen er opdateret."))
                return redirect("decisions:appeal", pk=case.pk, appeal_pk=appeal.pk)
        else:
            status = 400
    return render(
        request,
        "decisions/appeal.html",
        _context(
            request,
            case,
            appeal=appeal,
            decision=appeal.decision,
            reconsider=reconsider,
            ruling=ruling,
            clock=selectors.reconsideration_clock(appeal),
        ),
        status=status,
    )


# --- pages without a case ----------------------------------------------------------------


@gate.permission_required("decisions.view_queue")
def approval_queue(request):
    rows = gate.list_logged(request, selectors.approval_queue(request.user), what="decision_queue")
    selectors.service_names(rows)
    return render(request, "decisions/queue.html", {"decisions": rows})


@gate.permission_required("decisions.view_appeal_overview")
def appeal_overview(request):
    """Appeals and Ankestyrelsen's rulings by decision kind and team: numbers only, so the
    municipality can learn from them (Faxe). No child is shown."""
    return render(request, "decisions/overview.html", selectors.appeal_overview())


@gate.permission_required("decisions.view_authority")
def authority_matrix(request):
    return render(request, "decisions/authority.html", {"matrix": authority.matrix()})
