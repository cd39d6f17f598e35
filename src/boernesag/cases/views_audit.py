"""The access log as team leaders and administrators review it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.accounts.constants import Role
from boernesag.audit.models import AccessGrant, AccessLogEntry
from boernesag.audit.services import access_grant_review, access_log_record
from boernesag.cases.access import scope_for
from boernesag.cases.forms import GrantReviewForm
from boernesag.cases.models import Case
from boernesag.persons.models import Person


def _grants_for_reviewer(user):
    grants = AccessGrant.objects.select_related("user", "child", "review", "review__reviewed_by")
    if user.has_role(Role.ADMIN):
        return grants
    led = scope_for(user).led_unit_ids
    in_led = Case.objects.filter(child=OuterRef("child"), team_id__in=led)
    return grants.filter(Exists(in_led))


def _may_review(user) -> bool:
    return user.has_role(Role.TEAM_LEADER, Role.ADMIN)


def access_log(request):
    if not _may_review(request.user):
        raise PermissionDenied
    lookup_error = ""
    cpr = request.GET.get("cpr", "").strip()
    if cpr:
        from boernesag.persons.cpr import CprError, parse_cpr

        try:
            child = Person.objects.filter(cpr=parse_cpr(cpr).number).first()
        except CprError as exc:
            lookup_error = str(exc)
        else:
            if child is not None:
                return redirect("cases:child_access_log", pk=child.pk)
            lookup_error = _("Der findes ingen person med dette CPR-nummer.")
    grants = _grants_for_reviewer(request.user).order_by("review", "-granted_at")[:200]
    return render(
        request,
        "cases/access_log.html",
        {
            "grants": grants,
            "review_form": GrantReviewForm(),
            "cpr": cpr,
            "lookup_error": lookup_error,
            "breadcrumbs": [(_("Adgangslog"), None)],
        },
    )


@require_POST
def access_grant_review_view(request, grant_pk: int):
    if not _may_review(request.user):
        raise PermissionDenied
    grant = get_object_or_404(_grants_for_reviewer(request.user), pk=grant_pk)
    form = GrantReviewForm(request.POST)
    if hasattr(grant, "review"):
        messages.info(request, _("Adgangen er allerede gennemgået."))
    elif form.is_valid():
        access_grant_review(
            grant=grant,
            reviewed_by=request.user,
            approved=form.cleaned_data["approved"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Gennemgangen er gemt."))
    else:
        messages.error(request, _("Vælg en vurdering."))
    return redirect("cases:access_log")


def child_access_log(request, pk: int):
    if not _may_review(request.user):
        raise PermissionDenied
    child = get_object_or_404(Person, pk=pk)
    if not request.user.has_role(Role.ADMIN):
        led = scope_for(request.user).led_unit_ids
        if not child.cases.filter(team_id__in=led).exists():
            raise PermissionDenied
    access_log_record(user=request.user, what="access_log", child_id=child.pk)
    rows = (
        AccessLogEntry.objects.filter(child=child)
        .select_related("user", "case")
        .order_by("-id")[:500]
    )
    return render(
        request,
        "cases/child_access_log.html",
        {
            "child": child,
            "rows": rows,
            "breadcrumbs": [
                (_("Adgangslog"), reverse("cases:access_log")),
                (child.full_name, None),
            ],
        },
    )
