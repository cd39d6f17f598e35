from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.catalogue import selectors, services
from boernesag.catalogue.models import (
    LegalSection,
    Provider,
    Rate,
    Service,
    TargetGroup,
    VersionStatus,
)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def section(db):
    return LegalSection.objects.create(
        law="BL", paragraph="§ 32", title="Støttende indsatser", valid_from=date(2024, 1, 1)
    )


def make_service(admin, name="Familiebehandling", **fields):
    group = TargetGroup.objects.get_or_create(name="Skolebørn 6–14 år")[0]
    return services.service_create(
        by=admin, name=name, purpose="Styrke trivslen", target_groups=[group], **fields
    )


def approve_and_publish(version, admin):
    services.version_submit(version=version, by=admin)
    services.version_approve(
        version=version, by=admin, approved_on=date(2026, 3, 1), body="Børne- og Ungeudvalget"
    )
    return services.version_publish(version=version, by=admin)


def test_approval_flow_and_editing_an_approved_service_makes_a_new_draft(admin, section):
    v1 = make_service(admin, legal_sections=[section], internal_notes="Kun internt")
    assert v1.status == VersionStatus.DRAFT and v1.number == 1
    with pytest.raises(ValidationError, match="indstillet"):
        services.version_approve(version=v1, by=admin, approved_on=date(2026, 3, 1), body="x")
    approve_and_publish(v1, admin)
    v1.refresh_from_db()
    assert (v1.status, v1.approved_by_body) == (VersionStatus.PUBLISHED, "Børne- og Ungeudvalget")
    draft = services.draft_for(service=v1.service, by=admin)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert list(draft.legal_sections.all()) == [section]
    services.draft_update(
        version=draft,
        by=admin,
        expected_lock=draft.version_lock,
        target_groups=[],
        legal_sections=[section],
        name="Familiebehandling+",
        purpose="Nyt formål",
    )
    v1.refresh_from_db()
    assert v1.name == "Familiebehandling" and v1.purpose == "Styrke trivslen"  # unchanged
    with pytest.raises(ValidationError, match="Kun en kladde"):
        services.draft_update(version=v1, by=admin, expected_lock=1, name="x", purpose="y")
    approve_and_publish(draft, admin)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED
    assert v1.service.current_version == draft
    assert list(v1.service.versions.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_maximum_below_minimum_is_refused(admin):
    with pytest.raises(ValidationError) as error:
        make_service(admin, min_hours=10, max_hours=5)
    assert "max_hours" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_service(admin, min_weeks=12, max_weeks=4)


def test_rate_lookup_including_the_day_a_rate_changes(admin):
    service = make_service(admin).service
    provider = Provider.objects.create(name="Bakkely", kind="private")
    services.rate_add(
        provider=provider,
        service=service,
        unit="day",
        price=Decimal("3500"),
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    services.rate_add(
        provider=provider,
        service=service,
        unit="day",
        price=Decimal("3650"),
        valid_from=date(2026, 1, 1),
    )
    rate = selectors.rate_for
    assert rate(provider=provider, service=service, on=date(2025, 12, 31)).price == 3500
    assert rate(provider=provider, service=service, on=date(2026, 1, 1)).price == 3650
    assert rate(provider=provider, service=service, on=date(2024, 12, 31)) is None


def test_overlapping_rates_are_refused_by_service_and_database(admin):
    service = make_service(admin).service
    provider = Provider.objects.create(name="Bakkely", kind="private")
    services.rate_add(
        provider=provider,
        service=service,
        unit="day",
        price=Decimal("3500"),
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    with pytest.raises(ValidationError, match="overlapper"):
        services.rate_add(
            provider=provider,
            service=service,
            unit="day",
            price=Decimal("1"),
            valid_from=date(2025, 6, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Rate.objects.create(
            provider=provider,
            service=service,
            unit="day",
            price=1,
            valid_from=date(2025, 12, 31),
            valid_to=date(2026, 1, 5),
        )
    other = Provider.objects.create(name="Andet sted", kind="private")
    services.rate_add(
        provider=other,
        service=service,
        unit="day",
        price=Decimal("3000"),
        valid_from=date(2025, 6, 1),
    )  # another provider may overlap


def test_contract_ending_before_it_starts_is_refused(admin):
    provider = Provider.objects.create(name="Bakkely", kind="private")
    with pytest.raises(ValidationError, match="slutte, før den starter"):
        services.contract_add(
            provider=provider, title="Aftale", starts_on=date(2026, 1, 1), ends_on=date(2025, 1, 1)
        )


def test_referenced_services_cannot_be_deleted_only_closed(admin):
    version = make_service(admin)
    approve_and_publish(version, admin)
    service = version.service
    with pytest.raises(ProtectedError):
        service.delete()
    services.revision_record(
        service=service,
        by=admin,
        decided_on=date(2026, 9, 1),
        decision="close",
        reasons="Ikke brugt i to år",
    )
    service.refresh_from_db()
    assert service.is_closed
    assert service not in selectors.services_selectable()
    assert not selectors.published_versions().filter(service=service).exists()
    assert Service.objects.filter(pk=service.pk).exists()  # kept for history


def test_revision_is_an_organisation_clock_restarted_by_each_revision(admin):
    """The catalogue's revision deadline is an organisation clock of the rule
    catalogue_service_revision (no computation in the model): it starts at approval, runs for
    the service's own interval (at most a year) and restarts at each revision."""
    from boernesag.deadlines.calendar import add_months
    from boernesag.deadlines.models import OrganisationClock

    today = timezone.localdate()
    approved = today - timedelta(days=400)
    version = make_service(admin, revision_interval_months=6)
    services.version_submit(version=version, by=admin)
    services.version_approve(version=version, by=admin, approved_on=approved, body="Udvalget")
    service = version.service
    clock = OrganisationClock.objects.get(subject=f"catalogue.service:{service.pk}")
    assert (clock.rule_key, clock.law) == ("catalogue_service_revision", "LOCAL")
    assert service.next_revision == add_months(approved, 6)
    assert selectors.due_for_revision(today=today) == [(service, add_months(approved, 6))]
    assert selectors.due_for_revision(today=add_months(approved, 6) - timedelta(days=1)) == []
    revised = today - timedelta(days=10)
    services.revision_record(
        service=service,
        by=admin,
        decided_on=revised,
        decision="adjust",
        reasons="Målgruppen udvides",
    )
    assert service.versions.filter(status=VersionStatus.DRAFT).exists()
    assert service.next_revision == add_months(revised, 6)
    first, second = OrganisationClock.objects.filter(
        subject=f"catalogue.service:{service.pk}"
    ).order_by("sequence")
    assert first.outcome() == "late" and second.is_running
    assert selectors.due_for_revision(today=today) == []
    with pytest.raises(ValidationError, match="fremtiden"):
        services.revision_record(
            service=service,
            by=admin,
            decided_on=today + timedelta(days=1),
            decision="continue",
            reasons="x",
        )
    services.revision_record(
        service=service, by=admin, decided_on=today, decision="close", reasons="Ikke brugt"
    )
    assert service.next_revision is None  # closed: the clock is cancelled


def test_catalogue_search_filters(admin, section):
    youth = TargetGroup.objects.create(name="Unge 15–17 år")
    a = make_service(
        admin,
        name="Mentor til skolegang",
        age_min=10,
        age_max=17,
        districts=["Nord"],
        legal_sections=[section],
    )
    a.target_groups.add(youth)
    a.purpose = "Mindre skolefravær og bedre trivsel i skolen"
    a.save()
    b = make_service(admin, name="Aflastning", age_min=0, age_max=12)
    for v in (a, b):
        approve_and_publish(v, admin)
    names = lambda **kw: [v.name for v in selectors.catalogue_search(**kw)]  # noqa: E731
    assert names(age=14, district="Nord", target_group=youth, text="skolefraværet") == [
        "Mentor til skolegang"
    ]
    assert names(age=14, district="Syd") == []
    assert names(age=5) == ["Aflastning"]
    assert names(legal_section=section) == ["Mentor til skolegang"]


def test_public_pages_show_only_published_citizen_fields(admin, client):
    published = make_service(
        admin,
        name="Familiebehandling i hjemmet",
        internal_notes="HEMMELIG NOTE",
        price_note="690 kr. pr. time",
        provider_requirements="Autoriseret psykolog",
    )
    approve_and_publish(published, admin)
    draft_only = make_service(admin, name="Kladdeindsats")
    approved_only = make_service(admin, name="Godkendt men ikke offentlig")
    services.version_submit(version=approved_only, by=admin)
    services.version_approve(
        version=approved_only, by=admin, approved_on=date(2026, 1, 1), body="Udvalget"
    )
    listing = client.get("/indsatser/").content.decode()
    assert "Familiebehandling i hjemmet" in listing
    assert "Kladdeindsats" not in listing and "Godkendt men ikke offentlig" not in listing
    for url in (f"/indsatser/{published.service.key}/", "/indsatser/serviceniveau/"):
        html = client.get(url).content.decode()
        assert "Familiebehandling i hjemmet" in html
        assert "HEMMELIG NOTE" not in html and "690 kr." not in html
        assert "Autoriseret psykolog" not in html
    assert client.get(f"/indsatser/{draft_only.service.key}/").status_code == 404
    pdf = client.get("/indsatser/serviceniveau/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    # the municipality may choose to show a price
    published.service.versions.filter(pk=published.pk).update(show_price_publicly=True)
    assert "690 kr." in client.get(f"/indsatser/{published.service.key}/").content.decode()


def test_only_admin_and_finance_manage_the_catalogue(make_user, admin):
    version = make_service(admin)
    for role, allowed in [
        (Role.ADMIN, True),
        (Role.FINANCE, True),
        (Role.CASEWORKER, False),
        (Role.MANAGER, False),
    ]:
        client = Client()
        client.force_login(make_user(role))
        assert client.get("/katalog/").status_code == 200
        expected = 200 if allowed else 403
        assert client.get("/katalog/ny/").status_code == expected
        assert client.get("/katalog/leverandoerer/").status_code == expected
        response = client.post(f"/katalog/{version.service.key}/v/1/indstil/")
        assert response.status_code == (302 if allowed else 403)
        if allowed:
            version.refresh_from_db()
            assert version.status == VersionStatus.SUBMITTED
            version.status = VersionStatus.DRAFT
            version.save()


def test_service_form_keeps_input_and_shows_danish_errors(admin):
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/katalog/ny/",
        {
            "name": "Ny indsats",
            "purpose": "Formål",
            "age_min": 0,
            "age_max": 17,
            "min_hours": 8,
            "max_hours": 2,
            "revision_interval_months": 12,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det højeste antal timer kan ikke være mindre end det mindste." in html
    assert 'value="Ny indsats"' in html
    assert not Service.objects.exists()


def test_overlapping_rate_in_the_form_keeps_input(admin):
    service = make_service(admin).service
    provider = Provider.objects.create(name="Bakkely", kind="private")
    services.rate_add(
        provider=provider,
        service=service,
        unit="day",
        price=Decimal("3500"),
        valid_from=date(2025, 1, 1),
    )
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/katalog/leverandoerer/{provider.pk}/",
        {
            "form": "rate",
            "service": service.pk,
            "unit": "day",
            "price": "3700,50",
            "valid_from": "2025-06-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "overlapper en eksisterende takst" in html and "3700,50" in html


def test_demo_catalogue(db):
    from boernesag.demo.catalogue import demo_catalogue_seed
    from boernesag.demo.services import demo_organisation_seed

    demo_organisation_seed()
    counts = demo_catalogue_seed()
    assert counts == {"services": 40, "providers": 8}
    assert selectors.published_versions().count() >= 30
    assert Rate.objects.count() >= 60
    assert demo_catalogue_seed() == {}


def test_reference_lists_are_edited_by_administrators(admin, section):
    client = Client()
    client.force_login(admin)
    assert client.get("/administration/catalogue/targetgroup/").status_code == 200
    response = client.post(
        "/administration/catalogue/targetgroup/add/",
        {"name": "Unge med autisme", "description": ""},
    )
    assert response.status_code == 302
    assert TargetGroup.objects.filter(name="Unge med autisme").exists()
    assert client.get("/administration/catalogue/legalsection/").status_code == 200


def test_contract_document_is_checked_by_content(admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    provider = Provider.objects.create(name="Bakkely", kind="private")
    with pytest.raises(ValidationError, match="passer ikke med endelsen"):
        services.contract_add(
            provider=provider,
            title="Aftale",
            starts_on=date(2026, 1, 1),
            ends_on=None,
            document=SimpleUploadedFile("a.pdf", b"MZ fake"),
        )
    contract = services.contract_add(
        provider=provider,
        title="Aftale",
        starts_on=date(2026, 1, 1),
        ends_on=None,
        document=SimpleUploadedFile("aftale.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    assert contract.document.name.startswith("contracts/")
