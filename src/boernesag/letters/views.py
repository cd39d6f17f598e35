"""Brevskabeloner: administrators edit the municipality's letter texts. A text is checked
and rendered to PDF with sample data before it is saved; one that does not render is refused
with the reason, and every earlier version is kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate
from boernesag.letters import sandbox, selectors, services
from boernesag.letters.forms import LetterTemplateForm
from boernesag.letters.models import LetterKind
from boernesag.lib.forms import form_add_validation_error


def _admin(request):
    gate.require(request, "letters.edit_templates")


def _kind(request, kind: str) -> str:
    if kind not in LetterKind.values:
        gate.refuse(request, status=404, what="letter_template", object_ref=kind)
    return kind


def template_list(request):
    _admin(request)
    for kind in LetterKind.values:
        services.letter_template_get(kind)  # the defaults exist before they are listed
    return render(
        request,
        "letters/templates.html",
        {
            "templates": selectors.letter_templates(),
            "breadcrumbs": [(_("Brevskabeloner"), None)],
        },
    )


def _edit_page(request, template, form, *, status=200):
    try:
        sample = sandbox.body_render(
            template.kind, template.body, services.sample_context(template.kind)
        )
    except ValidationError:
        sample = ""  # a text saved before the checks existed: the form shows the problem
    return render(
        request,
        "letters/template_edit.html",
        {
            "template": template,
            "form": form,
            "variables": sandbox.VARIABLES[template.kind],
            "sample": sample,
            "history": selectors.letter_template_history(template),
            "breadcrumbs": [
                (_("Brevskabeloner"), reverse("letters:templates")),
                (template.get_kind_display(), None),
            ],
        },
        status=status,
    )


def template_edit(request, kind: str):
    _admin(request)
    template = services.letter_template_get(_kind(request, kind))
    if request.method != "POST":
        form = LetterTemplateForm(
            initial={
                "subject": template.subject,
                "body": template.body,
                "version": template.version,
            }
        )
        return _edit_page(request, template, form)
    form = LetterTemplateForm(request.POST)
    if form.is_valid():
        try:
            services.letter_template_update(
                kind=template.kind,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            messages.success(request, _("Skabelonen er gemt. Nye breve bruger den nye tekst."))
            return redirect("letters:template_edit", kind=template.kind)
    return _edit_page(request, template, form, status=400)


@require_POST
def template_preview(request, kind: str):
    """The letter as the typed text would make it, with sample data, as a PDF download;
    the edit page with the reason when it cannot be made. Nothing is saved."""
    _admin(request)
    template = services.letter_template_get(_kind(request, kind))
    form = LetterTemplateForm(request.POST)
    if form.is_valid():
        try:
            pdf = services.letter_template_preview(
                kind=template.kind,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            form_add_validation_error(form, exc)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="forhaandsvisning-{template.kind}.pdf"'
            )
            response["Cache-Control"] = "no-store"
            return response
    return _edit_page(request, template, form, status=400)
