"""Records kept by the gate next to the access log (both append-only in the database).

``RefusedAccess``: every request the gate or a permission check refused (403, or 404 for
an object the user may not know exists), with the user and the target. Kept in its own
table, not in the hash-chained access log, so that refusals (which can come by the tens
of thousands from a probing script) never contend for the chain's lock.

``AccessLogChild``: a list page (Mine sager, the intake queue, search results …) writes ONE
access-log row and one ``AccessLogChild`` row per child shown. The access-log row's
``object_ref`` carries the count and a digest of these rows (``n=… h=…``), so the list is
covered by the chain: ``authz.services.list_children_verify`` recomputes the digests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boernesag.lib.append_only import append_only


@append_only
class RefusedAccess(models.Model):
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.PositiveSmallIntegerField(_("svar"))  # 403 or 404
    method = models.CharField(_("metode"), max_length=10, blank=True)
    url_name = models.CharField(_("side"), max_length=100, blank=True)
    path = models.CharField(_("adresse"), max_length=300, blank=True)
    what = models.CharField(_("hvad"), max_length=60, blank=True)
    # Plain ids, not foreign keys: attempts on objects that do not exist are kept too.
    case_id = models.BigIntegerField(_("sag"), null=True, blank=True)
    child_id = models.BigIntegerField(_("barn"), null=True, blank=True)
    object_ref = models.CharField(_("objekt"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("afvist forsøg")
        verbose_name_plural = _("afviste forsøg")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="refused_user_at"),
            models.Index(fields=["child_id", "-at"], name="refused_child_at"),
            models.Index(fields=["case_id", "-at"], name="refused_case_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status} {self.url_name}"


@append_only
class AccessLogChild(models.Model):
    # No database constraint: the access log is append-only anyway, and a log truncated by
    # someone with the owner's rights must leave these rows behind as evidence
    # (``list_children_verify`` reports children of rows that are gone).
    entry = models.ForeignKey(
        "audit.AccessLogEntry",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="children_shown",
    )
    child = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("barn vist på liste")
        verbose_name_plural = _("børn vist på lister")
        constraints = [
            models.UniqueConstraint(fields=["entry", "child"], name="accesslogchild_unique")
        ]
        indexes = [models.Index(fields=["child", "entry"], name="accesslogchild_child")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.child_id}"
