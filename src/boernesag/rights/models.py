"""Changes of staff access with separation of duties (issue 9, item 3).

An ``AccessChange`` is one change of one user's access: a role granted, ended or moved to
another unit, a team joined or left, the right to see protected addresses given or taken.
Changes that widen access wait (``pending``) until a second person confirms them; the
database itself refuses a decision by the person who asked or by the person the change is
about (check constraints), whatever code path tries.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.accounts.constants import Role
from boernesag.rights.constants import AccessChangeKind, AccessChangeStatus

USER = settings.AUTH_USER_MODEL


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="AccessChangeHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class AccessChange(models.Model):
    kind = models.CharField(_("ændring"), max_length=30, choices=AccessChangeKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccessChangeStatus.choices,
        default=AccessChangeStatus.PENDING,
    )
    user = models.ForeignKey(
        USER, verbose_name=_("bruger"), on_delete=models.PROTECT, related_name="access_changes"
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices, blank=True)
    # the unit of a role granted, the new unit of a role moved, the team joined
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the role ended or moved (and, once applied, the role granted)
    assignment = models.ForeignKey(
        "accounts.RoleAssignment",
        verbose_name=_("rolle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the membership ended (and, once applied, the membership made)
    membership = models.ForeignKey(
        "accounts.TeamMembership",
        verbose_name=_("teammedlemskab"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("fra"), null=True, blank=True)
    valid_to = models.DateField(_("til"), null=True, blank=True)
    widens = models.BooleanField(_("udvider adgang"))
    reason = models.TextField(_("begrundelse"))
    requested_by = models.ForeignKey(
        USER, verbose_name=_("anmodet af"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("anmodet"), default=timezone.now)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("afgjort af"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    decision_note = models.TextField(_("begrundelse for afvisning"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("adgangsændring")
        verbose_name_plural = _("adgangsændringer")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # four eyes, in the database: never decided by the one who asked ...
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="access_change_not_decided_by_requester",
                violation_error_message=_("Du kan ikke afgøre din egen anmodning."),
            ),
            # ... nor by the person whose access it changes
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("user")),
                name="access_change_not_decided_by_subject",
                violation_error_message=_("Du kan ikke afgøre en ændring af din egen adgang."),
            ),
            # a widening change is applied only by a second person
            models.CheckConstraint(
                condition=~Q(status=AccessChangeStatus.APPLIED, widens=True)
                | Q(decided_by__isnull=False),
                name="access_change_widening_confirmed",
                violation_error_message=_("En udvidelse af adgang skal godkendes af en anden."),
            ),
            models.CheckConstraint(
                condition=~Q(status=AccessChangeStatus.REJECTED) | ~Q(decision_note=""),
                name="access_change_rejection_has_reason",
                violation_error_message=_("Skriv hvorfor ændringen afvises."),
            ),
            # the same change cannot wait twice (a double submit)
            models.UniqueConstraint(
                fields=["kind", "user", "role", "unit", "assignment", "membership"],
                condition=Q(status=AccessChangeStatus.PENDING),
                nulls_distinct=False,
                name="access_change_pending_once",
                violation_error_message=_("Der venter allerede en anmodning om den samme ændring."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-requested_at"], name="access_change_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.user}"

    @property
    def is_pending(self) -> bool:
        return self.status == AccessChangeStatus.PENDING

    @property
    def self_change(self) -> bool:
        return self.user_id == self.requested_by_id

    def describe(self) -> str:
        """What the change does, in Danish (for lists and the confirmation)."""
        role = self.get_role_display() if self.role else ""
        unit = str(self.unit) if self.unit_id else ""
        if self.kind == AccessChangeKind.ROLE_GRANT:
            return _("%(role)s i %(unit)s") % {"role": role, "unit": unit}
        if self.kind == AccessChangeKind.ROLE_MOVE:
            return _("%(role)s flyttes fra %(old)s til %(unit)s") % {
                "role": role,
                "old": self.assignment.unit if self.assignment_id else "",
                "unit": unit,
            }
        if self.kind == AccessChangeKind.ROLE_END:
            return _("%(role)s i %(unit)s") % {
                "role": role,
                "unit": self.assignment.unit if self.assignment_id else unit,
            }
        if self.kind in (AccessChangeKind.TEAM_JOIN,):
            return unit
        if self.kind == AccessChangeKind.TEAM_LEAVE:
            return str(self.membership.team) if self.membership_id else unit
        return ""
