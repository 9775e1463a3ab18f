"""JSON logs carry the interchange, partner and document from receipt to mapping."""

from __future__ import annotations

import io
import json
import logging

import pytest

from portal import logging as log_context
from tests.edi.conftest import despatch_advice, drop, interchange_bytes


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(log_context.JsonFormatter("%(message)s"))
    handler.addFilter(log_context.ContextFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        log_context.clear()


def test_json_formatter_writes_one_object_per_line_with_the_context(json_lines):
    with log_context.log_context(interchange_id=42, partner="ACME", document="ASN-1"):
        logging.getLogger("edi.test").warning("checked %s", "it", extra={"size": 10})
    logging.getLogger("edi.test").info("outside")
    first, second = json_lines()
    assert first["message"] == "checked it" and first["level"] == "WARNING" and first["logger"] == "edi.test"
    assert (first["interchange_id"], first["partner"], first["document"], first["size"]) == (42, "ACME", "ASN-1", 10)
    assert first["time"].endswith("+00:00")
    assert "interchange_id" not in second


def test_a_processed_interchange_logs_its_id_partner_and_document(json_lines, run, hub, edifact_partner, tenant_a):
    from edi.models import Interchange

    drop(hub, edifact_partner, "asn.edi", interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number="ASN-LOG-7")]))
    run()
    interchange = Interchange.objects.get(direction="in", parent__isnull=True)
    assert interchange.state == "processed", interchange.error
    lines = [line for line in json_lines() if line.get("interchange_id") == interchange.pk]
    finished = [line for line in lines if line["logger"] == "tsunagi.tasks"]
    assert finished, json_lines()
    assert finished[-1]["partner"] == "ALPHA-EDI"
    assert finished[-1]["document"] == "ASN-LOG-7"
    assert finished[-1]["state"] == "processed"


def test_the_context_crosses_the_broker_in_a_header():
    from portal.ops.signals import HEADER_CONTEXT, HEADER_SENT_AT, _stamp_message

    headers: dict = {}
    with log_context.log_context(interchange_id=7, partner="ACME", task_id="t-1"):
        _stamp_message(sender="edi.tasks.send_interchange", headers=headers)
    assert headers[HEADER_CONTEXT] == {"interchange_id": 7, "partner": "ACME"}  # not the sender's task id
    assert headers[HEADER_SENT_AT] > 0


def test_the_log_format_setting_selects_the_json_formatter():
    config = log_context.logging_config(fmt="json", level="INFO")
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["handlers"]["console"]["filters"] == ["context"]
    assert log_context.logging_config(fmt="plain", level="INFO")["handlers"]["console"]["formatter"] == "plain"
