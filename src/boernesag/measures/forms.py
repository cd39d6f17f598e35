"""Forms for measures. Creating forms carry a token (a double submit makes one thing),
editing forms the version they were based on; every form keeps what was typed on an error."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.catalogue.models import Provider
from boernesag.lib.forms import BoundedDateField, BoundedDateTimeField, DkfdsFormMixin
from boernesag.lib.limits import DateWindow, TextLimit, Window
from boernesag.measures.constants import (
    Attainment,
    ContactForm,
    ContactFrequency,
    EndReason,
    FollowUpDecision,
    Score,
    VisitTalk,
    VolumeUnit,
)

REQUIRED = {"required": _("Udfyld feltet.")}
# a measure's dates: started in the past (cases from 2011), expected to end within 10 years
MEASURE_WINDOW = DateWindow("measure", years_back=15, years_ahead=10)


def _text(label, *, required=False, rows=3, limit=TextLimit.REASON, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=REQUIRED,
    )


class TokenForm(DkfdsFormMixin, forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class VolumeMixin(DkfdsFormMixin, forms.Form):
    volume = forms.DecimalField(
        label=_("Omfang"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Angiv omfanget."),
            "invalid": _("Skriv omfanget som et tal, fx 4 eller 4,5."),
        },
    )
    volume_unit = forms.ChoiceField(label=_("Enhed"), choices=VolumeUnit.choices)
    expected_end_on = BoundedDateField(
        label=_("Forventet slutdato"),
        required=False,
        window=MEASURE_WINDOW,
        help_text=_("Tom: beregnes ud fra afgørelsens forventede varighed."),
    )
    provider = forms.ModelChoiceField(
        label=_("Leverandør"),
        queryset=Provider.objects.none(),
        required=False,
        empty_label=_("Den leverandør, afgørelsen nævner"),
    )


class StartForm(TokenForm, VolumeMixin):
    decision = forms.ChoiceField(
        label=_("Afgørelse"),
        error_messages={"required": _("Vælg den afgørelse, indsatsen iværksættes efter.")},
    )
    starts_on = BoundedDateField(
        label=_("Startdato (iværksat den)"),
        window=Window.PAST,
        error_messages={"required": _("Skriv startdatoen.")},
    )

    field_order = ["decision", "starts_on", "volume", "volume_unit", "expected_end_on", "provider"]

    def __init__(self, *args, decisions=(), providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("", _("Vælg")),
            *((str(d.pk), decision_label(d)) for d in decisions),
        ]
        self.fields["provider"].queryset = providers or Provider.objects.none()
        self.order_fields(self.field_order)


class EarlySupportForm(TokenForm, VolumeMixin):
    """Early support without a decision (Barnets Lov § 30; Serviceloven § 11 before 2024):
    only services the catalogue marks as not visiteret."""

    service = forms.ModelChoiceField(
        label=_("Indsats (ikke visiteret)"),
        queryset=Provider.objects.none(),
        empty_label=_("Vælg"),
        error_messages={
            "required": _("Vælg indsatsen."),
            "invalid_choice": _("Vælg en indsats, der ikke kræver en afgørelse."),
        },
    )
    starts_on = BoundedDateField(
        label=_("Startdato (iværksat den)"),
        window=Window.PAST,
        error_messages={"required": _("Skriv startdatoen.")},
    )
    requested_by = forms.CharField(
        label=_("Hvem har anmodet om eller givet samtykke til indsatsen"),
        max_length=200,
        help_text=_("Fx »Mor har selv bedt om rådgivning«."),
        error_messages=REQUIRED,
    )

    field_order = [
        "service",
        "provider",
        "starts_on",
        "volume",
        "volume_unit",
        "expected_end_on",
        "requested_by",
    ]

    def __init__(self, *args, services=None, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["provider"].queryset = providers or Provider.objects.none()
        self.fields["provider"].required = True
        self.fields["provider"].empty_label = _("Vælg")
        self.fields["provider"].error_messages["required"] = _("Vælg leverandøren.")
        self.fields["expected_end_on"].help_text = ""
        self.order_fields(self.field_order)


class ChangeForm(VolumeMixin):
    decision = forms.ChoiceField(
        label=_("Den nye afgørelse"),
        error_messages={"required": _("Vælg den afgørelse, der ændrer indsatsen.")},
    )
    valid_from = BoundedDateField(
        label=_("Ændringen gælder fra"),
        window=Window.PAST,
        error_messages={"required": _("Skriv datoen.")},
    )
    reason = _text(_("Hvorfor ændres indsatsen"), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, decisions=(), providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("", _("Vælg")),
            *((str(d.pk), decision_label(d)) for d in decisions),
        ]
        self.fields["provider"].queryset = providers or Provider.objects.none()
        self.order_fields(
            ["decision", "valid_from", "volume", "volume_unit", "expected_end_on", "provider"]
        )


class FollowUpPlanForm(TokenForm):
    held_at = BoundedDateTimeField(
        label=_("Statusmødets tidspunkt"),
        window=Window.MEETING,
        error_messages={"required": _("Skriv tidspunktet for statusmødet.")},
    )
    agenda = _text(
        _("Dagsorden"),
        required=True,
        limit=TextLimit.DESCRIPTION,
        help_text=_("Fx status fra leverandøren, barnets syn, målene, næste skridt."),
    )
    persons = forms.MultipleChoiceField(
        label=_("Barnet og personer omkring barnet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label=_("Andre deltagere"),
        required=False,
        max_length=TextLimit.LINE,
        help_text=_("Fx leverandøren, skolen."),
    )

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = list(persons)


class FollowUpRecordForm(DkfdsFormMixin, forms.Form):
    held_on = BoundedDateField(
        label=_("Opfølgningen blev holdt den"),
        window=Window.PAST,
        error_messages={"required": _("Skriv datoen for opfølgningen.")},
    )
    report_received_on = BoundedDateField(
        label=_("Statusrapport modtaget den"), required=False, window=Window.PAST
    )
    report_source = forms.CharField(
        label=_("Rapportens kilde"),
        required=False,
        max_length=200,
        help_text=_("Fx skriftlig rapport fra leverandørens familiebehandler."),
    )
    report_summary = _text(_("Leverandørens status"), limit=TextLimit.DESCRIPTION, rows=4)
    child_talked_on = BoundedDateField(
        label=_("Samtale med barnet før mødet"), required=False, window=Window.PAST
    )
    child_view = _text(_("Barnets syn"), rows=3)
    child_not_talked_reason = _text(_("Hvis der ikke er talt med barnet: hvorfor"), rows=2)
    decision = forms.ChoiceField(
        label=_("Beslutning"),
        choices=FollowUpDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om indsatsen fortsætter, ændres eller ophører.")},
    )
    assessment = _text(_("Samlet vurdering"), rows=3)
    next_follow_up_on = BoundedDateField(
        label=_("Næste opfølgning"),
        required=False,
        window=Window.MEETING,
        help_text=_("Ikke når indsatsen ophører."),
    )
    interval_reasons = _text(
        _("Begrundelse for intervallet"),
        help_text=_("Barnets Lov § 95, stk. 3."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"score_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.what,
                choices=[("", _("Vælg")), *Score.choices],
                coerce=int,
                required=True,
                error_messages={"required": _("Giv målet en score.")},
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=_("Hvad viser det"),
                required=False,
                max_length=TextLimit.REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.setup_fields()

    def goal_fields(self):
        return [(g, self[f"score_{g.pk}"], self[f"note_{g.pk}"]) for g in self.goals]

    def scores(self) -> dict:
        out = {}
        for goal in self.goals:
            out[goal.pk] = (
                self.cleaned_data.get(f"score_{goal.pk}"),
                self.cleaned_data.get(f"note_{goal.pk}", ""),
            )
        return out


class VisitForm(TokenForm):
    visited_on = BoundedDateField(
        label=_("Besøgt den"),
        window=Window.PAST,
        initial=timezone.localdate,
        error_messages={"required": _("Skriv datoen for besøget.")},
    )
    at_placement = forms.TypedChoiceField(
        label=_("Foregik besøget på anbringelsesstedet?"),
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar ja eller nej.")},
    )
    talk = forms.ChoiceField(
        label=_("Talte du med barnet?"),
        choices=VisitTalk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar på, om der blev talt med barnet.")},
    )
    not_alone_reason = _text(_("Hvis ikke alene med barnet eller ingen samtale: hvorfor"), rows=2)


class PlacementDetailsForm(TokenForm):
    place_name = forms.CharField(
        label=_("Anbringelsessted"),
        help_text=_("Leverandørens sted, fx plejefamiliens navn eller institutionens navn."),
        max_length=200,
        error_messages={"required": _("Skriv anbringelsesstedets navn.")},
    )
    place_department = forms.CharField(
        label=_("Afdeling (hvis relevant)"), max_length=200, required=False
    )
    place_from = BoundedDateField(
        label=_("Barnet kom på stedet den"),
        window=Window.PAST,
        error_messages={"required": _("Skriv datoen, barnet kom på anbringelsesstedet.")},
    )
    contact_frequency = forms.ChoiceField(
        label=_("Hvor ofte har barnet samvær med forældrene?"),
        choices=ContactFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg hvor ofte barnet har samvær med forældrene.")},
    )
    contact_form = forms.ChoiceField(
        label=_("Hvordan foregår samværet?"),
        choices=[("", _("Vælg")), *ContactForm.choices],
        required=False,
    )
    contact_note = _text(_("Aftaler om samvær og kontakt"), rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(TokenForm):
    ended_on = BoundedDateField(
        label=_("Ophørt den"),
        window=Window.PAST,
        error_messages={"required": _("Skriv ophørsdatoen.")},
    )
    reason = forms.ChoiceField(
        label=_("Årsag"),
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg årsagen til ophøret.")},
    )
    reasons = _text(_("Begrundelse"), rows=3)
    final_attainment = forms.ChoiceField(
        label=_("Målopfyldelse ved ophør"),
        choices=Attainment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Angiv målopfyldelsen ved ophør.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def decision_label(decision) -> str:
    from django.utils import formats

    parts = [str(decision)]
    name = getattr(decision, "service_name", "")
    if name:
        parts.append(name)
    if decision.decided_at:
        parts.append(
            str(_("truffet %(day)s"))
            % {"day": formats.date_format(timezone.localtime(decision.decided_at), "j.n.Y")}
        )
    return " – ".join(parts)
