"""The child's network map (netværkskort) and genogram on a case — URL namespace
``persons`` (``persons:network_map``, ``persons:genogram``, ``persons:network_map_print``).

The data and the drawings are the persons app's (``persons.networkmap``, the services, the
forms, the templates under ``persons/``); the pages live here because every read goes
through the gate (``cases.gate``), which the lower ``persons`` app cannot import. Each page
writes one access-log row. Sibling's cases are not shown here at all (the people tab shows
them, need-to-know filtered); addresses are never part of the drawings.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from boernesag.cases import gate
from boernesag.cases.views import CONFLICT, _case_context
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons import networkmap
from boernesag.persons import services as person_services
from boernesag.persons.display import relation_organisation
from boernesag.persons.forms import GenogramForm, NetworkMapForm


def _perm(request, name: str) -> str:
    return f"persons.edit_{name}" if request.method == "POST" else f"persons.view_{name}"


def _organisations(request, view: networkmap.MapView) -> None:
    """A professional's workplace as the user may see it (a protected child's school or
    daycare is masked like the address)."""
    for entry in view.entries:
        entry.organisation = relation_organisation(entry.relation, request.user, view.child)


def _apply_posted(view: networkmap.MapView, form) -> None:
    """Show what was typed in the drawing too (after a conflict or an error elsewhere)."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    for entry in view.entries:
        for name in ("sector", "distance", "quality", "note", "lineage"):
            key = f"{name}_{entry.pk}"
            if key in data and data[key] not in (None,):
                setattr(entry, name, int(data[key]) if name == "distance" else data[key])
    networkmap.layout(view.entries)


def _context(request, case, tab: str, **extra) -> dict:
    return _case_context(
        request,
        case,
        "network_map",
        subtab=tab,
        can_edit_map=request.user.has_perm("persons.edit_network_map", case),
        **extra,
    )


def _save(request, case, view, form, *, part: str):
    """Validate and save; (response or None, status)."""
    if not form.is_valid():
        return None, 400
    kwargs = {}
    if part == "genogram":
        kwargs["parents_relationship"] = form.cleaned_data["parents_relationship"]
    try:
        person_services.network_map_save(
            case=case,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            placements=form.placements(),
            part=part,
            **kwargs,
        )
    except person_services.ConflictError:
        return None, 409
    except ValidationError as exc:
        form_add_validation_error(form, exc)
        return None, 400
    messages.success(
        request, _("Genogrammet er gemt.") if part == "genogram" else _("Netværkskortet er gemt.")
    )
    name = "persons:genogram" if part == "genogram" else "persons:network_map"
    return redirect(reverse(name, args=[case.pk])), 302


def _conflict(request, case, form_class, view, form):
    """409: keep what was typed, move the form to the saved version, show the saved one."""
    saved = networkmap.network_map_view(case)
    posted = request.POST.copy()
    posted["version"] = saved.version
    form = form_class(posted, entries=view.entries)
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form, saved


def network_map(request, pk: int):
    case = gate.case_get(request, pk, what="network_map", action=_perm(request, "network_map"))
    view = networkmap.network_map_view(case)
    initial = {"version": view.version}
    form = NetworkMapForm(
        request.POST if request.method == "POST" else None, entries=view.entries, initial=initial
    )
    status, saved = 200, None
    if request.method == "POST":
        response, status = _save(request, case, view, form, part="map")
        if response is not None:
            return response
        if status == 409:
            form, saved = _conflict(request, case, NetworkMapForm, view, form)
        _apply_posted(view, form)
    _organisations(request, view)
    if saved is not None:
        _organisations(request, saved)
    return render(
        request,
        "persons/network_map.html",
        _context(request, case, "map", view=view, form=form, saved=saved),
        status=status,
    )


def genogram(request, pk: int):
    case = gate.case_get(request, pk, what="genogram", action=_perm(request, "network_map"))
    view = networkmap.network_map_view(case)
    initial = {"version": view.version, "parents_relationship": view.parents_relationship}
    form = GenogramForm(
        request.POST if request.method == "POST" else None, entries=view.entries, initial=initial
    )
    status, saved = 200, None
    if request.method == "POST":
        response, status = _save(request, case, view, form, part="genogram")
        if response is not None:
            return response
        if status == 409:
            form, saved_view = _conflict(request, case, GenogramForm, view, form)
            saved = networkmap.genogram_view(case, saved_view)
        _apply_posted(view, form)
        if "parents_relationship" in getattr(form, "cleaned_data", {}):
            view.relationship = form.cleaned_data["parents_relationship"]
    drawing = networkmap.genogram_view(case, view)
    return render(
        request,
        "persons/genogram.html",
        _context(request, case, "genogram", view=view, genogram=drawing, form=form, saved=saved),
        status=status,
    )


def network_map_print(request, pk: int):
    """Both drawings and their text, without the navigation (to print or save as PDF)."""
    case = gate.case_get(request, pk, what="network_map_print", action="persons.view_network_map")
    view = networkmap.network_map_view(case)
    _organisations(request, view)
    return render(
        request,
        "persons/network_map_print.html",
        {
            "case": case,
            "child": case.child,
            "view": view,
            "genogram": networkmap.genogram_view(case, view),
        },
    )
