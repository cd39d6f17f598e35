"""Background tasks (django-tasks) of the audit trail."""

from __future__ import annotations

from django_tasks import task

from boernesag.accounts.services import login_attempts_prune
from boernesag.audit.anchoring import audit_anchor


@task()
def audit_daily() -> dict:
    """Anchor the access log outside the database and prune old login attempts. Both are
    safe to repeat: an extra anchor is one more line, pruning removes nothing twice."""
    checkpoint, places = audit_anchor()
    pruned = login_attempts_prune()
    return {"anchored_head": checkpoint["head_id"], "places": places, "pruned": pruned}
