"""Pages for the children's investigation, under the case (``/sager/<id>/undersoegelse/``).

Every page gets its case through the gate (``cases.gate``: need-to-know, 404/403, one
access-log row). An investigation, activity or section of another case answers 404 like one
that does not exist. Writing needs ``assessments.edit_assessment`` (letters:
``assessments.send_assessment``) on the case.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.assessments import selectors, services
from boernesag.assessments.constants import (
    BASES_BY_LAW,
    ActivityKind,
    AssessmentStatus,
)
from boernesag.assessments.forms import (
    ActivityForm,
    CommentsForm,
    ConclusionForm,
    DecisionForm,
    DraftForm,
    MidwayForm,
    PlanForm,
    ProvisionalForm,
    RecordForm,
    SectionForm,
    _yes_no,
)
from boernesag.assessments.models import Assessment, AssessmentActivity, AssessmentSection
from boernesag.cases import gate
from boernesag.cases.models import Case, Consent
from boernesag.cases.views import CONFLICT, _case_context
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons.models import Person

EDIT = "assessments.edit_assessment"
SEND = "assessments.send_assessment"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _on_post(request, action: str) -> str:
    return action if request.method == "POST" else "view"


def _valid_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _get(request, pk, a_pk, *, what: str, action: str = "view") -> tuple[Case, Assessment]:
    return gate.case_object_get(
        request,
        pk,
        Assessment,
        a_pk,
        what=what,
        action=action,
        queryset=lambda case: Assessment.objects.select_related("decided_by", "template"),
    )


def _part_get(request, pk, a_pk, model, part_pk, *, what: str, action: str):
    """The case (gate), the investigation and one of its activities or sections; anything
    not on this investigation of this case answers 404, logged only after every check."""
    part = None
    if _valid_id(pk) and _valid_id(a_pk) and _valid_id(part_pk):
        part = model.objects.filter(pk=part_pk, assessment_id=a_pk, assessment__case_id=pk).first()
    if part is None:
        gate.refuse(
            request,
            status=404,
            what=what,
            case_id=int(pk) if _valid_id(pk) else None,
            object_ref=part_pk,
        )
    case, assessment = _get(request, pk, a_pk, what=what, action=action)
    part.assessment = assessment
    return case, assessment, part


def _url(assessment: Assessment) -> str:
    return reverse("assessments:detail", args=[assessment.case_id, assessment.pk])


def _context(request, case, **extra):
    context = _case_context(request, case, "assessment", **extra)
    context["can_edit_assessment"] = request.user.has_perm(EDIT, case)
    context["can_send_assessment"] = request.user.has_perm(SEND, case)
    assessment = extra.get("assessment")
    crumbs = [
        *context["breadcrumbs"][:-1],
        (_("Sag %(ref)s") % {"ref": case.reference}, reverse("cases:case", args=[case.pk])),
    ]
    if assessment is not None:
        crumbs.append((_("Børnefaglig undersøgelse"), _url(assessment)))
    crumbs.append((extra.get("page_title") or _("Børnefaglig undersøgelse"), None))
    context["breadcrumbs"] = crumbs
    return context


def _form_page(request, case, assessment, form, *, title, intro="", submit, status=200, **extra):
    return render(
        request,
        "assessments/form.html",
        _context(
            request,
            case,
            assessment=assessment,
            form=form,
            page_title=title,
            intro=intro,
            submit=submit,
            **extra,
        ),
        status=status,
    )


def _conflict(form_class, request, saved_version, **kwargs):
    posted = request.POST.copy()
    posted["version"] = saved_version
    form = form_class(posted, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form


# --- the overview and one investigation -------------------------------------------------


@gate.gated_case("assessments")
def overview(request, case: Case):
    """The case's investigations: the current one in full, earlier ones listed. When an
    investigation runs (from the 24-hour triage) without the § 20 decision, the page says so
    and offers the decision — nothing else can be recorded before it."""
    assessments = selectors.case_assessments(case)
    current = assessments[0] if assessments else None
    view = selectors.assessment_view(current) if current else None
    open_one = current is not None and current.is_open
    running = services.running_start(case) if not open_one else None
    return render(
        request,
        "assessments/assessment.html",
        _context(
            request,
            case,
            view=view,
            assessment_obj=current,
            earlier=assessments[1:],
            running=running,
            may_decide=not open_one,
        ),
    )


def detail(request, pk: int, a_pk: int):
    case, assessment = _get(request, pk, a_pk, what="assessment")
    earlier = [a for a in selectors.case_assessments(case) if a.pk != assessment.pk]
    return render(
        request,
        "assessments/assessment.html",
        _context(
            request,
            case,
            view=selectors.assessment_view(assessment),
            assessment_obj=assessment,
            earlier=earlier,
            running=None,
            may_decide=False,
        ),
    )


# --- the decision ------------------------------------------------------------------------


def _consent_choices(case: Case):
    rows = Consent.objects.filter(case=case, withdrawn_on__isnull=True).select_related("given_by")[
        :50
    ]
    return [
        (
            str(c.pk),
            f"{c.given_by.full_name}: {c.get_scope_display()} ({c.given_on:%d.%m.%Y})",
        )
        for c in rows
    ]


def decide(request, pk: int):
    case = gate.case_get(request, pk, what="assessment_decide", action=EDIT)
    start = services.running_start(case)
    aware = services.aware_at_of(start) if start else None
    law = services.law_for(aware or timezone.now())
    initial = {
        "decided_on": timezone.localdate(),
        "focus_areas": services.triage_focus(case),
        "planned_end": services.legal_deadline(aware) if aware else None,
    }
    form = DecisionForm(
        _posted(request),
        initial=initial,
        bases=BASES_BY_LAW[law],
        consents=_consent_choices(case),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = list(Consent.objects.filter(case=case, pk__in=data.pop("consents") or []))
            try:
                assessment = services.assessment_decide(
                    case=case, by=request.user, consents=chosen, **data
                )
            except services.NotAllowed as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Afgørelsen er registreret, og brevet med begrundelse og "
                        "klagevejledning er lagt i udbakken."
                    ),
                )
                return redirect(_url(assessment))
        else:
            status = 400
    if aware is not None:
        form.fields.pop("aware_at")  # the clock runs from the intake's awareness
    return render(
        request,
        "assessments/decide.html",
        _context(
            request,
            case,
            form=form,
            page_title=_("Afgørelse om børnefaglig undersøgelse"),
            aware=aware,
            law=law,
        ),
        status=status,
    )


# --- the plan and activities ---------------------------------------------------------------


def _professionals(case: Case):
    return [
        (
            str(r.person_id),
            f"{r.person.full_name} ({r.get_professional_role_display() or _('fagperson')})",
        )
        for r in services.professional_relations(case)
    ]


def plan(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_plan", action=_on_post(request, EDIT)
    )
    initial = {
        "focus_areas": assessment.focus_areas,
        "start_date": assessment.start_date,
        "planned_end": assessment.planned_end,
        "version": assessment.version,
    }
    form = PlanForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.plan_update(
                    assessment=assessment,
                    by=request.user,
                    expected_version=data.pop("version"),
                    **data,
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(PlanForm, request, assessment.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Planen er gemt."))
                return redirect(reverse("assessments:plan", args=[case.pk, assessment.pk]))
        else:
            status = 400
    view = selectors.assessment_view(assessment)
    return render(
        request,
        "assessments/plan.html",
        _context(
            request,
            case,
            assessment=assessment,
            view=view,
            form=form,
            activity_form=ActivityForm(professionals=_professionals(case)),
            page_title=_("Plan og aktiviteter"),
        ),
        status=status,
    )


def activity_add(request, pk: int, a_pk: int):
    case, assessment = _get(request, pk, a_pk, what="assessment_activity_add", action=EDIT)
    form = ActivityForm(_posted(request), professionals=_professionals(case))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            person_id = data.pop("person")
            person = Person.objects.filter(pk=person_id).first() if _valid_id(person_id) else None
            try:
                services.activity_add(
                    assessment=assessment,
                    by=request.user,
                    person=person,
                    **data,
                )
            except services.NotAllowed as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Aktiviteten er planlagt."))
                return redirect(reverse("assessments:plan", args=[case.pk, assessment.pk]))
        else:
            status = 400
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Planlæg aktivitet"),
        intro=_(
            "En udtalelse bedes om fra en af fagpersonerne omkring barnet; anmodningen sendes "
            "som brev med svarfristen."
        ),
        submit=_("Planlæg aktivitet"),
        status=status,
    )


def activity_record(request, pk: int, a_pk: int, act_pk: int):
    case, assessment, activity = _part_get(
        request,
        pk,
        a_pk,
        AssessmentActivity,
        act_pk,
        what="assessment_activity",
        action=_on_post(request, EDIT),
    )
    initial = {
        "held": {"held": "yes", "not_held": "no"}.get(activity.status),
        "held_on": activity.held_on,
        "summary": activity.summary,
        "source": activity.source,
        "not_held_reason": activity.not_held_reason,
        "version": activity.version,
    }
    form = RecordForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.activity_record(
                    activity=activity,
                    by=request.user,
                    expected_version=data.pop("version"),
                    held=_yes_no(data.pop("held")),
                    **data,
                )
            except services.ConflictError:
                activity.refresh_from_db()
                form = _conflict(RecordForm, request, activity.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Aktiviteten er registreret."))
                return redirect(reverse("assessments:plan", args=[case.pk, assessment.pk]))
        else:
            status = 400
    title = activity.get_kind_display()
    if activity.kind == ActivityKind.STATEMENT and activity.person_id:
        title = f"{title}: {activity.person.full_name}"
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=title,
        intro=_(
            "Registrér om aktiviteten blev gennemført: hvad kom frem og hvor oplysningerne "
            "kommer fra – eller hvorfor den ikke blev gennemført."
        ),
        submit=_("Gem"),
        status=status,
        editable=assessment.is_open,
    )


# --- sections, midway ---------------------------------------------------------------------


def section_edit(request, pk: int, a_pk: int, section_pk: int):
    """One section with its guidance. A save based on an older version is refused (409):
    the page shows what was typed and what the other person saved."""
    case, assessment, section = _part_get(
        request,
        pk,
        a_pk,
        AssessmentSection,
        section_pk,
        what="assessment_section",
        action=_on_post(request, EDIT),
    )
    form = SectionForm(_posted(request), initial={"text": section.text, "version": section.version})
    status = 200
    saved = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.section_save(
                    section=section,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                )
            except services.ConflictError:
                section.refresh_from_db()
                saved = section
                form = _conflict(SectionForm, request, section.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Afsnittet er gemt."))
                return redirect(_url(assessment) + f"#afsnit-{section.pk}")
        else:
            status = 400
    form.fields["text"].label = section.section.title
    form.fields["text"].help_text = section.section.guidance
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=section.section.title,
        submit=_("Gem afsnittet"),
        status=status,
        saved=saved,
        editable=assessment.is_open,
    )


def midway(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_midway", action=_on_post(request, EDIT)
    )
    initial = {
        "focus_holds": {True: "yes", False: "no"}.get(assessment.midway_focus_holds),
        "text": assessment.midway_text,
        "version": assessment.version,
    }
    form = MidwayForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.midway_record(
                    assessment=assessment,
                    by=request.user,
                    expected_version=data["version"],
                    focus_holds=_yes_no(data["focus_holds"]),
                    text=data["text"],
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(MidwayForm, request, assessment.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Midtvejsstatus er gemt."))
                return redirect(_url(assessment))
        else:
            status = 400
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Midtvejsstatus"),
        intro=assessment.focus_areas and _("Fokusområder: %(f)s") % {"f": assessment.focus_areas},
        submit=_("Gem midtvejsstatus"),
        status=status,
        editable=assessment.is_open,
    )


# --- draft, comments, conclusion, provisional ------------------------------------------------


def draft(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_draft", action=_on_post(request, SEND)
    )
    recipients = [(str(p.pk), p.full_name) for p in services.family_recipients(case)]
    form = DraftForm(
        _posted(request),
        recipients=recipients,
        initial={"recipients": [r for r, _n in recipients], "version": assessment.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = [
                p for p in services.family_recipients(case) if str(p.pk) in data["recipients"]
            ]
            try:
                services.draft_send(
                    assessment=assessment,
                    by=request.user,
                    expected_version=data["version"],
                    recipients=chosen,
                    comments_by=data["comments_by"],
                    confirm_protected=data["confirm_protected"],
                    token=data["token"],
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(DraftForm, request, assessment.version, recipients=recipients)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Udkastet er lagt i udbakken til familien."))
                return redirect(_url(assessment))
        else:
            status = 400
    if not case.child.address_protected:
        form.fields.pop("confirm_protected")
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Send udkast til familien"),
        intro=_(
            "Familien får hele udkastet som brev og kan komme med bemærkninger, som "
            "registreres som en tilføjelse til undersøgelsen."
        ),
        submit=_("Send udkastet"),
        status=status,
        editable=assessment.is_open,
        protected=case.child.address_protected,
    )


def comments(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_comments", action=_on_post(request, EDIT)
    )
    form = CommentsForm(
        _posted(request),
        initial={"comments": assessment.family_comments, "version": assessment.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comments_record(
                    assessment=assessment,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    comments=form.cleaned_data["comments"],
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(CommentsForm, request, assessment.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Familiens bemærkninger er registreret."))
                return redirect(_url(assessment))
        else:
            status = 400
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Familiens bemærkninger til udkastet"),
        submit=_("Gem bemærkningerne"),
        status=status,
        editable=assessment.is_open,
    )


def conclude(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_conclude", action=_on_post(request, EDIT)
    )
    form = ConclusionForm(
        _posted(request),
        initial={"concluded_on": timezone.localdate(), "version": assessment.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.assessment_conclude(
                    assessment=assessment,
                    by=request.user,
                    expected_version=data.pop("version"),
                    needs_support=_yes_no(data.pop("needs_support")),
                    **data,
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(ConclusionForm, request, assessment.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                sent = request.user.has_perm(services.SEND, case) and not (
                    case.child.address_protected
                )
                messages.success(
                    request,
                    _(
                        "Undersøgelsen er afsluttet. Den lægges som PDF i sagens dokumenter og "
                        "sendes til familien."
                    )
                    if sent
                    else _(
                        "Undersøgelsen er afsluttet og lægges som PDF i sagens dokumenter. Den "
                        "er ikke sendt til familien: læs den igennem og send den selv (barnet "
                        "har navne- og adressebeskyttelse, eller du må ikke sende breve)."
                    ),
                )
                return redirect(_url(assessment))
        else:
            status = 400
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Konklusion"),
        intro=_(
            "Barnets Lov § 22, stk. 6: tag begrundet stilling til, om barnet har behov for "
            "støtte og hvilken, og skriv barnets og forældrenes syn."
        ),
        submit=_("Afslut undersøgelsen"),
        status=status,
        editable=assessment.is_open,
    )


def provisional(request, pk: int, a_pk: int):
    case, assessment = _get(
        request, pk, a_pk, what="assessment_provisional", action=_on_post(request, EDIT)
    )
    form = ProvisionalForm(
        _posted(request),
        initial={"text": assessment.provisional_text, "version": assessment.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.provisional_record(
                    assessment=assessment,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                )
            except services.ConflictError:
                assessment.refresh_from_db()
                form = _conflict(ProvisionalForm, request, assessment.version)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Den foreløbige vurdering er registreret."))
                return redirect(_url(assessment))
        else:
            status = 400
    return _form_page(
        request,
        case,
        assessment,
        form,
        title=_("Foreløbig vurdering"),
        intro=_(
            "Undersøgelsen er ikke afsluttet inden for 4 måneder. Barnets Lov § 20, stk. 3: "
            "kommunen udarbejder en foreløbig vurdering og afslutter undersøgelsen snarest."
        ),
        submit=_("Gem den foreløbige vurdering"),
        status=status,
        editable=assessment.is_open and assessment.provisional_at is None,
    )


__all__ = ["AssessmentStatus"]
