"""The access log as team leaders and administrators review it, and the review of reasoned
access by the team leader of the child's team."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.audit.models import AccessGrant, AccessLogEntry
from boernesag.authz.models import AccessLogChild, RefusedAccess
from boernesag.cases import gate, services
from boernesag.cases.access import scope_for
from boernesag.cases.forms import CprLookupForm, GrantReviewForm
from boernesag.cases.models import Case
from boernesag.persons.models import Person


def _grants_for_reviewer(user):
    """Grants on children whose current team the user leads (the review list). Whether the
    user may review one of them is ``cases.review_grant`` (never her own)."""
    led = scope_for(user).led_unit_ids
    in_led = Case.objects.filter(child=OuterRef("child"), team_id__in=led)
    return AccessGrant.objects.select_related(
        "user", "child", "review", "review__reviewed_by"
    ).filter(Exists(in_led))


def access_log(request):
    """Look up a child's access log by CPR number (POSTed, never in the URL), and the
    reasoned-access grants waiting for the team leader's review."""
    gate.require(request, "cases.view_access_log")
    form = CprLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            child = Person.objects.filter(cpr=form.cleaned_data["cpr"]).first()
            if child is not None and request.user.has_perm("cases.view_child_access_log", child):
                return redirect("cases:child_access_log", pk=child.pk)
            # the same answer whether the child does not exist or is not the user's to audit
            form.add_error(
                "cpr", _("Du kan ikke se adgangsloggen for et barn med dette CPR-nummer.")
            )
        status = 400
    grants = []
    if request.user.has_perm("cases.review_grants"):
        grants = list(_grants_for_reviewer(request.user).order_by("review", "-granted_at")[:200])
        for grant in grants:
            grant.reviewable = request.user.has_perm("cases.review_grant", grant)
        # the grant list names children (initials only) and who looked: a list of children
        grants = gate.list_logged(request, grants, what="grant_reviews")
    refusals = []
    if request.user.has_perm("cases.view_refusals"):
        refusals = list(RefusedAccess.objects.select_related("user")[:200])
    return render(
        request,
        "cases/access_log.html",
        {
            "form": form,
            "grants": grants,
            "refusals": refusals,
            "review_form": GrantReviewForm(),
            "breadcrumbs": [(_("Adgangslog"), None)],
        },
        status=status,
    )


@require_POST
def access_grant_review_view(request, grant_pk: int):
    gate.require(request, "cases.review_grants")
    grant = AccessGrant.objects.filter(pk=grant_pk).select_related("child").first()
    if grant is None or not request.user.has_perm("cases.review_grant", grant):
        gate.refuse(
            request,
            status=404,
            what="grant_review",
            child_id=grant.child_id if grant else None,
            object_ref=grant_pk,
        )
    form = GrantReviewForm(request.POST)
    if form.is_valid():
        try:
            services.reasoned_access_review(
                grant=grant,
                reviewed_by=request.user,
                approved=form.cleaned_data["approved"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        except PermissionDenied:
            gate.refuse(request, status=403, what="grant_review", child_id=grant.child_id)
        else:
            messages.success(request, _("Gennemgangen er gemt."))
    else:
        messages.error(request, _("Vælg en vurdering."))
    return redirect("cases:access_log")


def child_access_log(request, pk: int):
    """Who saw this child's data: detail pages and every list page that named the child,
    reasoned access with its reason, and refused attempts on the child or its cases."""
    gate.require(request, "cases.view_access_log")
    child = Person.objects.filter(pk=pk).first()
    if child is None or not request.user.has_perm("cases.view_child_access_log", child):
        gate.refuse(request, status=404, what="access_log", child_id=pk)
    gate.log_read(request, what="access_log", child_id=child.pk)
    on_list = AccessLogChild.objects.filter(entry=OuterRef("pk"), child=child)
    rows = (
        AccessLogEntry.objects.filter(Q(child=child) | Q(Exists(on_list)))
        .select_related("user", "case")
        .order_by("-id")[:500]
    )
    case_ids = list(Case.objects.filter(child=child).values_list("pk", flat=True))
    refusals = (
        RefusedAccess.objects.filter(Q(child_id=child.pk) | Q(case_id__in=case_ids))
        .select_related("user")
        .order_by("-id")[:200]
    )
    return render(
        request,
        "cases/child_access_log.html",
        {
            "child": child,
            "rows": rows,
            "refusals": refusals,
            "breadcrumbs": [
                (_("Adgangslog"), reverse("cases:access_log")),
                (child.full_name, None),
            ],
        },
    )
