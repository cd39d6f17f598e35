from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.catalogue.models import (
    Contract,
    LegalSection,
    Provider,
    ProviderKind,
    RateUnit,
    RevisionDecision,
    Service,
    ServiceVersion,
    TargetGroup,
)
from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin, UploadField, limit_text
from boernesag.lib.limits import TextLimit, Window, model_max_length

# Text areas of a service description: each about four pages at most.
VERSION_TEXTS = [
    "target_description",
    "purpose",
    "content",
    "modules",
    "follow_up",
    "provider_documentation",
    "evaluation",
    "partner_requirements",
    "provider_requirements",
    "price_note",
    "internal_notes",
]
DISTRICT_LENGTH = 60  # ServiceVersion.districts: ArrayField(CharField(max_length=60))

VERSION_FIELDS = [
    "name",
    "target_groups",
    "target_description",
    "age_min",
    "age_max",
    "districts",
    "purpose",
    "content",
    "legal_sections",
    "visiteret",
    "provider_kinds",
    "min_hours",
    "max_hours",
    "min_weeks",
    "max_weeks",
    "frequency",
    "modules",
    "follow_up",
    "provider_documentation",
    "evaluation",
    "revision_interval_months",
    "partner_requirements",
    "provider_requirements",
    "price_note",
    "show_price_publicly",
    "internal_notes",
]


class ServiceVersionForm(DkfdsFormMixin, forms.ModelForm):
    districts = forms.CharField(
        label=_("Distrikter"),
        required=False,
        max_length=TextLimit.LINE,
        help_text=_("Kommasepareret, fx Nord, Syd. Tom: hele kommunen."),
    )
    provider_kinds = forms.MultipleChoiceField(
        label=_("Leverandørtyper"),
        choices=ProviderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lock = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ServiceVersion
        fields = VERSION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in VERSION_TEXTS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.all()
        self.fields["legal_sections"].queryset = LegalSection.objects.all()
        if self.instance.pk and not self.is_bound:
            self.initial["districts"] = ", ".join(self.instance.districts)
            self.initial["lock"] = self.instance.version_lock
        for name in ("name", "purpose"):
            self.fields[name].error_messages["required"] = _("Udfyld feltet.")

    def clean_districts(self):
        districts = [d.strip() for d in self.cleaned_data["districts"].split(",") if d.strip()]
        too_long = [d for d in districts if len(d) > DISTRICT_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Et distrikt kan højst have %(n)s tegn: %(name)s")
                % {"n": DISTRICT_LENGTH, "name": too_long[0][:80]}
            )
        return districts

    def _post_clean(self):
        # Range rules are checked by the service with Danish messages; the model constraints
        # stay as the last line of defence.
        self.instance.full_clean = lambda *a, **k: None
        super()._post_clean()


for _name in VERSION_TEXTS:  # TextFields have no length in the database: the form sets one
    limit_text(ServiceVersionForm.base_fields[_name], TextLimit.DESCRIPTION)


class CatalogueFilterForm(DkfdsFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Fritekst"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    target_group = forms.ModelChoiceField(
        label=_("Målgruppe"), required=False, queryset=TargetGroup.objects.all()
    )
    legal_section = forms.ModelChoiceField(
        label=_("Lovgrundlag"), required=False, queryset=LegalSection.objects.all()
    )
    provider = forms.ModelChoiceField(
        label=_("Leverandør"), required=False, queryset=Provider.objects.all()
    )
    district = forms.CharField(label=_("Distrikt"), required=False, max_length=DISTRICT_LENGTH)
    age = forms.IntegerField(label=_("Barnets alder"), required=False, min_value=0, max_value=30)


class ApproveForm(DkfdsFormMixin, forms.Form):
    approved_on = BoundedDateField(
        label=_("Godkendt den"), window=Window.DECISION, initial=timezone.localdate
    )
    body = forms.CharField(
        label=_("Godkendt af"),
        max_length=model_max_length(ServiceVersion, "approved_by_body"),
        help_text=_("Fx Børne- og Ungeudvalget eller direktionen."),
    )


class RevisionForm(DkfdsFormMixin, forms.Form):
    decided_on = BoundedDateField(
        label=_("Besluttet den"), window=Window.DECISION, initial=timezone.localdate
    )
    decision = forms.ChoiceField(label=_("Beslutning"), choices=RevisionDecision.choices)
    reasons = forms.CharField(
        label=_("Begrundelse"),
        max_length=TextLimit.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProviderForm(DkfdsFormMixin, forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "name",
            "cvr",
            "kind",
            "address",
            "contact",
            "phone",
            "email",
            "tilbudsportalen_id",
            "approval_status",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}


limit_text(ProviderForm.base_fields["address"], TextLimit.LINE)


class RateForm(DkfdsFormMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("Indsats"), queryset=Service.objects.none())
    unit = forms.ChoiceField(label=_("Enhed"), choices=RateUnit.choices)
    price = forms.DecimalField(
        label=_("Pris (kr.)"),
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": _("Skriv en pris, fx 650,00.")},
    )
    valid_from = BoundedDateField(label=_("Gælder fra"), window=Window.PERIOD)
    valid_to = BoundedDateField(label=_("Gælder til"), window=Window.PERIOD, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(closed_on__isnull=True)
        self.fields["price"].localize = True


class ContractForm(DkfdsFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=model_max_length(Contract, "title"))
    services = forms.ModelMultipleChoiceField(
        label=_("Indsatser"), required=False, queryset=Service.objects.none()
    )
    starts_on = BoundedDateField(label=_("Start"), window=Window.PERIOD)
    ends_on = BoundedDateField(label=_("Slut"), window=Window.PERIOD, required=False)
    notice_months = forms.IntegerField(
        label=_("Opsigelsesvarsel (måneder)"), min_value=0, initial=3
    )
    terms = forms.CharField(
        label=_("Vilkår"),
        required=False,
        max_length=TextLimit.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = UploadField(
        label=_("Kontraktdokument"),
        required=False,
        help_text=_("PDF eller Office-dokument."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.all()
