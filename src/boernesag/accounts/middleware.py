"""Session rules for logged-in users (docs/security.md "Sessioner")."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_STARTED = "auth_started_at"
SETUP_REQUIRED = "second_factor_setup_required"


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = int(time.time())


class SessionLifetimeMiddleware:
    """However active the user is, a session ends ``SESSION_ABSOLUTE_LIFETIME_HOURS`` after
    the login (the idle timeout ends it earlier when the user is away)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            now = int(time.time())
            if started is None:  # a session from before this rule: count from now
                request.session[SESSION_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_LIFETIME_HOURS * 3600:
                logout(request)
                messages.info(
                    request,
                    _(
                        "Du er logget ud, fordi du har været logget ind i mere end %(hours)d "
                        "timer. Log ind igen."
                    )
                    % {"hours": settings.SESSION_ABSOLUTE_LIFETIME_HOURS},
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:login')}?{query}")
        return self.get_response(request)


class SecondFactorSetupMiddleware:
    """A user whose role requires a second factor and who has not set one up can only set
    it up (or log out) until it is done."""

    allowed_names = {"accounts:second_factor", "accounts:logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SETUP_REQUIRED):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            name = f"{match.namespace}:{match.url_name}" if match else None
            static = request.path_info.startswith(settings.STATIC_URL)
            if name not in self.allowed_names and not static:
                return redirect("accounts:second_factor")
        return self.get_response(request)
