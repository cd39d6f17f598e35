from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.accounts.selectors import municipality_get
from boernesag.cases import gate
from boernesag.catalogue import selectors, services
from boernesag.catalogue.forms import (
    VERSION_FIELDS,
    ApproveForm,
    CatalogueFilterForm,
    ContractForm,
    ProviderForm,
    RateForm,
    RevisionForm,
    ServiceVersionForm,
)
from boernesag.catalogue.models import Provider, Service, ServiceVersion
from boernesag.catalogue.public_pdf import print_context, public_catalogue_pdf
from boernesag.lib.forms import form_add_validation_error
from boernesag.lib.ratelimit import client_address, ratelimit_hit


def _staff(request):
    gate.require(request, "catalogue.view_catalogue")


def _manager(request) -> bool:
    return request.user.has_perm("catalogue.manage_catalogue")


def _require_manager(request):
    gate.require(request, "catalogue.manage_catalogue")


def browse(request):
    _staff(request)
    form = CatalogueFilterForm(request.GET or None)
    versions = []
    if form.is_valid():
        d = form.cleaned_data
        versions = list(
            selectors.catalogue_search(
                text=d["q"],
                target_group=d["target_group"],
                legal_section=d["legal_section"],
                provider=d["provider"],
                district=d["district"].strip(),
                age=d["age"],
            )
        )
    else:
        versions = list(selectors.catalogue_search())
    return render(
        request,
        "catalogue/browse.html",
        {
            "form": form,
            "versions": versions,
            "can_manage": _manager(request),
            "breadcrumbs": [(_("Indsatskatalog"), None)],
        },
    )


def service_detail(request, key: str):
    _staff(request)
    service = get_object_or_404(Service, key=key)
    versions = list(service.versions.order_by("-number"))
    number = request.GET.get("version")
    shown = (
        next((v for v in versions if str(v.number) == number), None)
        or service.current_version
        or versions[0]
    )
    manage = _manager(request)
    return render(
        request,
        "catalogue/service.html",
        {
            "service": service,
            "version": shown,
            "versions": versions,
            "can_manage": manage,
            "show_prices": request.user.has_perm("catalogue.view_prices"),
            "rates": service.rates.select_related("provider") if manage else [],
            "providers": service.providers.all(),
            "approve_form": ApproveForm(),
            "revision_form": RevisionForm(),
            "next_revision": service.next_revision,
            "revisions": service.revisions.select_related("decided_by"),
            "breadcrumbs": [(_("Indsatskatalog"), reverse("catalogue:browse")), (shown.name, None)],
        },
    )


def service_edit(request, key: str | None = None):
    _require_manager(request)
    service = get_object_or_404(Service, key=key) if key else None
    draft = None
    if service is not None:
        try:
            draft = services.draft_for(service=service, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("catalogue:service", key=service.key)
    form = ServiceVersionForm(request.POST or None, instance=draft)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in VERSION_FIELDS}
            groups, sections = data.pop("target_groups"), data.pop("legal_sections")
            try:
                if draft is None:
                    version = services.service_create(
                        by=request.user, target_groups=groups, legal_sections=sections, **data
                    )
                else:
                    version = services.draft_update(
                        version=draft,
                        by=request.user,
                        target_groups=groups,
                        legal_sections=sections,
                        expected_lock=form.cleaned_data["lock"] or draft.version_lock,
                        **data,
                    )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 409 if getattr(exc, "code", "") == "conflict" else 400
            else:
                messages.success(request, _("Kladden er gemt."))
                return redirect(
                    f"{reverse('catalogue:service', args=[version.service.key])}"
                    f"?version={version.number}"
                )
        else:
            status = 400
    title = (
        _("Ny indsats")
        if draft is None
        else _("Redigér kladde (version %(n)s)") % {"n": draft.number}
    )
    return render(
        request,
        "catalogue/edit.html",
        {
            "form": form,
            "title": title,
            "service": service,
            "breadcrumbs": [(_("Indsatskatalog"), reverse("catalogue:browse")), (title, None)],
        },
        status=status,
    )


@require_POST
def version_action(request, key: str, number: int, action: str):
    _require_manager(request)
    version = get_object_or_404(ServiceVersion, service__key=key, number=number)
    try:
        if action == "indstil":
            services.version_submit(version=version, by=request.user)
            messages.success(request, _("Versionen er indstillet til godkendelse."))
        elif action == "godkend":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Skriv dato og hvem der har godkendt."))
            services.version_approve(
                version=version,
                by=request.user,
                approved_on=form.cleaned_data["approved_on"],
                body=form.cleaned_data["body"],
            )
            messages.success(request, _("Versionen er godkendt."))
        elif action == "offentliggoer":
            services.version_publish(version=version, by=request.user)
            messages.success(request, _("Versionen er offentliggjort."))
        else:
            gate.refuse(request, status=404, what="catalogue_action", object_ref=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('catalogue:service', args=[key])}?version={number}")


@require_POST
def revision(request, key: str):
    _require_manager(request)
    service = get_object_or_404(Service, key=key)
    form = RevisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Udfyld dato, beslutning og begrundelse."))
        services.revision_record(service=service, by=request.user, **form.cleaned_data)
        messages.success(request, _("Revisionen er registreret."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("catalogue:service", key=key)


def administration(request):
    _require_manager(request)
    rows = []
    for service in Service.objects.prefetch_related("versions").order_by("key"):
        versions = sorted(service.versions.all(), key=lambda v: -v.number)
        rows.append((service, versions[0] if versions else None))
    return render(
        request,
        "catalogue/administration.html",
        {
            "rows": rows,
            "due": selectors.due_for_revision(today=timezone.localdate()),
            "breadcrumbs": [
                (_("Indsatskatalog"), reverse("catalogue:browse")),
                (_("Administration"), None),
            ],
        },
    )


def providers(request):
    _require_manager(request)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = services.provider_create(**form.cleaned_data)
        messages.success(request, _("Leverandøren er oprettet."))
        return redirect("catalogue:provider", pk=provider.pk)
    return render(
        request,
        "catalogue/providers.html",
        {
            "providers": Provider.objects.prefetch_related("services"),
            "form": form,
            "breadcrumbs": [(_("Takster og kontrakter"), None)],
        },
        status=400 if form.errors else 200,
    )


def provider_detail(request, pk: int):
    _require_manager(request)
    provider = get_object_or_404(Provider, pk=pk)
    rate_form = RateForm(request.POST if request.POST.get("form") == "rate" else None)
    is_contract = request.POST.get("form") == "contract"
    contract_form = ContractForm(
        request.POST if is_contract else None, request.FILES if is_contract else None
    )
    status = 200
    if request.method == "POST":
        form = rate_form if request.POST.get("form") == "rate" else contract_form
        if form.is_valid():
            try:
                if form is rate_form:
                    services.rate_add(provider=provider, **form.cleaned_data)
                    messages.success(request, _("Taksten er gemt."))
                else:
                    services.contract_add(provider=provider, **form.cleaned_data)
                    messages.success(request, _("Kontrakten er gemt."))
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                return redirect("catalogue:provider", pk=provider.pk)
        else:
            status = 400
    return render(
        request,
        "catalogue/provider.html",
        {
            "provider": provider,
            "rate_form": rate_form,
            "contract_form": contract_form,
            "rates": provider.rates.select_related("service").order_by(
                "service__key", "-valid_from"
            ),
            "contracts": provider.contracts.prefetch_related("services"),
            "breadcrumbs": [
                (_("Takster og kontrakter"), reverse("catalogue:providers")),
                (provider.name, None),
            ],
        },
        status=status,
    )


# --- public pages (no login) --------------------------------------------------------------


@login_not_required
def public_list(request):
    return render(
        request,
        "catalogue/public_list.html",
        {"versions": selectors.published_versions(), "municipality": municipality_get()},
    )


@login_not_required
def public_detail(request, key: str):
    version = get_object_or_404(selectors.published_versions(), service__key=key)
    return render(
        request,
        "catalogue/public_detail.html",
        {"version": version, "municipality": municipality_get()},
    )


@login_not_required
def public_print(request):
    if request.GET.get("format") == "pdf":
        return _public_pdf(request)
    return render(request, "catalogue/print.html", print_context(pdf=False))


def _public_pdf(request):
    """The PDF comes from the store (catalogue/public_pdf.py); anonymous visitors are
    limited per address, as every request still costs a rendering of the HTML."""
    if not request.user.is_authenticated:
        decision = ratelimit_hit(
            scope="catalogue_pdf",
            key=client_address(request),
            limit=settings.CATALOGUE_PDF_RATE_LIMIT,
            window_seconds=settings.CATALOGUE_PDF_RATE_WINDOW_SECONDS,
        )
        if not decision.allowed:
            minutes = max(1, round(decision.retry_after / 60))
            response = render(
                request,
                "catalogue/rate_limited.html",
                {"minutes": minutes, "municipality": municipality_get()},
                status=429,
            )
            response["Retry-After"] = str(decision.retry_after)
            return response
    pdf = public_catalogue_pdf()
    etag = f'"{pdf.fingerprint}"'
    if pdf.fresh and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="serviceniveau.pdf"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300" if pdf.fresh else "no-cache"
    return response
