"""The supplier's Production quality page and lot detail: its own lots only (another supplier's
lot is a 404), rates and yields computed by the database, 12-week trend buckets, and a query
count that does not grow with the number of lots."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from suppliers.quality import production_selectors as selectors
from tests.conftest import login
from tests.quality.production_helpers import automatic, post, threshold


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def lot_url(tenant, lot: str) -> str:
    return reverse("production_quality:lot", args=[tenant.supplier_part.part.pk, lot])


# --- selectors ------------------------------------------------------------------------------------

def test_lot_rates_yields_by_stage_and_codes(tenant_a):
    post(tenant_a, "R1", inspected=100, stage="incoming", defects={"SOLDER": 1})
    post(tenant_a, "R2", inspected=400, stage="test", defects={"SOLDER": 2, "ELEC": 4}, passed=392)
    [lot] = selectors.lots_with_details(supplier=tenant_a.supplier,
                                        rows=list(selectors.production_lots_for(supplier=tenant_a.supplier)))
    assert (lot.lot, lot.inspected, lot.passed, lot.results) == ("LOT-ALPHA-A", 500, 491, 2)
    assert lot.defects == 7 and lot.rate_ppm == Decimal(14000)
    assert lot.yield_pct == Decimal("98.20")
    assert lot.by_code == [("ELEC", 4), ("SOLDER", 3)]  # most defects first
    assert [(c, q, r) for c, q, r in lot.codes] == [("ELEC", 4, Decimal(8000)), ("SOLDER", 3, Decimal(6000))]
    stages = {s.stage: (s.inspected, s.passed, s.yield_pct) for s in lot.stages}
    assert stages == {"incoming": (100, 99, Decimal("99.00")), "test": (400, 392, Decimal("98.00"))}


def test_lots_are_the_suppliers_own_latest_first_and_searchable(tenant_a, tenant_b):
    now = timezone.now()
    post(tenant_a, "A1", lot="LOT-OLD", at=now - timedelta(days=3))
    post(tenant_a, "A2", lot="LOT-NEW", at=now - timedelta(days=1))
    post(tenant_b, "B1", lot="LOT-BRAVO-A", at=now)
    lots = list(selectors.production_lots_for(supplier=tenant_a.supplier))
    assert [r["lot"] for r in lots] == ["LOT-NEW", "LOT-OLD"]
    assert [r["lot"] for r in selectors.production_lots_for(supplier=tenant_a.supplier, search="old")] == ["LOT-OLD"]
    assert len(list(selectors.production_lots_for(supplier=tenant_a.supplier, search="P-ALPHA"))) == 2
    assert list(selectors.production_lots_for(supplier=tenant_a.supplier, search="BRAVO")) == []
    with pytest.raises(Exception) as exc:
        selectors.production_lot_get(supplier=tenant_a.supplier, part_pk=tenant_b.supplier_part.part.pk,
                                     lot="LOT-BRAVO-A")
    assert exc.type.__name__ == "Http404"


def test_weekly_trend_buckets_by_iso_week_with_gaps(tenant_a, tenant_b):
    today = date(2026, 3, 18)  # a Wednesday; its Monday is 2026-03-16
    weeks = selectors.trend_weeks(today=today)
    assert len(weeks) == 12 and weeks[-1] == date(2026, 3, 16) and weeks[0] == date(2025, 12, 29)
    post(tenant_a, "W1", lot="L1", inspected=100, defects={"SOLDER": 1}, at=at(date(2026, 3, 16)))
    post(tenant_a, "W2", lot="L2", inspected=300, defects={"ELEC": 1}, at=at(date(2026, 3, 22), 20))  # Sunday
    post(tenant_a, "W3", lot="L1", inspected=200, defects={}, passed=190, at=at(date(2026, 3, 2)))
    post(tenant_a, "W0", lot="L0", inspected=999, defects={"SOLDER": 9}, at=at(date(2025, 12, 28)))  # too old
    post(tenant_b, "WB", inspected=100, defects={"SOLDER": 50}, at=at(date(2026, 3, 17)))
    [trend] = selectors.weekly_trend_for(supplier=tenant_a.supplier, today=today)
    by_week = {w.week: w for w in trend.weeks}
    this = by_week[date(2026, 3, 16)]
    assert (this.inspected, this.defects, this.rate_ppm) == (400, 2, Decimal(5000))
    assert this.yield_pct == Decimal("99.50")
    two_ago = by_week[date(2026, 3, 2)]
    assert (two_ago.inspected, two_ago.defects, two_ago.rate_ppm, two_ago.yield_pct) == (
        200, 0, Decimal(0), Decimal("95.00"))
    assert by_week[date(2026, 3, 9)].rate_ppm is None  # no inspections: a gap, not zero
    assert by_week[date(2025, 12, 29)].inspected is None  # the 999 of the week before is outside
    assert trend.inspected == 600 and trend.defects == 2


def test_the_trend_is_two_queries_whatever_the_results(tenant_a, django_assert_num_queries):
    for i in range(30):
        post(tenant_a, f"Q{i}", lot=f"L{i % 5}", inspected=10, defects={"SOLDER": 1},
             at=timezone.now() - timedelta(days=i))
    with django_assert_num_queries(2):
        trends = selectors.weekly_trend_for(supplier=tenant_a.supplier)
    assert sum(t.inspected for t in trends) >= 200


# --- pages ----------------------------------------------------------------------------------------

def test_the_page_shows_own_lots_with_the_notice_and_not_another_suppliers(tenant_a, tenant_b,
                                                                           django_capture_on_commit_callbacks):
    threshold(limit=10000)
    with django_capture_on_commit_callbacks(execute=True):
        post(tenant_a, "A1", inspected=100, defects={"SOLDER": 3})
        post(tenant_b, "B1", inspected=100, defects={"ELEC": 4})
    [auto] = automatic(tenant_a.supplier)
    [theirs] = automatic(tenant_b.supplier)
    page = login(tenant_a.member).get(reverse("production_quality:lots")).content.decode()
    assert "LOT-ALPHA-A" in page and "30,000" in page or "30000" in page
    assert reverse("quality:detail", args=[auto.notice.pk]) in page and auto.notice.number in page
    assert "LOT-BRAVO-A" not in page and theirs.notice.number not in page and "P-BRAVO-1" not in page
    assert 'data-testid="ppm-chart"' in page and "<svg" in page and 'data-testid="weekly-table"' in page
    detail = login(tenant_a.member).get(lot_url(tenant_a, "LOT-ALPHA-A"))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "A1" in body and auto.notice.number in body and "SOLDER" in body


def test_another_suppliers_lot_is_a_404(tenant_a, tenant_b):
    post(tenant_b, "B1", inspected=100, defects={"ELEC": 4})
    post(tenant_a, "A1", inspected=100)
    client = login(tenant_a.member)
    assert client.get(lot_url(tenant_b, "LOT-BRAVO-A")).status_code == 404
    # its own part with the other supplier's lot number, and a lot that does not exist: the same
    assert client.get(lot_url(tenant_a, "LOT-BRAVO-A")).status_code == 404
    assert client.get(reverse("production_quality:lot", args=[10**9, "NOPE"])).status_code == 404
    assert client.get(lot_url(tenant_a, "LOT-ALPHA-A")).status_code == 200
    assert login(tenant_b.member).get(lot_url(tenant_b, "LOT-BRAVO-A")).status_code == 200


def test_a_lot_number_with_a_slash(tenant_a):
    post(tenant_a, "S1", lot="2026/03-7", inspected=50)
    client = login(tenant_a.member)
    assert "2026/03-7" in client.get(reverse("production_quality:lots")).content.decode()
    assert client.get(lot_url(tenant_a, "2026/03-7")).status_code == 200


def test_queries_do_not_grow_with_lots(tenant_a, django_assert_max_num_queries):
    threshold(limit=10000)
    client = login(tenant_a.member)

    def lots(n: int, start: int = 0) -> None:
        for i in range(start, start + n):
            post(tenant_a, f"G{i}", lot=f"LOT-{i:03d}", inspected=100, stage=("incoming", "test")[i % 2],
                 defects={"SOLDER": 2, "ELEC": i % 3 + 1})
    lots(3)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("production_quality:lots")).status_code == 200
    lots(40, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(reverse("production_quality:lots"))
    assert page.status_code == 200 and page.content.decode().count('data-testid="lot-notice"') == 25
    with django_assert_max_num_queries(20):
        assert client.get(lot_url(tenant_a, "LOT-007")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_dashboard_lists_lots_over_the_threshold_of_its_own_supplier(tenant_a, tenant_b):
    quiet = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    assert 'data-testid="panel-lots-over-threshold"' not in quiet  # nothing over: no panel
    threshold(limit=10000)
    post(tenant_a, "A1", inspected=100, defects={"SOLDER": 3})
    post(tenant_b, "B1", inspected=100, defects={"ELEC": 4})
    page = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    panel = page.split('data-testid="panel-lots-over-threshold"')[1].split("</article>")[0]
    [auto] = automatic(tenant_a.supplier)
    assert "LOT-ALPHA-A" in panel and auto.notice.number in panel and "30,000 ppm over 10,000 ppm" in panel
    assert "LOT-BRAVO-A" not in panel


def test_the_automatic_notice_links_back_to_its_lot(tenant_a, raise_notice):
    threshold(limit=10000)
    post(tenant_a, "A1", inspected=100, defects={"SOLDER": 3})
    [auto] = automatic(tenant_a.supplier)
    page = login(tenant_a.member).get(reverse("quality:detail", args=[auto.notice.pk])).content.decode()
    assert 'data-testid="notice-automatic"' in page and lot_url(tenant_a, "LOT-ALPHA-A") in page
    manual = raise_notice(tenant_a)  # an engineer's own notice says nothing of the kind
    page = login(tenant_a.member).get(reverse("quality:detail", args=[manual.pk])).content.decode()
    assert 'data-testid="notice-automatic"' not in page and 'data-testid="notice-lot"' not in page
