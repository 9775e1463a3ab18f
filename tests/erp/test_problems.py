"""Every error of the API is an RFC 7807 problem, and bad input never gets a 500."""

from __future__ import annotations

import pytest
from django.test import Client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://tsunagi.dev/problems/")
    return body


def test_401_without_credentials(db):
    assert_problem(Client().get("/api/v1/purchase-orders/"), 401)


def test_404_for_unknown_addresses_and_objects(erp):
    assert_problem(erp.get("/api/v1/nothing-here/"), 404)
    assert_problem(erp.get("/api/v1/purchase-orders/999999999/"), 404)


def test_405_for_a_wrong_method(erp):
    body = assert_problem(erp.delete("/api/v1/purchase-orders/"), 405)
    assert "DELETE" in body["detail"]


def test_415_for_a_body_that_is_not_json(erp):
    assert_problem(erp.post("/api/v1/goods-receipts/", "a,b", content_type="text/csv"), 415)


def test_400_with_field_paths(erp, tenant_a):
    body = assert_problem(erp.post("/api/v1/goods-receipts/", {
        "number": "GR-9", "supplier": "ALPHA", "plant": "PLT1", "received_on": "yesterday",
        "lines": [{"order": "X", "order_line": "ten", "received_quantity": "5"}],
    }, format="json"), 400)
    assert set(body["errors"]) == {"received_on", "lines[0].order_line"}


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "abc"}, {"updated_since": "2026-13-01"}])
def test_bad_query_parameters_are_400_or_404(erp, query):
    response = erp.get("/api/v1/purchase-orders/", query)
    assert response.status_code in (400, 404) and response["Content-Type"] == "application/problem+json"
