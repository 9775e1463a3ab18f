"""AS2 endpoints. Bodies are streamed to disk (never through Django's in-memory body, which is
capped at 2.5 MB), and every kind of bad request gets a clean 4xx or an error MDN, never a 500."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from edi.services.as2 import HttpAnswer, as2_receive, as2_receive_async_mdn, spool_dir

log = logging.getLogger(__name__)
CHUNK = 1 << 20


def _respond(answer: HttpAnswer) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.AS2_MAX_BODY_BYTES


def _spool_body(request: HttpRequest) -> Path | None:
    """Copy the request body to a file in chunks; None if it grows past the limit."""
    fd, name = tempfile.mkstemp(prefix=".as2-in-", dir=spool_dir())
    total = 0
    with os.fdopen(fd, "wb") as fh:
        while chunk := request.read(CHUNK):
            total += len(chunk)
            if total > settings.AS2_MAX_BODY_BYTES:
                Path(name).unlink(missing_ok=True)
                return None
            fh.write(chunk)
    return Path(name)


@csrf_exempt
def as2_inbox(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("POST AS2 messages here (RFC 4130).\n", status=405, content_type="text/plain",
                            headers={"Allow": "POST"})
    if _too_large(request):
        return HttpResponse("message too large\n", status=413, content_type="text/plain")
    body = None
    try:
        body = _spool_body(request)
        if body is None:
            return HttpResponse("message too large\n", status=413, content_type="text/plain")
        return _respond(as2_receive(request.headers, body))
    except Exception:  # noqa: BLE001 - a sender gets "try again", never a stack trace
        log.exception("AS2 receive failed unexpectedly")
        return HttpResponse("temporarily unable to accept AS2 messages\n", status=503, content_type="text/plain",
                            headers={"Retry-After": "60"})
    finally:
        if body is not None:
            body.unlink(missing_ok=True)


@csrf_exempt
def as2_mdn_inbox(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("POST asynchronous MDNs here.\n", status=405, content_type="text/plain",
                            headers={"Allow": "POST"})
    if int(request.META.get("CONTENT_LENGTH") or 0) > 10 * CHUNK:
        return HttpResponse("MDN too large\n", status=413, content_type="text/plain")
    try:
        return _respond(as2_receive_async_mdn(request.headers, request.read(10 * CHUNK)))
    except Exception:  # noqa: BLE001
        log.exception("async MDN handling failed unexpectedly")
        return HttpResponse("temporarily unable to accept MDNs\n", status=503, content_type="text/plain")
