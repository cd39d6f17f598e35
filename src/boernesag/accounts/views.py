import time
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from boernesag.accounts import second_factor, selectors, services
from boernesag.accounts.constants import LoginFactor
from boernesag.accounts.forms import LoginForm, SecondFactorForm
from boernesag.accounts.middleware import SETUP_REQUIRED
from boernesag.accounts.models import User

PENDING = "second_factor_pending"


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _safe_next(request) -> str | None:
    """Where to go after login: a path on this site that exists, else None (the start
    page). Never another host (``//evil``, ``https://…``, ``/\\evil``), never a name that
    Django would try to reverse (``next=x`` once gave a 500)."""
    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    path = urlsplit(target).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace == "accounts" and match.url_name in {"login", "login_code", "logout"}:
        return None
    return target


def _redirect_next(request, fallback: str = "web:home"):
    target = _safe_next(request)
    return HttpResponseRedirect(target) if target else redirect(fallback)


def _until(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def _complete_login(request, user, *, factor: str | None = None):
    login(request, user, backend=user.backend)
    if factor:
        request.session["second_factor"] = factor
    elif second_factor.second_factor_required(user):
        request.session[SETUP_REQUIRED] = True
        messages.info(
            request,
            _("Din rolle kræver to-faktor-login. Slå det til, før du fortsætter."),
        )
        return redirect("accounts:second_factor")
    return _redirect_next(request)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return _redirect_next(request)
    form = LoginForm(request.POST or None)
    error = None
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_authenticate(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip_address=_client_ip(request),
            )
        except services.AccountLocked as locked:
            error = _(
                "Kontoen er midlertidigt låst efter for mange forkerte forsøg. Prøv igen "
                "efter kl. %(until)s, eller bed en administrator om at låse den op."
            ) % {"until": _until(locked.locked_until)}
        except services.AddressLocked as locked:
            status = 429
            error = _(
                "Der har været for mange forkerte loginforsøg fra din netværksadresse. Prøv "
                "igen efter kl. %(until)s, eller kontakt kommunens IT-support."
            ) % {"until": _until(locked.locked_until)}
        except services.LoginThrottled:
            status = 429
            error = _(
                "Login er midlertidigt begrænset, fordi der lige nu er usædvanligt mange "
                "forkerte loginforsøg. Prøv igen om lidt, eller kontakt kommunens IT-support."
            )
        except services.LoginFailed:
            error = _("E-mail eller adgangskode er forkert. Prøv igen.")
        else:
            if second_factor.totp_device(user) is not None:
                request.session.cycle_key()
                request.session[PENDING] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "at": int(time.time()),
                    "next": _safe_next(request) or "",
                }
                return redirect("accounts:login_code")
            return _complete_login(request, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _safe_next(request) or ""},
        status=200 if error is None else status,
    )


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending:
        return None
    age = int(time.time()) - pending["at"]
    if age > settings.LOGIN_SECOND_FACTOR_MINUTES * 60:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code_view(request):
    """The second step of a login with an authenticator app."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Log ind med e-mail og adgangskode først."))
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            factor = second_factor.second_factor_verify(
                user=user, code=form.cleaned_data["code"], ip_address=_client_ip(request)
            )
        except second_factor.SecondFactorLocked as locked:
            request.session.pop(PENDING, None)
            error = _(
                "For mange forkerte koder. Prøv igen efter kl. %(until)s, eller bed en "
                "administrator om hjælp."
            ) % {"until": _until(locked.locked_until)}
        except second_factor.SecondFactorFailed:
            error = _("Koden er forkert eller udløbet. Skriv den kode, appen viser nu.")
        else:
            pending = request.session.pop(PENDING)
            response = _complete_login(request, user, factor=factor)
            if pending.get("next"):
                response = HttpResponseRedirect(pending["next"])
            if factor == LoginFactor.RECOVERY:
                messages.warning(
                    request,
                    _(
                        "Du loggede ind med en gendannelseskode. Du har %(left)d tilbage; lav "
                        "nye under Min konto, hvis du mangler din app."
                    )
                    % {"left": second_factor.recovery_codes_left(user)},
                )
            return response
    return render(
        request,
        "accounts/login_code.html",
        {"form": form, "error": error},
        status=200 if error is None else 400,
    )


@sensitive_post_parameters("code")
@never_cache
def second_factor_view(request):
    """Min konto → To-faktor-login: turn on (QR code and secret shown once, then recovery
    codes shown once), make new recovery codes, or turn off."""
    user = request.user
    context = {
        "breadcrumbs": [
            (_("Min konto"), reverse("accounts:profile")),
            (_("To-faktor-login"), None),
        ],
        "device": second_factor.totp_device(user),
        "required": second_factor.second_factor_required(user),
        "codes_left": second_factor.recovery_codes_left(user),
        "form": SecondFactorForm(),
    }
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "start":
        device = second_factor.totp_enrolment_start(user=user)
        context.update(_enrolment(device))
    elif action == "confirm":
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False, pk=request.POST.get("device")
        ).first()
        form = SecondFactorForm(request.POST)
        if device is None:
            messages.error(request, _("Start forfra: opsætningen er udløbet."))
            return redirect("accounts:second_factor")
        try:
            if not form.is_valid():
                raise second_factor.SecondFactorFailed()
            codes = second_factor.totp_enrolment_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except second_factor.SecondFactorFailed:
            context.update(_enrolment(device))
            context["form"] = form
            context["error"] = _("Koden passer ikke. Skriv den kode, appen viser nu.")
            return render(request, "accounts/second_factor.html", context, status=400)
        request.session.pop(SETUP_REQUIRED, None)
        request.session["second_factor"] = LoginFactor.TOTP
        context.update(device=second_factor.totp_device(user), recovery_codes=codes)
        messages.success(request, _("To-faktor-login er slået til."))
    elif action == "recovery" and context["device"] is not None:
        context["recovery_codes"] = second_factor.recovery_codes_create(user=user)
    elif action == "disable" and context["device"] is not None:
        form = SecondFactorForm(request.POST)
        try:
            if not form.is_valid():
                raise second_factor.SecondFactorFailed()
            second_factor.totp_disable(user=user, code=form.cleaned_data["code"])
        except PermissionError:
            messages.error(request, _("Din rolle kræver to-faktor-login; det kan ikke slås fra."))
        except second_factor.SecondFactorFailed:
            messages.error(request, _("Koden passer ikke; to-faktor-login er stadig slået til."))
        else:
            messages.success(request, _("To-faktor-login er slået fra."))
        return redirect("accounts:second_factor")
    return render(request, "accounts/second_factor.html", context)


def _enrolment(device) -> dict:
    uri = second_factor.totp_provisioning_uri(device)
    return {
        "enrolment_device": device,
        "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=4, border=2),
        "secret": " ".join(
            second_factor.totp_secret_base32(device)[i : i + 4]
            for i in range(0, len(second_factor.totp_secret_base32(device)), 4)
        ),
    }


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
