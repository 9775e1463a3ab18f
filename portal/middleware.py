from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from suppliers.selectors import membership_for


class SupplierContextMiddleware:
    """Puts the logged-in user's supplier membership on ``request.membership`` (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # One indexed query per authenticated request; anonymous requests cost nothing.
        request.membership = membership_for(request.user) if request.user.is_authenticated else None  # type: ignore[attr-defined]
        return self.get_response(request)


class MfaEnforcementMiddleware:
    """A supplier that requires two-factor login sends its users without an authenticator to
    set one up before anything else; the MFA, logout and language pages stay reachable.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/readyz", "/as2/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            membership = request.membership  # type: ignore[attr-defined]
            if membership and membership.supplier.require_mfa and not _has_totp(request.user):
                if request.path.startswith("/api/"):
                    return HttpResponse(
                        '{"title": "Two-factor login required", "status": 403}',
                        status=403, content_type="application/problem+json",
                    )
                return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
