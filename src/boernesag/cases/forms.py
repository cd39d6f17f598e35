from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Unit, User
from boernesag.audit.models import GrantKind
from boernesag.cases.constants import (
    ConsentForm,
    ConsentScope,
    DocumentKind,
    EventKind,
    JournalKind,
    MeetingKind,
)
from boernesag.cases.models import Document, JournalEntry
from boernesag.lib.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    DkfdsFormMixin,
    SubmitTokenMixin,
    UploadField,
)
from boernesag.lib.limits import TextLimit, Window, model_max_length

REQUIRED = {"required": _("Udfyld feltet.")}


class ChildSearchForm(DkfdsFormMixin, forms.Form):
    q = forms.CharField(
        label=_("CPR-nummer eller navn"),
        max_length=100,
        required=False,
        help_text=_("CPR-nummer som DDMMÅÅ-LLLL, eller for- og efternavn (begyndelsen er nok)."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReasonedAccessForm(DkfdsFormMixin, forms.Form):
    """Reasoned access (adgang med begrundelse): why, and whether the user must write."""

    kind = forms.ChoiceField(
        label=_("Hvorfor har du brug for adgang?"),
        choices=GrantKind.choices,
        initial=GrantKind.INFORMATION,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg hvorfor du har brug for adgang.")},
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        min_length=10,
        max_length=TextLimit.REASON,
        error_messages={
            "required": _("Skriv hvorfor du har brug for adgang."),
            "min_length": _("Skriv en begrundelse på mindst 10 tegn."),
        },
        help_text=_("Begrundelsen gemmes i adgangsloggen og gennemgås af en teamleder."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _team_choices():
    return Unit.objects.filter(kind=UnitKind.TEAM, is_active=True).order_by("name")


def _caseworker_choices():
    today = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.CASEWORKER,
            role_assignments__valid_from__lte=today,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class CaseOpenForm(DkfdsFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Unit.objects.none(), error_messages=REQUIRED
    )
    caseworker = forms.ModelChoiceField(
        label=_("Sagsbehandler"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Baggrund"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TextLimit.REASON,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _team_choices()
        self.fields["caseworker"].queryset = _caseworker_choices()


class ReassignForm(CaseOpenForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TextLimit.REASON,
        error_messages={"required": _("Skriv hvorfor sagen omfordeles.")},
    )


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vis"), required=False, choices=[("", _("Alle hændelser")), *EventKind.choices]
    )


JOURNAL_TITLE = model_max_length(JournalEntry, "title")


class JournalForm(SubmitTokenMixin, DkfdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=JournalKind.choices, initial=JournalKind.NOTE)
    title = forms.CharField(
        label=_("Overskrift"), max_length=JOURNAL_TITLE, error_messages=REQUIRED
    )
    occurred_on = BoundedDateField(
        label=_("Dato for det noterede"),
        window=Window.PAST,
        initial=timezone.localdate,
        error_messages={"required": _("Skriv en dato.")},
    )
    text = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TextLimit.DOCUMENT,
        error_messages=REQUIRED,
    )


class JournalCorrectForm(DkfdsFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Overskrift"), max_length=JOURNAL_TITLE, error_messages=REQUIRED
    )
    text = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TextLimit.DOCUMENT,
        error_messages=REQUIRED,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class JournalAddendumForm(DkfdsFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Tilføjelse"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TextLimit.DOCUMENT,
        error_messages=REQUIRED,
    )


class JournalSearchForm(DkfdsFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Søg i journalen"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class DocumentForm(DkfdsFormMixin, forms.Form):
    file = UploadField(label=_("Fil"), help_text=_("PDF, billeder eller Office-dokumenter."))
    title = forms.CharField(
        label=_("Titel"),
        max_length=model_max_length(Document, "title"),
        error_messages=REQUIRED,
    )
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    document_date = BoundedDateField(
        label=_("Dokumentets dato"), window=Window.DOCUMENT, initial=timezone.localdate
    )


class MeetingForm(DkfdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Mødetype"), choices=MeetingKind.choices)
    held_at = BoundedDateTimeField(
        label=_("Tidspunkt"),
        window=Window.MEETING,
        error_messages={"required": _("Skriv tidspunktet.")},
    )
    agenda = forms.CharField(
        label=_("Dagsorden"),
        required=False,
        max_length=TextLimit.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Deltagere fra kommunen"), queryset=User.objects.none(), required=False
    )
    persons = forms.MultipleChoiceField(
        label=_("Barnet og personer omkring barnet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Personerne registreret under Personer omkring barnet."),
    )
    other_participants = forms.CharField(
        label=_("Andre deltagere"),
        required=False,
        max_length=TextLimit.LINE,
        help_text=_("Deltagere, der ikke er registreret omkring barnet."),
    )
    second_caseworker = forms.ModelChoiceField(
        label=_("Anden børne- og ungerådgiver"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Barnets Lov § 21, stk. 5: Under en børnefaglig undersøgelse i en sag uden tidligere "
            "støttende indsatser eller anbringelse holdes væsentlige møder med barnet som "
            "udgangspunkt med to børne- og ungerådgivere."
        ),
    )
    second_caseworker_absent_reason = forms.CharField(
        label=_("Hvis kun én rådgiver deltager: hvorfor?"),
        required=False,
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, person_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        self.fields["persons"].choices = person_choices
        self.fields["second_caseworker"].queryset = _caseworker_choices()


class MeetingFinishForm(DkfdsFormMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Referat"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TextLimit.DOCUMENT,
        error_messages={"required": _("Skriv et referat.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsentFormForm(DkfdsFormMixin, forms.Form):
    given_by = forms.ChoiceField(
        label=_("Givet af"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg hvem der giver samtykke."),
            "invalid_choice": _(
                "Samtykke gives af en forældremyndighedsindehaver eller af den unge fra 15 år."
            ),
        },
        help_text=_(
            "Forældremyndighedsindehaverne og den unge, der er fyldt 15 år (Barnets Lov § 22, "
            "stk. 2, og § 46, stk. 1–2)."
        ),
    )
    scope = forms.ChoiceField(label=_("Samtykke til"), choices=ConsentScope.choices)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form = forms.ChoiceField(
        label=_("Form"),
        choices=ConsentForm.choices,
        widget=forms.RadioSelect,
        initial=ConsentForm.WRITTEN,
    )
    given_on = BoundedDateField(
        label=_("Givet den"), window=Window.PAST, initial=timezone.localdate
    )
    valid_until = BoundedDateField(label=_("Gælder til"), window=Window.PERIOD, required=False)
    oral_note = forms.CharField(
        label=_("Notat om mundtligt samtykke"),
        required=False,
        max_length=TextLimit.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kræves ved mundtligt samtykke: hvad blev der sagt, og hvem var til stede."),
    )

    def __init__(self, *args, person_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].choices = list(person_choices)


class ConsentWithdrawForm(DkfdsFormMixin, forms.Form):
    withdrawn_on = BoundedDateField(
        label=_("Trukket tilbage den"), window=Window.PAST, initial=timezone.localdate
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class GrantReviewForm(DkfdsFormMixin, forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Vurdering"),
        coerce=lambda v: v == "1",
        choices=[("1", _("I orden")), ("0", _("Ikke i orden – følges op"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CprLookupForm(DkfdsFormMixin, forms.Form):
    """A child's CPR number, POSTed (never in a URL); cleaned to ten digits."""

    cpr = forms.CharField(
        label=_("Slå et barn op (CPR-nummer)"),
        max_length=20,
        error_messages={"required": _("Skriv et CPR-nummer.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_cpr(self) -> str:
        from boernesag.persons.cpr import CprError, parse_cpr

        try:
            return parse_cpr(self.cleaned_data["cpr"]).number
        except CprError as exc:
            raise forms.ValidationError(str(exc)) from None
