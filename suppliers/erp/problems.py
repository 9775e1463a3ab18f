"""RFC 7807 problem details for every API error.

Every 4xx (and the rare 5xx) of the API is ``application/problem+json``::

    {"type": "https://tsunagi.dev/problems/validation", "title": "Invalid input", "status": 400,
     "detail": "...", "errors": {"lines[0].quantity": ["must be a decimal string like 12.50"]}}

``errors`` maps a field path to its messages, for validation problems.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from suppliers.errors import DomainError, InvalidTransition
from suppliers.errors import PermissionDenied as DomainPermissionDenied

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
BASE = "https://tsunagi.dev/problems/"

TITLES = {
    400: "Invalid input",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable document",
    429: "Too many requests",
}
TYPES = {400: "validation", 401: "not-authenticated", 403: "forbidden", 404: "not-found",
         405: "method-not-allowed", 406: "not-acceptable", 409: "conflict", 413: "too-large",
         415: "unsupported-media-type", 422: "unprocessable", 429: "throttled"}


class Conflict(exceptions.APIException):
    """The request contradicts what is on file (an older revision, a cursor behind the ack)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    """Well-formed, but the business rules refuse it (unknown supplier, part, plant...)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The document cannot be applied."
    default_code = "unprocessable"


def problem(status_code: int, detail: str = "", *, errors: dict[str, list[str]] | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": BASE + TYPES.get(status_code, "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure → {"lines[0].quantity": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, int):  # DRF reports list items as {index: errors}
                path = f"{prefix}[{key}]"
            else:
                name = "" if key in ("non_field_errors", "detail") else str(key)
                path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for k, v in _flatten(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(data, list):
        if all(not isinstance(v, (dict, list)) for v in data):
            out.setdefault(prefix, []).extend(str(v) for v in data)
        else:
            for i, value in enumerate(data):
                for k, v in _flatten(value, f"{prefix}[{i}]").items():
                    out.setdefault(k, []).extend(v)
    elif data not in (None, ""):
        out.setdefault(prefix, []).append(str(data))
    return {k or "document": v for k, v in out.items() if v}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidTransition):
        exc = Conflict(str(exc))
    elif isinstance(exc, DomainPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, DomainError):
        exc = Unprocessable(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling (logged), never hidden
    code = response.status_code
    errors = None
    detail = ""
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "The request has invalid fields." if errors else ""
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else ""
        if isinstance(exc.detail, (dict, list)):
            errors = _flatten(exc.detail)
    elif isinstance(exc, (Http404, DjangoPermissionDenied)):
        detail = ""
    extra = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = int(exc.wait)
    request = context.get("request")
    if request is not None:
        extra["instance"] = request.path
    response.data = problem(code, detail, errors=errors, extra=extra)
    response.content_type = PROBLEM_JSON
    return response


@csrf_exempt  # an unknown address is a 404 for every method, not a CSRF failure
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/: a problem document, not the HTML 404 page."""
    return JsonResponse(problem(404, "No API endpoint at this address.", extra={"instance": request.path}),
                        status=404, content_type=PROBLEM_JSON)
