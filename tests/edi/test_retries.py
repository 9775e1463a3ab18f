"""Transient send failures are retried with exponential backoff up to a limit, then the
interchange fails visibly; permanent failures are not retried."""

from __future__ import annotations

from unittest import mock

import pytest

from edi.models import Interchange
from edi.services.outbound import TransientSendError, outbound_create
from edi.tasks import RETRY, send_interchange
from suppliers.audit import Actor
from tests.edi.conftest import make_partner


@pytest.fixture(autouse=True)
def _retries_run_inline():
    """Eager mode runs each retry at once (the countdown is skipped) and reports, not raises."""
    from portal.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.fixture
def queued(hub, tenant_a, django_capture_on_commit_callbacks):
    partner = make_partner(tenant_a, code="RETRY", standard="edifact", interchange_id="RETRYEDI")
    contrl = {"type": "functional_ack", "id": "1", "issued": "2026-01-01", "acknowledged": "5",
              "level": "interchange", "status": "accepted", "errors": [], "messages": []}
    # created without running the on-commit send, so each test drives the task itself
    return outbound_create(partner=partner, documents=[contrl], actor=Actor.system("test"))


def test_backoff_is_exponential_and_bounded():
    assert RETRY["retry_backoff"] and RETRY["retry_backoff_max"] <= 3600 and RETRY["max_retries"] == 8
    assert TransientSendError in RETRY["autoretry_for"]


def test_transient_failures_are_retried_until_the_send_works(queued):
    calls = []
    real = __import__("edi.services.outbound", fromlist=["_send_filedrop"])._send_filedrop

    def flaky(interchange, path):
        calls.append(1)
        if len(calls) < 3:
            raise TransientSendError("partner busy")
        return real(interchange, path)

    with mock.patch("edi.services.outbound._send_filedrop", side_effect=flaky):
        send_interchange.delay(queued.pk)
    queued.refresh_from_db()
    assert len(calls) == 3
    assert queued.state == "delivered"


def test_a_send_that_never_works_ends_failed_with_the_reason(queued):
    calls = []

    def down(interchange, path):
        calls.append(1)
        raise TransientSendError("connection refused")

    with mock.patch("edi.services.outbound._send_filedrop", side_effect=down):
        send_interchange.delay(queued.pk)
    assert len(calls) == 1 + RETRY["max_retries"]  # never forever
    queued.refresh_from_db()
    assert queued.state == "failed"
    assert "connection refused" in queued.error
    assert Interchange.objects.get(pk=queued.pk).dedupe_key is None


def test_a_permanent_error_is_not_retried(queued):
    from edi.services.inbound import PipelineError

    calls = []

    def broken(interchange, path):
        calls.append(1)
        raise PipelineError("partner has no certificate")

    with mock.patch("edi.services.outbound._send_filedrop", side_effect=broken):
        send_interchange.delay(queued.pk)
    assert len(calls) == 1
    queued.refresh_from_db()
    assert queued.state == "failed" and "certificate" in queued.error
