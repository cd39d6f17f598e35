"""Forms for the people around the child (*Personer omkring barnet*) and resource-person
agreements."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window, model_max_length
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.models import Person, Relation

REQUIRED = {"required": _("Udfyld feltet.")}
CPR_TYPED = 11  # DDMMÅÅ-LLLL


def _person_len(name: str) -> int:
    return model_max_length(Person, name)


class RelationFieldsMixin(forms.Form):
    """What a relation says: its kind (on adding), field, description, period, household."""

    professional_role = forms.ChoiceField(
        label=_("Fagområde (kun for fagpersoner)"),
        required=False,
        choices=[("", "—"), *ProfessionalRole.choices],
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=model_max_length(Relation, "description"),
        help_text=_('Fx "morfar, henter om onsdagen" eller "klasselærer i 4.b".'),
    )
    valid_from = BoundedDateField(label=_("Fra"), required=False, window=Window.PERIOD)
    valid_to = BoundedDateField(label=_("Til"), required=False, window=Window.PERIOD)
    lives_with_child = forms.BooleanField(label=_("Bor sammen med barnet"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Slutdatoen kan ikke ligge før startdatoen."))
        return data


def kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Relation til barnet"),
        choices=[("", "—"), *RelationKind.choices],
        error_messages={"required": _("Vælg hvad personen er for barnet.")},
    )


class PersonAddForm(DkfdsFormMixin, RelationFieldsMixin):
    """A person entered by hand (not found in the CPR register, or without a CPR number:
    a teacher, a neighbour)."""

    kind = kind_field()
    first_name = forms.CharField(
        label=_("Fornavn(e)"), max_length=_person_len("first_name"), error_messages=REQUIRED
    )
    last_name = forms.CharField(
        label=_("Efternavn"), max_length=_person_len("last_name"), error_messages=REQUIRED
    )
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=CPR_TYPED,
        help_text=_("Hvis personen har et. Findes personen i CPR-registeret, hentes hun derfra."),
    )
    birth_date = BoundedDateField(label=_("Fødselsdato"), required=False, window=Window.BIRTH)
    organisation = forms.CharField(
        label=_("Arbejdssted"),
        required=False,
        max_length=_person_len("organisation"),
        help_text=_("For fagpersoner: skole, dagtilbud, sundhedspleje, PPR, lægepraksis."),
    )
    street = forms.CharField(label=_("Adresse"), required=False, max_length=_person_len("street"))
    postcode = forms.CharField(
        label=_("Postnummer"), required=False, max_length=_person_len("postcode")
    )
    city = forms.CharField(label=_("By"), required=False, max_length=_person_len("city"))
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=_person_len("phone"))
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=_person_len("email"),
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse.")},
    )

    field_order = [
        "kind",
        "professional_role",
        "first_name",
        "last_name",
        "cpr",
        "birth_date",
        "organisation",
        "street",
        "postcode",
        "city",
        "phone",
        "email",
        "description",
        "valid_from",
        "valid_to",
        "lives_with_child",
    ]


class RegisterLookupForm(DkfdsFormMixin, forms.Form):
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=CPR_TYPED + 9,
        error_messages={"required": _("Skriv et CPR-nummer.")},
        help_text=_("DDMMÅÅ-LLLL. Nummeret sendes ikke i adresselinjen og gemmes ikke i loggen."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RegisterImportForm(DkfdsFormMixin, RelationFieldsMixin):
    kind = kind_field()
    field_order = [
        "kind",
        "professional_role",
        "description",
        "valid_from",
        "valid_to",
        "lives_with_child",
    ]


class FamilyImportForm(DkfdsFormMixin, forms.Form):
    relatives = forms.MultipleChoiceField(
        label=_("Hvem skal registreres omkring barnet?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én person.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relatives"].choices = choices


class RelationEditForm(DkfdsFormMixin, RelationFieldsMixin):
    organisation = forms.CharField(
        label=_("Arbejdssted"), required=False, max_length=_person_len("organisation")
    )
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=_person_len("phone"))
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=_person_len("email"),
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse.")},
    )
    # only for persons entered by hand; the register owns name and address otherwise
    first_name = forms.CharField(
        label=_("Fornavn(e)"), required=False, max_length=_person_len("first_name")
    )
    last_name = forms.CharField(
        label=_("Efternavn"), required=False, max_length=_person_len("last_name")
    )
    street = forms.CharField(label=_("Adresse"), required=False, max_length=_person_len("street"))
    postcode = forms.CharField(
        label=_("Postnummer"), required=False, max_length=_person_len("postcode")
    )
    city = forms.CharField(label=_("By"), required=False, max_length=_person_len("city"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    MANUAL_ONLY = ("first_name", "last_name", "street", "postcode", "city")

    CONTACT = ("organisation", "phone", "email")

    def __init__(self, *args, manual: bool = True, contact: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual:
            for name in self.MANUAL_ONLY:
                del self.fields[name]
        if not contact:  # a protected child's school or daycare, for a user without the right
            for name in self.CONTACT:
                del self.fields[name]


class RelationEndForm(DkfdsFormMixin, forms.Form):
    valid_to = BoundedDateField(
        label=_("Relationen ophører den"),
        window=Window.PERIOD,
        initial=timezone.localdate,
        error_messages={"required": _("Skriv datoen relationen ophører.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AgreementForm(DkfdsFormMixin, forms.Form):
    relation = forms.ChoiceField(
        label=_("Ressourceperson"),
        error_messages={"required": _("Vælg ressourcepersonen.")},
    )
    agreed_on = BoundedDateField(
        label=_("Aftalt den"), window=Window.PAST, initial=timezone.localdate
    )
    content = forms.CharField(
        label=_("Hvad er aftalt?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TextLimit.DESCRIPTION,
        error_messages={"required": _("Skriv hvad der er aftalt.")},
        help_text=_("Hvad ressourcepersonen gør for barnet, hvornår og hvor ofte."),
    )

    def __init__(self, *args, relations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [
            ("", "—"),
            *[(str(r.pk), f"{r.person.full_name} ({r.get_kind_display()})") for r in relations],
        ]


class FollowUpForm(DkfdsFormMixin, forms.Form):
    held_on = BoundedDateField(
        label=_("Opfølgning holdt den"), window=Window.PAST, initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Hvordan fungerer aftalen?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TextLimit.REASON,
        error_messages={"required": _("Skriv hvordan aftalen fungerer.")},
    )


class AgreementEndForm(DkfdsFormMixin, forms.Form):
    ended_on = BoundedDateField(
        label=_("Aftalen ophører den"), window=Window.PAST, initial=timezone.localdate
    )
    end_reason = forms.CharField(
        label=_("Hvorfor ophører aftalen?"),
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hvorfor aftalen ophører.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
