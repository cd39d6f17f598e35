"""Forms for decisions, hearings, approvals and appeals."""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from boernesag.catalogue.models import LegalSection, Provider
from boernesag.catalogue.selectors import services_selectable
from boernesag.decisions.constants import DecisionKind, Outcome, Ruling
from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window

REQUIRED = {"required": _("Udfyld feltet.")}
PLAN_CHOICES = [
    ("", _("Ikke taget stilling")),
    ("yes", _("Ja, der skal udarbejdes en plan")),
    ("no", _("Nej, der skal ikke udarbejdes en plan")),
]


def _text(label, *, required=False, limit=TextLimit.REASON, help_text="", rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=REQUIRED,
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class DecisionForm(DkfdsFormMixin, forms.Form):
    """A decision being prepared. What is missing for deciding is listed on the decision's
    page (``services.decision_problems``); a draft may be saved incomplete."""

    assessment = forms.ModelChoiceField(
        label=_("Den børnefaglige undersøgelse, afgørelsen bygger på"),
        queryset=None,
        required=False,
        empty_label=_("Ingen (fx en midlertidig afgørelse under undersøgelsen)"),
    )
    plan = forms.ModelChoiceField(
        label=_("Barnets plan, afgørelsen bygger på"),
        queryset=None,
        required=False,
        empty_label=_("Ingen plan endnu"),
    )
    kind = forms.ChoiceField(
        label=_("Afgørelsen gælder"), choices=DecisionKind.choices, error_messages=REQUIRED
    )
    outcome = forms.ChoiceField(
        label=_("Resultat"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg bevilling eller afslag.")},
    )
    temporary = forms.BooleanField(
        label=_("Midlertidig afgørelse, mens den børnefaglige undersøgelse pågår"),
        required=False,
    )
    service = ServiceChoiceField(
        label=_("Indsats fra indsatskataloget"), queryset=None, required=False
    )
    provider = forms.ModelChoiceField(label=_("Leverandør"), queryset=None, required=False)
    legal_sections = forms.ModelMultipleChoiceField(
        label=_("Lovgrundlag"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_week = forms.IntegerField(
        label=_("Omfang (timer pr. uge)"), required=False, min_value=0, max_value=168
    )
    starts_on = BoundedDateField(label=_("Startdato"), required=False, window=Window.DECISION)
    duration_weeks = forms.IntegerField(
        label=_("Forventet varighed (uger)"), required=False, min_value=1, max_value=52 * 20
    )
    yearly_cost = forms.DecimalField(
        label=_("Forventet udgift (kr. om året)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=0,
        help_text=_(
            "Udfyldes af Børnesag ud fra leverandørens takst, hvis du lader feltet stå tomt."
        ),
    )
    purpose = _text(_("Formål med indsatsen"))
    reasons = _text(
        _("Begrundelse"),
        limit=TextLimit.DESCRIPTION,
        rows=8,
        help_text=_("Henvis til den børnefaglige undersøgelse og barnets plan."),
    )
    outside_frame_reason = _text(
        _("Begrundelse for omfang uden for indsatsens ramme"),
        help_text=_("Kræves, hvis timer eller varighed ligger uden for rammen i kataloget."),
    )
    child_view = _text(_("Barnets synspunkter (Barnets Lov § 5)"))
    child_view_absent_reason = _text(_("Hvis barnets synspunkter ikke foreligger: hvorfor"))
    rests_on_unseen_information = forms.BooleanField(
        label=_("Afgørelsen bygger på oplysninger, familien ikke har set (kræver partshøring)"),
        required=False,
    )
    hearing_skip_reason = _text(
        _("Hvis partshøring undlades: hvorfor (forvaltningsloven § 19, stk. 2)"),
    )
    plan_needed = forms.ChoiceField(
        label=_("Skal der udarbejdes en plan? (Barnets Lov § 91, stk. 1)"),
        choices=PLAN_CHOICES,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        from boernesag.decisions.services import concluded_assessments, made_plans

        today = timezone.localdate()
        # only this case's concluded investigations and made plans can be chosen
        self.fields["assessment"].queryset = (
            concluded_assessments(case) if case is not None else self._none("assessment")
        )
        self.fields["assessment"].label_from_instance = lambda a: (
            _("Afsluttet den %(d)s")
            % {"d": formats.date_format(a.concluded_on, "j. F Y") if a.concluded_on else "–"}
        )
        self.fields["plan"].queryset = made_plans(case) if case is not None else self._none("plan")
        self.fields["plan"].label_from_instance = lambda p: (
            _("%(kind)s af %(d)s")
            % {
                "kind": p.get_kind_display(),
                "d": formats.date_format(p.made_on, "j. F Y") if p.made_on else "–",
            }
        )
        self.fields["service"].queryset = services_selectable().order_by("key")
        self.fields["provider"].queryset = Provider.objects.order_by("name")
        self.fields["legal_sections"].queryset = LegalSection.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        ).order_by("law", "paragraph", "stk", "nr")
        if not self.is_bound and not self.initial.get("submit_token"):
            self.initial["submit_token"] = uuid.uuid4()

    def _none(self, name):
        from boernesag.assessments.models import Assessment
        from boernesag.plans.models import Plan

        return (Assessment if name == "assessment" else Plan).objects.none()

    def clean_plan_needed(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("plan_needed"))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("submit_token", None)
        return data


class HearingForm(DkfdsFormMixin, forms.Form):
    information = _text(
        _("De oplysninger, parterne høres over"), required=True, limit=TextLimit.DESCRIPTION
    )
    answer_due = BoundedDateField(
        label=_("Svarfrist"), window=Window.DECISION, error_messages=REQUIRED
    )
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("submit_token"):
            self.initial["submit_token"] = uuid.uuid4()


class HearingAnswerForm(DkfdsFormMixin, forms.Form):
    no_answer = forms.BooleanField(label=_("Der kom intet svar inden svarfristen"), required=False)
    answered_on = BoundedDateField(label=_("Svaret modtaget"), required=False, window=Window.PAST)
    answer = _text(_("Svaret (kort referat)"), limit=TextLimit.DESCRIPTION)
    new_information = forms.BooleanField(
        label=_("Svaret indeholder nye oplysninger"), required=False
    )
    new_information_assessment = _text(_("Din vurdering af de nye oplysninger"))


class DecideForm(DkfdsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApprovalForm(DkfdsFormMixin, forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Beslutning"),
        choices=[("yes", _("Godkend afgørelsen")), ("no", _("Afvis – tilbage til kladde"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg godkend eller afvis.")},
    )
    reasons = _text(_("Begrundelse"), required=True)
    committee_meeting_on = BoundedDateField(
        label=_("Børne- og ungeudvalgets møde (kun udvalgets afgørelser)"),
        required=False,
        window=Window.PAST,
    )


class LetterSentForm(DkfdsFormMixin, forms.Form):
    letter = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Sendt som"),
        choices=[
            ("digital_post", _("Sendt med Digital Post")),
            ("printed", _("Printet og sendt med posten")),
            ("emailed", _("Sendt med sikker e-mail")),
        ],
    )


class ResolveForm(DkfdsFormMixin, forms.Form):
    resolution = forms.ChoiceField(
        choices=[("confirmed", _("Bekræft")), ("stopped", _("Stop"))],
    )


class AppealForm(DkfdsFormMixin, forms.Form):
    appellant = forms.ChoiceField(label=_("Klager"), error_messages=REQUIRED)
    received_on = BoundedDateField(
        label=_("Klagen modtaget"), window=Window.PAST, error_messages=REQUIRED
    )
    content = _text(_("Hvad klagen går ud på"), required=True, limit=TextLimit.DESCRIPTION)
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("submit_token"):
            self.initial["submit_token"] = uuid.uuid4()
        self.parties = {str(p.pk): p for p in parties}
        self.fields["appellant"].choices = [("", "—")] + [(str(p.pk), p.full_name) for p in parties]

    def clean_appellant(self):
        return self.parties.get(self.cleaned_data.get("appellant"))


class ReconsiderForm(DkfdsFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Genvurdering"),
        choices=[
            ("no", _("Afgørelsen ændres (ny afgørelse)")),
            ("yes", _("Afgørelsen fastholdes og klagen sendes til Ankestyrelsen")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om afgørelsen ændres eller fastholdes.")},
    )
    reconsideration = _text(_("Kommunens genvurdering"), required=True, limit=TextLimit.DESCRIPTION)
    forwarded_material = _text(_("Sendt til Ankestyrelsen (akter)"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RulingForm(DkfdsFormMixin, forms.Form):
    ruling = forms.ChoiceField(
        label=_("Ankestyrelsens afgørelse"),
        choices=Ruling.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg Ankestyrelsens afgørelse.")},
    )
    ruled_on = BoundedDateField(label=_("Dato"), window=Window.PAST, error_messages=REQUIRED)
    note = _text(_("Bemærkning (læring til kommunen)"))
    version = forms.IntegerField(widget=forms.HiddenInput)
