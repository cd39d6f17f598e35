"""Writes for the catalogue. Approved descriptions are never edited: a change is a new draft
version that goes through approval again (seed 000)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from boernesag.catalogue.models import (
    Contract,
    Provider,
    Rate,
    Revision,
    RevisionDecision,
    Service,
    ServiceVersion,
    VersionStatus,
)
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write

COPIED_FIELDS = [
    f.name
    for f in ServiceVersion._meta.concrete_fields
    if f.name
    not in {
        "id",
        "service",
        "number",
        "status",
        "created_by",
        "created_at",
        "submitted_at",
        "approved_on",
        "approved_by_body",
        "published_at",
        "version_lock",
    }
]


def _check_ranges(data: dict) -> None:
    errors = {}
    if (
        data.get("min_hours") is not None
        and data.get("max_hours") is not None
        and data["max_hours"] < data["min_hours"]
    ):
        errors["max_hours"] = _("Det højeste antal timer kan ikke være mindre end det mindste.")
    if (
        data.get("min_weeks") is not None
        and data.get("max_weeks") is not None
        and data["max_weeks"] < data["min_weeks"]
    ):
        errors["max_weeks"] = _("Den længste varighed kan ikke være kortere end den korteste.")
    if (
        data.get("age_min") is not None
        and data.get("age_max") is not None
        and data["age_max"] < data["age_min"]
    ):
        errors["age_max"] = _("Den højeste alder kan ikke være lavere end den laveste.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_create(
    *, by, name: str, purpose: str, target_groups=(), legal_sections=(), **fields
) -> ServiceVersion:
    _check_ranges(fields)
    base = slugify(name)[:70] or "indsats"
    key, n = base, 2
    while Service.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    service = Service.objects.create(key=key)
    version = ServiceVersion.objects.create(
        service=service,
        number=1,
        name=name.strip(),
        purpose=purpose.strip(),
        created_by=by,
        **fields,
    )
    version.target_groups.set(target_groups)
    version.legal_sections.set(legal_sections)
    return version


@transaction.atomic
def draft_for(*, service: Service, by) -> ServiceVersion:
    """The service's draft; editing an approved description starts a new draft version."""
    if service.is_closed:
        raise ValidationError(_("Indsatsen er lukket og kan ikke ændres."))
    draft = service.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = service.versions.order_by("-number").first()
    draft = ServiceVersion(
        service=service,
        number=source.number + 1,
        created_by=by,
        status=VersionStatus.DRAFT,
        **{name: getattr(source, name) for name in COPIED_FIELDS},
    )
    draft.save()
    draft.target_groups.set(source.target_groups.all())
    draft.legal_sections.set(source.legal_sections.all())
    return draft


@transaction.atomic
def draft_update(
    *,
    version: ServiceVersion,
    by,
    expected_lock: int,
    target_groups=(),
    legal_sections=(),
    **fields,
) -> ServiceVersion:
    if not version.is_editable:
        raise ValidationError(
            _(
                "Kun en kladde kan redigeres. Godkendte versioner ændres ved "
                "at oprette en ny kladde."
            )
        )
    _check_ranges(fields)
    updated = ServiceVersion.objects.filter(pk=version.pk, version_lock=expected_lock).update(
        version_lock=version.version_lock + 1, **fields
    )
    if not updated:
        raise ValidationError(
            _(
                "En anden har gemt ændringer i kladden, mens du skrev. Det du "
                "skrev er bevaret – sammenlign og gem igen."
            ),
            code="conflict",
        )
    version.refresh_from_db()
    version.target_groups.set(target_groups)
    version.legal_sections.set(legal_sections)
    return version


@transaction.atomic
def version_submit(*, version: ServiceVersion, by) -> ServiceVersion:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Kun en kladde kan indstilles til godkendelse."))
    version.status, version.submitted_at = VersionStatus.SUBMITTED, timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    return version


@transaction.atomic
def version_approve(*, version: ServiceVersion, by, approved_on: date, body: str) -> ServiceVersion:
    """Approved by the political committee or management, with date and body."""
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError(_("Versionen skal være indstillet, før den kan godkendes."))
    if not body.strip():
        raise ValidationError({"body": _("Skriv hvem der har godkendt (udvalg eller ledelse).")})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("Godkendelsesdatoen kan ikke ligge i fremtiden.")})
    version.service.versions.filter(status=VersionStatus.APPROVED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status, version.approved_on = VersionStatus.APPROVED, approved_on
    version.approved_by_body = body.strip()
    version.save(update_fields=["status", "approved_on", "approved_by_body"])
    # organisation event: starts (or restarts) the service's revision clock
    event_write(
        ev.ServiceApproved(
            version=version.number, revision_interval_months=version.revision_interval_months
        ),
        actor=by,
        subject=version.service,
        occurred_at=_on(approved_on),
    )
    return version


@transaction.atomic
def version_publish(*, version: ServiceVersion, by) -> ServiceVersion:
    if version.status != VersionStatus.APPROVED:
        raise ValidationError(_("Kun en godkendt version kan offentliggøres."))
    version.service.versions.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def revision_record(
    *, service: Service, by, decided_on: date, decision: str, reasons: str
) -> Revision:
    """Seed 000: continue unchanged, adjust (a new draft) or close – with reasons and date.
    A closed service cannot be chosen for new measures but stays for history."""
    if not reasons.strip():
        raise ValidationError({"reasons": _("Skriv begrundelsen for beslutningen.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("Datoen kan ikke ligge i fremtiden.")})
    revision = Revision.objects.create(
        service=service,
        decided_on=decided_on,
        decision=decision,
        reasons=reasons.strip(),
        decided_by=by,
    )
    current = service.current_version
    event_write(
        ev.ServiceRevised(
            revision=revision.pk,
            decision=decision,
            revision_interval_months=current.revision_interval_months if current else 12,
        ),
        actor=by,
        subject=service,
        occurred_at=_on(decided_on),
    )
    if decision == RevisionDecision.CLOSE:
        service.closed_on = decided_on
        service.save(update_fields=["closed_on"])
        event_write(ev.ServiceClosed(), actor=by, subject=service, occurred_at=_on(decided_on))
    elif decision == RevisionDecision.ADJUST:
        draft_for(service=service, by=by)
    return revision


def _on(day: date):
    """A decision dated ``day`` happened that day (noon, Danish time) — or now, if today."""
    from datetime import datetime, time

    now = timezone.localtime()
    if day >= now.date():
        return now
    return timezone.make_aware(datetime.combine(day, time(12)))


@transaction.atomic
def provider_create(*, services=(), **fields) -> Provider:
    provider = Provider.objects.create(**fields)
    provider.services.set(services)
    return provider


@transaction.atomic
def rate_add(
    *,
    provider: Provider,
    service: Service,
    unit: str,
    price,
    valid_from: date,
    valid_to: date | None = None,
) -> Rate:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("Slutdatoen kan ikke ligge før startdatoen.")})
    if price is not None and price < 0:
        raise ValidationError({"price": _("Prisen kan ikke være negativ.")})
    overlap = Rate.objects.filter(provider=provider, service=service).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        overlap = overlap.filter(valid_from__lte=valid_to)
    if overlap.exists():
        raise ValidationError(
            {
                "valid_from": _(
                    "Perioden overlapper en eksisterende takst for samme leverandør og indsats. "
                    "Afslut den gældende takst først."
                )
            }
        )
    try:
        with transaction.atomic():
            rate = Rate.objects.create(
                provider=provider,
                service=service,
                unit=unit,
                price=price,
                valid_from=valid_from,
                valid_to=valid_to,
            )
    except IntegrityError:  # a concurrent insert: the database constraint decides
        raise ValidationError(
            {"valid_from": _("Perioden overlapper en eksisterende takst.")}
        ) from None
    provider.services.add(service)
    return rate


@transaction.atomic
def contract_add(
    *,
    provider: Provider,
    title: str,
    starts_on: date,
    ends_on: date | None,
    services=(),
    terms: str = "",
    notice_months: int = 3,
    document=None,
) -> Contract:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("Kontrakten kan ikke slutte, før den starter.")})
    if document:
        from django.conf import settings

        from boernesag.cases.documents import DocumentRejected, check_upload

        try:
            check_upload(document, max_bytes=settings.DOCUMENT_MAX_BYTES)
        except DocumentRejected as exc:
            raise ValidationError({"document": str(exc)}) from None
    contract = Contract.objects.create(
        provider=provider,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        terms=terms,
        notice_months=notice_months,
    )
    if document:
        contract.document.save(document.name, document)
    contract.services.set(services)
    return contract
