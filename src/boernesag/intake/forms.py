from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Unit, User
from boernesag.intake.constants import (
    BarnehusChoice,
    Channel,
    IntakeKind,
    NotifierKind,
    Outcome,
    ReasonCategory,
)
from boernesag.lib.forms import DkfdsFormMixin

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CHILD_SLOTS = 3


class RegisterForm(DkfdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=IntakeKind.choices)
    channel = forms.ChoiceField(label=_("Modtaget via"), choices=Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Modtaget"),
        widget=DATETIME,
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        error_messages={
            "required": _("Skriv hvornår henvendelsen blev modtaget."),
            "invalid": _("Skriv et gyldigt tidspunkt."),
        },
    )
    backdate_reason = forms.CharField(
        label=_("Begrundelse for tidligere modtagelsestidspunkt"),
        required=False,
        help_text=_("Kræves, hvis henvendelsen blev modtaget mere end en time før nu."),
    )
    notifier_kind = forms.ChoiceField(label=_("Underretter/afsender"), choices=NotifierKind.choices)
    notifier_name = forms.CharField(label=_("Navn"), required=False, max_length=200)
    notifier_organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    notifier_phone = forms.CharField(label=_("Telefon"), required=False, max_length=40)
    notifier_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse.")},
    )
    notifier_address = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    content = forms.CharField(
        label=_("Hvad handler henvendelsen om?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Skriv hvad henvendelsen handler om.")},
    )
    acute = forms.BooleanField(label=_("Akut – barnet kan være i fare nu"), required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Årsager"),
        choices=ReasonCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unknown_description = forms.CharField(
        label=_("Barnet kendes ikke endnu – beskrivelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fx navn, alder, skole. Barnet skal identificeres senere."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CHILD_SLOTS + 1):
            self.fields[f"child_{i}_cpr"] = forms.CharField(
                label=_("Barn %(n)s: CPR-nummer") % {"n": i}, required=False, max_length=11
            )
            self.fields[f"child_{i}_first_name"] = forms.CharField(
                label=_("Barn %(n)s: fornavn") % {"n": i},
                required=False,
                max_length=150,
                help_text=_("Kun hvis barnet ikke findes i Børnesag."),
            )
            self.fields[f"child_{i}_last_name"] = forms.CharField(
                label=_("Barn %(n)s: efternavn") % {"n": i}, required=False, max_length=150
            )

    def child_slots(self):
        return [
            (self[f"child_{i}_cpr"], self[f"child_{i}_first_name"], self[f"child_{i}_last_name"])
            for i in range(1, CHILD_SLOTS + 1)
        ]


class TriageForm(DkfdsFormMixin, forms.Form):
    YES_NO = [("1", _("Ja")), ("0", _("Nej"))]
    at_risk = forms.TypedChoiceField(
        label=_("Er barnets sundhed eller udvikling i fare?"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg ja eller nej.")},
    )
    acute_needed = forms.TypedChoiceField(
        label=_("Er der behov for akut indsats?"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg ja eller nej.")},
    )
    outcome = forms.ChoiceField(label=_("Hvad sker der nu?"), choices=Outcome.choices)
    reasons_text = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv begrundelsen for vurderingen.")},
    )
    forwarded_to = forms.CharField(label=_("Videresendes til kommune"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Unit.objects.none(), required=False)
    caseworker = forms.ModelChoiceField(
        label=_("Sagsbehandler"), queryset=User.objects.none(), required=False
    )
    child_conversation_on = forms.DateField(
        label=_("Samtale med barnet (dato, holdt eller planlagt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    barnehus = forms.ChoiceField(
        label=_("Børnehuset"), required=False, choices=[("", "—"), *BarnehusChoice.choices]
    )
    barnehus_note = forms.CharField(label=_("Børnehus: bemærkning"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Unit.objects.filter(
            kind=UnitKind.TEAM, is_active=True
        ).order_by("name")
        self.fields["caseworker"].queryset = (
            User.objects.filter(is_active=True, role_assignments__role=Role.CASEWORKER)
            .distinct()
            .order_by("first_name", "last_name")
        )


class IdentifyForm(DkfdsFormMixin, forms.Form):
    cpr = forms.CharField(label=_("Barnets CPR-nummer"), max_length=11)
    first_name = forms.CharField(label=_("Fornavn"), required=False)
    last_name = forms.CharField(label=_("Efternavn"), required=False)


class UnresolvedForm(DkfdsFormMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Hvorfor kan barnet ikke identificeres?"), widget=forms.Textarea(attrs={"rows": 3})
    )
