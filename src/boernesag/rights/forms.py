from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Unit, User
from boernesag.lib.forms import BoundedDateField, DkfdsFormMixin
from boernesag.lib.limits import DateWindow, TextLimit, Window
from boernesag.rights.services import MAX_DAYS_AHEAD

# A change is dated today or later (never back in time), at most a year ahead.
CHANGE_WINDOW = DateWindow("access_change", years_back=0, days_ahead=MAX_DAYS_AHEAD)


class UserModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.get_full_name()} ({obj.email})"
        return label if obj.is_active else f"{label} – {_('deaktiveret')}"


class UnitModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display().lower()})"


def _reason_field():
    return forms.CharField(
        label=_("Begrundelse"),
        max_length=TextLimit.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hvorfor ændringen er nødvendig. Den, der godkender, ser begrundelsen."),
    )


class UserChoiceForm(DkfdsFormMixin, forms.Form):
    bruger = UserModelChoiceField(
        label=_("Bruger"),
        queryset=User.objects.order_by("-is_active", "first_name", "last_name"),
        empty_label=_("Vælg en bruger"),
    )


class RoleGrantForm(DkfdsFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=[("", _("Vælg en rolle")), *Role.choices])
    unit = UnitModelChoiceField(
        label=_("Enhed"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Vælg en enhed"),
        help_text=_("Rollen gælder i enheden og alle enheder under den."),
    )
    valid_from = BoundedDateField(label=_("Fra"), required=False, window=CHANGE_WINDOW)
    reason = _reason_field()


class TeamJoinForm(DkfdsFormMixin, forms.Form):
    team = UnitModelChoiceField(
        label=_("Team"),
        queryset=Unit.objects.filter(is_active=True, kind=UnitKind.TEAM).order_by("name"),
        empty_label=_("Vælg et team"),
    )
    valid_from = BoundedDateField(label=_("Fra"), required=False, window=CHANGE_WINDOW)
    reason = _reason_field()


def _role_label(a) -> str:
    return f"{a.get_role_display()} – {a.unit.name}"


class EndForm(DkfdsFormMixin, forms.Form):
    """End one of the user's roles or team memberships."""

    target = forms.ChoiceField(label=_("Rolle eller teammedlemskab"))
    valid_to = BoundedDateField(
        label=_("Sidste dag"),
        required=False,
        window=CHANGE_WINDOW,
        help_text=_("Tom: adgangen ophører straks."),
    )
    reason = _reason_field()

    def __init__(self, *args, roles=(), memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            ("", _("Vælg hvad der skal ophøre")),
            *[(f"role:{a.pk}", _role_label(a)) for a in roles],
            *[
                (f"team:{m.pk}", _("Medlem af %(team)s") % {"team": m.team.name})
                for m in memberships
            ],
        ]


class RoleMoveForm(DkfdsFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("Rolle"))
    unit = UnitModelChoiceField(
        label=_("Ny enhed"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Vælg en enhed"),
        help_text=_(
            "En enhed under den nuværende indsnævrer og sker straks; alt andet venter "
            "på godkendelse."
        ),
    )
    reason = _reason_field()

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            ("", _("Vælg en rolle")),
            *[(str(a.pk), _role_label(a)) for a in roles],
        ]


class ProtectedAddressesForm(DkfdsFormMixin, forms.Form):
    reason = _reason_field()


class ReactivateForm(DkfdsFormMixin, forms.Form):
    reason = _reason_field()


class DecisionForm(DkfdsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Begrundelse for afvisning"),
        max_length=TextLimit.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WhoCouldSeeForm(DkfdsFormMixin, forms.Form):
    dato = BoundedDateField(label=_("Dato"), window=Window.PAST)
