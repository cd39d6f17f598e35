"""Early support without a decision (Barnets Lov § 30; Serviceloven § 11 before 2024):
a service the catalogue marks as not visiteret starts without a decision; a visiteret one
is refused; follow-up and end run through the ordinary services."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.catalogue import services as catalogue
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.events.models import Event
from boernesag.measures import selectors, services
from boernesag.measures.constants import MeasureStatus
from boernesag.measures.models import GoalScore, Measure
from boernesag.measures.tests.helpers import granted, start
from boernesag.measures.tests.test_services import _plan_follow_up, _record
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


@pytest.fixture
def open_service(w, cat):
    """A § 30 service the catalogue marks as not visiteret, offered by the provider."""
    version = catalogue.service_create(
        by=w.admin, name="Åben rådgivning", purpose="Trivsel", visiteret=False
    )
    catalogue.version_submit(version=version, by=w.admin)
    catalogue.version_approve(
        version=version, by=w.admin, approved_on=date(2024, 1, 1), body="Børne- og Ungeudvalget"
    )
    cat.provider.services.add(version.service)
    return version.service


def _early(w, service, provider, **kw):
    fields = dict(
        case=w.case,
        service=service,
        provider=provider,
        by=w.caseworker,
        starts_on=timezone.localdate(),
        volume=Decimal(2),
        volume_unit="hours_per_week",
        requested_by="Mor har selv bedt om rådgivning",
    )
    fields.update(kw)
    return services.early_support_start(**fields)


def test_early_support_starts_without_a_decision_with_its_basis_and_the_familys_request(
    w, cat, open_service
):
    result = _early(w, open_service, cat.provider)
    measure = result.measure
    assert measure.decision is None and measure.early_support is True
    assert measure.legal_basis == "Barnets Lov § 30"
    assert measure.requested_by == "Mor har selv bedt om rådgivning"
    assert measure.kind == "support" and measure.status == MeasureStatus.ACTIVE
    [version] = measure.versions.all()
    assert (version.number, version.decision, version.volume) == (1, None, Decimal(2))
    payloads = [e.payload for e in Event.objects.filter(case=w.case, kind="measure_started")]
    assert payloads == [{"measure_kind": "support", "measure": measure.pk, "early_support": True}]
    # counts like other measures: open on the case, on the panel, and the clock runs
    assert selectors.measures_open(w.case) == [measure]
    assert selectors.case_panel(w.case).measures == [measure]
    assert w.case.clocks.filter(rule_key="measure_follow_up", stopped_at__isnull=True).exists()


def test_before_2024_the_basis_is_serviceloven_11():
    assert services.early_support_basis(date(2023, 12, 31)) == "Serviceloven § 11"
    assert services.early_support_basis(date(2024, 1, 1)) == "Barnets Lov § 30"


def test_a_visiteret_service_needs_a_decision(w, cat, open_service):
    with pytest.raises(ValidationError) as exc:
        _early(w, cat.family, cat.provider)
    assert exc.value.message_dict["service"] == [
        "Indsatsen er visiteret og kræver en afgørelse. Træf afgørelsen og iværksæt "
        "indsatsen derfra."
    ]
    assert list(services.early_support_services()) == [open_service]
    assert not Measure.objects.exists()


def test_the_request_the_provider_and_the_start_are_checked(w, cat, open_service):
    other = catalogue.provider_create(name="Andet sted", kind="municipal", services=[])
    with pytest.raises(ValidationError) as exc:
        _early(w, open_service, other, requested_by=" ")
    assert set(exc.value.message_dict) == {"provider", "requested_by"}
    with pytest.raises(ValidationError) as exc:
        _early(w, open_service, cat.provider, starts_on=timezone.localdate() + timedelta(days=1))
    assert set(exc.value.message_dict) == {"starts_on"}
    with pytest.raises(ValidationError) as exc:
        _early(w, open_service, cat.provider, volume=Decimal(0))
    assert set(exc.value.message_dict) == {"volume"}
    assert not Measure.objects.exists()


def test_a_double_submit_starts_one_early_support(w, cat, open_service):
    token = uuid.uuid4()
    first = _early(w, open_service, cat.provider, token=token)
    again = _early(w, open_service, cat.provider, token=token)
    assert again.measure == first.measure and again.created is False
    assert Measure.objects.count() == 1
    assert Event.objects.filter(case=w.case, kind="measure_started").count() == 1


def test_early_support_is_followed_up_and_ended_through_the_ordinary_services(w, cat, open_service):
    plan = made_plan(w, goals=1)
    [goal] = plan.goals.all()
    measure = _early(w, open_service, cat.provider).measure
    assert measure.plan == plan
    follow_up = _plan_follow_up(w, measure)
    _record(w, follow_up, scores={goal.pk: (4, "")})
    assert GoalScore.objects.filter(follow_up=follow_up).count() == 1
    measure.refresh_from_db()
    services.measure_end(
        measure=measure,
        by=w.caseworker,
        ended_on=timezone.localdate(),
        reason="goal_met",
        final_attainment="met",
        expected_version=measure.version,
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED
    assert selectors.measures_open(w.case) == []


def test_early_support_cannot_be_changed_by_a_decision_and_does_not_hide_grants(
    w, cat, open_service
):
    measure = _early(w, open_service, cat.provider).measure
    decision = granted(w, cat)
    # a NULL decision on the early support must not hide the grant from the start list
    assert services.startable_decisions(w.case) == [decision]
    assert services.change_decisions(measure) == []
    with pytest.raises(ValidationError) as exc:
        services.measure_change(
            measure=measure,
            decision=decision,
            by=w.caseworker,
            valid_from=timezone.localdate(),
            volume=Decimal(4),
            volume_unit="hours_per_week",
            expected_version=measure.version,
        )
    assert "tidlig forebyggende indsats" in " ".join(exc.value.messages)
    # the granted decision still starts an ordinary measure
    assert start(w, decision).decision == decision


# --- the page --------------------------------------------------------------------------------


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _form(service, provider, **extra):
    data = {
        "service": str(service.pk),
        "provider": str(provider.pk),
        "starts_on": timezone.localdate().isoformat(),
        "volume": "2",
        "volume_unit": "hours_per_week",
        "requested_by": "Mor har selv bedt om rådgivning",
        "token": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_the_page_offers_only_non_visiteret_services_and_starts_once_per_token(
    w, cat, open_service
):
    from django.urls import reverse

    from boernesag.audit.models import AccessLogEntry

    client = _client(w.caseworker)
    listing = client.get(reverse("measures:list", args=[w.case.pk])).content.decode()
    assert "Start tidlig forebyggende indsats" in listing
    url = reverse("measures:early_support", args=[w.case.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Åben rådgivning" in text and "Familiebehandling" not in text
    row = AccessLogEntry.objects.filter(what="early_support_start").latest("id")
    assert (row.user_id, row.case_id) == (w.caseworker.pk, w.case.pk)
    data = _form(open_service, cat.provider)
    first, second = client.post(url, data), client.post(url, data)
    measure = Measure.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("measures:detail", args=[w.case.pk, measure.pk])
    )
    detail = client.get(first["Location"]).content.decode()
    assert "Barnets Lov § 30" in detail and "Mor har selv bedt om rådgivning" in detail
    assert "Ændr indsatsen" not in detail
    change = client.get(reverse("measures:change", args=[w.case.pk, measure.pk]))
    assert change.status_code == 200
    assert "har ingen afgørelse, der kan ændres" in change.content.decode()


def test_a_visiteret_service_or_a_missing_request_is_refused_in_danish_keeping_the_input(
    w, cat, open_service
):
    from django.urls import reverse

    client = _client(w.caseworker)
    url = reverse("measures:early_support", args=[w.case.pk])
    response = client.post(url, _form(cat.family, cat.provider, volume="3,5"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Vælg en indsats, der ikke kræver en afgørelse." in text
    assert 'value="3,5"' in text and "Mor har selv bedt om rådgivning" in text
    response = client.post(url, _form(open_service, cat.provider, requested_by=""))
    assert response.status_code == 400
    assert "Udfyld feltet." in response.content.decode()
    assert not Measure.objects.exists()


def test_an_early_support_of_another_case_answers_404(w, cat, open_service):
    from django.urls import reverse

    from boernesag.cases.services import case_open
    from boernesag.cases.tests.factories import child

    measure = _early(w, open_service, cat.provider).measure
    other_case = case_open(
        child=child(first="Bo", last="Berg", born="010116"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        reason="Ansøgning",
    )
    client = _client(w.caseworker)
    for name in ("measures:detail", "measures:end", "measures:follow_up_plan"):
        url = reverse(name, args=[other_case.pk, measure.pk])
        assert client.get(url).status_code == 404, name
