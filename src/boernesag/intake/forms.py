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
from boernesag.intake.models import IntakeItem
from boernesag.lib.forms import BoundedDateField, BoundedDateTimeField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window, model_max_length
from boernesag.persons.models import Person

CHILD_SLOTS = 3
CPR_TYPED = 11  # DDMMÅÅ-LLLL


def _item_length(name: str) -> int:
    return model_max_length(IntakeItem, name)


class RegisterForm(DkfdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=IntakeKind.choices)
    channel = forms.ChoiceField(label=_("Modtaget via"), choices=Channel.choices)
    received_at = BoundedDateTimeField(
        label=_("Modtaget"),
        window=Window.RECEIVED,
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        error_messages={"required": _("Skriv hvornår henvendelsen blev modtaget.")},
    )
    backdate_reason = forms.CharField(
        label=_("Begrundelse for tidligere modtagelsestidspunkt"),
        required=False,
        max_length=TextLimit.REASON,
        help_text=_("Kræves, hvis henvendelsen blev modtaget mere end en time før nu."),
    )
    notifier_kind = forms.ChoiceField(label=_("Underretter/afsender"), choices=NotifierKind.choices)
    notifier_name = forms.CharField(
        label=_("Navn"), required=False, max_length=_item_length("notifier_name")
    )
    notifier_organisation = forms.CharField(
        label=_("Organisation"), required=False, max_length=_item_length("notifier_organisation")
    )
    notifier_phone = forms.CharField(
        label=_("Telefon"), required=False, max_length=_item_length("notifier_phone")
    )
    notifier_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=_item_length("notifier_email"),
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse.")},
    )
    notifier_address = forms.CharField(
        label=_("Adresse"),
        required=False,
        max_length=TextLimit.LINE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    content = forms.CharField(
        label=_("Hvad handler henvendelsen om?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TextLimit.DOCUMENT,
        error_messages={"required": _("Skriv hvad henvendelsen handler om.")},
    )
    acute = forms.BooleanField(label=_("Akut – barnet kan være i fare nu"), required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Årsager"),
        choices=ReasonCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_confirmed = forms.BooleanField(
        label=_("CPR-nummeret er kontrolleret: registrér, selv om personen er over 22 år"),
        required=False,
    )
    unknown_description = forms.CharField(
        label=_("Barnet kendes ikke endnu – beskrivelse"),
        required=False,
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fx navn, alder, skole. Barnet skal identificeres senere."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CHILD_SLOTS + 1):
            self.fields[f"child_{i}_cpr"] = forms.CharField(
                label=_("Barn %(n)s: CPR-nummer") % {"n": i}, required=False, max_length=CPR_TYPED
            )
            self.fields[f"child_{i}_first_name"] = forms.CharField(
                label=_("Barn %(n)s: fornavn") % {"n": i},
                required=False,
                max_length=model_max_length(Person, "first_name"),
                help_text=_("Kun hvis barnet ikke findes i Børnesag."),
            )
            self.fields[f"child_{i}_last_name"] = forms.CharField(
                label=_("Barn %(n)s: efternavn") % {"n": i},
                required=False,
                max_length=model_max_length(Person, "last_name"),
            )
        self.setup_fields()  # the fields added here get the DKFDS classes and limits too

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
    # no default: the person triaging chooses (issue 20 — "no further action" was preselected)
    outcome = forms.ChoiceField(
        label=_("Hvad sker der nu?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg hvad der sker nu.")},
    )
    danger_confirmed = forms.BooleanField(
        label=_(
            "Jeg bekræfter, at der ikke skal ske mere, selv om barnets sundhed eller udvikling "
            "er vurderet i fare – begrundelsen forklarer hvorfor"
        ),
        required=False,
        help_text=_("Kun når du har svaret ja til fare og valgt »Ingen yderligere handling«."),
    )
    reasons_text = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TextLimit.DESCRIPTION,
        error_messages={"required": _("Skriv begrundelsen for vurderingen.")},
    )
    forwarded_to = forms.CharField(
        label=_("Videresendes til kommune"),
        required=False,
        max_length=_item_length("forwarded_to"),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Unit.objects.none(), required=False)
    caseworker = forms.ModelChoiceField(
        label=_("Sagsbehandler"), queryset=User.objects.none(), required=False
    )
    child_conversation_on = BoundedDateField(
        label=_("Samtale med barnet (dato, holdt eller planlagt)"),
        required=False,
        window=Window.MEETING,
    )
    barnehus = forms.ChoiceField(
        label=_("Børnehuset"), required=False, choices=[("", "—"), *BarnehusChoice.choices]
    )
    barnehus_note = forms.CharField(
        label=_("Børnehus: bemærkning"), required=False, max_length=TextLimit.REASON
    )
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
    cpr = forms.CharField(label=_("Barnets CPR-nummer"), max_length=CPR_TYPED)
    age_confirmed = forms.BooleanField(
        label=_("CPR-nummeret er kontrolleret, også hvis personen er over 22 år"),
        required=False,
    )
    first_name = forms.CharField(
        label=_("Fornavn"), required=False, max_length=model_max_length(Person, "first_name")
    )
    last_name = forms.CharField(
        label=_("Efternavn"), required=False, max_length=model_max_length(Person, "last_name")
    )


class UnresolvedForm(DkfdsFormMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Hvorfor kan barnet ikke identificeres?"),
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
