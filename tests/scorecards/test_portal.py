"""The supplier's own scorecard in the portal: page, trend chart, evidence pages, CSV, dashboard."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.conftest import login
from tests.scorecards.conftest import Line, recompute


@pytest.fixture
def scored(book_a):
    for month in (1, 2, 3):
        order = book_a.order(Line(requested=date(2026, month, 10)), Line(requested=date(2026, month, 12)))
        book_a.deliver(order, received_on=date(2026, month, 11), lots=[[("A", 100, 100, 2)], [("B", 100, 100, 0)]])
    recompute()
    return book_a


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.django_db
def test_the_scorecard_page_shows_grade_trend_and_links_every_figure_to_its_evidence(scored):
    from suppliers.scorecards.models import Scorecard

    card = Scorecard.objects.get(supplier=scored.tenant.supplier, period="rolling12", month=date(2026, 3, 1))

    response = login(scored.tenant.member).get("/scorecard/")

    body = _body(response)
    assert response.status_code == 200
    assert 'data-testid="grade"' in body and f">{card.grade}<" in body and str(card.score) in body
    assert body.count("<svg") >= 2 and 'data-testid="trend-chart"' in body
    assert 'href="/scorecard/on_time/month/2026-03/"' in body
    assert 'href="/scorecard/on_time/rolling12/2026-03/"' in body
    assert "not counted" in body  # forecast and invoices had no evidence


@pytest.mark.django_db
def test_an_earlier_month_can_be_chosen(scored):
    body = _body(login(scored.tenant.member).get("/scorecard/?month=2026-02"))
    assert 'href="/scorecard/on_time/month/2026-02/"' in body
    assert login(scored.tenant.member).get("/scorecard/?month=2024-01").status_code == 404


@pytest.mark.django_db
def test_evidence_page_lists_the_receipt_lines_with_their_verdict(scored):
    response = login(scored.tenant.member).get("/scorecard/on_time/month/2026-02/")
    body = _body(response)
    assert response.status_code == 200
    assert "late by 1 day" in body and "on time" in body
    assert "GR-ALPHA-" in body and 'data-testid="evidence-changed"' not in body


@pytest.mark.django_db
def test_evidence_and_history_export_as_csv(scored):
    client = login(scored.tenant.member)
    rows = list(csv.reader(io.StringIO(_body(client.get("/scorecard/on_time/month/2026-02/export.csv")))))
    assert rows[0][-2:] == ["Verdict", "ok"] and len(rows) == 3
    assert sorted(r[-1] for r in rows[1:]) == ["0", "1"]

    history = list(csv.DictReader(io.StringIO(_body(client.get("/scorecard/export.csv?month=2026-03")))))
    on_time = [r for r in history if r["kpi"] == "on_time" and r["period"] == "month"]
    assert [r["month"] for r in on_time] == ["2026-01", "2026-02", "2026-03"]
    # January also has the tenant fixture's own receipt (on time)
    assert [r["value"] for r in on_time] == ["66.67", "50.00", "50.00"]
    assert any(r["kpi"] == "overall" and r["grade"] for r in history)


@pytest.mark.django_db
def test_a_supplier_without_a_scorecard_is_told_so(tenant_a):
    body = _body(login(tenant_a.member).get("/scorecard/"))
    assert 'data-testid="no-scorecard"' in body


@pytest.mark.django_db
def test_the_dashboard_shows_the_grade(scored):
    client = login(scored.tenant.member)
    body = _body(client.get("/"))
    assert 'data-testid="panel-scorecard"' in body and "/scorecard/" in body


@pytest.mark.django_db
def test_the_dashboard_panel_costs_two_queries(scored, django_assert_num_queries):
    from suppliers.scorecards.dashboard import scorecard_summary

    with django_assert_num_queries(2):
        panel = scorecard_summary(supplier=scored.tenant.supplier, user=scored.tenant.member)
    assert panel.context["latest"].month == date(2026, 3, 1)


@pytest.mark.django_db
def test_every_evidence_page_and_export_renders(scored):
    from suppliers.scorecards.models import KpiResult

    client = login(scored.tenant.admin)
    results = KpiResult.objects.filter(supplier=scored.tenant.supplier, month=date(2026, 3, 1))
    assert {r.kpi for r in results} >= {"on_time", "asn_accuracy", "asn_timeliness", "quality", "quantity"}
    for r in results:
        base = f"/scorecard/{r.kpi}/{r.period}/2026-03/"
        for path in (base, base + "?misses=1", base + "export.csv"):
            response = client.get(path)
            assert response.status_code == 200, path
            _body(response)


@pytest.mark.django_db
def test_the_page_says_when_the_month_was_last_computed_even_if_nothing_changed(scored):
    from suppliers.scorecards.selectors import scorecard_for

    first = scorecard_for(supplier=scored.tenant.supplier).checked
    again = recompute()
    page = scorecard_for(supplier=scored.tenant.supplier)
    assert again.counts["kpis_changed"] == 0
    assert page.checked == again and page.run == first  # the grade's rules are still the first run's
