"""Adgangsændringer (changes of staff access with four eyes) and "Hvem kunne se barnet"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.accounts.models import RoleAssignment, TeamMembership, User
from boernesag.cases import gate
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons.models import Person
from boernesag.rights import selectors, services
from boernesag.rights.forms import (
    DecisionForm,
    EndForm,
    ProtectedAddressesForm,
    ReactivateForm,
    RoleGrantForm,
    RoleMoveForm,
    TeamJoinForm,
    UserChoiceForm,
    WhoCouldSeeForm,
)
from boernesag.rights.models import AccessChange


def _pk(value) -> int | None:
    """A usable primary key, else None (URL converters accept digits beyond bigint)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


CONFLICT = _("Ændringen er afgjort eller ændret af en anden, mens du så på den. Se listen igen.")


@gate.permission_required("rights.view_access_changes")
def changes(request):
    """Pending changes (confirm, reject, withdraw), the latest decided ones, and the way to
    a user's rights."""
    chooser = UserChoiceForm(request.GET or None)
    if request.GET and chooser.is_valid():
        return redirect("rights:user", pk=chooser.cleaned_data["bruger"].pk)
    pending = list(selectors.pending_changes())
    for change in pending:
        change.confirmable = request.user.has_perm("rights.confirm_access_change", change)
        change.withdrawable = request.user.has_perm("rights.withdraw_access_change", change)
    return render(
        request,
        "rights/changes.html",
        {
            "chooser": chooser,
            "pending": pending,
            "decided": selectors.decided_changes(),
            "breadcrumbs": [(_("Adgangsændringer"), None)],
        },
        status=400 if request.GET and not chooser.is_valid() else 200,
    )


def _user_forms(subject, data=None, action=""):
    today = timezone.localdate()
    roles = list(
        RoleAssignment.objects.active_on(today)
        .filter(user=subject)
        .select_related("unit")
        .order_by("role", "unit__name")
    )
    memberships = list(
        TeamMembership.objects.active_on(today)
        .filter(user=subject)
        .select_related("team")
        .order_by("team__name")
    )

    def bound(name):
        return data if action == name else None

    forms = {
        "grant": RoleGrantForm(bound("grant"), prefix="grant"),
        "join": TeamJoinForm(bound("join"), prefix="join"),
        "move": RoleMoveForm(bound("move"), prefix="move", roles=roles),
        "end": EndForm(bound("end"), prefix="end", roles=roles, memberships=memberships),
        "protected": ProtectedAddressesForm(bound("protected"), prefix="protected"),
    }
    if not subject.is_active:
        forms["reactivate"] = ReactivateForm(bound("reactivate"), prefix="reactivate")
    return roles, memberships, forms


def _submit(request, subject, action, form):
    data = form.cleaned_data
    actor = request.user
    if action == "grant":
        return services.role_grant_request(
            actor=actor,
            user=subject,
            role=data["role"],
            unit=data["unit"],
            valid_from=data["valid_from"],
            reason=data["reason"],
        )
    if action == "join":
        return services.team_join_request(
            actor=actor,
            user=subject,
            team=data["team"],
            valid_from=data["valid_from"],
            reason=data["reason"],
        )
    if action == "move":
        assignment = RoleAssignment.objects.get(pk=data["target"], user=subject)
        return services.role_move_request(
            actor=actor, assignment=assignment, unit=data["unit"], reason=data["reason"]
        )
    if action == "end":
        what, _sep, pk = data["target"].partition(":")
        if what == "role":
            return services.role_end(
                actor=actor,
                assignment=RoleAssignment.objects.get(pk=pk, user=subject),
                valid_to=data["valid_to"],
                reason=data["reason"],
            )
        return services.team_leave(
            actor=actor,
            membership=TeamMembership.objects.get(pk=pk, user=subject),
            valid_to=data["valid_to"],
            reason=data["reason"],
        )
    if action == "reactivate":
        return services.user_reactivate_request(actor=actor, user=subject, reason=data["reason"])
    return services.protected_addresses_request(
        actor=actor,
        user=subject,
        allowed=not subject.may_see_protected_addresses,
        reason=data["reason"],
    )


@gate.permission_required("rights.request_access_change")
def user_rights(request, pk: int):
    """One user's roles, teams and protected-address right, with the forms that change
    them (each change through ``rights.services``)."""
    subject = User.objects.filter(pk=pk).first() if _pk(pk) else None
    if subject is None:
        gate.refuse(request, status=404, what="user_rights", object_ref=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    roles, memberships, forms = _user_forms(subject, request.POST, action)
    status = 200
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            status = 400
            messages.error(request, _("Ukendt handling."))
        elif form.is_valid():
            try:
                change = _submit(request, subject, action, form)
            except ValidationError as exc:
                form_add_validation_error(form, exc)
                status = 400
            else:
                if change.is_pending:
                    messages.success(
                        request,
                        _(
                            "Anmodningen er gemt. Ændringen træder i kraft, når en anden "
                            "administrator eller en leder har godkendt den."
                        ),
                    )
                else:
                    messages.success(request, _("Ændringen er gennemført."))
                return redirect("rights:user", pk=subject.pk)
        else:
            status = 400
    pending = list(selectors.pending_changes().filter(user=subject))
    return render(
        request,
        "rights/user.html",
        {
            "subject": subject,
            "roles": roles,
            "memberships": memberships,
            "forms": forms,
            "pending": pending,
            "breadcrumbs": [
                (_("Adgangsændringer"), reverse("rights:changes")),
                (subject.get_full_name(), None),
            ],
        },
        status=status,
    )


def _change_or_refuse(request, pk, what: str) -> AccessChange:
    gate.require(request, "rights.view_access_changes", what=what)
    change = AccessChange.objects.filter(pk=pk).select_related("user").first() if _pk(pk) else None
    if change is None:
        gate.refuse(request, status=404, what=what, object_ref=pk)
    return change


@require_POST
def confirm(request, pk: int):
    change = _change_or_refuse(request, pk, "access_change_confirm")
    form = DecisionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.access_change_confirm(actor=request.user, change=change, expected_version=version)
    except PermissionDenied:
        gate.refuse(request, status=403, what="access_change_confirm", object_ref=change.pk)
    except services.ConflictError:
        messages.error(request, CONFLICT)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ændringen er godkendt og trådt i kraft."))
    return redirect("rights:changes")


@require_POST
def reject(request, pk: int):
    change = _change_or_refuse(request, pk, "access_change_reject")
    form = DecisionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    note = request.POST.get("note", "")
    try:
        services.access_change_reject(
            actor=request.user, change=change, note=note, expected_version=version
        )
    except PermissionDenied:
        gate.refuse(request, status=403, what="access_change_reject", object_ref=change.pk)
    except services.ConflictError:
        messages.error(request, CONFLICT)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ændringen er afvist."))
    return redirect("rights:changes")


@require_POST
def withdraw(request, pk: int):
    change = _change_or_refuse(request, pk, "access_change_withdraw")
    try:
        services.access_change_withdraw(actor=request.user, change=change)
    except PermissionDenied:
        gate.refuse(request, status=403, what="access_change_withdraw", object_ref=change.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Anmodningen er trukket tilbage."))
    return redirect("rights:changes")


def who_could_see(request, pk: int):
    """Who had need-to-know to this child on a date, and why — from the dated data.
    Administrators and the team leaders of the child's teams (``rights.view_who_could_see``);
    logged like every page about a child."""
    gate.require(request, "cases.view_access_log", what="who_could_see")
    child = Person.objects.filter(pk=pk).first() if _pk(pk) else None
    if child is None or not request.user.has_perm("rights.view_who_could_see", child):
        gate.refuse(request, status=404, what="who_could_see", child_id=_pk(pk))
    form = WhoCouldSeeForm(request.GET if "dato" in request.GET else None)
    day = timezone.localdate()
    status = 200
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["dato"]
        else:
            status = 400
    else:
        form = WhoCouldSeeForm(initial={"dato": day})
    gate.log_read(request, what="who_could_see", child_id=child.pk)
    seers = selectors.who_could_see(child, day) if status == 200 else []
    return render(
        request,
        "rights/who_could_see.html",
        {
            "child": child,
            "day": day,
            "form": form,
            "seers": seers,
            "breadcrumbs": [
                (_("Adgangslog"), reverse("cases:access_log")),
                (child.full_name, reverse("cases:child_access_log", args=[child.pk])),
                (_("Hvem kunne se barnet"), None),
            ],
        },
        status=status,
    )
