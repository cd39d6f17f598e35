"""Form helpers: DKFDS classes on widgets, error wiring for screen readers, and the input
limits every form applies (text lengths, date windows) with Danish messages that keep what
the user typed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.limits import DateWindow, Window

TOO_LONG = _(
    "Teksten er for lang: højst %(limit_value)s tegn, og du har skrevet %(show_value)s. "
    "Det du skrev, står stadig i feltet – forkort det og gem igen."
)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class DanishMaxLengthValidator(MaxLengthValidator):
    """Django's length check with the numbers written the Danish way (50.000)."""

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise forms.ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": _thousands(self.limit_value),
                    "show_value": _thousands(length),
                    "value": value,
                },
            )


def limit_text(field: forms.Field, limit: int) -> None:
    """Give an existing text field (e.g. one a ModelForm made from a ``TextField``) a
    maximum length."""
    field.max_length = limit
    if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(limit))


class DkfdsFormMixin:
    """Gives widgets DKFDS classes, points fields with errors at their message, and applies
    the shared input limits:

    - every text field says how long it may be (text areas in their help text and with
      DKFDS's character counter) and refuses longer text with a Danish message; the browser
      is never told to cut the text (no ``maxlength`` attribute), so nothing typed or pasted
      is silently lost;
    - date fields get their window as ``min``/``max`` on the date picker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_fields()

    def setup_fields(self) -> None:
        """Apply classes and limits to every field not set up yet (call again after adding
        fields in ``__init__``)."""
        today = timezone.localdate()
        for field in self.fields.values():
            if getattr(field, "dkfds_ready", False):
                continue
            field.dkfds_ready = True
            if type(field.widget) is forms.SelectMultiple:
                # a one-line multi-select hides its choices: a readable list of checkboxes
                boxes = forms.CheckboxSelectMultiple(
                    attrs={k: v for k, v in field.widget.attrs.items() if k != "size"}
                )
                boxes.choices = field.widget.choices
                field.widget = boxes
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple):  # before RadioSelect: subclass
                css = "form-checkbox"
            elif isinstance(widget, forms.RadioSelect):
                css = "form-radio"
            else:
                css = "form-input"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.CharField) and field.max_length:
                widget.attrs.pop("maxlength", None)
                if not isinstance(widget, forms.PasswordInput):  # passwords are not shown again
                    field.error_messages["max_length"] = TOO_LONG
                field.validators = [
                    DanishMaxLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
                    for v in field.validators
                ]
                if isinstance(widget, forms.Textarea):
                    limit = _("Højst %(n)s tegn.") % {"n": _thousands(field.max_length)}
                    field.help_text = f"{field.help_text} {limit}".strip()
            if isinstance(field, BoundedDateField | BoundedDateTimeField):
                field.set_widget_bounds(today)
            if isinstance(field, UploadField):
                field.setup()

    def error_summary(self) -> list[dict]:
        """Every error on the form at once, in field order, for the summary at the top: each
        field error with the id of the control it links to (the first choice of a radio
        group or checkbox list); form errors without a link."""
        items = [{"anchor": "", "label": "", "message": m} for m in self.non_field_errors()]
        for name, field in self.fields.items():
            if name not in self.errors or field.widget.is_hidden:
                continue
            bound = self[name]
            anchor = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")
            for message in self.errors[name]:
                items.append({"anchor": anchor, "label": field.label or "", "message": message})
        hidden = [
            m for n, f in self.fields.items() if f.widget.is_hidden for m in self.errors.get(n, [])
        ]
        items += [{"anchor": "", "label": "", "message": m} for m in hidden]
        return items

    def _post_clean(self):
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{bound.auto_id}-error"


# --- dates -----------------------------------------------------------------------------


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


class _WindowMixin:
    """Refuses dates outside the field's window (no year 1, no year 9999) with a Danish
    message naming the allowed range."""

    default_window = Window.DOCUMENT

    def __init__(self, *args, window: DateWindow | None = None, **kwargs):
        self.window = window or self.default_window
        super().__init__(*args, **kwargs)

    def _local_date(self, value) -> date:
        raise NotImplementedError

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        day = self._local_date(value)
        today = timezone.localdate()
        first, last = self.window.bounds(today)
        if day > last:
            if last == today:
                message = _("Datoen kan ikke ligge i fremtiden.")
            else:
                message = _("Datoen kan ikke ligge efter %(last)s.") % {"last": _day(last)}
            raise forms.ValidationError(message, code="date_too_late")
        if day < first:
            raise forms.ValidationError(
                _("Datoen kan ikke ligge før %(first)s.") % {"first": _day(first)},
                code="date_too_early",
            )


class BoundedDateField(_WindowMixin, forms.DateField):
    """A date within a window (``lib.limits.Window``), shown with the native date picker."""

    def __init__(self, *args, window: DateWindow | None = None, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", _("Skriv en gyldig dato, fx 31.12.2025."))
        super().__init__(*args, window=window, **kwargs)

    def _local_date(self, value) -> date:
        return value

    def set_widget_bounds(self, today: date) -> None:
        first, last = self.window.bounds(today)
        self.widget.attrs.update(min=first.isoformat(), max=last.isoformat())


class BoundedDateTimeField(_WindowMixin, forms.DateTimeField):
    """A date and time whose (local) date lies within a window."""

    default_window = Window.MEETING

    def __init__(self, *args, window: DateWindow | None = None, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid", _("Skriv et gyldigt tidspunkt."))
        super().__init__(*args, window=window, **kwargs)

    def _local_date(self, value: datetime) -> date:
        # The value is aware in the current time zone already: its date is the local date,
        # read without converting (a conversion of year 1 would overflow).
        return value.date()

    def set_widget_bounds(self, today: date) -> None:
        first, last = self.window.bounds(today)
        self.widget.attrs.update(min=f"{first.isoformat()}T00:00", max=f"{last.isoformat()}T23:59")


# --- uploads ---------------------------------------------------------------------------


def too_large_message(size: int, max_bytes: int) -> str:
    return _("Filen er for stor (%(size)s MB). Den største tilladte størrelse er %(max)s MB.") % {
        "size": f"{size / 1_000_000:.1f}",
        "max": f"{max_bytes / 1_000_000:.0f}",
    }


class UploadField(forms.FileField):
    """A file field that knows a file dropped while streaming for being too large
    (``lib.uploads``) and says so; its help text states the limit, and app.js reads it from
    ``data-max-bytes`` to say it before sending. The limit is DOCUMENT_MAX_BYTES unless given.
    The content itself is checked by the service (``cases.documents.check_upload``)."""

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        self._max_bytes = max_bytes
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", _("Vælg en fil."))
        super().__init__(*args, **kwargs)

    @property
    def max_bytes(self) -> int:
        return self._max_bytes or settings.DOCUMENT_MAX_BYTES

    def setup(self) -> None:
        self.widget.attrs["data-max-bytes"] = str(self.max_bytes)
        limit = _("Højst %(n)s MB.") % {"n": _thousands(self.max_bytes // 1_000_000)}
        self.help_text = f"{self.help_text} {limit}".strip()

    def to_python(self, data):
        if getattr(data, "too_large", False):
            raise forms.ValidationError(
                too_large_message(data.received, self.max_bytes), code="too_large"
            )
        return super().to_python(data)


# --- service errors on forms -------------------------------------------------------------


def form_add_validation_error(form, exc) -> None:
    """Put a service's ValidationError on the form: field errors on their fields (when the
    form has them), everything else as a form error, so the page re-renders with what the
    user typed and the Danish messages where they belong."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- double submits ------------------------------------------------------------------------


class SubmitTokenMixin:
    """A one-time token in a hidden field (``submit_token``), made when the empty form is
    drawn and sent back with it. The view saves through ``submit_once``: the same token
    sent again (a double click, a reload, a retry) shows the saved result and never saves a
    second time. Put it before ``forms.Form`` in the bases; the template draws
    ``{{ form.submit_token }}`` inside the ``<form>``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submit_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial["submit_token"] = uuid.uuid4()

    @property
    def token(self):
        return self.cleaned_data.get("submit_token") if hasattr(self, "cleaned_data") else None


@dataclass
class Submitted:
    url: str  # where the saved result is shown
    first: bool  # False: this was a repeat; nothing was saved again


def submit_once(*, user, token, scope: str, save: Callable[[], str]) -> Submitted:
    """Run ``save`` (which saves and returns the URL of what it saved) once per form token.
    A repeat of the token by the same user for the same scope returns the first result's URL
    without calling ``save``. Concurrent repeats wait for the first to commit (the token is
    the primary key). A failing ``save`` leaves no trace of the token, so the corrected form
    can be sent again. Without a token (an old page) it simply saves."""
    from boernesag.lib.models import SubmittedForm

    if token is None:
        return Submitted(url=save(), first=True)
    with transaction.atomic():
        row, created = SubmittedForm.objects.get_or_create(
            token=token, defaults={"user_id": user.pk, "scope": scope[:100]}
        )
        if not created:
            if row.user_id == user.pk and row.scope == scope[:100] and row.result_url:
                return Submitted(url=row.result_url, first=False)
            # another user's or another form's token (tampering, or an impossible clash)
            raise forms.ValidationError(
                _("Formularen er allerede brugt. Indlæs siden igen og prøv igen."),
                code="token_used",
            )
        url = save()
        row.result_url = url[:500]
        row.save(update_fields=["result_url"])
    return Submitted(url=url, first=True)
