"""Reads for the catalogue."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Prefetch, Q
from django.utils import timezone

from boernesag.catalogue.models import Rate, Service, ServiceVersion, VersionStatus

IN_FORCE = [VersionStatus.APPROVED, VersionStatus.PUBLISHED]


def current_versions():
    """The version in force for each open service (one row per service)."""
    return (
        ServiceVersion.objects.filter(status__in=IN_FORCE, service__closed_on__isnull=True)
        .order_by("service_id", "-number")
        .distinct("service_id")
    )


def catalogue_search(
    *,
    text: str = "",
    target_group=None,
    legal_section=None,
    provider=None,
    district: str = "",
    age: int | None = None,
):
    ids = current_versions().values("id")
    qs = ServiceVersion.objects.filter(id__in=ids).prefetch_related(
        "target_groups", "legal_sections", Prefetch("service__providers")
    )
    if target_group:
        qs = qs.filter(target_groups=target_group)
    if legal_section:
        qs = qs.filter(legal_sections=legal_section)
    if provider:
        qs = qs.filter(service__providers=provider)
    if district:
        qs = qs.filter(Q(districts=[]) | Q(districts__contains=[district]))
    if age is not None:
        qs = qs.filter(age_min__lte=age, age_max__gte=age)
    if text.strip():
        vector = SearchVector("name", "purpose", "target_description", "content", config="danish")
        qs = qs.annotate(search=vector).filter(
            search=SearchQuery(text.strip(), search_type="websearch", config="danish")
        )
    return qs.distinct().order_by("name")


def published_versions():
    """What citizens see: the latest published version of each open service."""
    ids = (
        ServiceVersion.objects.filter(
            status=VersionStatus.PUBLISHED, service__closed_on__isnull=True
        )
        .order_by("service_id", "-number")
        .distinct("service_id")
        .values("id")
    )
    return (
        ServiceVersion.objects.filter(id__in=ids)
        .prefetch_related("target_groups", "legal_sections")
        .order_by("name")
    )


def rate_for(*, provider, service, on: date) -> Rate | None:
    return (
        Rate.objects.filter(provider=provider, service=service, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .first()
    )


def services_selectable():
    """Services that may be chosen for new measures: open services with a version in force."""
    return Service.objects.filter(closed_on__isnull=True, versions__status__in=IN_FORCE).distinct()


def due_for_revision(*, today: date):
    """Services whose revision deadline (organisation clock) falls on or before ``today``,
    earliest first: (service, due date)."""
    from boernesag.deadlines.calendar import end_of_day
    from boernesag.deadlines.selectors import organisation_deadlines

    clocks = list(
        organisation_deadlines()
        .filter(rule_key="catalogue_service_revision", due_at__lte=end_of_day(today))
        .order_by("due_at")
    )
    ids = {int(c.subject.split(":")[1]): c for c in clocks if c.subject.startswith("catalogue.")}
    services = Service.objects.filter(pk__in=ids, closed_on__isnull=True).in_bulk()
    return [
        (services[pk], timezone.localtime(clock.due_at).date())
        for pk, clock in ids.items()
        if pk in services
    ]
