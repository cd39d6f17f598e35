"""*Personer omkring barnet*: the people around the child on the case, the CPR register
look-up and import, and resource-person agreements.

Every page gets its case through the gate (``cases.gate``: need-to-know, 404/403, one
access-log row). A CPR number is never in a URL: the look-up is POSTed and its answer is
addressed by an opaque token kept in the session. A sibling's cases are shown only as far as
the viewer may see them, and the page then logs those children (``what="sibling_cases"``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate, selectors
from boernesag.cases.forms_people import (
    AgreementEndForm,
    AgreementForm,
    FamilyImportForm,
    FollowUpForm,
    PersonAddForm,
    RegisterImportForm,
    RegisterLookupForm,
    RelationEditForm,
    RelationEndForm,
)
from boernesag.cases.models import Case
from boernesag.cases.views import CONFLICT, _case_context, _recall, _remember
from boernesag.integrations import services as register_services
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons import selectors as people
from boernesag.persons import services as person_services
from boernesag.persons.constants import AGREEMENT_KINDS, PersonSource
from boernesag.persons.display import relation_masked
from boernesag.persons.models import Relation, ResourcePersonAgreement

LOOKUPS = "register_lookup"


def _posted(request):
    """The form data of a POST (also an empty one: a POST is always validated)."""
    return request.POST if request.method == "POST" else None


def _on_post(request, action: str) -> str:
    return action if request.method == "POST" else "view"


def _valid_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _relation_get(request, pk, relation_pk, *, what: str, action: str) -> tuple[Case, Relation]:
    """The case (through the gate) and one of its child's relations. A relation of another
    child answers 404 like one that does not exist; the access-log row is written only after
    both checks passed."""
    relation = None
    if _valid_id(pk) and _valid_id(relation_pk):
        relation = (
            Relation.objects.select_related("person", "child")
            .filter(pk=relation_pk, child__cases__pk=pk)
            .first()
        )
    if relation is None:
        gate.refuse(
            request,
            status=404,
            what=what,
            case_id=int(pk) if _valid_id(pk) else None,
            object_ref=relation_pk,
        )
    case = gate.case_get(request, pk, what=what, action=action, object_ref=relation_pk)
    return case, relation


def _people_url(case) -> str:
    return reverse("cases:people", args=[case.pk])


def people_context(request, child, *, what: str = "sibling_cases") -> dict:
    """What the people section shows about ``child`` (case tab and child page): the
    relations in force, grouped; siblings with the cases the viewer may see (logged as a
    list naming those children); relations that ended."""
    relations = people.people_around(child)
    sibling_views = selectors.siblings_with_cases(user=request.user, child=child)
    shown_cases = [c for view in sibling_views for c in view.cases]
    if shown_cases:
        gate.list_logged(request, shown_cases, what=what)
    cases_of = {view.relation.pk: view.cases for view in sibling_views}
    for relation in relations:
        relation.sibling_cases = cases_of.get(relation.pk, [])
    return {
        "groups": people.grouped(relations),
        "ended": people.ended_relations(child),
        "people_child": child,
    }


# --- the tab -----------------------------------------------------------------------------


def case_people(request, pk: int):
    case = gate.case_get(request, pk, what="people")
    agreements = list(
        ResourcePersonAgreement.objects.filter(case=case)
        .select_related("relation__person")
        .order_by("ended_on", "-agreed_on")
    )
    return render(
        request,
        "cases/people.html",
        _case_context(
            request,
            case,
            "people",
            agreements=agreements,
            **people_context(request, case.child),
        ),
    )


def person_add(request, pk: int):
    """A person entered by hand (manual entry, marked as such)."""
    case = gate.case_get(request, pk, what="person_add", action="edit")
    form = PersonAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            register_services.person_manual_add(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(request, _("Personen er registreret omkring barnet."))
            return redirect(_people_url(case))
    return render(
        request,
        "cases/person_add.html",
        _case_context(request, case, "people", form=form),
        status=400 if form.errors else 200,
    )


def person_lookup(request, pk: int):
    """Look a person up in the CPR register (POST), see the register's answer (a page
    addressed by a token), and register the person around the child."""
    case = gate.case_get(request, pk, what="register_lookup", action="edit")
    lookup = RegisterLookupForm(_posted(request))
    if request.method == "POST":
        if lookup.is_valid():
            try:
                record = register_services.register_lookup(cpr=lookup.cleaned_data["cpr"])
            except ValidationError as exc:
                form_add_validation_error(lookup, exc)
            else:
                if record is None:
                    lookup.add_error("cpr", register_services.NOT_FOUND)
                else:
                    token = _remember(request, LOOKUPS, record.cpr)
                    return redirect(f"{reverse('cases:person_lookup', args=[case.pk])}?s={token}")
        return _lookup_page(request, case, lookup, None, None, status=400)
    token = request.GET.get("s", "")
    record = form = None
    if token:
        number = _recall(request, LOOKUPS, token)
        if number is None:
            messages.info(request, _("Opslaget er udløbet. Slå personen op igen."))
            return redirect("cases:person_lookup", pk=case.pk)
        try:
            record = register_services.register_lookup(cpr=number)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _lookup_page(request, case, RegisterLookupForm(), None, None)
        form = RegisterImportForm()
    return _lookup_page(request, case, RegisterLookupForm(), record, form, token=token)


def _lookup_page(request, case, lookup, record, form, *, token="", status=200):
    return render(
        request,
        "cases/person_lookup.html",
        _case_context(
            request,
            case,
            "people",
            lookup=lookup,
            record=record,
            form=form,
            token=token,
        ),
        status=status,
    )


@require_POST
def person_import(request, pk: int):
    case = gate.case_get(request, pk, what="register_import", action="edit")
    token = request.POST.get("s", "")
    number = _recall(request, LOOKUPS, token) if token else None
    if number is None:
        messages.info(request, _("Opslaget er udløbet. Slå personen op igen."))
        return redirect("cases:person_lookup", pk=case.pk)
    form = RegisterImportForm(request.POST)
    try:
        record = register_services.register_lookup(cpr=number)
    except ValidationError as exc:
        record = None
        form_add_validation_error(form, exc)
    if record is not None and form.is_valid():
        data = form.cleaned_data
        try:
            register_services.register_relation_import(
                case=case, by=request.user, cpr=number, **data
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(request, _("Personen er hentet fra CPR-registeret og registreret."))
            return redirect(_people_url(case))
    return _lookup_page(request, case, RegisterLookupForm(), record, form, token=token, status=400)


def family_import(request, pk: int):
    """The child's custody holders, parents and siblings as the CPR register knows them;
    the user ticks whom to register."""
    case = gate.case_get(request, pk, what="register_family", action="edit")
    record = None
    relatives = []
    error = ""
    try:
        if case.child.cpr:
            record = register_services.register_lookup(cpr=case.child.cpr)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if record is not None:
        relatives = register_services.register_relatives(record=record, child=case.child)
    elif not error:
        error = _("Barnet findes ikke i CPR-registeret. Registrér familien manuelt.")
    tokens = {}
    choices = []
    for relative in relatives:
        if relative.registered:
            continue
        token = _remember(request, LOOKUPS, relative.ref.cpr)
        tokens[relative.ref.cpr] = token
        choices.append((token, f"{relative.ref.full_name} – {relative.kind_label}"))
    form = FamilyImportForm(_posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        cprs = [
            _recall(request, LOOKUPS, token)
            for token in form.cleaned_data["relatives"]
            if _recall(request, LOOKUPS, token)
        ]
        try:
            added = register_services.child_relations_from_register(
                case=case, by=request.user, cprs=cprs
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s personer er hentet fra CPR-registeret og registreret.")
                % {"n": len(added)},
            )
            return redirect(_people_url(case))
    return render(
        request,
        "cases/family_import.html",
        _case_context(
            request,
            case,
            "people",
            record=record,
            relatives=relatives,
            tokens=tokens,
            form=form,
            error=error,
        ),
        status=400 if form.errors else 200,
    )


def relation_edit(request, pk: int, relation_pk: int):
    case, relation = _relation_get(
        request, pk, relation_pk, what="relation", action=_on_post(request, "edit")
    )
    person = relation.person
    manual = person.source == PersonSource.MANUAL
    contact = not relation_masked(relation, request.user, case.child)
    initial = {
        "professional_role": relation.professional_role,
        "description": relation.description,
        "valid_from": relation.valid_from,
        "valid_to": relation.valid_to,
        "lives_with_child": relation.lives_with_child,
        "organisation": person.organisation,
        "phone": person.phone,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "street": person.street,
        "postcode": person.postcode,
        "city": person.city,
        "version": relation.version,
    }
    form = RelationEditForm(_posted(request), initial=initial, manual=manual, contact=contact)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            person_fields = {
                name: data.pop(name)
                for name in (*RelationEditForm.CONTACT, *RelationEditForm.MANUAL_ONLY)
                if name in data
            }
            version = data.pop("version")
            try:
                person_services.relation_update(
                    relation=relation,
                    by=request.user,
                    expected_version=version,
                    case=case,
                    person_fields=person_fields,
                    **data,
                )
            except person_services.ConflictError:
                relation.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = relation.version
                form = RelationEditForm(posted, manual=manual, contact=contact)
                form.is_valid()
                form.add_error(None, CONFLICT)
                status = 409
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("Ændringen er gemt."))
                return redirect(_people_url(case))
        else:
            status = 400
    return render(
        request,
        "cases/relation_edit.html",
        _case_context(
            request,
            case,
            "people",
            relation=relation,
            form=form,
            end_form=RelationEndForm(initial={"version": relation.version}),
            manual=manual,
            saved=Relation.objects.get(pk=relation.pk) if status == 409 else None,
        ),
        status=status,
    )


@require_POST
def relation_end(request, pk: int, relation_pk: int):
    case, relation = _relation_get(request, pk, relation_pk, what="relation_end", action="edit")
    form = RelationEndForm(request.POST)
    if form.is_valid():
        try:
            person_services.relation_end(
                relation=relation,
                by=request.user,
                valid_to=form.cleaned_data["valid_to"],
                expected_version=form.cleaned_data["version"],
                case=case,
            )
        except person_services.ConflictError:
            messages.error(request, _("Relationen er ændret af en anden. Se den igen."))
            return redirect("cases:relation", pk=case.pk, relation_pk=relation.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cases:relation", pk=case.pk, relation_pk=relation.pk)
        messages.success(request, _("Relationen er afsluttet. Den står fortsat i historikken."))
        return redirect(_people_url(case))
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("cases:relation", pk=case.pk, relation_pk=relation.pk)


@require_POST
def person_refresh(request, pk: int, relation_pk: int):
    case, relation = _relation_get(request, pk, relation_pk, what="register_refresh", action="edit")
    try:
        register_services.person_refresh_from_register(person=relation.person, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Personen er opdateret fra CPR-registeret."))
    return redirect("cases:relation", pk=case.pk, relation_pk=relation.pk)


# --- resource-person agreements ------------------------------------------------------------


def agreement_add(request, pk: int):
    case = gate.case_get(request, pk, what="agreement_add", action="edit")
    candidates = [r for r in people.people_around(case.child) if r.kind in AGREEMENT_KINDS]
    form = AgreementForm(_posted(request), relations=candidates)
    if request.method == "POST" and form.is_valid():
        relation = next(r for r in candidates if str(r.pk) == form.cleaned_data["relation"])
        try:
            agreement = person_services.resource_person_agreement_make(
                case=case,
                relation=relation,
                by=request.user,
                agreed_on=form.cleaned_data["agreed_on"],
                content=form.cleaned_data["content"],
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Aftalen er registreret. Første opfølgning er senest om 3 måneder."),
            )
            return redirect("cases:agreement", pk=case.pk, agreement_pk=agreement.pk)
    return render(
        request,
        "cases/agreement_add.html",
        _case_context(request, case, "people", form=form, candidates=candidates),
        status=400 if form.errors else 200,
    )


def agreement_detail(request, pk: int, agreement_pk: int):
    case, agreement = gate.case_object_get(
        request,
        pk,
        ResourcePersonAgreement,
        agreement_pk,
        what="agreement",
        action=_on_post(request, "edit"),
        queryset=ResourcePersonAgreement.objects.select_related("relation__person", "recorded_by"),
    )
    form = FollowUpForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person_services.resource_person_follow_up(
                agreement=agreement, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request, _("Opfølgningen er registreret. Næste opfølgning er senest om et år.")
            )
            return redirect("cases:agreement", pk=case.pk, agreement_pk=agreement.pk)
    return render(
        request,
        "cases/agreement.html",
        _case_context(
            request,
            case,
            "people",
            agreement=agreement,
            follow_ups=list(agreement.follow_ups.select_related("recorded_by")),
            form=form,
            end_form=AgreementEndForm(initial={"version": agreement.version}),
        ),
        status=400 if form.errors else 200,
    )


@require_POST
def agreement_end(request, pk: int, agreement_pk: int):
    case, agreement = gate.case_object_get(
        request, pk, ResourcePersonAgreement, agreement_pk, what="agreement_end", action="edit"
    )
    form = AgreementEndForm(request.POST)
    if form.is_valid():
        try:
            person_services.resource_person_agreement_end(
                agreement=agreement,
                by=request.user,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["end_reason"],
                expected_version=form.cleaned_data["version"],
            )
        except person_services.ConflictError:
            messages.error(request, _("Aftalen er ændret af en anden. Se den igen."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Aftalen er afsluttet."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("cases:agreement", pk=case.pk, agreement_pk=agreement.pk)
