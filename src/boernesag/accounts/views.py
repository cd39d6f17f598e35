from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from boernesag.accounts import selectors, services
from boernesag.accounts.forms import LoginForm


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request) or "web:home")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_authenticate(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip_address=_client_ip(request),
            )
        except services.AccountLocked as locked:
            until = formats.time_format(timezone.localtime(locked.locked_until), "H:i")
            error = _(
                "Kontoen er midlertidigt låst efter for mange forkerte forsøg. Prøv igen "
                "efter kl. %(until)s, eller bed en administrator om at låse den op."
            ) % {"until": until}
        except services.LoginFailed:
            error = _("E-mail eller adgangskode er forkert. Prøv igen.")
        else:
            login(request, user)
            return redirect(_safe_next(request) or "web:home")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _safe_next(request) or ""},
        status=200 if error is None else 400,
    )


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Du er logget ud."))
    return redirect("accounts:login")


@require_POST
def logout_everywhere_view(request):
    services.sessions_end_everywhere(user=request.user)
    logout(request)
    messages.info(request, _("Du er logget ud på alle enheder."))
    return redirect("accounts:login")


def profile_view(request):
    if request.method == "POST":
        wants = request.POST.get("wants_deadline_digest") == "on"
        services.user_digest_set(user=request.user, wants=wants)
        messages.success(request, _("Din indstilling er gemt."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": selectors.user_role_assignments(user=request.user),
            "teams": selectors.user_teams(user=request.user),
            "breadcrumbs": [(_("Min konto"), None)],
        },
    )
