"""API-key authentication, scope permissions and per-key rate limits for the REST API.

``Authorization: Api-Key tsk_<prefix>_<secret>``. The prefix finds the row; the SHA-256 of the
whole key is compared in constant time. The request's ``auth`` is a :class:`Caller` that says
who is calling: an ERP system (buyer side, everything its scope allows) or a supplier user's
key (that supplier's data only, read through the portal's selectors).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from suppliers.audit import Actor
from suppliers.erp.models import ApiKey
from suppliers.models import Supplier

KEYWORD = "Api-Key"
KEY_PREFIX = "tsk_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """``tsk_<prefix>_<secret>`` → ``<prefix>``; None for anything else."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = key[len(KEY_PREFIX):].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix


@dataclass(frozen=True)
class Caller:
    """Who is on the other end of an API request."""

    key: ApiKey | None
    supplier: Supplier | None  # set: a supplier's key or session, scoped to it
    scope: str  # read | write
    label: str

    @property
    def is_buyer_side(self) -> bool:
        return self.supplier is None

    @property
    def actor(self) -> Actor:
        return Actor.api(self.label)


class _KeyUser(AnonymousUser):
    """The ``request.user`` of an ERP key: authenticated, but no person and no permissions."""

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return "api-key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, key = header.partition(" ")
        if keyword.lower() not in (KEYWORD.lower(), "bearer"):
            return None
        key = key.strip()
        prefix = key_prefix(key)
        if prefix is None:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        api_key = ApiKey.objects.select_related("supplier", "user").filter(prefix=prefix).first()
        # Compare even when no row matched, so a wrong prefix costs the same as a wrong secret.
        expected = api_key.key_hash if api_key else "0" * 64
        if not hmac.compare_digest(key_hash(key), expected) or api_key is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.supplier_id is not None:
            user = api_key.user
            membership = getattr(user, "supplier_membership", None)
            if not (user and user.is_active and membership and membership.is_active
                    and membership.supplier_id == api_key.supplier_id):
                raise exceptions.AuthenticationFailed("The user of this API key is no longer active.")
            if api_key.supplier.status in (Supplier.Status.SUSPENDED, Supplier.Status.INACTIVE):
                raise exceptions.AuthenticationFailed("This supplier's access is suspended.")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)  # at most once a minute
        caller = Caller(key=api_key, supplier=api_key.supplier, scope=api_key.scope,
                        label=api_key.user.email if api_key.user_id else api_key.name)
        return (api_key.user if api_key.user_id else _KeyUser()), caller

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def caller_of(request: Request) -> Caller:
    """The caller of a request, whether it came with an API key or a portal session."""
    if isinstance(request.auth, Caller):
        return request.auth
    from suppliers.selectors import membership_for

    user = request.user
    membership = membership_for(user)
    if membership is not None:
        if membership.supplier.status in (Supplier.Status.SUSPENDED, Supplier.Status.INACTIVE):
            raise exceptions.PermissionDenied("This supplier's access is suspended.")
        return Caller(key=None, supplier=membership.supplier, scope=ApiKey.Scope.READ, label=user.email)
    if user.is_authenticated and user.is_staff and user.is_active:
        # A buyer trying the API in the browser (the docs page): read-only, buyer side.
        return Caller(key=None, supplier=None, scope=ApiKey.Scope.READ, label=user.email)
    raise exceptions.NotFound()


class ReadScope(permissions.BasePermission):
    """Every caller may read; writing needs a ``write`` key."""

    message = "This API key may only read."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return caller_of(request).scope == ApiKey.Scope.WRITE


class BuyerSide(permissions.BasePermission):
    """Endpoints for the buyer's systems only (feeds, master data, production data)."""

    message = "This endpoint is for the buyer's ERP keys, not for supplier keys."

    def has_permission(self, request, view) -> bool:
        return caller_of(request).is_buyer_side


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Requests per API key (per user for sessions, per address when anonymous)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        auth = request.auth
        if isinstance(auth, Caller) and auth.key is not None:
            ident = f"key{auth.key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "suppliers.erp.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Api-Key <key>`; create one with `python manage.py api-key create NAME --scope "
                           "read|write`, in the console, or (supplier users) on the portal's API key page.",
        }
