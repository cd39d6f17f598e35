"""Forms for closing and reopening a case and for the steps that start or stop a deadline
(docs/closure.md). Creating forms carry a token (a double submit makes one thing); forms on
the case carry its version (a change by someone else meanwhile is a conflict)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.cases.closure import explain_field
from boernesag.cases.models import CaseClosure, StatusAnswer, TellAnswer, YouthSupportOutcome
from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window, model_max_length


def _text(label, *, limit=TextLimit.REASON, rows=2, required=False, help_text="", **kw):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        **kw,
    )


def _radio(label, choices):
    return forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)


def _day(label):
    return BoundedDateField(label=label, required=False, window=Window.PAST)


class _Tokened(DkfdsFormMixin, forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


SOURCE = model_max_length(CaseClosure, "school_status_source")


class ClosureForm(_Tokened):
    """The closure checklist. Every item may be left empty here: what is missing is decided
    by the checklist (``cases/closure.py``) and listed together, so nothing typed is lost."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(_("Hvorfor afsluttes sagen"), help_text=_("Kort, fx 'Målene er nået'."))
    child_dialogue = _radio(
        _("Har der været dialog med barnet eller den unge?"), StatusAnswer.choices
    )
    child_dialogue_on = _day(_("Dato for dialogen med barnet"))
    child_dialogue_how = _text(_("Hvordan dialogen med barnet foregik (samtale, hjemmebesøg …)"))
    child_dialogue_why_not = _text(_("Hvorfor har der ikke været dialog med barnet"))
    parents_dialogue = _radio(_("Har der været dialog med forældrene?"), StatusAnswer.choices)
    parents_dialogue_on = _day(_("Dato for dialogen med forældrene"))
    parents_dialogue_how = _text(_("Hvordan dialogen med forældrene foregik"))
    parents_dialogue_why_not = _text(_("Hvorfor har der ikke været dialog med forældrene"))
    school_status = _radio(
        _("Er der modtaget aktuel status fra skole eller dagtilbud?"), StatusAnswer.choices
    )
    school_status_on = _day(_("Status fra skole/dagtilbud modtaget"))
    school_status_source = forms.CharField(
        label=_("Status fra skole/dagtilbud: fra hvem"), required=False, max_length=SOURCE
    )
    school_status_why_not = _text(_("Hvorfor er der ikke status fra skole/dagtilbud"))
    provider_status = _radio(
        _("Er der modtaget aktuel status fra leverandøren?"), StatusAnswer.choices
    )
    provider_status_on = _day(_("Status fra leverandøren modtaget"))
    provider_status_source = forms.CharField(
        label=_("Status fra leverandøren: fra hvem"), required=False, max_length=SOURCE
    )
    provider_status_why_not = _text(
        _("Hvorfor er der ikke status fra leverandøren"),
        help_text=_("Fx 'Sagen har ikke haft en indsats'."),
    )
    final_assessment = _text(_("Afsluttende vurdering"), limit=TextLimit.DESCRIPTION, rows=5)
    parties_told_on = _day(_("Parterne orienteret om afslutningen"))
    notifier_told = _radio(_("Er underretteren orienteret?"), TellAnswer.choices)
    provider_told = _radio(_("Er leverandøren orienteret?"), TellAnswer.choices)

    def __init__(self, *args, items: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.explain = []  # (check key, item, bound field)
        for key, found in (items or {}).items():
            for item in found:
                name = explain_field(key, item.ref)
                if item.explainable:
                    self.fields[name] = _text(
                        item.label,
                        help_text=_(
                            "Fristen er overskredet. Den tæller som overskredet i "
                            "lovoverholdelsen, også når sagen afsluttes. Hvorfor kan sagen "
                            "afsluttes, uden at fristen er overholdt?"
                        )
                        if item.overdue
                        else _("Hvorfor kan sagen afsluttes, selv om fristen løber?"),
                    )
                self.explain.append((key, item, name if item.explainable else None))
        self.setup_fields()

    def explain_rows(self):
        return [(key, item, self[name] if name else None) for key, item, name in self.explain]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in self.base_fields
            if name not in ("token", "version", "reason")
        }

    def explanations(self) -> dict:
        return {
            (key, item.ref): self.cleaned_data.get(name) or ""
            for key, item, name in self.explain
            if name
        }


class ReopenForm(_Tokened):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(
        _("Hvorfor genåbnes sagen"),
        required=True,
        rows=3,
        error_messages={"required": _("Skriv hvorfor sagen genåbnes.")},
    )


class StepForm(_Tokened):
    occurred_on = BoundedDateField(
        label=_("Dato"), window=Window.PAST, error_messages={"required": _("Skriv datoen.")}
    )
    note = _text(_("Beskrivelse"), rows=4)
    outcome = forms.ChoiceField(
        label=_("Afgørelse"),
        required=False,
        choices=YouthSupportOutcome.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].label = spec.date_label
        note = self.fields["note"]
        note.label = spec.note_label
        note.required = spec.note_required
        note.error_messages["required"] = _("Udfyld feltet.")
        if spec.note_help:
            note.help_text = f"{spec.note_help} {note.help_text}".strip()
        if spec.outcome:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = _("Vælg afgørelsen.")
        else:
            del self.fields["outcome"]
