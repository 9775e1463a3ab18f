"""Schemathesis against the live OpenAPI schema, in process: every documented operation, a
bounded number of generated requests each (valid and invalid), as a buyer-side ERP write key.
No 5xx; status codes, content types and bodies as the schema says."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# generated requests per operation: 6 in the test suite, 100 in bench/soak_api.py
MAX_EXAMPLES = int(os.environ.get("ERP_API_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def live_schema() -> dict:
    """What /api/schema/ serves (test_the_schema_endpoint_serves_it checks they are the same)."""
    from drf_spectacular.generators import SchemaGenerator

    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


@pytest.fixture
def in_process(db):
    """Requests go to Django's WSGI application in this process, inside the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(tenant_a, tenant_b):
    """Data for the generated requests to find, an ERP write key, and no rate limit in the way."""
    from rest_framework.throttling import SimpleRateThrottle

    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"api_key": "100000/min"}
    yield api_key_create(name="SCHEMATHESIS", scope="write", actor=Actor.system("test")).key
    SimpleRateThrottle.THROTTLE_RATES = original


schema = schemathesis.openapi.from_dict(live_schema())
schema.app = get_wsgi_application()


def test_the_schema_endpoint_serves_it(db):
    from django.test import Client

    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content) == live_schema()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, world, in_process):
    response = case.call(headers={"Authorization": f"Api-Key {world}"})
    case.validate_response(response, checks=CHECKS)
