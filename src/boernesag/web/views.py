from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from boernesag.accounts.selectors import user_role_assignments, user_teams
from boernesag.cases import gate
from boernesag.web import front_pages
from boernesag.web.navigation import NAV_BY_KEY, nav_for


def home(request):
    """Each role opens on what needs it now (``web.front_pages``); a user with several roles
    sees each part. The cards of the user's areas follow."""
    user = request.user
    context = {
        "assignments": user_role_assignments(user=user),
        "teams": user_teams(user=user),
        "sections": [item for item in nav_for(user)],
    }
    shown: set[tuple[int, int | None]] = set()
    if user.has_perm("deadlines.view_own") and user.has_perm("cases.view_my_cases"):
        context["week"] = front_pages.my_week(request, shown)
    if user.has_perm("intake.view_queue"):
        context["intake"] = front_pages.intake_front(request, shown)
    if user.has_perm("deadlines.view_team"):
        context["team"] = front_pages.team_front(request, shown)
    # one access-log row naming every child the page shows (nothing when it shows none)
    gate.list_logged(request, sorted(shown, key=str), what="front_page", refs=lambda p: p)
    context["now"] = timezone.now()
    return render(request, "web/home.html", context)


def coming_soon(request, key: str):
    item = NAV_BY_KEY.get(key)
    if item is None or not item.coming_soon:
        raise Http404
    gate.require(request, item.perm)
    return render(
        request, "web/coming_soon.html", {"item": item, "breadcrumbs": [(item.label, None)]}
    )


@login_not_required
@requires_csrf_token
def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # More text than any form takes (DATA_UPLOAD_MAX_MEMORY_SIZE): nothing was saved.
        return render(
            request,
            "413.html",
            {"max_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1_000_000},
            status=413,
        )
    return render(request, "400.html", status=400)


@login_not_required
@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
@requires_csrf_token
def server_error(request):
    # No context processors: the database may be what failed.
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("500.html").render())


@login_not_required
def csrf_failure(request, reason=""):
    request.csrf_failed = True  # an expired form, not a refused access (authz middleware)
    return render(
        request,
        "403.html",
        {"message": _("Formularen var udløbet. Gå tilbage, genindlæs siden og prøv igen.")},
        status=403,
    )
