"""Reorder point, safety stock and order quantity arithmetic."""

from __future__ import annotations

import math

import pytest

from suppliers.planning import policy


def test_z_of_common_service_levels():
    assert policy.z_for(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert policy.z_for(0.5) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        policy.z_for(1.0)


def test_safety_stock_is_z_sigma_root_periods():
    assert policy.safety_stock(z=1.645, sigma=10, periods=4) == pytest.approx(32.9)
    assert policy.safety_stock(z=2, sigma=5, periods=0) == 0


def test_demand_over_a_fractional_lead_time():
    assert policy.demand_over([10, 20, 30], 2.5) == pytest.approx(10 + 20 + 15)
    assert policy.demand_over([10, 20], 4) == pytest.approx(10 + 20 + 20 + 20)  # the last week repeats
    assert policy.demand_over([10], 0) == 0


def test_reorder_point_and_the_decision_to_order():
    # lead time 14 days = 2 weeks; forecast 100 a week; sigma 20; service 0.95
    p = policy.Parameters(service_level=0.95, lead_time_days=14, cover_weeks=4)
    d = policy.decide(forecast=[100] * 10, sigma=20, available=150, on_order=50, p=p)
    ss = policy.z_for(0.95) * 20 * math.sqrt(2)
    assert d.lead_time_weeks == 2 and d.lead_time_demand == 200
    assert d.safety_stock == pytest.approx(ss) and d.reorder_point == pytest.approx(200 + ss)
    assert d.position == 200 and d.order
    # cover 4 weeks (400) plus the shortfall to the reorder point, rounded up
    assert d.quantity == math.ceil(400 + 200 + ss - 200)
    assert d.quantity_rule["rule"] == "cover" and d.quantity_rule["base"] == 400


def test_no_order_above_the_reorder_point():
    p = policy.Parameters(service_level=0.95, lead_time_days=14)
    d = policy.decide(forecast=[100] * 10, sigma=20, available=1000, on_order=0, p=p)
    assert not d.order and d.quantity == 0


def test_at_the_reorder_point_orders():
    p = policy.Parameters(service_level=0.5, lead_time_days=7)  # z = 0: ROP = one week of demand
    d = policy.decide(forecast=[100] * 10, sigma=20, available=60, on_order=40, p=p)
    assert d.reorder_point == pytest.approx(100) and d.order


def test_review_period_lengthens_the_protection():
    p = policy.Parameters(service_level=0.95, lead_time_days=14, review_weeks=1)
    d = policy.decide(forecast=[100] * 10, sigma=0, available=0, on_order=0, p=p)
    assert d.protection_weeks == 3 and d.reorder_point == 300


def test_eoq():
    # sqrt(2 * 5200 * 50 / (0.25 * 4)) = sqrt(520000)
    assert policy.eoq(annual_demand=5200, ordering_cost=50, unit_price=4, holding_rate=0.25) == pytest.approx(
        math.sqrt(520000))
    assert policy.eoq(annual_demand=5200, ordering_cost=0, unit_price=4, holding_rate=0.25) is None


def test_eoq_rule_with_minimum_and_multiple():
    p = policy.Parameters(service_level=0.5, lead_time_days=7, rule=policy.EOQ, ordering_cost=50, unit_price=4,
                          holding_rate=0.25, minimum=500, multiple=250)
    q, steps = policy.order_quantity(forecast=[100] * 60, shortfall=0, p=p)
    assert steps["eoq"] == pytest.approx(math.sqrt(520000), abs=1e-3)  # 721.1
    assert q == 750  # 722 rounded up to the multiple of 250 (and above the minimum)


def test_minimum_order_quantity_applies():
    assert policy.round_quantity(120.2, minimum=500, multiple=0) == 500
    assert policy.round_quantity(120.2, minimum=0, multiple=0) == 121
    assert policy.round_quantity(501, minimum=500, multiple=100) == 600


def test_eoq_without_costs_falls_back_to_cover():
    p = policy.Parameters(service_level=0.5, lead_time_days=7, rule=policy.EOQ, cover_weeks=3)
    q, steps = policy.order_quantity(forecast=[10] * 10, shortfall=0, p=p)
    assert q == 30 and steps["fallback"] == "cover"


def test_cap_at_max_cover_weeks():
    p = policy.Parameters(service_level=0.5, lead_time_days=7, rule=policy.EOQ, ordering_cost=1e6, unit_price=0.01,
                          holding_rate=0.25, max_cover_weeks=8)
    q, steps = policy.order_quantity(forecast=[100] * 60, shortfall=0, p=p)
    assert q == 800 and steps["capped_at"] == 800


def test_no_demand_no_order():
    p = policy.Parameters(service_level=0.95, lead_time_days=14)
    assert not policy.decide(forecast=[0] * 10, sigma=0, available=0, on_order=0, p=p).order
