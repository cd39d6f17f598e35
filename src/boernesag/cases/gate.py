"""The one gate: every read of a child's or case's data goes through here.

Pages, HTMX partials, lists, search results, downloads, exports — and later the API — get
their case or child from this module, which

1. applies need-to-know through the permission registry (``user.has_perm``);
2. answers **404** when the user may not know the object exists, **403** only when the
   user may see it but not do the action;
3. writes **exactly one** access-log row per page (lists: one row naming every child shown,
   see ``list_logged``), with the reason when reasoned access is what lets the user in;
4. records every refusal with the user and the target (``authz.RefusedAccess``).

API (``request_or_user``: the request in views — then refusals carry the URL — or a user in
services and tasks)::

    case = case_get(request, pk, what="journal")                      # read, logged
    case = case_get(request, pk, what="journal", action="write_journal")  # 404 / 403 / ok
    case, entry = case_object_get(request, pk, JournalEntry, entry_pk, what="journal_entry",
                                  action="write_journal", perm="cases.correct_journal")
    child = child_get(request, pk, what="child_page")
    rows = list_logged(request, queryset, what="my_cases")           # one row per page
    require(request, "cases.view_my_cases")                           # 403 (logged) if not

    @gated_case("documents", on_post="upload_document")   # view(request, case, **rest)
    def case_documents(request, case): ...

    @permission_required("cases.view_team_cases")
    def team_cases(request): ...

``action`` is ``"view"``, ``"edit"``, ``"reassign"`` (short for ``cases.<action>_case``), a
short case permission (``"write_journal"`` → ``cases.write_journal``) or any registered
permission name checked against the case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from boernesag.audit.services import access_log_record
from boernesag.authz.services import children_digest, list_children_record, refusal_record
from boernesag.cases.access import active_grant_for, case_visibility_q, case_visible, scope_for
from boernesag.cases.models import Case
from boernesag.persons.models import Person

__all__ = [
    "case_get",
    "case_object_get",
    "child_get",
    "gated_case",
    "list_logged",
    "log_read",
    "permission_required",
    "refuse",
    "require",
]


def _split(request_or_user):
    user = getattr(request_or_user, "user", None)
    if user is not None and hasattr(request_or_user, "method"):
        return request_or_user, user
    return None, request_or_user


def _perm_for(action: str) -> str:
    """``view``/``edit``/``reassign`` → ``cases.<action>_case``; ``write_journal`` →
    ``cases.write_journal``; a dotted name is used as it is."""
    if "." in action:
        return action
    if action in ("view", "edit", "reassign"):
        return f"cases.{action}_case"
    return f"cases.{action}"


def refuse(
    request_or_user,
    *,
    status: int = 404,
    what: str = "",
    case_id: int | None = None,
    child_id: int | None = None,
    object_ref="",
):
    """Refuse with 404 (may not know it exists) or 403 (may not do this), recording who
    tried what. In a request the refusal middleware writes the record after the view (outside
    its transaction); without a request it is written here."""
    request, user = _split(request_or_user)
    target = {
        "what": what,
        "case_id": case_id,
        "child_id": child_id,
        "object_ref": str(object_ref),
    }
    if request is not None:
        # DRF wraps the Django request: the middleware sees the inner one
        getattr(request, "_request", request).gate_refusal = target
    elif getattr(user, "is_authenticated", False):
        refusal_record(user=user, status=status, **target)
    if status == 403:
        raise PermissionDenied
    raise Http404


def require(request_or_user, perm: str, obj=None, *, what: str = "") -> None:
    """403 (recorded) unless the user has ``perm`` (on ``obj``)."""
    _, user = _split(request_or_user)
    if not user.has_perm(perm, obj):
        refuse(request_or_user, status=403, what=what or perm, object_ref=getattr(obj, "pk", ""))


def _grant_reason(user, child_id: int, case: Case | None) -> tuple[str, int | None]:
    """The reason to log when reasoned access is what lets the user in."""
    if child_id not in scope_for(user).granted_child_ids:
        return "", None
    if case is not None and case_visible(user, case, include_grants=False):
        return "", None
    if case is None:
        others = Case.objects.filter(
            case_visibility_q(user, include_grants=False), child_id=child_id
        )
        if others.exists():
            return "", None
    grant = active_grant_for(user, child_id)
    return (grant.reason, grant.pk) if grant else ("", None)


def log_read(
    request_or_user,
    *,
    what: str,
    child_id: int,
    case_id: int | None = None,
    object_ref="",
    case: Case | None = None,
):
    """One access-log row for a page about one child whose need-to-know was checked by the
    caller (``case_get``/``child_get`` call this; use it directly only for pages that gate an
    object of their own, e.g. an intake item with one visible child)."""
    _, user = _split(request_or_user)
    reason, grant_id = _grant_reason(user, child_id, case)
    return access_log_record(
        user=user,
        what=what,
        child_id=child_id,
        case_id=case_id,
        object_ref=str(object_ref),
        reason=reason,
        grant_id=grant_id,
    )


def _case_checked(request_or_user, pk, *, what, action, object_ref, queryset) -> Case:
    _, user = _split(request_or_user)
    qs = (
        queryset
        if queryset is not None
        else Case.objects.select_related("child", "team", "caseworker")
    )
    case = qs.filter(pk=pk).first() if _is_int(pk) else None
    if case is None or not user.has_perm("cases.view_case", case):
        refuse(
            request_or_user,
            status=404,
            what=what,
            case_id=case.pk if case else _int_or_none(pk),
            child_id=case.child_id if case else None,
            object_ref=object_ref,
        )
    perm = _perm_for(action)
    if perm != "cases.view_case" and not user.has_perm(perm, case):
        refuse(
            request_or_user,
            status=403,
            what=what,
            case_id=case.pk,
            child_id=case.child_id,
            object_ref=object_ref,
        )
    return case


def case_get(
    request_or_user,
    pk,
    *,
    what: str,
    action: str = "view",
    object_ref="",
    queryset=None,
) -> Case:
    """The case ``pk`` if the user may know it (else 404) and may do ``action`` (else 403);
    writes one access-log row ``what``."""
    case = _case_checked(
        request_or_user, pk, what=what, action=action, object_ref=object_ref, queryset=queryset
    )
    log_read(
        request_or_user,
        what=what,
        child_id=case.child_id,
        case_id=case.pk,
        object_ref=object_ref,
        case=case,
    )
    return case


def case_object_get(
    request_or_user,
    pk,
    model,
    object_pk,
    *,
    what: str,
    action: str = "view",
    perm: str = "",
    queryset=None,
):
    """``(case, obj)`` for a page about one thing on a case (a journal entry, a document, a
    meeting …): the case as in ``case_get``; ``obj`` must belong to the case (else 404) and,
    if ``perm`` is given, the user must have it on ``obj`` (else 403). ``queryset`` narrows the
    objects (a queryset, or a function of the case returning one; what it leaves out answers
    404). Logs one row ``what`` with ``object_ref=object_pk`` — only after every check
    passed."""
    _, user = _split(request_or_user)
    case = _case_checked(
        request_or_user, pk, what=what, action=action, object_ref=object_pk, queryset=None
    )
    objects = queryset(case) if callable(queryset) else queryset
    objects = objects if objects is not None else model.objects
    obj = objects.filter(pk=object_pk, case=case).first() if _is_int(object_pk) else None
    if obj is None:
        refuse(
            request_or_user,
            status=404,
            what=what,
            case_id=case.pk,
            child_id=case.child_id,
            object_ref=object_pk,
        )
    if perm and not user.has_perm(perm, obj):
        refuse(
            request_or_user,
            status=403,
            what=what,
            case_id=case.pk,
            child_id=case.child_id,
            object_ref=object_pk,
        )
    log_read(
        request_or_user,
        what=what,
        child_id=case.child_id,
        case_id=case.pk,
        object_ref=object_pk,
        case=case,
    )
    return case, obj


def child_get(
    request_or_user, pk, *, what: str, action: str = "cases.view_child", object_ref=""
) -> Person:
    """The child ``pk`` if the user may know the child (else 404) and has ``action`` on the
    child (else 403); writes one access-log row ``what``."""
    _, user = _split(request_or_user)
    child = Person.objects.filter(pk=pk).first() if _is_int(pk) else None
    if child is None or not user.has_perm("cases.view_child", child):
        refuse(
            request_or_user, status=404, what=what, child_id=_int_or_none(pk), object_ref=object_ref
        )
    if action != "cases.view_child" and not user.has_perm(action, child):
        refuse(request_or_user, status=403, what=what, child_id=child.pk, object_ref=object_ref)
    log_read(request_or_user, what=what, child_id=child.pk, object_ref=object_ref)
    return child


def _refs_of(item) -> tuple[int | None, int | None]:
    """(child id, case id) of a list item: a child, a case, or anything with ``child_id``
    or a ``case``."""
    if isinstance(item, Person):
        return item.pk, None
    if isinstance(item, Case):
        return item.child_id, item.pk
    if hasattr(item, "child_id"):
        return item.child_id, getattr(item, "case_id", None)
    case = getattr(item, "case", None)
    if case is not None:
        return case.child_id, case.pk
    raise TypeError(f"list_logged: cannot tell which child {type(item).__name__} is about")


def list_logged(
    request_or_user,
    items: Iterable,
    *,
    what: str,
    refs: Callable | None = None,
    object_ref="",
) -> list:
    """Evaluate ``items`` (already filtered to what the user may see) and write ONE
    access-log row ``what`` naming every child shown (``authz.AccessLogChild``); nothing
    when no child is shown. ``refs(item) -> (child_id, case_id)`` overrides how an item's
    child is found. Returns the items as a list, for the template."""
    _, user = _split(request_or_user)
    rows = list(items)
    pairs = [(c, k) for c, k in map(refs or _refs_of, rows) if c is not None]
    if pairs:
        digest = children_digest(pairs)
        ref = f"{object_ref} {digest}".strip() if object_ref != "" else digest
        entry = access_log_record(user=user, what=what, object_ref=ref)
        list_children_record(entry=entry, refs=pairs)
    return rows


def gated_case(
    what: str,
    *,
    action: str = "view",
    on_post: str | None = None,
    object_ref_kwarg: str | None = None,
):
    """Decorator: ``view(request, pk, ...)`` becomes ``view(request, case, ...)`` with the
    case fetched through ``case_get`` (404/403/logged). ``on_post``: the action a POST needs
    (a page that shows a form needs ``view`` to read and e.g. ``write_journal`` to submit)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            ref = kwargs.get(object_ref_kwarg, "") if object_ref_kwarg else ""
            needed = on_post if on_post and request.method == "POST" else action
            case = case_get(request, pk, what=what, action=needed, object_ref=ref)
            return view(request, case, *args, **kwargs)

        return wrapper

    return decorate


def permission_required(perm: str):
    """Decorator: 403 (recorded) unless the user has the (object-less) permission."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _is_int(value) -> bool:
    """A usable primary key (URL converters accept digits beyond bigint)."""
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _int_or_none(value) -> int | None:
    return int(value) if _is_int(value) else None
