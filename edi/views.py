"""AS2 endpoints. Bodies are streamed to disk (never through Django's in-memory body, which is
capped at 2.5 MB), and every kind of bad request gets a clean 4xx or an error MDN, never a 500."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from edi.services.as2 import HttpAnswer, as2_receive, as2_receive_async_mdn, body_spool_dir

log = logging.getLogger(__name__)
CHUNK = 1 << 20
MDN_MAX_BYTES = 10 * CHUNK


def _respond(answer: HttpAnswer) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _plain(text: str, status: int, **headers: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain", headers=headers or None)


def _declared_length(request: HttpRequest) -> int | None:
    """The Content-Length, None when the body is chunked; raises ValueError when unusable."""
    raw = request.META.get("CONTENT_LENGTH")
    if not raw:
        return None if _chunked(request) else 0
    length = int(raw)
    if length < 0:
        raise ValueError(raw)
    return length


def _chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _body_stream(request: HttpRequest) -> Any:
    # Django reads at most Content-Length bytes; a chunked body has none, but the WSGI server
    # (gunicorn) de-chunks wsgi.input and ends it where the body ends.
    return request.environ["wsgi.input"] if _chunked(request) else request


def _spool_body(request: HttpRequest, limit: int) -> Path | None:
    """Copy the request body to a file in chunks; None if it grows past ``limit``."""
    stream = _body_stream(request)
    fd, name = tempfile.mkstemp(prefix=".as2-in-", dir=body_spool_dir())
    total = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    Path(name).unlink(missing_ok=True)
                    return None
                fh.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


@csrf_exempt
def as2_inbox(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _plain("POST AS2 messages here (RFC 4130).\n", 405, Allow="POST")
    limit = settings.AS2_MAX_BODY_BYTES
    try:
        length = _declared_length(request)
    except ValueError:
        return _plain("bad Content-Length\n", 400)
    if length is None and not request.environ.get("wsgi.input_terminated"):
        # a chunked body on a server that does not end wsgi.input (runserver): refuse, don't hang
        return _plain("send a Content-Length\n", 411)
    if length is not None and length > limit:
        return _plain("message too large\n", 413)
    body = None
    try:
        body = _spool_body(request, limit)
        if body is None:
            return _plain("message too large\n", 413)
        return _respond(as2_receive(request.headers, body))
    except OSError:
        # the sender hung up mid-body, or our disk is full: either way nothing was kept
        log.warning("AS2 body could not be read or spooled", exc_info=True)
        return _plain("temporarily unable to accept AS2 messages\n", 503, **{"Retry-After": "60"})
    except Exception:  # a sender gets "try again", never a stack trace
        log.exception("AS2 receive failed unexpectedly")
        return _plain("temporarily unable to accept AS2 messages\n", 503, **{"Retry-After": "60"})
    finally:
        if body is not None:
            body.unlink(missing_ok=True)


@csrf_exempt
def as2_mdn_inbox(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _plain("POST asynchronous MDNs here.\n", 405, Allow="POST")
    try:
        length = _declared_length(request)
    except ValueError:
        return _plain("bad Content-Length\n", 400)
    if length is None and not request.environ.get("wsgi.input_terminated"):
        return _plain("send a Content-Length\n", 411)
    if length is not None and length > MDN_MAX_BYTES:
        return _plain("MDN too large\n", 413)
    try:
        body = _body_stream(request).read(MDN_MAX_BYTES + 1)
        if len(body) > MDN_MAX_BYTES:
            return _plain("MDN too large\n", 413)
        return _respond(as2_receive_async_mdn(request.headers, body))
    except Exception:  # "try again", never a stack trace
        log.exception("async MDN handling failed unexpectedly")
        return _plain("temporarily unable to accept MDNs\n", 503, **{"Retry-After": "60"})
