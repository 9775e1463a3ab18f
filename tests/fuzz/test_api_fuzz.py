"""Schemathesis over every documented API operation as the callers tests/erp/test_schemathesis.py
does not take: a supplier user's key (read-only, one supplier's data) and an ERP read key. No
5xx, and every status code is one the schema documents.

``API_FUZZ_EXAMPLES`` generated requests per operation and caller (2 here; bench/soak_api.py
runs 100).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from tests.erp.test_schemathesis import in_process, live_schema  # noqa: F401 - a fixture used below

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]

schema = schemathesis.openapi.from_dict(live_schema())
schema.app = get_wsgi_application()


@pytest.fixture(params=["supplier", "erp-read"])
def caller_key(request, tenant_a, tenant_b):
    from rest_framework.throttling import SimpleRateThrottle

    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create, supplier_api_key_create

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"api_key": "1000000/min"}
    if request.param == "supplier":
        key = supplier_api_key_create(user=tenant_a.member, actor=tenant_a.member).key
    else:
        key = api_key_create(name="FUZZ-READ", scope="read", actor=Actor.system("test")).key
    yield key
    SimpleRateThrottle.THROTTLE_RATES = original


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_error_for_supplier_and_read_only_callers(case, caller_key, in_process):  # noqa: F811
    response = case.call(headers={"Authorization": f"Api-Key {caller_key}"})
    case.validate_response(response, checks=CHECKS)
