"""A supplier sees only its own scorecard and evidence: by page, link, month, export or console."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import login
from tests.scorecards.conftest import Line, recompute

EVIDENCE = ["/scorecard/{kpi}/month/2026-02/", "/scorecard/{kpi}/month/2026-02/export.csv",
            "/scorecard/{kpi}/rolling12/2026-02/", "/scorecard/{kpi}/rolling12/2026-02/export.csv"]


@pytest.fixture
def only_b_delivered_in_february(book_a, book_b):
    order = book_b.order(Line(requested=date(2026, 2, 10)))
    book_b.deliver(order, received_on=date(2026, 2, 12), number="SECRET-B")
    recompute()


def _body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", EVIDENCE)
@pytest.mark.parametrize("who", ["admin", "member"])
def test_another_suppliers_evidence_is_never_shown(only_b_delivered_in_february, tenant_a, path, who):
    # A had no receipt in February: B's February on-time figure exists, A's does not (404); A's
    # rolling figure is its own January receipt, never B's lines.
    response = login(getattr(tenant_a, who)).get(path.format(kpi="on_time"))
    body = _body(response)
    assert "SECRET-B" not in body
    if "/month/" in path:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and "GR-ALPHA-1" in body


@pytest.mark.django_db
def test_the_owner_sees_the_same_evidence(only_b_delivered_in_february, tenant_b):
    for path in EVIDENCE:
        response = login(tenant_b.member).get(path.format(kpi="on_time"))
        assert response.status_code == 200 and "GR-SECRET-B" in _body(response), path


@pytest.mark.django_db
def test_scorecard_page_and_export_show_only_your_own(only_b_delivered_in_february, tenant_a, tenant_b):
    client = login(tenant_a.member)
    page = _body(client.get("/scorecard/?month=2026-02"))
    export = _body(client.get("/scorecard/export.csv?month=2026-02"))
    assert "SECRET-B" not in page and tenant_b.supplier.code not in export
    assert {line.split(",")[0] for line in export.splitlines()[1:]} <= {tenant_a.supplier.code}


@pytest.mark.django_db
def test_unknown_kpi_or_period_is_404(only_b_delivered_in_february, tenant_b):
    client = login(tenant_b.member)
    assert client.get("/scorecard/bogus/month/2026-02/").status_code == 404
    assert client.get("/scorecard/on_time/month/2026-13/").status_code == 404


@pytest.mark.django_db
def test_supplier_users_cannot_open_the_console_scorecards(only_b_delivered_in_february, tenant_a, tenant_b):
    client = login(tenant_a.admin)
    for path in ["/console/scorecards/scorecard/", f"/console/scorecards/scorecard/supplier/{tenant_b.supplier.pk}/",
                 f"/console/scorecards/scorecard/supplier/{tenant_b.supplier.pk}/on_time/month/2026-02/",
                 f"/console/scorecards/scorecard/supplier/{tenant_b.supplier.pk}/export.csv",
                 "/console/scorecards/scorecard/export.csv"]:
        response = client.get(path)
        assert response.status_code == 302 and "/console/login/" in response["Location"], path


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(only_b_delivered_in_february):
    from django.test import Client

    response = Client().get("/scorecard/on_time/month/2026-02/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
