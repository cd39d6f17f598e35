"""Letter templates: only the allowed variables and tags, checked and rendered to PDF with
sample data before they are saved; a template that does not render is refused with the
reason and never saved; every version is kept (pghistory)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from boernesag.accounts.constants import Role
from boernesag.letters import sandbox
from boernesag.letters.models import LetterTemplate
from boernesag.letters.services import (
    DEFAULT_TEXTS,
    letter_template_get,
    letter_template_preview,
    letter_template_update,
)
from boernesag.letters.tests.pdftext import pdf_text, squeezed


@pytest.fixture
def admin(make_user, municipality):
    return make_user(Role.ADMIN)


def messages_for(body: str, kind: str = "receipt") -> str:
    with pytest.raises(ValidationError) as error:
        sandbox.body_compile(kind, body)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% load static %}{% static 'x' %}", "Mærket {% load %} er ikke tilladt"),
        (
            "Hej\n{% include 'base.html' %}",
            "Mærket {% include %} er ikke tilladt i brevskabeloner (linje 2)",
        ),
        ("{% extends 'base.html' %}", "Mærket {% extends %} er ikke tilladt"),
        ("{% url 'admin:index' %}", "Mærket {% url %} er ikke tilladt"),
        ("{% debug %}", "Mærket {% debug %} er ikke tilladt"),
        ("{% for c in children %}{{ c }}{% endfor %}", "Mærket {% for %} er ikke tilladt"),
        ("{% with x=notifier_name %}{{ x }}{% endwith %}", "Mærket {% with %} er ikke tilladt"),
        ("{% autoescape off %}x{% endautoescape %}", "Mærket {% autoescape %} er ikke tilladt"),
        ("{% verbatim %}x{% endverbatim %}", "Mærket {% verbatim %} er ikke tilladt"),
        ("{% csrf_token %}", "Mærket {% csrf_token %} er ikke tilladt"),
        ("{{ notifer_name }}", "Ukendt variabel »notifer_name« (linje 1)"),
        ("{{ request.user }}", "Ukendt variabel »request.user«"),
        ("{{ notifier_name.__class__ }}", "Skabelonen kan ikke læses (linje 1)"),
        ("{{ outcome_text }}", "Ukendt variabel »outcome_text«"),  # feedback only
        ("{% if settings.DEBUG %}x{% endif %}", "Ukendt variabel »settings.DEBUG«"),
        ("{{ children|default:secret }}", "Ukendt variabel »secret«"),
        ("{{ notifier_name|safe }}", "Filteret »safe« er ikke tilladt"),
        ("{{ notifier_name|linebreaks }}", "Filteret »linebreaks« er ikke tilladt"),
        ("{% if children %}x", "Skabelonen kan ikke læses (linje 1)"),
        ("Hej {% endif %}", "Skabelonen kan ikke læses (linje 1). Tjek at hvert {% if %}"),
        ('{{ notifier_name|upper:"x" }}', "Skabelonen kan ikke læses"),
    ],
)
def test_what_a_letter_text_may_not_contain_is_refused_with_a_clear_message(body, expected):
    assert expected in messages_for(body)


def test_what_a_letter_text_may_contain_renders_as_plain_text():
    body = (
        "Kære {{ notifier_name|upper }}\n{% comment %}note{% endcomment %}"
        "{% if children and not case_references %}Om {{ children }}.{% else %}Sag "
        '{{ case_references|default:"ukendt" }}.{% endif %} {{ "tekst" }}'
    )
    text = sandbox.body_render(
        "receipt", body, {"notifier_name": "<b>Lise</b> & co", "children": "Alma"}
    )
    assert text == "Kære <B>LISE</B> & CO\nOm Alma. tekst"
    assert type(text) is str  # not a SafeString: it is escaped when it becomes HTML
    assert "Underretningen har" in sandbox.body_render(
        "feedback", "{{ outcome_text }}", sandbox.sample_context("feedback")
    )


def test_the_subject_takes_no_variables(municipality):
    with pytest.raises(ValidationError) as error:
        letter_template_preview(
            kind="receipt", subject="Kvittering til {{ notifier_name }}", body="Hej"
        )
    assert "Overskriften kan ikke indeholde variabler" in str(error.value.error_dict["subject"])


def test_preview_renders_the_letter_with_sample_data(municipality):
    pdf = letter_template_preview(
        kind="feedback",
        subject="Tilbagemelding",
        body="Kære {{ notifier_name }}, om {{ children }}: {{ outcome_text }}",
    )
    assert pdf.startswith(b"%PDF-")
    text = squeezed(pdf_text(pdf))
    assert squeezed("Kære Klasselærer Lise Ølstrup, om Alma og Bo:") in text
    assert squeezed("iværksat en børnefaglig undersøgelse") in text
    assert "Testkommune" in text  # the municipality's own name, not the sample


def test_a_template_is_saved_only_when_it_renders_and_every_version_is_kept(admin):
    template = letter_template_get("receipt")  # the defaults, also after a flush
    assert (template.subject, template.body) == DEFAULT_TEXTS["receipt"]
    with pytest.raises(ValidationError) as error:
        letter_template_update(
            kind="receipt",
            subject="Kvittering",
            body="{% include 'x.html' %}",
            by=admin,
            expected_version=template.version,
        )
    assert "{% include %}" in str(error.value)
    template.refresh_from_db()
    assert template.body == DEFAULT_TEXTS["receipt"][1] and template.version == 1
    letter_template_update(
        kind="receipt",
        subject="Kvittering",
        body="Kære {{ notifier_name }}",
        by=admin,
        expected_version=1,
    )
    template.refresh_from_db()
    assert (template.version, template.updated_by) == (2, admin)
    versions = list(template.history.order_by("pgh_id").values_list("version", "body"))
    assert versions[-1] == (2, "Kære {{ notifier_name }}")
    assert (1, DEFAULT_TEXTS["receipt"][1]) in versions
    # someone who opened version 1 cannot overwrite version 2 unnoticed
    with pytest.raises(ValidationError, match="En anden har gemt skabelonen"):
        letter_template_update(kind="receipt", subject="X", body="Y", by=admin, expected_version=1)


def test_the_migrated_defaults_are_the_defaults():
    import importlib

    migration = importlib.import_module(
        "boernesag.letters.migrations.0003_outbox_states_and_template_history"
    )
    # kinds added later (plan letters) get their default text when first used
    # (services.letter_template_get), not from this migration
    migrated = {k: v for k, (_s, v) in DEFAULT_TEXTS.items() if k in migration.NEW_TEXTS}
    assert migrated == migration.NEW_TEXTS
    for kind, (_subject, body) in DEFAULT_TEXTS.items():
        sandbox.body_compile(kind, body)  # the defaults pass their own checks


# --- the screen ------------------------------------------------------------------------


def test_only_administrators_reach_the_template_screens(client, make_user, municipality):
    for role in Role:
        client.force_login(make_user(role))
        expected = 200 if role == Role.ADMIN else 403
        assert client.get("/brevskabeloner/").status_code == expected, role
        assert client.get("/brevskabeloner/receipt/").status_code == expected, role
        response = client.post(
            "/brevskabeloner/receipt/forhaandsvisning/",
            {"subject": "X", "body": "Y", "version": 1},
        )
        assert response.status_code == (200 if role == Role.ADMIN else 403), role
    client.force_login(make_user(Role.ADMIN))
    assert client.get("/brevskabeloner/ukendt/").status_code == 404


def test_the_screen_refuses_a_broken_text_with_the_reason_and_keeps_what_was_typed(admin):
    client = Client()
    client.force_login(admin)
    page = client.get("/brevskabeloner/receipt/")
    html = page.content.decode()
    assert "{{ notifier_name }}" in html and "underretterens navn" in html
    assert "Klasselærer Lise Ølstrup" in html  # the saved text with sample data
    typed = "Kære {{ notifier_name }}\n{% load i18n %}"
    response = client.post(
        "/brevskabeloner/receipt/",
        {"subject": "Ny overskrift", "body": typed, "version": 1},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det blev ikke gemt" in html
    assert "Mærket {% load %} er ikke tilladt i brevskabeloner (linje 2)" in html
    assert "{% load i18n %}</textarea>" in html and 'value="Ny overskrift"' in html
    assert 'aria-invalid="true"' in html
    assert LetterTemplate.objects.get(kind="receipt").version == 1
    # the preview button gives the same answer without saving
    response = client.post(
        "/brevskabeloner/receipt/forhaandsvisning/",
        {"subject": "Ny overskrift", "body": typed, "version": 1},
    )
    assert response.status_code == 400
    assert "Mærket {% load %}" in response.content.decode()


def test_the_screen_previews_then_saves(admin):
    client = Client()
    client.force_login(admin)
    data = {"subject": "Tak for underretningen", "body": "Kære {{ notifier_name }}", "version": 1}
    response = client.post("/brevskabeloner/receipt/forhaandsvisning/", data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Kære Klasselærer Lise Ølstrup" in pdf_text(response.content)
    assert LetterTemplate.objects.get(kind="receipt").version == 1  # preview saves nothing
    response = client.post("/brevskabeloner/receipt/", data)
    assert response.status_code == 302
    template = LetterTemplate.objects.get(kind="receipt")
    assert (template.subject, template.version) == ("Tak for underretningen", 2)
    html = client.get("/brevskabeloner/receipt/").content.decode()
    assert "Versioner af skabelonen" in html and admin.get_full_name() in html
    listing = client.get("/brevskabeloner/").content.decode()
    assert "Tak for underretningen" in listing
