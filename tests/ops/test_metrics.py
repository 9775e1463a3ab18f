"""/metrics: access control, and the exposition read back with prometheus_client's own parser."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-for-tests-3c1f"


def scrape(client) -> dict[str, dict[tuple, float]]:
    from portal.metrics import COLLECTOR

    COLLECTOR.invalidate()
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
def test_metrics_refuse_without_the_token(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/metrics", **extra).status_code == 404


def test_metrics_are_closed_when_nothing_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_allow_listed_network_needs_no_token(client, settings, db):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404


def test_interchanges_failures_backlog_and_mdn_outcomes(client, token, make_interchange, edifact_partner, x12_partner):
    # given
    make_interchange(partner=edifact_partner, state="processed")
    make_interchange(partner=edifact_partner, state="processed")
    make_interchange(partner=edifact_partner, state="failed")
    make_interchange(partner=x12_partner, state="archived", age_days=0.5, document_types="")  # 12 h waiting
    make_interchange(partner=x12_partner, state="delivered", direction="out", channel="as2", document_types="ORDERS",
                     mdn="processed")
    make_interchange(partner=x12_partner, state="failed", direction="out", channel="as2", document_types="ORDERS",
                     mdn="processed/error: decryption-failed")
    make_interchange(partner=x12_partner, state="sent", direction="out", channel="as2", document_types="ORDERS")

    # when
    m = scrape(client)

    # then
    totals = m["tsunagi_interchanges"]
    assert totals[(("direction", "in"), ("partner", "ALPHA-EDI"), ("state", "processed"))] == 2
    assert totals[(("direction", "in"), ("partner", "ALPHA-EDI"), ("state", "failed"))] == 1
    recent = m["tsunagi_interchanges_24h"]
    assert recent[(("direction", "in"), ("partner", "ALPHA-EDI"), ("state", "processed"), ("type", "DESADV"))] == 2
    failures = m["tsunagi_interchange_failures_24h"]
    assert failures[(("direction", "in"), ("partner", "ALPHA-EDI"))] == 1
    assert failures[(("direction", "out"), ("partner", "BRAVO-X12"))] == 1
    assert m["tsunagi_backlog"][(("direction", "in"),)] == 1
    assert m["tsunagi_backlog"][(("direction", "out"),)] == 1  # the one awaiting its MDN
    assert 11 * 3600 < m["tsunagi_backlog_oldest_age_seconds"][(("direction", "in"),)] < 13 * 3600
    mdn = m["tsunagi_mdn_outcomes_24h"]
    assert mdn[(("outcome", "accepted"), ("partner", "BRAVO-X12"))] == 1
    assert mdn[(("outcome", "negative"), ("partner", "BRAVO-X12"))] == 1
    assert mdn[(("outcome", "awaiting"), ("partner", "BRAVO-X12"))] == 1
    assert all(v == 0 for k, v in m["tsunagi_metrics_errors"].items() if k != (("part", "queues"),))


def test_http_latency_histogram_counts_api_requests(client, token, db):
    before = scrape(client).get("tsunagi_http_request_seconds_count", {})
    for _ in range(3):
        assert client.get("/api/schema/").status_code == 200
    after = scrape(client)["tsunagi_http_request_seconds_count"]
    api = {k: v for k, v in after.items() if ("api", "1") in k and ("route", "api/schema/") in k}
    assert api, sorted(after)
    assert sum(api.values()) - sum(v for k, v in before.items() if k in api) == 3


def test_queue_depth_and_age_of_the_oldest_message(client, token, settings, db):
    import redis

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    from portal.celery import app

    settings.CELERY_QUEUE_PREFIX = f"metrics-{uuid.uuid4().hex[:8]}."
    queue = f"{settings.CELERY_QUEUE_PREFIX}analytics"
    conn = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            app.send_task("suppliers.scorecards.tasks.recompute", args=[1])  # routed, nobody consumes it
            app.send_task("suppliers.scorecards.tasks.recompute", args=[2])
        finally:
            app.conf.task_always_eager = previous
        m = scrape(client)
        assert m["tsunagi_queue_messages"][(("queue", queue),)] == 2
        assert m["tsunagi_queue_messages"][(("queue", f"{settings.CELERY_QUEUE_PREFIX}edi_inbound"),)] == 0
        assert 0 <= m["tsunagi_queue_oldest_age_seconds"][(("queue", queue),)] < 60
    finally:
        conn.delete(queue)
        conn.close()
