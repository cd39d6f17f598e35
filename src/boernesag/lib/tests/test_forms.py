"""The shared input limits: date windows, text lengths, and a meta-test that every form of
every app uses them."""

import importlib
import inspect
import pkgutil
from datetime import date, timedelta

import pytest
from django import forms
from django.utils import timezone

import boernesag
from boernesag.lib.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    DkfdsFormMixin,
    UploadField,
)
from boernesag.lib.limits import DateWindow, Window, add_years, clip


class SampleForm(DkfdsFormMixin, forms.Form):
    born = BoundedDateField(label="Født", window=Window.BIRTH)
    held_at = BoundedDateTimeField(label="Tidspunkt", window=Window.MEETING)
    title = forms.CharField(label="Titel", max_length=20)
    text = forms.CharField(label="Tekst", max_length=50, widget=forms.Textarea)


def errors_for(**data):
    defaults = {"born": "2015-03-01", "held_at": f"{timezone.localdate()}T10:00"}
    form = SampleForm(data={**defaults, "title": "t", "text": "x", **data})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("born", "0001-01-01", "Datoen kan ikke ligge før 1. januar 1900."),
        ("born", "9999-12-31", "Datoen kan ikke ligge i fremtiden."),
        ("born", "1899-12-31", "Datoen kan ikke ligge før 1. januar 1900."),
        ("held_at", "0001-01-01T00:00", "Datoen kan ikke ligge før"),
        ("held_at", "9999-12-31T23:59", "Datoen kan ikke ligge efter"),
        ("born", "31-02-2020", "Skriv en gyldig dato"),
    ],
)
def test_dates_outside_their_window_are_refused_in_danish(field, value, message):
    form = errors_for(**{field: value})
    assert message in " ".join(form.errors[field])
    assert form[field].value() == value  # re-rendered as typed


def test_dates_inside_the_window_are_accepted():
    today = timezone.localdate()
    form = errors_for(born=today.isoformat(), held_at=f"{add_years(today, 2).isoformat()}T09:00")
    assert form.is_valid(), form.errors
    assert errors_for(born="1900-01-01").is_valid()


def test_the_date_picker_is_told_the_window():
    form = SampleForm()
    today = timezone.localdate()
    assert form.fields["born"].widget.attrs["min"] == "1900-01-01"
    assert form.fields["born"].widget.attrs["max"] == today.isoformat()
    assert form.fields["held_at"].widget.attrs["max"] == f"{add_years(today, 2).isoformat()}T23:59"


def test_windows_are_relative_to_today():
    window = DateWindow("x", years_back=10, years_ahead=1, days_ahead=1)
    assert window.bounds(date(2024, 2, 29)) == (date(2014, 2, 28), date(2025, 3, 1))


def test_too_long_text_is_refused_with_a_message_and_kept_and_never_cut_by_the_browser():
    long_text = "ø" * 51
    form = errors_for(text=long_text, title="t" * 21)
    assert "højst 50 tegn, og du har skrevet 51" in form.errors["text"][0]
    assert "står stadig i feltet" in form.errors["text"][0]
    assert "højst 20 tegn" in form.errors["title"][0]
    html = str(form["text"]) + str(form["title"])
    assert long_text in html and "t" * 21 in html
    assert "maxlength" not in html  # the browser would silently cut pasted text
    assert "Højst 50 tegn." in form.fields["text"].help_text


def test_clip_marks_the_cut():
    assert clip("abc", 5) == "abc"
    assert clip("abcdefgh", 5) == "abcd…" and len(clip("abcdefgh", 5)) == 5


def _form_classes():
    for module_info in pkgutil.walk_packages(boernesag.__path__, "boernesag."):
        if not module_info.name.endswith(".forms") or ".tests" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
                and cls is not forms.BaseForm
            ):
                yield cls


def _fields(cls):
    try:
        return cls().fields  # includes fields added in __init__
    except TypeError:
        return cls.base_fields


FORMS = sorted(_form_classes(), key=lambda c: f"{c.__module__}.{c.__name__}")


def test_the_meta_test_sees_the_forms_of_every_app():
    apps = {cls.__module__.split(".")[1] for cls in FORMS}
    assert {"accounts", "cases", "intake", "catalogue", "deadlines"} <= apps


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_form_field_has_its_limit(form_class):
    """Every text field declares its maximum length (from the model, or a TextLimit for free
    text); every date field is bounded by a window; every file field knows its size limit;
    every form uses the shared mixin."""
    if form_class.__name__ != "TimelineFilterForm":  # a single select, rendered by hand
        assert issubclass(form_class, DkfdsFormMixin)
    for name, field in _fields(form_class).items():
        where = f"{form_class.__name__}.{name}"
        # a UUIDField (hidden submit tokens) is bounded by its format: it accepts only a
        # UUID, and a max_length would measure the parsed UUID object and crash
        if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
            assert field.max_length, f"{where} has no max_length"
        if isinstance(field, forms.FileField):
            assert isinstance(field, UploadField), f"{where} is not an UploadField"
        if isinstance(field, forms.DateField | forms.DateTimeField):
            assert isinstance(field, BoundedDateField | BoundedDateTimeField), (
                f"{where} is not a BoundedDateField/BoundedDateTimeField"
            )


def test_meeting_window_is_a_reasonable_one():
    first, last = Window.MEETING.bounds(date(2026, 5, 4))
    assert last - first < timedelta(days=366 * 13)


def test_a_file_dropped_for_its_size_is_refused_by_any_file_field():
    from boernesag.lib.uploads import OversizeUploadedFile

    dropped = OversizeUploadedFile("stor.pdf", "application/pdf", received=30_000_000)
    upload = UploadField(max_bytes=25_000_000)
    with pytest.raises(forms.ValidationError, match=r"Filen er for stor \(30.0 MB\)"):
        upload.clean(dropped)
    upload.setup()
    assert upload.widget.attrs["data-max-bytes"] == "25000000"
    assert upload.help_text == "Højst 25 MB."
    with pytest.raises(forms.ValidationError):  # e.g. the admin: refused, never stored empty
        forms.FileField().clean(dropped)


def test_a_submit_token_field_refuses_anything_but_a_uuid_whatever_its_length():
    """Why the meta-test lets UUID fields go without max_length: the format bounds them."""
    field = forms.UUIDField(required=False)
    with pytest.raises(forms.ValidationError):
        field.clean("a" * 10_000)
    assert str(field.clean("12345678-1234-5678-1234-567812345678")).startswith("12345678")


def test_a_multi_select_becomes_a_checkbox_list_and_the_summary_links_every_error():
    from django import forms as dj

    from boernesag.lib.forms import DkfdsFormMixin

    class F(DkfdsFormMixin, dj.Form):
        name = dj.CharField(label="Navn")
        who = dj.MultipleChoiceField(label="Hvem", choices=[("a", "A"), ("b", "B")])
        sure = dj.BooleanField(label="Sikker")
        hidden = dj.IntegerField(widget=dj.HiddenInput)

    form = F({})
    assert isinstance(form.fields["who"].widget, dj.CheckboxSelectMultiple)
    assert 'type="checkbox"' in str(form["who"]) and "<select" not in str(form["who"])
    assert not form.is_valid()
    summary = form.error_summary()
    assert [(i["anchor"], i["label"]) for i in summary] == [
        ("id_name", "Navn"),
        ("id_who_0", "Hvem"),  # the first box of the list
        ("id_sure", "Sikker"),
        ("", ""),  # the hidden field's error: shown, but there is nothing to link to
    ]
    assert all(i["message"] for i in summary)
