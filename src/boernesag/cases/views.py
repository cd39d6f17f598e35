"""Pages for children and cases. Every read of a child's data goes through ``_case_for`` /
``_child_for``: the need-to-know gate, then one access-log row."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.accounts.constants import Role
from boernesag.audit.services import access_log_record
from boernesag.cases import selectors, services
from boernesag.cases.access import active_grant_for, case_visibility_q, may, scope_for
from boernesag.cases.constants import ConsentForm as ConsentFormKind
from boernesag.cases.forms import (
    AccessRequestForm,
    CaseOpenForm,
    ChildSearchForm,
    ConsentFormForm,
    ConsentWithdrawForm,
    DocumentForm,
    JournalAddendumForm,
    JournalCorrectForm,
    JournalForm,
    JournalSearchForm,
    MeetingFinishForm,
    MeetingForm,
    ReassignForm,
    TimelineFilterForm,
)
from boernesag.cases.models import Case, Consent, JournalEntry, Meeting
from boernesag.cases.services import journal_can_correct, journal_correction_deadline
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons.display import person_address
from boernesag.persons.models import Person

CONFLICT = _(
    "En anden har gemt ændringer, siden du åbnede siden. Det du skrev er bevaret nedenfor – "
    "sammenlign med den gemte version og gem igen."
)


def _log(request, *, what: str, child_id: int, case_id: int | None = None, object_ref=""):
    grant = None
    if child_id in scope_for(request.user).granted_child_ids:
        # record the reason only when the grant is what gives access
        without_grant = Case.objects.filter(
            case_visibility_q(request.user, include_grants=False), child_id=child_id
        )
        if not without_grant.exists():
            grant = active_grant_for(request.user, child_id)
    access_log_record(
        user=request.user,
        what=what,
        child_id=child_id,
        case_id=case_id,
        object_ref=str(object_ref),
        reason=grant.reason if grant else "",
        grant_id=grant.pk if grant else None,
    )


def _case_for(request, pk: int, what: str, *, object_ref="", action: str = "view") -> Case:
    case = get_object_or_404(Case.objects.select_related("child", "team", "caseworker"), pk=pk)
    if not may("view", request.user, case):
        raise PermissionDenied
    if action != "view" and not may(action, request.user, case):
        raise PermissionDenied
    _log(request, what=what, child_id=case.child_id, case_id=case.pk, object_ref=object_ref)
    return case


def _case_context(request, case: Case, tab: str, **extra):
    return {
        "case": case,
        "child": case.child,
        "tab": tab,
        "can_edit": may("edit", request.user, case),
        "can_reassign": may("reassign", request.user, case),
        "breadcrumbs": [
            (case.child.full_name, reverse("cases:child", args=[case.child_id])),
            (_("Sag %(ref)s") % {"ref": case.reference}, None),
        ],
        **extra,
    }


def _person_choices(case: Case):
    relations = selectors.child_relations(child=case.child)
    choices = [(str(case.child_id), f"{case.child.full_name} ({_('barnet')})")]
    choices += [
        (str(r.person_id), f"{r.person.full_name} ({r.get_kind_display()})") for r in relations
    ]
    return choices


# --- children ---------------------------------------------------------------------------


def child_search(request):
    if not request.user.has_role(Role.CASEWORKER, Role.INTAKE_COORDINATOR, Role.TEAM_LEADER):
        raise PermissionDenied
    form = ChildSearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"]:
        result = selectors.child_search(user=request.user, query=form.cleaned_data["q"])
        if result.cpr_error:
            form.add_error("q", result.cpr_error)
    return render(
        request,
        "cases/child_search.html",
        {
            "form": form,
            "result": result,
            "breadcrumbs": [(_("Find barn"), None)],
        },
    )


def child_detail(request, pk: int):
    child = get_object_or_404(Person, pk=pk)
    if not selectors.children_visible_to(request.user).filter(pk=child.pk).exists():
        raise PermissionDenied
    _log(request, what="child_page", child_id=child.pk)
    cases = list(child.cases.select_related("caseworker", "team").order_by("-opened_at"))
    open_case = next((c for c in cases if c.is_open), None)
    can_open = open_case is None and request.user.has_role(
        Role.CASEWORKER, Role.INTAKE_COORDINATOR, Role.TEAM_LEADER
    )
    return render(
        request,
        "cases/child_detail.html",
        {
            "child": child,
            "address": person_address(child, request.user),
            "relations": [
                (r, person_address(r.person, request.user))
                for r in selectors.child_relations(child=child)
            ],
            "cases": cases,
            "can_open": can_open,
            "open_form": CaseOpenForm() if can_open else None,
            "breadcrumbs": [
                (_("Find barn"), reverse("cases:child_search")),
                (child.full_name, None),
            ],
        },
    )


def child_access_request(request, pk: int):
    child = get_object_or_404(Person, pk=pk)
    if not child.cases.exists():
        raise Http404
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.access_request(user=request.user, child=child, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Du har fået adgang i %(hours)s timer. Adgangen er logget.") % {"hours": _hours()},
        )
        return redirect("cases:child", pk=child.pk)
    # Shows only that a child exists and which initials: no personal data before the reason.
    return render(
        request,
        "cases/access_request.html",
        {
            "child_initials": f"{child.first_name[:1]}. {child.last_name[:1]}.",
            "child": child,
            "form": form,
            "hours": _hours(),
            "breadcrumbs": [
                (_("Find barn"), reverse("cases:child_search")),
                (_("Adgang med begrundelse"), None),
            ],
        },
        status=400 if form.errors else 200,
    )


def _hours():
    from django.conf import settings

    return settings.ACCESS_GRANT_HOURS


@require_POST
def case_open(request, pk: int):
    child = get_object_or_404(Person, pk=pk)
    if not selectors.children_visible_to(request.user).filter(pk=child.pk).exists():
        raise PermissionDenied
    if not request.user.has_role(Role.CASEWORKER, Role.INTAKE_COORDINATOR, Role.TEAM_LEADER):
        raise PermissionDenied
    form = CaseOpenForm(request.POST)
    if form.is_valid():
        try:
            case = services.case_open(
                child=child,
                caseworker=form.cleaned_data["caseworker"],
                team=form.cleaned_data["team"],
                opened_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases:child", pk=child.pk)
        messages.success(request, _("Sagen er oprettet."))
        return redirect("cases:case", pk=case.pk)
    messages.error(request, _("Sagen blev ikke oprettet: vælg et team."))
    return redirect("cases:child", pk=child.pk)


# --- lists --------------------------------------------------------------------------------


def my_cases(request):
    if not request.user.has_role(Role.CASEWORKER):
        raise PermissionDenied
    return render(
        request,
        "cases/my_cases.html",
        {
            "cases": selectors.my_cases(user=request.user),
            "breadcrumbs": [(_("Mine sager"), None)],
        },
    )


def team_cases(request):
    if not request.user.has_role(Role.TEAM_LEADER):
        raise PermissionDenied
    return render(
        request,
        "cases/team_cases.html",
        {
            "cases": selectors.team_cases(user=request.user),
            "breadcrumbs": [(_("Teamets sager"), None)],
        },
    )


# --- the case -----------------------------------------------------------------------------


def case_detail(request, pk: int):
    case = _case_for(request, pk, "case_page")
    events, more = selectors.case_timeline(case=case)
    return render(
        request,
        "cases/case_detail.html",
        _case_context(
            request,
            case,
            "overview",
            events=events,
            more=more,
            filter_form=TimelineFilterForm(),
            address=person_address(case.child, request.user),
        ),
    )


def case_timeline(request, pk: int):
    case = _case_for(request, pk, "timeline")
    form = TimelineFilterForm(request.GET)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except ValueError:
        before = None
    events, more = selectors.case_timeline(case=case, kind=kind, before=before)
    template = "cases/partials/timeline.html" if request.htmx else "cases/case_detail.html"
    return render(
        request,
        template,
        _case_context(
            request,
            case,
            "overview",
            events=events,
            more=more,
            filter_form=form,
            kind=kind,
            appending=bool(before),
            address=person_address(case.child, request.user),
        ),
    )


def case_journal(request, pk: int):
    case = _case_for(request, pk, "journal")
    search = JournalSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = JournalForm(request.POST or None)
    if request.method == "POST":
        if not may("edit", request.user, case):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.journal_write(case=case, author=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Journalnotatet er gemt."))
                return redirect("cases:journal", pk=case.pk)
    entries = list(selectors.case_journal(case=case, query=query))
    for entry in entries:
        entry.correctable = journal_can_correct(entry, request.user)
    return render(
        request,
        "cases/journal.html",
        _case_context(
            request,
            case,
            "journal",
            entries=entries,
            form=form,
            search=search,
            query=query,
        ),
        status=400 if form.errors else 200,
    )


def journal_correct(request, pk: int, entry_pk: int):
    case = _case_for(request, pk, "journal_entry", object_ref=entry_pk, action="edit")
    entry = get_object_or_404(JournalEntry, pk=entry_pk, case=case)
    if entry.author_id != request.user.pk:
        raise PermissionDenied
    initial = {"title": entry.title, "text": entry.text, "version": entry.version}
    form = JournalCorrectForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_correct(
                entry=entry,
                author=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except services.ConflictError:
            entry.refresh_from_db()
            data = request.POST.copy()
            data["version"] = entry.version
            form = JournalCorrectForm(data)
            form.is_valid()
            form.add_error(None, CONFLICT)
            status = 409
        except services.NotAllowed as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(
                request, _("Rettelsen er gemt. Den tidligere tekst er bevaret i historikken.")
            )
            return redirect("cases:journal", pk=case.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "cases/journal_correct.html",
        _case_context(
            request,
            case,
            "journal",
            entry=entry,
            form=form,
            deadline=journal_correction_deadline(entry),
            can_correct=journal_can_correct(entry, request.user),
        ),
        status=status,
    )


def journal_addendum(request, pk: int, entry_pk: int):
    case = _case_for(request, pk, "journal_entry", object_ref=entry_pk, action="edit")
    entry = get_object_or_404(JournalEntry, pk=entry_pk, case=case)
    form = JournalAddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.journal_addendum(entry=entry, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Tilføjelsen er gemt."))
        return redirect("cases:journal", pk=case.pk)
    return render(
        request,
        "cases/journal_addendum.html",
        _case_context(
            request,
            case,
            "journal",
            entry=entry,
            form=form,
        ),
        status=400 if form.errors else 200,
    )


def case_documents(request, pk: int):
    case = _case_for(request, pk, "documents")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may("edit", request.user, case):
            raise PermissionDenied
        if form.is_valid():
            from boernesag.cases.documents import DocumentRejected

            try:
                services.document_add(case=case, uploaded_by=request.user, **form.cleaned_data)
            except DocumentRejected as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("Dokumentet er gemt på sagen."))
                return redirect("cases:documents", pk=case.pk)
    documents = selectors.documents_visible_to(request.user, case).select_related("uploaded_by")
    return render(
        request,
        "cases/documents.html",
        _case_context(
            request,
            case,
            "documents",
            documents=documents,
            form=form,
        ),
        status=400 if form.errors else 200,
    )


def document_download(request, pk: int, document_pk: int):
    case = _case_for(request, pk, "document_download", object_ref=document_pk)
    document = get_object_or_404(selectors.documents_visible_to(request.user, case), pk=document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "no-store"
    return response


def case_meetings(request, pk: int):
    case = _case_for(request, pk, "meetings")
    form = MeetingForm(request.POST or None, person_choices=_person_choices(case))
    if request.method == "POST":
        if not may("edit", request.user, case):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            services.meeting_create(
                case=case,
                by=request.user,
                kind=data["kind"],
                held_at=data["held_at"],
                agenda=data["agenda"],
                staff=data["staff"],
                persons=Person.objects.filter(pk__in=data["persons"]),
                other_participants=data["other_participants"],
            )
            messages.success(request, _("Mødet er registreret."))
            return redirect("cases:meetings", pk=case.pk)
    meetings = case.meetings.prefetch_related("staff", "persons")
    return render(
        request,
        "cases/meetings.html",
        _case_context(
            request,
            case,
            "meetings",
            meetings=meetings,
            form=form,
            now=timezone.now(),
        ),
        status=400 if form.errors else 200,
    )


def meeting_finish(request, pk: int, meeting_pk: int):
    case = _case_for(request, pk, "meeting", object_ref=meeting_pk)
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related("staff", "persons"), pk=meeting_pk, case=case
    )
    form = MeetingFinishForm(request.POST or None, initial={"version": meeting.version})
    status = 200
    if request.method == "POST":
        if not may("edit", request.user, case):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.meeting_finish(
                    meeting=meeting,
                    by=request.user,
                    minutes=form.cleaned_data["minutes"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            except services.NotAllowed as exc:
                form.add_error(None, str(exc))
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            else:
                messages.success(
                    request, _("Mødet er afsluttet, og referatet er lagt i journalen.")
                )
                return redirect("cases:meetings", pk=case.pk)
        status = status if status != 200 else 400
    return render(
        request,
        "cases/meeting_detail.html",
        _case_context(
            request,
            case,
            "meetings",
            meeting=meeting,
            form=form,
        ),
        status=status,
    )


def case_consents(request, pk: int):
    case = _case_for(request, pk, "consents")
    choices = _person_choices(case)
    form = ConsentFormForm(request.POST or None, person_choices=choices)
    if request.method == "POST":
        if not may("edit", request.user, case):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.consent_record(
                    case=case,
                    by=request.user,
                    given_by=get_object_or_404(Person, pk=int(data["given_by"])),
                    scope=data["scope"],
                    form=data["form"],
                    given_on=data["given_on"],
                    valid_until=data["valid_until"],
                    description=data["description"],
                    oral_note=data["oral_note"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            else:
                messages.success(request, _("Samtykket er registreret."))
                return redirect("cases:consents", pk=case.pk)
    consents = case.consents.select_related("given_by", "journal_entry")
    return render(
        request,
        "cases/consents.html",
        _case_context(
            request,
            case,
            "consents",
            consents=consents,
            form=form,
            today=timezone.localdate(),
            oral=ConsentFormKind.ORAL,
        ),
        status=400 if form.errors else 200,
    )


@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    case = _case_for(request, pk, "consent", object_ref=consent_pk, action="edit")
    consent = get_object_or_404(Consent, pk=consent_pk, case=case)
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                by=request.user,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except services.ConflictError:
            messages.error(request, _("Samtykket er ændret af en anden. Se det igen og prøv igen."))
        else:
            messages.success(request, _("Samtykket er registreret som trukket tilbage."))
    else:
        messages.error(request, _("Skriv en gyldig dato for tilbagetrækningen."))
    return redirect("cases:consents", pk=case.pk)


def case_reassign(request, pk: int):
    case = _case_for(request, pk, "reassign", action="reassign")
    form = ReassignForm(
        request.POST or None,
        initial={"team": case.team_id, "caseworker": case.caseworker_id, "version": case.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_reassign(
                    case=case,
                    caseworker=form.cleaned_data["caseworker"],
                    team=form.cleaned_data["team"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except services.ConflictError:
                form.add_error(None, CONFLICT)
                status = 409
            else:
                messages.success(request, _("Sagen er omfordelt."))
                return redirect("cases:case", pk=case.pk)
        else:
            status = 400
    return render(
        request,
        "cases/reassign.html",
        _case_context(request, case, "overview", form=form),
        status=status,
    )
