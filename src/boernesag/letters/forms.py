from django import forms
from django.utils.translation import gettext_lazy as _

from boernesag.letters.sandbox import BODY_MAX_CHARS
from boernesag.lib.forms import DkfdsFormMixin


class LetterTemplateForm(DkfdsFormMixin, forms.Form):
    subject = forms.CharField(
        label=_("Overskrift"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "input-width-xl"}),
        help_text=_("Almindelig tekst uden variabler. Den bliver også dokumentets titel på sagen."),
        error_messages={
            "required": _("Skriv en overskrift."),
            "max_length": _(
                "Overskriften må højst være %(limit_value)d tegn (den er %(show_value)d)."
            ),
        },
    )
    body = forms.CharField(
        label=_("Brødtekst"),
        max_length=BODY_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "input-width-xl"}),
        help_text=_("Almindelig tekst. Variablerne og mærkerne nedenfor kan bruges."),
        error_messages={
            "required": _("Skriv brødteksten."),
            "max_length": _(
                "Brødteksten må højst være %(limit_value)d tegn (den er %(show_value)d)."
            ),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
