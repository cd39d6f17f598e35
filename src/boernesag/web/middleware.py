from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class SecurityHeadersMiddleware:
    """Strict Content-Security-Policy (no inline script or style) and related headers;
    pages shown to logged-in users are never stored by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response.headers["Cache-Control"] = "no-store"
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs login unless its view is marked ``login_not_required``."""
