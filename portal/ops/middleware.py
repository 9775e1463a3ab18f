"""Per request: a fresh log context, and the latency histogram behind ``tsunagi_http_request_seconds``."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal import logging as log_context


def _probe(name: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        from portal.views import health

        return getattr(health, name)(request)

    return view


PROBES = {"/healthz": _probe("healthz"), "/readyz": _probe("readyz")}


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal import metrics

        if request.path in PROBES:
            # Answered before host validation and the HTTPS redirect: orchestrators probe over
            # plain HTTP with whatever Host header they like, and the answer names no host.
            return PROBES[request.path](request)
        log_context.clear()
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex[:16]
        log_context.bind(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            log_context.clear()
        match = getattr(request, "resolver_match", None)
        # The route pattern, not the path: label values must stay few.
        route = match.route if match is not None and match.route else "<unmatched>"
        metrics.HTTP_SECONDS.labels(
            route=route[:80], method=request.method or "", status=f"{response.status_code // 100}xx",
            api="1" if request.path.startswith("/api/") else "0",
        ).observe(time.perf_counter() - started)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
