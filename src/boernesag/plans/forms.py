"""Forms for plans. Every form keeps what was typed on an error; creating forms carry a
token (a double submit makes one thing), editing forms the version they were based on."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin
from boernesag.lib.limits import DateWindow, TextLimit, Window
from boernesag.plans.constants import GoalArea, GoalStatus, PlanKind, Responsible

REQUIRED = {"required": _("Udfyld feltet.")}
# a goal is reached within the plan's horizon: not before 2011, at most 10 years ahead
GOAL_WINDOW = DateWindow("goal", years_back=15, years_ahead=10)


def _text(label, *, required=False, rows=4, limit=TextLimit.DESCRIPTION, help_text="", **kw):
    kw.setdefault("error_messages", REQUIRED)
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=limit,
        help_text=help_text,
        **kw,
    )


class TokenMixin(DkfdsFormMixin, forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class PlanFieldsForm(DkfdsFormMixin, forms.Form):
    purpose = _text(
        _("Overordnet formål"),
        required=True,
        help_text=_("Hvad indsatsen skal føre til for barnet (Barnets Lov § 92, stk. 1)."),
        error_messages={"required": _("Skriv det overordnede formål med indsatsen.")},
    )
    basis = _text(
        _("Udgangspunkt"),
        help_text=_("Den valgte indsats og hvad undersøgelsen viste (Barnets Lov § 92, stk. 2)."),
    )
    involvement = _text(
        _("Sådan er planen lavet sammen med familien"),
        help_text=_("Hvordan barnet og forældrene er inddraget, og hvad de selv ønsker."),
    )
    drafted_with_family = forms.BooleanField(
        label=_("Udkastet er lavet sammen med familien"), required=False
    )
    family_support = _text(
        _("Støtte til familien (ved anbringelse)"),
        help_text=_("Barnets Lov § 92, stk. 3; § 109, stk. 4."),
    )
    expected_duration_months = forms.IntegerField(
        label=_("Forventet varighed (måneder)"),
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": _("Skriv et helt antal måneder."),
            "min_value": _("Skriv mindst 1 måned."),
            "max_value": _("Skriv højst 120 måneder."),
        },
    )
    meeting = forms.ChoiceField(label=_("Planmøde"), required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["meeting"].choices = [
            ("", _("Intet møde valgt")),
            *[
                (
                    str(m.pk),
                    f"{m.get_kind_display()} {timezone.localtime(m.held_at):%d.%m.%Y %H:%M}",
                )
                for m in meetings
            ],
        ]
        self.setup_fields()

    def clean_meeting(self):
        value = self.cleaned_data.get("meeting")
        return self.meetings.get(value) if value else None


class PlanCreateForm(TokenMixin, PlanFieldsForm):
    kind = forms.ChoiceField(
        label=_("Plantype"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg plantypen.")},
    )
    field_order = ["kind"]

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, PlanKind(k).label) for k in kinds]
        self.order_fields(["kind", *[n for n in self.fields if n != "kind"]])


class PlanEditForm(PlanFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class GoalForm(DkfdsFormMixin, forms.Form):
    area = forms.ChoiceField(
        label=_("Område"),
        choices=[("", "—"), *GoalArea.choices],
        error_messages={"required": _("Vælg hvilket område af barnets liv målet handler om.")},
    )
    what = _text(
        _("Hvad skal være anderledes?"),
        required=True,
        rows=3,
        limit=TextLimit.REASON,
        help_text=_("Konkret og gerne med familiens egne ord, fx »Alma kommer i skole hver dag«."),
        error_messages={"required": _("Skriv hvad der skal være anderledes.")},
    )
    measure = _text(
        _("Hvordan ved vi det?"),
        required=True,
        rows=3,
        limit=TextLimit.REASON,
        help_text=_("Hvad I ser eller måler, fx »skolens fraværsliste viser under 5 % fravær«."),
        error_messages={"required": _("Skriv hvordan I vil vide, at målet er nået.")},
    )
    due_on = BoundedDateField(
        label=_("Hvornår skal målet være nået?"),
        window=GOAL_WINDOW,
        error_messages={"required": _("Skriv hvornår målet skal være nået.")},
    )


class GoalAddForm(TokenMixin, GoalForm):
    pass


class GoalEditForm(GoalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class GoalStatusForm(DkfdsFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=GoalStatus.choices, widget=forms.RadioSelect
    )
    status_reason = _text(_("Begrundelse"), rows=2, limit=TextLimit.REASON)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TaskForm(TokenMixin, DkfdsFormMixin, forms.Form):
    responsible = forms.ChoiceField(
        label=_("Hvem"),
        choices=[("", "—"), *Responsible.choices],
        error_messages={"required": _("Vælg hvem der gør det.")},
    )
    person = forms.ChoiceField(label=_("Person omkring barnet"), required=False)
    provider = forms.ChoiceField(label=_("Leverandør"), required=False)
    goal = forms.ChoiceField(label=_("Hører til målet"), required=False)
    what = _text(
        _("Hvad gør de?"),
        required=True,
        rows=3,
        limit=TextLimit.REASON,
        error_messages={"required": _("Skriv hvad der skal gøres.")},
    )

    def __init__(self, *args, persons=(), providers=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._persons = {str(p.pk): p for p, _what in persons}
        self._providers = {str(p.pk): p for p in providers}
        self._goals = {str(g.pk): g for g in goals}
        self.fields["person"].choices = [
            ("", "—"),
            *[(str(p.pk), f"{p.full_name} ({what})") for p, what in persons],
        ]
        self.fields["provider"].choices = [("", "—"), *[(str(p.pk), p.name) for p in providers]]
        self.fields["goal"].choices = [
            ("", _("Hele planen")),
            *[(str(g.pk), g.what[:80]) for g in goals],
        ]

    def clean_person(self):
        return self._persons.get(self.cleaned_data.get("person") or "")

    def clean_provider(self):
        return self._providers.get(self.cleaned_data.get("provider") or "")

    def clean_goal(self):
        return self._goals.get(self.cleaned_data.get("goal") or "")


class VersionForm(TokenMixin, DkfdsFormMixin, forms.Form):
    made_on = BoundedDateField(
        label=_("Dato"),
        window=Window.PAST,
        initial=timezone.localdate,
        help_text=_("Den dag planen blev udarbejdet eller ændret, fx dagen for planmødet."),
        error_messages={"required": _("Skriv datoen.")},
    )
    changes = _text(_("Hvad er ændret?"), rows=3, limit=TextLimit.REASON)
    reason = _text(_("Hvorfor?"), rows=3, limit=TextLimit.REASON)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SendForm(TokenMixin, DkfdsFormMixin, forms.Form):
    family = forms.MultipleChoiceField(
        label=_("Familien"), required=False, widget=forms.CheckboxSelectMultiple
    )
    professionals = forms.MultipleChoiceField(
        label=_("Fagpersoner (kræver samtykke)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, family=(), professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._family = {str(p.pk): p for p in family}
        self._professionals = {str(p.pk): p for p in professionals}
        self.fields["family"].choices = [(str(p.pk), p.full_name) for p in family]
        self.fields["professionals"].choices = [
            (str(p.pk), f"{p.full_name}{', ' + p.organisation if p.organisation else ''}")
            for p in professionals
        ]

    def clean_family(self):
        return [self._family[v] for v in self.cleaned_data.get("family") or []]

    def clean_professionals(self):
        return [self._professionals[v] for v in self.cleaned_data.get("professionals") or []]
