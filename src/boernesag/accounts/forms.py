from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.lib.forms import DkfdsFormMixin


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
        error_messages={"required": _("Skriv din adgangskode.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
