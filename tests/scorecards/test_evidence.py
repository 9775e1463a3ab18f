"""Every figure's evidence: the rows read back give exactly the stored figure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from suppliers.scorecards import kpis
from tests.scorecards.conftest import Line, at, recompute, result


@pytest.fixture
def busy(book_a, book_b):
    """Both suppliers with evidence for every KPI in February and March."""
    from suppliers.forecasts.models import ForecastBucket, ForecastLine, ForecastVersion

    for book in (book_a, book_b):
        for month in (2, 3):
            sent = at(date(2026, month, 1))
            a = book.order(Line(requested=date(2026, month, 10)), Line(requested=date(2026, month, 12), price="2.00"),
                           sent=sent)
            b = book.order(Line(requested=date(2026, month, 10)), sent=sent)
            book.respond(a, at_=sent + timedelta(hours=3))
            ra = book.deliver(a, received_on=date(2026, month, 11),
                              lots=[[("A", 60, 60, 1), ("B", 40, 39, 0)], [("C", 100, 100, 0)]])
            book.deliver(b, received_on=date(2026, month, 8), asn_sent=at(date(2026, month, 9)))
            book.invoice(a, on=date(2026, month, 20), prices=["1.25", "2.10"])
            book.notice(rejected=5, receipt=ra)
            book.notice(rejected=2, raised=at(date(2026, month, 15)))
        version = ForecastVersion.objects.create(
            supplier=book.tenant.supplier, number=1, horizon_start=date(2026, 3, 2), horizon_end=date(2026, 3, 29),
            firm_until=date(2026, 3, 15), planning_until=date(2026, 3, 29))
        ForecastVersion.objects.filter(pk=version.pk).update(published_at=at(date(2026, 3, 1)))
        line = ForecastLine.objects.create(version=version, line_no=1, part=book.part)
        for i, committed in enumerate([Decimal(100), Decimal(100), None]):
            ForecastBucket.objects.create(line=line, index=i, start=date(2026, 3, 2) + timedelta(weeks=i),
                                          end=date(2026, 3, 8) + timedelta(weeks=i), kind="week", zone="firm",
                                          quantity=Decimal(100), committed_quantity=committed)
    return recompute()


@pytest.mark.django_db
def test_every_stored_figure_matches_its_evidence(busy, book_a, book_b):
    from suppliers.scorecards.models import KpiResult
    from suppliers.scorecards.selectors import evidence_for

    seen = set()
    for r in KpiResult.objects.filter(supplier__in=[book_a.tenant.supplier, book_b.tenant.supplier]).select_related("run"):
        ev = evidence_for(supplier=r.supplier, result=r)
        assert (ev.units, ev.ok_units) == (r.units, r.ok_units), (r.kpi, r.period, r.month)
        assert ev.matches, (r.kpi, r.period, r.month, ev.qa, ev.qb, r.qa, r.qb)
        assert len(list(ev.rows)) == ev.units
        seen.add(r.kpi)
    assert seen == set(kpis.CODES)


@pytest.mark.django_db
def test_evidence_lists_misses_first_and_can_show_only_them(busy, book_a):
    from suppliers.scorecards.selectors import evidence_for

    r = result(book_a.tenant.supplier, kpis.ON_TIME, month=date(2026, 2, 1))
    assert (r.units, r.ok_units) == (4, 2)  # the two lots of the line due the 10th came a day late
    rows = list(evidence_for(supplier=book_a.tenant.supplier, result=r).rows)
    assert [row["verdict"] for row in rows] == [0, 0, 1, 1]
    assert {row["lot"] for row in rows[:2]} == {"A", "B"}
    misses = evidence_for(supplier=book_a.tenant.supplier, result=r, misses_only=True).rows
    assert misses.count() == 2 and all(row["verdict"] == 0 for row in misses)


@pytest.mark.django_db
def test_evidence_says_so_when_the_data_changed_after_the_computation(busy, book_a):
    from suppliers.models import GoodsReceiptLine
    from suppliers.scorecards.selectors import evidence_for

    r = result(book_a.tenant.supplier, kpis.ON_TIME, month=date(2026, 2, 1))
    GoodsReceiptLine.objects.filter(receipt__supplier=book_a.tenant.supplier, received_on=date(2026, 2, 11)).update(
        received_on=date(2026, 2, 10))

    ev = evidence_for(supplier=book_a.tenant.supplier, result=r)

    assert not ev.matches and ev.ok_units == 4 and r.ok_units == 2


@pytest.mark.django_db
def test_evidence_is_read_with_the_rules_of_its_run(busy, book_a):
    """Changing the rules does not change what an existing figure's evidence shows."""
    from suppliers.scorecards.selectors import evidence_for
    from suppliers.scorecards.services import SYSTEM, scorecard_settings_update

    r = result(book_a.tenant.supplier, kpis.ON_TIME, month=date(2026, 2, 1))
    scorecard_settings_update(actor=SYSTEM, on_time_late_days=5, on_time_early_days=10)

    assert evidence_for(supplier=book_a.tenant.supplier, result=r).matches


@pytest.mark.django_db
def test_another_suppliers_result_has_no_evidence_for_you(busy, book_a, book_b):
    from django.http import Http404

    from suppliers.scorecards.selectors import evidence_for

    r = result(book_b.tenant.supplier, kpis.ON_TIME, month=date(2026, 2, 1))
    with pytest.raises(Http404):
        evidence_for(supplier=book_a.tenant.supplier, result=r)


@pytest.mark.django_db
def test_every_kpis_evidence_renders_in_the_portal_and_the_console(busy, book_a, buyer):
    from suppliers.scorecards.models import KpiResult
    from tests.conftest import login

    portal, console = login(book_a.tenant.admin), login(buyer)
    supplier = book_a.tenant.supplier
    for r in KpiResult.objects.filter(supplier=supplier, month=date(2026, 3, 1)):
        month = f"{r.month:%Y-%m}"
        for path in (f"/scorecard/{r.kpi}/{r.period}/{month}/",
                     f"/console/scorecards/scorecard/supplier/{supplier.pk}/{r.kpi}/{r.period}/{month}/"):
            for suffix in ("", "?misses=1", "export.csv"):
                client = console if path.startswith("/console") else portal
                response = client.get(path + suffix)
                assert response.status_code == 200, path + suffix
                body = b"".join(response.streaming_content) if response.streaming else response.content
                assert body
    assert b'data-testid="evidence-notices"' in portal.get("/scorecard/quality/month/2026-03/").content
