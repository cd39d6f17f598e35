"""Issue 20: the journal note form — a double submit never saves twice (the shared submit
token, ``lib.forms.SubmitTokenMixin``/``submit_once``), and a huge text is refused with a
clear message and kept in the field."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from boernesag.cases.models import JournalEntry
from boernesag.cases.tests.factories import build_world
from boernesag.lib.models import SubmittedForm


@pytest.fixture
def w(db):
    return build_world()


def _token(page) -> str:
    match = re.search(r'name="submit_token" value="([0-9a-f-]{36})"', page.content.decode())
    assert match, "the journal form carries a submit token"
    return match.group(1)


def _data(token, **extra):
    return {
        "kind": "note",
        "title": "Hjemmebesøg",
        "occurred_on": timezone.localdate().isoformat(),
        "text": "Familien var hjemme.",
        "submit_token": token,
        **extra,
    }


def test_a_double_submit_saves_one_note_and_shows_the_saved_one(w):
    client = Client()
    client.force_login(w.caseworker)
    url = f"/sager/{w.case.pk}/journal/"
    token = _token(client.get(url))
    before = JournalEntry.objects.filter(case=w.case).count()
    first = client.post(url, _data(token))
    second = client.post(url, _data(token))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    entry = JournalEntry.objects.filter(case=w.case).latest("pk")
    assert first["Location"].endswith(f"#entry-{entry.pk}")
    assert JournalEntry.objects.filter(case=w.case).count() == before + 1
    shown = client.get(second["Location"])
    assert "Journalnotatet var allerede gemt" in shown.content.decode()
    assert "Hjemmebesøg" in shown.content.decode()


def test_each_drawn_form_has_its_own_token(w):
    client = Client()
    client.force_login(w.caseworker)
    url = f"/sager/{w.case.pk}/journal/"
    a, b = _token(client.get(url)), _token(client.get(url))
    assert a != b
    client.post(url, _data(a))
    client.post(url, _data(b, title="Andet besøg"))
    titles = set(JournalEntry.objects.filter(case=w.case).values_list("title", flat=True))
    assert {"Hjemmebesøg", "Andet besøg"} <= titles


def test_a_refused_submit_leaves_the_token_usable(w):
    client = Client()
    client.force_login(w.caseworker)
    url = f"/sager/{w.case.pk}/journal/"
    token = _token(client.get(url))
    refused = client.post(url, _data(token, title=""))
    assert refused.status_code == 400
    assert _token(refused) == token  # the corrected form is the same submission
    assert not SubmittedForm.objects.filter(token=token).exists()
    assert client.post(url, _data(token)).status_code == 302
    assert JournalEntry.objects.filter(case=w.case, title="Hjemmebesøg").count() == 1


def test_another_users_token_saves_nothing(w):
    mine, theirs = Client(), Client()
    mine.force_login(w.caseworker)
    theirs.force_login(w.colleague)
    url = f"/sager/{w.case.pk}/journal/"
    token = _token(mine.get(url))
    assert mine.post(url, _data(token)).status_code == 302
    count = JournalEntry.objects.filter(case=w.case).count()
    reused = theirs.post(url, _data(token, title="Kollegas notat"))
    assert reused.status_code == 400
    assert "Formularen er allerede brugt" in reused.content.decode()
    assert JournalEntry.objects.filter(case=w.case).count() == count


def test_a_216000_character_text_is_refused_clearly_and_kept(w):
    client = Client()
    client.force_login(w.caseworker)
    url = f"/sager/{w.case.pk}/journal/"
    text = "Ordetsomaldrigslutter" * 10_286  # 216,006 characters, no spaces
    response = client.post(url, _data(_token(client.get(url)), text=text))
    assert response.status_code == 400
    body = response.content.decode()
    assert "højst 50.000 tegn, og du har skrevet 216.006" in body
    assert text in body  # nothing typed is lost
    assert not JournalEntry.objects.filter(case=w.case, text=text).exists()
