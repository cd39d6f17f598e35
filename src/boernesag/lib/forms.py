"""Form helpers: DKFDS classes on widgets and error wiring for screen readers."""

from django import forms


class DkfdsFormMixin:
    """Gives widgets DKFDS classes, and points fields with errors at their message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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

    def _post_clean(self):
        super()._post_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{bound.auto_id}-error"


def form_add_validation_error(form, exc) -> None:
    """Put a service's ValidationError on the form: field errors on their fields (when the
    form has them), everything else as a form error, so the page re-renders with what the
    user typed and the Danish messages where they belong."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
