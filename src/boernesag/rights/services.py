"""Every change of a user's access, with an actor, as organisation events, and four eyes
on changes that widen access (issue 9, item 3; docs/authorisation.md "Separation of
duties").

    change = role_grant_request(actor=admin, user=u, role=Role.CASEWORKER, unit=team,
                                reason="Ny medarbejder i Team Nord")   # pending
    access_change_confirm(actor=other_admin, change=change)            # applied
    role_end(actor=admin, assignment=a, reason="Fratrådt")              # at once

- **Widening** (a role granted, a role moved to a unit that is not below its old one, a
  team joined, the right to see protected addresses, a deactivated user made active again):
  recorded as *pending* (``access_change_requested``) and applied only when a second
  person confirms it — another administrator or a leader (``rights.confirm_access_change``).
  The person who asked never confirms, nor does the person the change is about, so an
  administrator can never widen her own access alone. A rejection needs a reason.
- **Narrowing** (a role ended, a team left, protected addresses taken away): takes effect
  at once (``ended_at``: access ends now, not at midnight) or on a later date.
- Dates are never put in the past: the dated roles and memberships are the record of who
  could see a child when (``rights.selectors.who_could_see``), and a back-dated grant or
  revocation would rewrite it.

``accounts.services.role_grant`` and ``team_join`` remain the low-level writes used by
setup (``createsuperuser``, tests, the demo's first administrator); people change access
only here — the Django admin shows roles and memberships read-only.

Forvaltningsloven has no rule on this; the duty comes from databeskyttelsesforordningen
art. 32 (adgangsstyring, "need to know") and the municipality's information security
policy (ISO 27001 A.5.3/A.5.18: segregation of duties, access rights). Unverified: whether
a municipality's policy requires the second person to be a leader rather than an
administrator; the permission allows both.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import RoleAssignment, TeamMembership, Unit, User
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.lib.limits import TextLimit
from boernesag.rights.constants import AccessChangeKind, AccessChangeStatus
from boernesag.rights.models import AccessChange

# How far ahead a change may be dated.
MAX_DAYS_AHEAD = 366


class ConflictError(Exception):
    """The change was decided or changed by someone else since the page was loaded."""


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Skriv en begrundelse på mindst 5 tegn.")})
    if len(reason) > TextLimit.REASON:
        raise ValidationError(
            {"reason": _("Begrundelsen er for lang: højst %(n)s tegn.") % {"n": TextLimit.REASON}}
        )
    return reason


def _day_from(day: date | None, field: str) -> date:
    today = timezone.localdate()
    day = day or today
    if day < today:
        raise ValidationError(
            {field: _("Datoen kan ikke ligge før i dag: adgang gives og fjernes ikke bagud.")}
        )
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({field: _("Datoen kan højst ligge et år frem.")})
    return day


def _below(unit: Unit, ancestor: Unit) -> bool:
    """``unit`` is ``ancestor`` or lies under it in the unit tree."""
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    current: int | None = unit.pk
    seen = set()
    while current is not None and current not in seen:
        if current == ancestor.pk:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _active(qs, **filters):
    return qs.active_on(timezone.localdate()).filter(**filters)


def _still_in_force(obj) -> bool:
    today = timezone.localdate()
    return obj.ended_at is None and (obj.valid_to is None or obj.valid_to >= today)


# --- recording a change ------------------------------------------------------------------


def _record(*, actor, widens: bool, **fields) -> AccessChange:
    _require(actor, "rights.request_access_change")
    change = AccessChange(requested_by=actor, widens=widens, **fields)
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError as exc:
        if "access_change_pending_once" in str(exc):
            raise ValidationError(
                _("Der venter allerede en anmodning om den samme ændring.")
            ) from None
        raise
    if widens:
        event_write(
            ev.AccessChangeRequested(
                change_kind=change.kind,
                user=change.user_id,
                role=change.role or None,
                unit=change.unit_id,
                self_change=change.self_change,
            ),
            actor=actor,
            subject=change,
        )
    else:
        _apply(change, actor=actor)
    return change


@transaction.atomic
def role_grant_request(
    *, actor, user: User, role: str, unit: Unit, reason: str, valid_from: date | None = None
) -> AccessChange:
    """Ask for ``user`` to hold ``role`` in ``unit`` (and the units below it) from
    ``valid_from`` (today or later). Always waits for a second person."""
    if role not in Role.values:
        raise ValidationError({"role": _("Vælg en rolle.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("Enheden er ikke aktiv.")})
    if _active(RoleAssignment.objects, user=user, role=role, unit=unit).exists():
        raise ValidationError(_("Brugeren har allerede denne rolle i enheden."))
    return _record(
        actor=actor,
        widens=True,
        kind=AccessChangeKind.ROLE_GRANT,
        user=user,
        role=role,
        unit=unit,
        valid_from=_day_from(valid_from, "valid_from"),
        reason=_reason(reason),
    )


@transaction.atomic
def team_join_request(
    *, actor, user: User, team: Unit, reason: str, valid_from: date | None = None
) -> AccessChange:
    """Ask for ``user`` to become a member of ``team`` (a caseworker then sees the team's
    cases if the municipality allows it). Always waits for a second person."""
    if team.kind != UnitKind.TEAM:
        raise ValidationError({"unit": _("Kun teams har medlemmer.")})
    if not team.is_active:
        raise ValidationError({"unit": _("Enheden er ikke aktiv.")})
    if _active(TeamMembership.objects, user=user, team=team).exists():
        raise ValidationError(_("Brugeren er allerede medlem af teamet."))
    return _record(
        actor=actor,
        widens=True,
        kind=AccessChangeKind.TEAM_JOIN,
        user=user,
        unit=team,
        valid_from=_day_from(valid_from, "valid_from"),
        reason=_reason(reason),
    )


@transaction.atomic
def role_move_request(*, actor, assignment: RoleAssignment, unit: Unit, reason: str):
    """Change the unit a role is held in (its scope). A move to a unit below the old one
    narrows and takes effect at once; any other move widens and waits for a second
    person. Applied as: the old role ends now, the same role starts in the new unit."""
    if not _still_in_force(assignment):
        raise ValidationError(_("Rollen er allerede ophørt."))
    if unit.pk == assignment.unit_id:
        raise ValidationError({"unit": _("Vælg en anden enhed end den nuværende.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("Enheden er ikke aktiv.")})
    return _record(
        actor=actor,
        widens=not _below(unit, assignment.unit),
        kind=AccessChangeKind.ROLE_MOVE,
        user=assignment.user,
        role=assignment.role,
        unit=unit,
        assignment=assignment,
        valid_from=timezone.localdate(),
        reason=_reason(reason),
    )


@transaction.atomic
def protected_addresses_request(*, actor, user: User, allowed: bool, reason: str):
    """Give (waits for a second person) or take away (at once) the right to see protected
    addresses (navne- og adressebeskyttelse, CPR-loven § 28)."""
    if bool(user.may_see_protected_addresses) == bool(allowed):
        raise ValidationError(
            _("Brugeren har allerede adgang til beskyttede adresser.")
            if allowed
            else _("Brugeren har ikke adgang til beskyttede adresser.")
        )
    return _record(
        actor=actor,
        widens=bool(allowed),
        kind=(
            AccessChangeKind.PROTECTED_ADDRESSES
            if allowed
            else AccessChangeKind.PROTECTED_ADDRESSES_END
        ),
        user=user,
        reason=_reason(reason),
    )


@transaction.atomic
def user_reactivate_request(*, actor, user: User, reason: str) -> AccessChange:
    """Make a deactivated user active again. Her roles and teams still in force apply again,
    so it widens access and waits for a second person. (Deactivating narrows: it is done in
    the administration and takes effect at once.)"""
    if user.is_active:
        raise ValidationError(_("Brugeren er allerede aktiv."))
    return _record(
        actor=actor,
        widens=True,
        kind=AccessChangeKind.USER_REACTIVATE,
        user=user,
        reason=_reason(reason),
    )


@transaction.atomic
def role_end(
    *, actor, assignment: RoleAssignment, reason: str, valid_to: date | None = None
) -> AccessChange:
    """End a role: at once (no ``valid_to``, or today) or after ``valid_to``. Narrows, so it
    needs no second person."""
    if not _still_in_force(assignment):
        raise ValidationError(_("Rollen er allerede ophørt."))
    return _record(
        actor=actor,
        widens=False,
        kind=AccessChangeKind.ROLE_END,
        user=assignment.user,
        role=assignment.role,
        unit=assignment.unit,
        assignment=assignment,
        valid_to=_day_from(valid_to, "valid_to"),
        reason=_reason(reason),
    )


@transaction.atomic
def team_leave(
    *, actor, membership: TeamMembership, reason: str, valid_to: date | None = None
) -> AccessChange:
    """End a team membership, at once or after ``valid_to``."""
    if not _still_in_force(membership):
        raise ValidationError(_("Medlemskabet er allerede ophørt."))
    return _record(
        actor=actor,
        widens=False,
        kind=AccessChangeKind.TEAM_LEAVE,
        user=membership.user,
        unit=membership.team,
        membership=membership,
        valid_to=_day_from(valid_to, "valid_to"),
        reason=_reason(reason),
    )


# --- deciding ------------------------------------------------------------------------------


def _locked(change: AccessChange, expected_version: int | None) -> AccessChange:
    current = AccessChange.objects.select_for_update().get(pk=change.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError
    if not current.is_pending:
        raise ValidationError(_("Ændringen er allerede afgjort."))
    return current


@transaction.atomic
def access_change_confirm(
    *, actor, change: AccessChange, expected_version: int | None = None
) -> AccessChange:
    """A second person confirms a pending change, which then takes effect."""
    change = _locked(change, expected_version)
    _require(actor, "rights.confirm_access_change", change)
    now = timezone.now()
    change.status = AccessChangeStatus.APPLIED
    change.decided_by = actor
    change.decided_at = now
    change.version += 1
    change.save(update_fields=["status", "decided_by", "decided_at", "version"])
    event_write(
        ev.AccessChangeConfirmed(
            change_kind=change.kind, user=change.user_id, requested_by=change.requested_by_id
        ),
        actor=actor,
        subject=change,
    )
    _apply(change, actor=actor)
    return change


@transaction.atomic
def access_change_reject(
    *, actor, change: AccessChange, note: str, expected_version: int | None = None
) -> AccessChange:
    """A second person rejects a pending change, with a reason."""
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": _("Skriv hvorfor ændringen afvises (mindst 5 tegn).")})
    if len(note) > TextLimit.REASON:
        raise ValidationError(
            {"note": _("Begrundelsen er for lang: højst %(n)s tegn.") % {"n": TextLimit.REASON}}
        )
    change = _locked(change, expected_version)
    _require(actor, "rights.confirm_access_change", change)
    change.status = AccessChangeStatus.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note
    change.version += 1
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version"])
    event_write(
        ev.AccessChangeRejected(
            change_kind=change.kind, user=change.user_id, requested_by=change.requested_by_id
        ),
        actor=actor,
        subject=change,
    )
    return change


@transaction.atomic
def access_change_withdraw(*, actor, change: AccessChange) -> AccessChange:
    """The person who asked takes a pending request back."""
    change = _locked(change, None)
    _require(actor, "rights.withdraw_access_change", change)
    change.status = AccessChangeStatus.WITHDRAWN
    change.decided_at = timezone.now()
    change.version += 1
    change.save(update_fields=["status", "decided_at", "version"])
    event_write(
        ev.AccessChangeWithdrawn(change_kind=change.kind, user=change.user_id),
        actor=actor,
        subject=change,
    )
    return change


# --- applying ------------------------------------------------------------------------------


def _end(obj, *, valid_to: date, now):
    """End a role or membership: at once when ``valid_to`` is today (``ended_at``), else
    after ``valid_to``. A role that had not started yet ends on its first day."""
    today = timezone.localdate()
    obj.valid_to = max(valid_to, obj.valid_from)
    fields = ["valid_to"]
    if valid_to <= today:
        obj.ended_at = now
        fields.append("ended_at")
    obj.save(update_fields=fields)


def _start(model, *, valid_from: date, **fields):
    obj = model(valid_from=max(valid_from, timezone.localdate()), **fields)
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(
            _("Brugeren havde allerede denne adgang fra samme dag; prøv igen i morgen.")
        ) from None
    return obj


def _apply(change: AccessChange, *, actor) -> None:
    """Make the change take effect and write its organisation event(s)."""
    now = timezone.now()
    kind = change.kind
    planned_end = None
    if kind in (AccessChangeKind.ROLE_END, AccessChangeKind.ROLE_MOVE):
        old = RoleAssignment.objects.select_for_update().get(pk=change.assignment_id)
        if kind == AccessChangeKind.ROLE_MOVE:
            # A move confirmed after the role ended would bring the role back; a move of a
            # role with a last day set would drop that day (and a move down needs nobody
            # else): the moved role keeps the planned last day.
            if not _still_in_force(old):
                raise ValidationError(
                    _("Rollen er ophørt, efter at flytningen blev anmodet. Afvis anmodningen.")
                )
            planned_end = old.valid_to
        valid_to = change.valid_to if kind == AccessChangeKind.ROLE_END else None
        _end(old, valid_to=valid_to or timezone.localdate(), now=now)
        event_write(
            ev.RoleRevoked(
                user=old.user_id,
                role=old.role,
                unit=old.unit_id,
                valid_to=old.valid_to,
                change=change.pk,
            ),
            actor=actor,
            subject=old,
        )
    if kind in (AccessChangeKind.ROLE_GRANT, AccessChangeKind.ROLE_MOVE):
        new = _start(
            RoleAssignment,
            valid_from=change.valid_from or timezone.localdate(),
            user=change.user,
            role=change.role,
            unit=change.unit,
            valid_to=planned_end,
        )
        if kind == AccessChangeKind.ROLE_GRANT:
            change.assignment = new
            change.save(update_fields=["assignment"])
        event_write(
            ev.RoleGranted(
                user=new.user_id,
                role=new.role,
                unit=new.unit_id,
                valid_from=new.valid_from,
                change=change.pk,
            ),
            actor=actor,
            subject=new,
        )
    if kind == AccessChangeKind.TEAM_JOIN:
        membership = _start(
            TeamMembership,
            valid_from=change.valid_from or timezone.localdate(),
            user=change.user,
            team=change.unit,
        )
        change.membership = membership
        change.save(update_fields=["membership"])
        event_write(
            ev.TeamJoined(
                user=membership.user_id,
                team=membership.team_id,
                valid_from=membership.valid_from,
                change=change.pk,
            ),
            actor=actor,
            subject=membership,
        )
    if kind == AccessChangeKind.TEAM_LEAVE:
        membership = change.membership
        _end(membership, valid_to=change.valid_to or timezone.localdate(), now=now)
        event_write(
            ev.TeamLeft(
                user=membership.user_id,
                team=membership.team_id,
                valid_to=membership.valid_to,
                change=change.pk,
            ),
            actor=actor,
            subject=membership,
        )
    if kind in (AccessChangeKind.PROTECTED_ADDRESSES, AccessChangeKind.PROTECTED_ADDRESSES_END):
        allowed = kind == AccessChangeKind.PROTECTED_ADDRESSES
        User.objects.filter(pk=change.user_id).update(may_see_protected_addresses=allowed)
        event = ev.ProtectedAddressAccessChanged(
            user=change.user_id, allowed=allowed, change=change.pk
        )
        event_write(
            event,
            actor=actor,
            subject=change.user,
        )
    if kind == AccessChangeKind.USER_REACTIVATE:
        User.objects.filter(pk=change.user_id).update(is_active=True)
        event_write(
            ev.UserReactivated(user=change.user_id, change=change.pk),
            actor=actor,
            subject=change.user,
        )
    if not change.widens:
        change.status = AccessChangeStatus.APPLIED
        change.decided_at = now
        change.save(update_fields=["status", "decided_at"])
