"""Bucket layout (13 weeks, then months to 12 months), zones, and spreading periods over buckets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suppliers.forecasts import buckets as b

MONDAY = date(2026, 3, 2)


def test_thirteen_weeks_then_calendar_months_to_twelve_months():
    layout = b.layout(MONDAY)
    weeks = [x for x in layout if x.kind == b.WEEK]
    months = [x for x in layout if x.kind == b.MONTH]
    assert len(weeks) == 13
    assert weeks[0].start == MONDAY and weeks[-1].end == MONDAY + timedelta(weeks=13, days=-1)
    # after week 13 (ends Sun 2026-05-31) the months run June 2026 .. Feb 2027, and a day of March
    assert months[0].start == date(2026, 6, 1) and months[0].end == date(2026, 6, 30)
    assert layout[-1].end == date(2027, 3, 1)  # 12 months from the start, less a day
    # no gaps, no overlaps
    for left, right in zip(layout, layout[1:]):
        assert right.start == left.end + timedelta(days=1)
    assert [x.index for x in layout] == list(range(len(layout)))


def test_zones_follow_the_profile():
    layout = b.layout(MONDAY, firm_weeks=2, planning_weeks=8)
    zones = [x.zone for x in layout]
    assert zones[:2] == [b.FIRM] * 2
    assert zones[2:8] == [b.PLANNING] * 6
    assert set(zones[8:]) == {b.OUTLOOK}


def test_a_horizon_starts_on_a_monday():
    with pytest.raises(ValueError):
        b.layout(MONDAY + timedelta(days=2))


def test_weekly_periods_land_in_their_week():
    layout = b.layout(MONDAY)
    out = b.spread([(MONDAY, MONDAY + timedelta(days=6), Decimal(100)),
                    (MONDAY + timedelta(days=9), MONDAY + timedelta(days=9), Decimal(5))], layout)
    assert out[0] == 100 and out[1] == 5 and sum(out) == 105


def test_a_month_over_weekly_buckets_is_shared_by_days_and_keeps_its_total():
    layout = b.layout(MONDAY)
    # March 2026: 2 days before the horizon are not allowed, so take 2026-03-02 .. 2026-03-31 (30 days)
    out = b.spread([(date(2026, 3, 2), date(2026, 3, 31), Decimal(1000))], layout)
    assert sum(out) == 1000
    # 7/30 each for four weeks (233.33), 2/30 for the fifth (66.67): largest remainders get the units
    assert out[:5] == [Decimal(234), Decimal(233), Decimal(233), Decimal(233), Decimal(67)]
    assert all(q == q.to_integral_value() for q in out)  # whole pieces stay whole


def test_outside_the_horizon_is_refused():
    layout = b.layout(MONDAY)
    with pytest.raises(b.OutsideHorizon):
        b.spread([(MONDAY - timedelta(days=1), MONDAY, Decimal(1))], layout)
    with pytest.raises(b.OutsideHorizon):
        b.spread([(date(2027, 3, 1), date(2027, 3, 2), Decimal(1))], layout)


def test_previous_quantity_of_a_shorter_bucket_is_its_share():
    june = [(date(2026, 6, 1), date(2026, 6, 30), Decimal(300))]
    assert b.overlap_quantity(june, date(2026, 6, 1), date(2026, 6, 7)) == 70
    assert b.overlap_quantity(june, date(2026, 7, 1), date(2026, 7, 31)) is None


@settings(deadline=None)  # a loaded test machine must not turn slowness into a failure
@given(st.lists(st.tuples(st.integers(0, 360), st.integers(0, 60),
                          st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)),
                min_size=1, max_size=12))
def test_spreading_never_loses_or_invents_quantity(periods):
    layout = b.layout(MONDAY)
    end = layout[-1].end
    raw = []
    for offset, length, quantity in periods:
        start = MONDAY + timedelta(days=offset)
        raw.append((start, min(start + timedelta(days=length), end), quantity))
    out = b.spread(raw, layout)
    assert sum(out) == sum(q for _s, _e, q in raw)
    assert all(q >= 0 for q in out)
