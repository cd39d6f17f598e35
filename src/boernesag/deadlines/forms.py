from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.deadlines.models import UNIT_CHOICES
from boernesag.deadlines.rules import load_rules
from boernesag.lib.forms import BoundedDateField, BoundedDateTimeField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window


def _rule_choices(with_duration_only: bool = False):
    rules = load_rules().values()
    return [
        (r.key, r.title)
        for r in sorted(rules, key=lambda r: r.title)
        if not with_duration_only or (all(v.duration for v in r.versions) and not r.window)
    ]


class CompliancePeriodForm(DkfdsFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Periode"), choices=[("quarter", _("Kvartal")), ("month", _("Måned"))]
    )
    year = forms.IntegerField(label=_("År"), min_value=2011, max_value=2100)
    number = forms.IntegerField(label=_("Kvartal/måned nr."), min_value=1, max_value=12)
    group = forms.ChoiceField(
        label=_("Opdelt på"),
        choices=[("team", _("Team")), ("caseworker", _("Sagsbehandler")), ("rule", _("Kun regel"))],
    )
    basis = forms.ChoiceField(
        label=_("Målt mod"),
        choices=[("law", _("Lovens frist")), ("local", _("Kommunens lokale standard"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "quarter" and data.get("number", 1) > 4:
            self.add_error("number", _("Et kvartal er 1–4."))
        return data


class LocalStandardForm(DkfdsFormMixin, forms.Form):
    rule_key = forms.ChoiceField(label=_("Regel"))
    amount = forms.IntegerField(
        label=_("Lokal frist (antal)"),
        min_value=0,
        error_messages={
            "required": _("Skriv fristens længde."),
            "min_value": _("Fristen kan ikke være negativ."),
        },
    )
    unit = forms.ChoiceField(label=_("Enhed"), choices=UNIT_CHOICES)
    valid_from = BoundedDateField(
        label=_("Gælder fra"), window=Window.PERIOD, initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv begrundelsen.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_key"].choices = _rule_choices(with_duration_only=True)


class CalculatorForm(DkfdsFormMixin, forms.Form):
    rule_key = forms.ChoiceField(label=_("Regel"))
    start = BoundedDateTimeField(
        label=_("Starttidspunkt"),
        window=Window.CALCULATION,
        error_messages={"required": _("Skriv starttidspunktet.")},
    )
    birth_date = BoundedDateField(
        label=_("Barnets fødselsdato"),
        required=False,
        window=Window.BIRTH,
        help_text=_("Bruges af regler, der regnes fra en alder."),
    )
    notifier_kind = forms.ChoiceField(
        label=_("Underretter"),
        required=False,
        choices=[
            ("", "—"),
            ("professional", _("Fagperson")),
            ("private", _("Privatperson")),
            ("anonymous", _("Anonym")),
        ],
    )
    measure_kind = forms.ChoiceField(
        label=_("Foranstaltning"),
        required=False,
        choices=[
            ("", "—"),
            ("support", _("Støtteindsats")),
            ("placement_with_consent", _("Anbringelse med samtykke")),
            ("placement_without_consent", _("Anbringelse uden samtykke")),
        ],
    )
    local = forms.BooleanField(label=_("Brug kommunens lokale standard"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_key"].choices = _rule_choices()


class PauseForm(DkfdsFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse for at sætte fristen i bero"),
        max_length=500,
        error_messages={"required": _("Skriv en begrundelse.")},
    )
