"""Forms for the children's investigation. Every form keeps what was typed on an error;
creating forms carry a token (a double submit makes one thing), editing forms the version
they were based on. The services decide (dates, the consent route, what a conclusion
needs); the forms parse."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.assessments.constants import ActivityKind, ConsentRoute, StatementSource
from boernesag.lib.forms import BoundedDateField, BoundedDateTimeField, DkfdsFormMixin
from boernesag.lib.limits import TextLimit, Window

REQUIRED = {"required": _("Udfyld feltet.")}
YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]


def _text(label, *, required=False, rows=4, limit=TextLimit.REASON, help_text="", **kw):
    kw.setdefault("error_messages", REQUIRED)
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=limit,
        help_text=help_text,
        **kw,
    )


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class TokenMixin(DkfdsFormMixin, forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class VersionMixin(DkfdsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(TokenMixin):
    aware_at = BoundedDateTimeField(
        label=_("Kommunen blev opmærksom"),
        required=False,
        window=Window.RECEIVED,
        help_text=_(
            "Kun når der ikke allerede kører en undersøgelse fra modtagelsen: de 4 måneder "
            "regnes herfra (Barnets Lov § 20, stk. 3)."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    decided_on = BoundedDateField(
        label=_("Afgørelsen er truffet den"), window=Window.DECISION, error_messages=REQUIRED
    )
    legal_basis = forms.ChoiceField(
        label=_("Lovgrundlag"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg lovgrundlaget.")},
    )
    reasons = _text(
        _("Begrundelse"),
        required=True,
        rows=6,
        help_text=_("Afgørelsen sendes til familien med begrundelse og klagevejledning."),
        error_messages={"required": _("Skriv begrundelsen for afgørelsen.")},
    )
    consent_route = forms.ChoiceField(
        label=_("Samtykke"),
        choices=ConsentRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om undersøgelsen sker med eller uden samtykke.")},
    )
    consents = forms.MultipleChoiceField(
        label=_("Samtykker fra forældremyndighedsindehavere og den unge (15+)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    without_consent_reasons = _text(_("Hvorfor uden samtykke"))
    focus_areas = _text(
        _("Fokusområder"),
        rows=4,
        help_text=_("Overført fra vurderingen i modtagelsen; ret dem til."),
    )
    start_date = BoundedDateField(label=_("Startdato"), required=False, window=Window.MEETING)
    planned_end = BoundedDateField(
        label=_("Planlagt afslutning"),
        required=False,
        window=Window.MEETING,
        help_text=_("Tom: lovens frist, 4 måneder efter at kommunen blev opmærksom."),
    )

    def __init__(self, *args, bases=(), consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].choices = [(b.value, b.label) for b in bases]
        self.fields["consents"].choices = consents
        self.setup_fields()


class PlanForm(VersionMixin):
    focus_areas = _text(_("Fokusområder"), rows=5)
    start_date = BoundedDateField(
        label=_("Startdato"), window=Window.MEETING, error_messages=REQUIRED
    )
    planned_end = BoundedDateField(
        label=_("Planlagt afslutning"), window=Window.MEETING, error_messages=REQUIRED
    )


class ActivityForm(TokenMixin):
    kind = forms.ChoiceField(
        label=_("Aktivitet"),
        choices=[("", "—"), *ActivityKind.choices],
        error_messages={"required": _("Vælg en aktivitet.")},
    )
    planned_on = BoundedDateField(
        label=_("Planlagt til"), window=Window.MEETING, error_messages=REQUIRED
    )
    statement_source = forms.ChoiceField(
        label=_("Udtalelse fra (kun udtalelser)"),
        choices=[("", "—"), *StatementSource.choices],
        required=False,
    )
    person = forms.ChoiceField(label=_("Fagperson (kun udtalelser)"), required=False)
    answer_by = BoundedDateField(
        label=_("Svarfrist (kun udtalelser)"), required=False, window=Window.MEETING
    )

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *professionals]
        self.setup_fields()


class RecordForm(VersionMixin):
    held = forms.ChoiceField(
        label=_("Blev aktiviteten gennemført?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar på, om aktiviteten blev gennemført.")},
    )
    held_on = BoundedDateField(label=_("Gennemført den"), required=False, window=Window.MEETING)
    summary = _text(_("Hvad kom frem"), rows=6, limit=TextLimit.DESCRIPTION)
    source = forms.CharField(
        label=_("Kilde"),
        required=False,
        max_length=300,
        help_text=_("Hvem oplysningerne kommer fra, og hvornår – fx »Klasselærer, mail 3.3.2026«."),
    )
    not_held_reason = _text(_("Hvorfor blev den ikke gennemført"))


class SectionForm(VersionMixin):
    text = _text(_("Tekst"), rows=14, limit=10_000)


class MidwayForm(VersionMixin):
    focus_holds = forms.ChoiceField(
        label=_("Holder fokusområderne stadig?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar på, om fokusområderne stadig holder.")},
    )
    text = _text(
        _("Status midtvejs"),
        required=True,
        error_messages={"required": _("Skriv status midtvejs.")},
    )


class DraftForm(TokenMixin, VersionMixin):
    recipients = forms.MultipleChoiceField(
        label=_("Modtagere"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én modtager.")},
    )
    comments_by = BoundedDateField(
        label=_("Frist for familiens bemærkninger"), window=Window.MEETING, error_messages=REQUIRED
    )
    confirm_protected = forms.BooleanField(
        label=_(
            "Jeg har læst udkastet igennem: det fortæller ikke, hvor barnet bor, går i skole "
            "eller dagtilbud"
        ),
        required=False,
    )

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = recipients
        self.setup_fields()


class CommentsForm(VersionMixin):
    comments = _text(
        _("Familiens bemærkninger"),
        required=True,
        rows=8,
        limit=TextLimit.DESCRIPTION,
        error_messages={"required": _("Skriv familiens bemærkninger.")},
    )


class ConclusionForm(VersionMixin):
    concluded_on = BoundedDateField(
        label=_("Dato for undersøgelsen"),
        window=Window.MEETING,
        error_messages=REQUIRED,
        help_text=_("Dokumentets dato. Fristen stoppes, når du gemmer."),
    )
    needs_support = forms.ChoiceField(
        label=_("Har barnet behov for støtte?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    support_kind = _text(_("Hvilken støtte"))
    reasons = _text(_("Begrundelse"), rows=6, limit=TextLimit.DESCRIPTION)
    child_view = _text(_("Barnets syn (med barnets egne ord)"), rows=4)
    no_conversation_reason = _text(_("Hvis der ikke er holdt samtale med barnet: hvorfor"))
    parents_view = _text(_("Forældrenes syn (med deres egne ord)"), rows=4)


class ProvisionalForm(VersionMixin):
    text = _text(
        _("Foreløbig vurdering"),
        required=True,
        rows=8,
        limit=TextLimit.DESCRIPTION,
        error_messages={"required": _("Skriv den foreløbige vurdering.")},
    )
