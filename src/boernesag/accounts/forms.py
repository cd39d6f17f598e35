from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.lib.forms import DkfdsFormMixin

PASSWORD_MAX_LENGTH = 1024


class LoginForm(DkfdsFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Skriv din e-mailadresse."),
            "invalid": _("Skriv en gyldig e-mailadresse, fx navn@kommune.dk."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Adgangskode"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={
            "required": _("Skriv din adgangskode."),
            "max_length": _("Adgangskoden er for lang."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SecondFactorForm(DkfdsFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        help_text=_(
            "De 6 cifre, din godkendelsesapp viser nu – eller en af dine gendannelseskoder."
        ),
        error_messages={"required": _("Skriv koden fra din godkendelsesapp.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
