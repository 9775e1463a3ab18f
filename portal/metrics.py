"""Prometheus metrics at ``/metrics``.

Two kinds:

* **Read at scrape time** from the database and the broker by :class:`TsunagiCollector`, so they
  are right whichever process or machine did the work: interchanges by partner, direction and
  state; the last 24 hours by message type; failures; the backlog and the age of its oldest
  item; MDN outcomes; AS2 certificates' days left; messages waiting per queue and the age of
  the oldest (Redis) . The queries use indexed columns and the result is cached for
  ``METRICS_CACHE_SECONDS``, so several scrapers cost one set of queries.
* **Observed in the process** that did the work: HTTP (and so API) latency, task durations, AS2
  send latency. With several processes, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder per
  host, cleared at start) for web and workers: ``/metrics`` then adds up every process on the
  host; a worker-only host serves them with ``manage.py metrics_exporter``.

Access: ``Authorization: Bearer <METRICS_TOKEN>``, or a client address in
``METRICS_ALLOWED_NETWORKS``. With neither configured the endpoint answers 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
SEND_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

HTTP_SECONDS = Histogram("tsunagi_http_request_seconds", "Time to answer an HTTP request (api=1: the REST API)",
                         ["route", "method", "status", "api"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
TASK_SECONDS = Histogram("tsunagi_task_seconds", "Celery task run time", ["task", "queue", "outcome"],
                         buckets=SEND_BUCKETS, registry=REGISTRY)
AS2_SEND_SECONDS = Histogram("tsunagi_as2_send_seconds", "Sending one AS2 message, synchronous MDN included",
                             ["partner", "outcome"], buckets=SEND_BUCKETS, registry=REGISTRY)

PENDING_IN = ("received", "archived", "parsed", "acknowledged")
PENDING_OUT = ("queued", "sent")


class TsunagiCollector(Collector):
    """Reads the database and the broker when scraped (cached briefly)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, list[GaugeMetricFamily]] | None = None

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Without this, registering would call collect(), so importing the module (URL loading,
        # `manage.py check`) would query the database.
        return []

    def collect(self) -> Iterable[GaugeMetricFamily]:
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > settings.METRICS_CACHE_SECONDS:
                self._cached = (now, self._gather())
            return list(self._cached[1])

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    def _gather(self) -> list[GaugeMetricFamily]:
        families: list[GaugeMetricFamily] = []
        errors = GaugeMetricFamily("tsunagi_metrics_errors", "Parts of the scrape that failed (1) or not (0)",
                                   labels=["part"])
        for part, fn in (("database", self._database), ("queues", self._queues), ("certificates", self._certificates)):
            try:
                families.extend(fn())
                errors.add_metric([part], 0)
            except Exception:
                log.exception("metrics: %s failed", part)
                errors.add_metric([part], 1)
        families.append(errors)
        return families

    def _database(self) -> list[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django.utils import timezone

        from edi.models import Interchange

        now = timezone.now()
        since = now - timedelta(hours=24)
        totals = GaugeMetricFamily("tsunagi_interchanges", "Interchanges by partner, direction and state",
                                   labels=["partner", "direction", "state"])
        for partner, direction, state, n in (Interchange.objects.values_list("partner__code", "direction", "state")
                                             .annotate(n=Count("id")).order_by()):
            totals.add_metric([partner or "", direction, state], n)
        recent = GaugeMetricFamily("tsunagi_interchanges_24h",
                                   "Interchanges created in the last 24 hours by partner, direction, type and state",
                                   labels=["partner", "direction", "type", "state"])
        for partner, direction, types, state, n in (
                Interchange.objects.filter(created_at__gte=since)
                .values_list("partner__code", "direction", "document_types", "state").annotate(n=Count("id")).order_by()):
            recent.add_metric([partner or "", direction, (types or "")[:40], state], n)
        failures = GaugeMetricFamily("tsunagi_interchange_failures_24h", "Interchanges that failed in the last 24 hours",
                                     labels=["partner", "direction"])
        for partner, direction, n in (Interchange.objects.filter(state="failed", updated_at__gte=since)
                                      .values_list("partner__code", "direction").annotate(n=Count("id")).order_by()):
            failures.add_metric([partner or "", direction], n)
        backlog = GaugeMetricFamily("tsunagi_backlog", "Interchanges still moving (inbound: not yet processed; "
                                    "outbound: not yet sent or receipted)", labels=["direction"])
        oldest = GaugeMetricFamily("tsunagi_backlog_oldest_age_seconds",
                                   "Age of the oldest interchange still moving", labels=["direction"])
        for direction, states in (("in", PENDING_IN), ("out", PENDING_OUT)):
            row = Interchange.objects.filter(direction=direction, state__in=states).aggregate(
                n=Count("id"), first=Min("created_at"))
            backlog.add_metric([direction], row["n"])
            oldest.add_metric([direction], (now - row["first"]).total_seconds() if row["first"] else 0)
        mdn = GaugeMetricFamily("tsunagi_mdn_outcomes_24h",
                                "Outbound AS2 messages of the last 24 hours by receipt outcome", labels=["partner", "outcome"])
        outcomes: dict[tuple[str, str], int] = {}
        for partner, state, has_mdn, n in (
                Interchange.objects.filter(direction="out", channel="as2", created_at__gte=since)
                .exclude(partner__isnull=True)
                .values_list("partner__code", "state", "mdn").annotate(n=Count("id")).order_by()):
            outcome = _mdn_outcome(state, has_mdn)
            outcomes[(partner, outcome)] = outcomes.get((partner, outcome), 0) + n
        for (partner, outcome), n in sorted(outcomes.items()):
            mdn.add_metric([partner, outcome], n)
        return [totals, recent, failures, backlog, oldest, mdn]

    def _queues(self) -> list[GaugeMetricFamily]:
        depth = GaugeMetricFamily("tsunagi_queue_messages", "Messages waiting in each Celery queue", labels=["queue"])
        age = GaugeMetricFamily("tsunagi_queue_oldest_age_seconds",
                                "Age of the oldest waiting message (Redis only; 0 when the queue is empty)",
                                labels=["queue"])
        for name, count, oldest in queue_stats():
            depth.add_metric([name], count)
            if oldest is not None:
                age.add_metric([name], oldest)
        return [depth, age]

    def _certificates(self) -> list[GaugeMetricFamily]:
        from edi.admin import certificate_status
        from edi.models import TradingPartner

        days = GaugeMetricFamily("tsunagi_as2_certificate_days_left",
                                 "Days until the partner's AS2 certificate expires (the later one in a rollover)",
                                 labels=["partner"])
        for partner in TradingPartner.objects.filter(transport="as2", is_active=True):
            status = certificate_status(partner)
            if status:
                days.add_metric([partner.code], max(d for _s, d in status))
        return [days]


def _mdn_outcome(state: str, mdn: str) -> str:
    if state == "delivered":
        return "accepted"
    if state == "sent":
        return "awaiting"
    if state == "failed":
        return "refused" if mdn.startswith("refused") else ("negative" if mdn else "no_receipt")
    return "not_sent"


# --- queues ------------------------------------------------------------------------------------

REDIS_PRIORITY_SEPARATOR = "\x06\x16"


def queue_stats() -> list[tuple[str, int, float | None]]:
    """(queue, messages waiting, age in seconds of the oldest or None) for every queue we route to."""
    from portal.queues import all_queues

    url = settings.CELERY_BROKER_URL
    names = all_queues()
    if url.startswith("redis"):
        return _redis_queue_stats(url, names)
    if url.startswith(("amqp", "pyamqp")):
        return _amqp_queue_stats(url, names)
    return []


def _redis_queue_stats(url: str, names: list[str]) -> list[tuple[str, int, float | None]]:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    now = time.time()
    out = []
    try:
        for name in names:
            # kombu keeps priorities 3, 6, 9 in sibling lists; messages are LPUSHed, so the oldest is last
            keys = [name] + [f"{name}{REDIS_PRIORITY_SEPARATOR}{p}" for p in (3, 6, 9)]
            pipe = client.pipeline()
            for key in keys:
                pipe.llen(key)
            pipe.lindex(name, -1)
            *lengths, last = pipe.execute()
            out.append((name, sum(lengths), _message_age(last, now) if last else 0.0))
    finally:
        client.close()
    return out


def _message_age(raw: bytes, now: float) -> float | None:
    from portal.ops.signals import HEADER_SENT_AT

    try:
        sent = json.loads(raw).get("headers", {}).get(HEADER_SENT_AT)
    except (ValueError, AttributeError):
        return None
    return max(0.0, now - float(sent)) if sent else None


def _amqp_queue_stats(url: str, names: list[str]) -> list[tuple[str, int, float | None]]:
    from kombu import Connection

    out = []
    with Connection(url, connect_timeout=2) as conn:
        for name in names:
            channel = conn.channel()
            try:
                _q, count, _consumers = channel.queue_declare(queue=name, passive=True)
                out.append((name, count, None))
            except Exception:  # noqa: BLE001 - not declared yet: nobody sent to it, so nothing waits
                out.append((name, 0, None))
            finally:
                try:
                    channel.close()
                except Exception:  # noqa: BLE001 - a channel closed by the broker after a 404
                    pass
    return out


# --- exposition ---------------------------------------------------------------------------------

COLLECTOR = TsunagiCollector()
REGISTRY.register(COLLECTOR)


def registry_for_scrape() -> CollectorRegistry:
    """In multiprocess mode, every process's observations on this host plus the scrape-time figures."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(COLLECTOR)
    return registry


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(n, strict=False) for n in networks)
    return False


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404  # the endpoint's existence is not advertised to strangers
    return HttpResponse(generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST)


__all__: list[Any] = ["AS2_SEND_SECONDS", "HTTP_SECONDS", "TASK_SECONDS", "metrics_view", "queue_stats"]
