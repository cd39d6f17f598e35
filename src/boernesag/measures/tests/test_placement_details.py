"""A placement's place and the arrangement for contact with the parents (issue 13, item 1):
recorded through the service (placements only, Danish refusals, conflict, double submit,
an event naming the measure), on the page (input kept, 409, 404 for another case's ids,
access log) and shown on the measure's page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.tests.factories import build_world
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.events.models import Event
from boernesag.measures import services
from boernesag.measures.models import Measure
from boernesag.measures.tests.helpers import granted, placement_granted, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


@pytest.fixture
def placement(w, cat):
    return start(w, placement_granted(w, cat), volume=7, unit="days_per_week")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(measure, by, **overrides):
    data = dict(
        measure=measure,
        by=by,
        expected_version=measure.version,
        place_name="Plejefamilien Skov",
        place_department="",
        place_from=measure.starts_on,
        contact_frequency="fortnightly",
        contact_form="home",
        contact_note="Hver anden weekend fra fredag til søndag hos mor.",
    )
    data.update(overrides)
    return services.placement_details_record(**data)


def test_the_place_and_contact_are_recorded_as_data_with_an_event(w, placement):
    token = uuid.uuid4()
    record(placement, w.caseworker, token=token)
    placement.refresh_from_db()
    assert placement.place_name == "Plejefamilien Skov"
    assert placement.place_from == placement.starts_on
    assert (placement.contact_frequency, placement.contact_form) == ("fortnightly", "home")
    assert placement.get_contact_frequency_display() == "Hver anden uge"
    event = Event.objects.filter(kind="placement_details_recorded").get()
    assert event.payload == {"measure": placement.pk}  # ids only, no place or note
    # the same form again (a double submit) records once
    stale = Measure.objects.get(pk=placement.pk)
    stale.version -= 1
    record(stale, w.caseworker, token=token, expected_version=stale.version)
    assert Event.objects.filter(kind="placement_details_recorded").count() == 1
    # a change keeps the earlier details in the measure's history
    record(placement, w.caseworker, contact_frequency="weekly", token=uuid.uuid4())
    placement.refresh_from_db()
    assert placement.contact_frequency == "weekly"
    assert placement.history.filter(contact_frequency="fortnightly").exists()


def test_refusals_are_danish_and_placement_only(w, cat, placement):
    support = start(w, granted(w, cat))
    with pytest.raises(ValidationError, match="registreres ved anbringelser"):
        record(support, w.caseworker)
    with pytest.raises(ValidationError) as exc:
        record(
            placement,
            w.caseworker,
            place_name=" ",
            place_from=placement.starts_on - timedelta(days=1),
            contact_frequency="",
        )
    errors = exc.value.message_dict
    assert errors["place_name"] == ["Skriv anbringelsesstedets navn."]
    assert "før anbringelsens start" in errors["place_from"][0]
    assert errors["contact_frequency"] == ["Vælg hvor ofte barnet har samvær med forældrene."]
    with pytest.raises(ValidationError) as exc:
        record(placement, w.caseworker, contact_form="")
    assert exc.value.message_dict == {"contact_form": ["Vælg hvordan samværet foregår."]}
    with pytest.raises(ValidationError) as exc:
        record(placement, w.caseworker, contact_frequency="none", contact_note="")
    assert exc.value.message_dict == {
        "contact_note": ["Skriv hvorfor der ikke er samvær for tiden."]
    }
    with pytest.raises(ValidationError, match="fremtiden"):
        record(placement, w.caseworker, place_from=timezone.localdate() + timedelta(days=1))
    with pytest.raises(services.ConflictError):
        record(placement, w.caseworker, expected_version=placement.version + 1)
    assert not Event.objects.filter(kind="placement_details_recorded").exists()


def test_on_the_page_saved_shown_logged_and_a_stale_form_is_a_conflict(w, placement):
    client = login(w.caseworker)
    url = reverse("measures:placement", args=[w.case.pk, placement.pk])
    page = client.get(url)
    assert page.status_code == 200
    row = AccessLogEntry.objects.filter(what="placement_details").latest("id")
    assert (row.user_id, row.case_id, row.object_ref) == (
        w.caseworker.pk,
        w.case.pk,
        str(placement.pk),
    )
    form = {
        "place_name": "Plejefamilien <b>Skov</b>",
        "place_department": "",
        "place_from": placement.starts_on.isoformat(),
        "contact_frequency": "monthly",
        "contact_form": "supervised",
        "contact_note": "Overvåget samvær på forvaltningen den første tirsdag i måneden.",
        "version": placement.version,
        "token": str(uuid.uuid4()),
    }
    # a stale version: 409, the typed input kept, nothing saved
    response = client.post(url, {**form, "version": placement.version + 5})
    assert response.status_code == 409
    assert "første tirsdag i måneden" in response.content.decode()
    assert Measure.objects.get(pk=placement.pk).place_name == ""
    # missing the form of contact: 400 in Danish, input kept
    response = client.post(url, {**form, "contact_form": ""})
    assert response.status_code == 400
    assert "Vælg hvordan samværet foregår." in response.content.decode()
    assert "første tirsdag i måneden" in response.content.decode()
    response = client.post(url, form)
    assert response.status_code == 302
    # the same submit again records once
    client.post(url, form)
    assert Event.objects.filter(kind="placement_details_recorded").count() == 1
    detail = client.get(reverse("measures:detail", args=[w.case.pk, placement.pk]))
    text = detail.content.decode()
    assert "Plejefamilien &lt;b&gt;Skov&lt;/b&gt;" in text  # what was typed is data
    assert "Hver måned" in text and "Overvåget samvær" in text


def test_another_cases_measure_answers_404_and_a_reader_may_not_write(w, placement):
    from boernesag.cases.services import case_open
    from boernesag.cases.tests.factories import child

    other_case = case_open(
        child=child(first="Bo", last="Berg", born="010116"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        reason="Ansøgning",
    )
    client = login(w.caseworker)
    url = reverse("measures:placement", args=[other_case.pk, placement.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"place_name": "X"}).status_code == 404
