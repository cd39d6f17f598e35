"""Writing the gate's records. Callers are ``boernesag.cases.gate`` and the middleware."""

from __future__ import annotations

import hashlib
import re

from boernesag.authz.models import AccessLogChild, RefusedAccess

_CPR_LIKE = re.compile(r"\d{6}-?\d{4}")


def refusal_record(
    *,
    user,
    status: int,
    what: str = "",
    case_id: int | None = None,
    child_id: int | None = None,
    object_ref: str = "",
    method: str = "",
    url_name: str = "",
    path: str = "",
) -> RefusedAccess:
    """One refused attempt. The path is stored with anything CPR-shaped blanked out."""
    return RefusedAccess.objects.create(
        user_id=user.pk,
        status=status,
        what=what[:60],
        case_id=case_id,
        child_id=child_id,
        object_ref=str(object_ref)[:60],
        method=method[:10],
        url_name=url_name[:100],
        path=_CPR_LIKE.sub("…", path)[:300],
    )


def children_digest(refs: list[tuple[int, int | None]]) -> str:
    """``n=<count> h=<digest>`` of the (child, case) pairs a list page showed."""
    canonical = ";".join(f"{child}:{case or ''}" for child, case in sorted(set(refs)))
    return f"n={len(set(refs))} h={hashlib.sha256(canonical.encode()).hexdigest()[:32]}"


def list_children_record(*, entry, refs: list[tuple[int, int | None]]) -> None:
    """The children named by one list page's access-log row (``entry``)."""
    seen: dict[int, int | None] = {}
    for child_id, case_id in refs:
        seen.setdefault(child_id, case_id)
    AccessLogChild.objects.bulk_create(
        [AccessLogChild(entry=entry, child_id=c, case_id=k) for c, k in seen.items()]
    )


_DIGESTED = r"(^| )n=[0-9]+ h=[0-9a-f]{32}$"


def _stray(entry_id: int) -> str:
    return f"Række {entry_id}: børn på en række, der ikke er en liste (ændret eller slettet)."


def list_children_verify() -> tuple[bool, str]:
    """Every list row's ``object_ref`` digest matches the children stored for it, and no
    children hang on a row that is not a list. Streams both tables in entry order (a merge),
    so memory does not grow with the log."""
    from django.apps import apps

    entry_model = apps.get_model("audit", "AccessLogEntry")
    children = AccessLogChild.objects.order_by("entry_id", "id").values_list(
        "entry_id", "child_id", "case_id"
    )
    entries = (
        entry_model.objects.filter(object_ref__regex=_DIGESTED)
        .order_by("id")
        .values_list("id", "object_ref")
    )
    pending = iter(children.iterator(chunk_size=5000))
    current = next(pending, None)
    count = 0
    for entry_id, object_ref in entries.iterator(chunk_size=5000):
        refs = []
        while current is not None and current[0] <= entry_id:
            if current[0] < entry_id:
                return False, _stray(current[0])
            refs.append((current[1], current[2]))
            current = next(pending, None)
        if object_ref[object_ref.rindex("n=") :] != children_digest(refs):
            return False, f"Række {entry_id}: listen over viste børn er ændret."
        count += 1
    if current is not None:
        return False, _stray(current[0])
    return True, f"Listerne over viste børn er intakte ({count} sider)."
