"""Refused attempts are logged with the user's identity, whichever check refused them."""

from __future__ import annotations

from boernesag.authz.services import refusal_record

REFUSED = (403, 404)


class RefusalLogMiddleware:
    """Records every 403/404 answered to a logged-in user by a resolved view.

    The gate (``boernesag.cases.gate``) puts the target on ``request.gate_refusal``
    before raising; other refusals (a role's page, ``get_object_or_404``) are recorded with
    the URL name and its arguments. Unknown URLs (no view resolved) and form-expiry
    (CSRF) answers are not refusals. Runs outside the view's transaction, so a rolled-back
    view cannot take its refusal record with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            self._record(request, response.status_code)
        return response

    def _record(self, request, status: int) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None:
            return
        if getattr(request, "csrf_failed", False):
            return
        target = getattr(request, "gate_refusal", None) or {}
        kwargs = match.kwargs or {}
        object_ref = target.get("object_ref") or ",".join(
            f"{k}={v}" for k, v in sorted(kwargs.items())
        )
        refusal_record(
            user=user,
            status=status,
            what=target.get("what", ""),
            case_id=target.get("case_id"),
            child_id=target.get("child_id"),
            object_ref=object_ref,
            method=request.method or "",
            url_name=match.view_name or "",
            path=request.path,
        )
