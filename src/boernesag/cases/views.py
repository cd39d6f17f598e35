"""Pages for children and cases. Every read of a child's data goes through the gate
(``cases.gate``): need-to-know, 404 for what the user may not know exists, one access-log
row per page. Every action is a permission in the registry (``cases/permissions.py``)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate, selectors, services
from boernesag.cases.access import case_visible, scope_for
from boernesag.cases.constants import ConsentForm as ConsentFormKind
from boernesag.cases.course import course_context
from boernesag.cases.forms import (
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
    ReasonedAccessForm,
    ReassignForm,
    TimelineFilterForm,
)
from boernesag.cases.models import Case, Consent, Document, JournalEntry, Meeting
from boernesag.cases.services import journal_can_correct, journal_correction_deadline
from boernesag.lib.forms import form_add_validation_error, submit_once
from boernesag.persons import selectors as people
from boernesag.persons.display import person_address
from boernesag.persons.models import Person

CONFLICT = _(
    "En anden har gemt ændringer, siden du åbnede siden. Det du skrev er bevaret nedenfor – "
    "sammenlign med den gemte version og gem igen."
)


def _on_post(request, action: str) -> str:
    """Reading the page needs ``view``; submitting its form needs ``action``."""
    return action if request.method == "POST" else "view"


def _case_context(request, case: Case, tab: str, **extra):
    return {
        "case": case,
        "child": case.child,
        "tab": tab,
        "can_edit": request.user.has_perm("cases.edit_case", case),
        "can_reassign": request.user.has_perm("cases.reassign_case", case),
        "breadcrumbs": [
            (case.child.full_name, reverse("cases:child", args=[case.child_id])),
            (_("Sag %(ref)s") % {"ref": case.reference}, None),
        ],
        **extra,
    }


def _participant_choices(case: Case):
    """The child and everyone around the child, for a meeting's participants."""
    return [
        (str(person.pk), f"{person.full_name} ({what})")
        for person, what in people.meeting_participants(case)
    ]


def _consent_choices(case: Case):
    """Who may give consent: the custody holders and the young person from 15 (Barnets Lov
    § 22, stk. 2; § 46, stk. 1–2)."""
    choices = []
    for person in people.consent_givers(case):
        what = _("den unge selv") if person.pk == case.child_id else _("forældremyndighed")
        choices.append((str(person.pk), f"{person.full_name} ({what})"))
    return choices


# --- children ---------------------------------------------------------------------------

# Searches and reasoned-access links are kept in the session under opaque tokens, so that
# neither a CPR number nor a name is ever part of a URL (or of a server log line).
_KEEP_TOKENS = 20


def _remember(request, bucket: str, value) -> str:
    store = dict(request.session.get(bucket, {}))
    token = secrets.token_urlsafe(12)
    store[token] = value
    request.session[bucket] = dict(list(store.items())[-_KEEP_TOKENS:])
    return token


def _recall(request, bucket: str, token: str):
    return request.session.get(bucket, {}).get(token)


def reasoned_access_url(request, child: Person) -> str:
    """A link to the reasoned-access page for ``child`` that works only in this session."""
    return reverse("cases:reasoned_access", args=[_remember(request, "reasoned_access", child.pk)])


@gate.permission_required("cases.search_children")
def child_search(request):
    """Search by CPR number or name. The form is POSTed; the result page is addressed by an
    opaque token (``?s=…``) that points at the query kept in the session."""
    if request.method == "POST":
        form = ChildSearchForm(request.POST)
        if form.is_valid() and form.cleaned_data["q"].strip():
            token = _remember(request, "child_search", form.cleaned_data["q"].strip())
            return redirect(f"{reverse('cases:child_search')}?s={token}")
        if form.is_valid():
            return redirect("cases:child_search")
        return _child_search_page(request, form, None, status=400)
    token = request.GET.get("s", "")
    query = _recall(request, "child_search", token) if token else None
    if token and query is None:
        messages.info(request, _("Søgningen er udløbet. Søg igen."))
        return redirect("cases:child_search")
    form = ChildSearchForm(initial={"q": query} if query else None)
    result = None
    if query:
        result = selectors.child_search(user=request.user, query=query)
        if result.cpr_error or result.query_error:
            form = ChildSearchForm({"q": query})
            form.is_valid()
            form.add_error("q", result.cpr_error or result.query_error)
        result.children = gate.list_logged(request, result.children, what="child_search")
        if result.hidden_match is not None:
            if request.user.has_perm("cases.use_reasoned_access"):
                # the look-up revealed that a case exists: that is a read of the child
                gate.log_read(request, what="cpr_lookup", child_id=result.hidden_match.pk)
                result.reasoned_access_url = reasoned_access_url(request, result.hidden_match)
            else:
                result.hidden_match = None
    return _child_search_page(request, form, result)


def _child_search_page(request, form, result, status=200):
    return render(
        request,
        "cases/child_search.html",
        {"form": form, "result": result, "breadcrumbs": [(_("Find barn"), None)]},
        status=status,
    )


def child_detail(request, pk: int):
    child = gate.child_get(request, pk, what="child_page")
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(child=child)
        .select_related("caseworker", "team")
        .order_by("-opened_at")
    )
    hidden = Case.objects.filter(child=child).exclude(pk__in=[c.pk for c in cases])
    hidden_count = hidden.count()
    any_open = any(c.is_open for c in cases) or hidden.filter(closed_at__isnull=True).exists()
    # reasoned access for information only: offer the way to an assignment (may write)
    scope = scope_for(request.user)
    read_only_grant = (
        child.pk in scope.granted_child_ids
        and child.pk not in scope.assigned_child_ids
        and not any(case_visible(request.user, c, include_grants=False) for c in cases)
    )
    may_reason = request.user.has_perm("cases.use_reasoned_access")
    can_open = not any_open and request.user.has_perm("cases.open_case", child)
    return render(
        request,
        "cases/child_detail.html",
        {
            "child": child,
            "address": person_address(child, request.user),
            # the people around the child; siblings' cases only as far as need-to-know goes
            **_people_section(request, child, cases),
            "cases": cases,
            # other cases: only that they exist, nothing identifying (reasoned access opens them)
            "hidden_count": hidden_count,
            "reasoned_access_url": (
                reasoned_access_url(request, child)
                if may_reason and (hidden_count or read_only_grant)
                else ""
            ),
            "read_only_grant": read_only_grant,
            "can_open": can_open,
            "open_form": CaseOpenForm() if can_open else None,
            "can_see_access_log": request.user.has_perm("cases.view_child_access_log", child),
            "breadcrumbs": [
                (_("Find barn"), reverse("cases:child_search")),
                (child.full_name, None),
            ],
        },
    )


def _people_section(request, child, cases) -> dict:
    from boernesag.cases.views_people import people_context

    open_case = next((c for c in cases if c.is_open), None)
    return {
        **people_context(request, child),
        "people_case": open_case or (cases[0] if cases else None),
    }


def child_reasoned_access(request, token: str):
    """Reasoned access (adgang med begrundelse) to a child found by CPR number. Reached only
    through a link minted in this session (search result or child page), so the page cannot
    be used to walk through children by number."""
    gate.require(request, "cases.use_reasoned_access")
    child_pk = _recall(request, "reasoned_access", token)
    child = Person.objects.filter(pk=child_pk).first() if child_pk else None
    if child is None or not Case.objects.filter(child=child).exists():
        gate.refuse(request, status=404, what="reasoned_access", child_id=child_pk)
    form = ReasonedAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reasoned_access_grant(
                user=request.user,
                child=child,
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Du har fået adgang i %(hours)s timer. Adgangen er logget.")
                % {"hours": _hours()},
            )
            return redirect("cases:child", pk=child.pk)
    # Shows only that a child exists and its initials: no personal data before the reason.
    gate.log_read(request, what="reasoned_access_page", child_id=child.pk)
    return render(
        request,
        "cases/reasoned_access.html",
        {
            "child_initials": f"{child.first_name[:1]}. {child.last_name[:1]}.",
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
    child = gate.child_get(request, pk, what="case_open", action="cases.open_case")
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


@gate.permission_required("cases.view_my_cases")
def my_cases(request):
    return render(
        request,
        "cases/my_cases.html",
        {
            "cases": gate.list_logged(
                request, selectors.my_cases(user=request.user), what="my_cases"
            ),
            "breadcrumbs": [(_("Mine sager"), None)],
        },
    )


@gate.permission_required("cases.view_team_cases")
def team_cases(request):
    return render(
        request,
        "cases/team_cases.html",
        {
            "cases": gate.list_logged(
                request, selectors.team_cases(user=request.user), what="team_cases"
            ),
            "breadcrumbs": [(_("Teamets sager"), None)],
        },
    )


# --- the case -----------------------------------------------------------------------------


@gate.gated_case("case_page")
def case_detail(request, case: Case):
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
            course=course_context(request.user, case),
        ),
    )


@gate.gated_case("timeline")
def case_timeline(request, case: Case):
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


@gate.gated_case("journal", on_post="write_journal")
def case_journal(request, case: Case):
    search = JournalSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submit_token"}

        def save() -> str:
            entry = services.journal_write(case=case, author=request.user, **fields)
            return f"{reverse('cases:journal', args=[case.pk])}#entry-{entry.pk}"

        try:
            done = submit_once(
                user=request.user, token=form.token, scope=f"journal:{case.pk}", save=save
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            if done.first:
                messages.success(request, _("Journalnotatet er gemt."))
            else:
                messages.info(
                    request, _("Journalnotatet var allerede gemt. Det er ikke gemt to gange.")
                )
            return redirect(done.url)
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
    case, entry = gate.case_object_get(
        request,
        pk,
        JournalEntry,
        entry_pk,
        what="journal_entry",
        action="write_journal",
        perm="cases.correct_journal",
    )
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
    case, entry = gate.case_object_get(
        request, pk, JournalEntry, entry_pk, what="journal_entry", action="write_journal"
    )
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
    case = gate.case_get(request, pk, what="documents", action=_on_post(request, "upload_document"))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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
    _case, document = gate.case_object_get(
        request,
        pk,
        Document,
        document_pk,
        what="document_download",
        # letters naming the notifier: to others they do not exist (404)
        queryset=lambda case: selectors.documents_visible_to(request.user, case),
    )
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "no-store"
    return response


def case_meetings(request, pk: int):
    case = gate.case_get(request, pk, what="meetings", action=_on_post(request, "edit"))
    form = MeetingForm(request.POST or None, person_choices=_participant_choices(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_create(
                case=case,
                by=request.user,
                kind=data["kind"],
                held_at=data["held_at"],
                agenda=data["agenda"],
                staff=data["staff"],
                persons=Person.objects.filter(pk__in=data["persons"]),
                other_participants=data["other_participants"],
                second_caseworker=data["second_caseworker"],
                second_caseworker_absent_reason=data["second_caseworker_absent_reason"],
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(request, _("Mødet er registreret."))
            return redirect("cases:meetings", pk=case.pk)
    meetings = case.meetings.select_related("second_caseworker").prefetch_related(
        "staff", "persons"
    )
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
    case, meeting = gate.case_object_get(
        request,
        pk,
        Meeting,
        meeting_pk,
        what="meeting",
        action=_on_post(request, "edit"),
        queryset=Meeting.objects.prefetch_related("staff", "persons"),
    )
    form = MeetingFinishForm(request.POST or None, initial={"version": meeting.version})
    status = 200
    if request.method == "POST":
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
    case = gate.case_get(request, pk, what="consents", action=_on_post(request, "edit"))
    choices = _consent_choices(case)
    form = ConsentFormForm(request.POST or None, person_choices=choices)
    if request.method == "POST" and form.is_valid():
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
            no_consent_givers=not choices,
        ),
        status=400 if form.errors else 200,
    )


@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    case, consent = gate.case_object_get(
        request, pk, Consent, consent_pk, what="consent", action="edit"
    )
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
    case = gate.case_get(request, pk, what="reassign", action="reassign")
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
