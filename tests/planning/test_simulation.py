"""The replay of 12 months of demo consumption: the reorder-point policy against the fixed schedule."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from suppliers.audit import Actor
from suppliers.planning import policy, simulation

TODAY = date(2026, 11, 18)


def test_replay_counts_stock_outs_inventory_and_orders():
    # 4 weeks of history then 4 replayed weeks of 10; lead time 7 days: an order arrives 2 weeks later
    s = simulation.Series("X", [10] * 8, policy.Parameters(service_level=0.5, lead_time_days=7), replay_weeks=4)
    fixed = simulation.simulate_fixed_schedule(s, period=4)
    # starts with 10 × (1 + 2) = 30; orders up to 10 × 5 = 50 at the first review
    assert fixed.weeks == 4 and fixed.demand == 40 and fixed.orders == 1
    assert fixed.inventory_trace == [20, 10, 0 + 30, 20]  # 30 ordered at the end of week 1, in at week 3
    assert fixed.stockout_weeks == 0 and fixed.short == 0 and fixed.fill_rate == 1.0


def test_unmet_demand_is_a_stock_out():
    s = simulation.Series("X", [0] * 4 + [50] * 4, policy.Parameters(service_level=0.5, lead_time_days=7),
                          replay_weeks=4)
    fixed = simulation.simulate_fixed_schedule(s, period=4)
    # no history of demand: no stock and a level of 0 → every week short
    assert fixed.stockout_weeks == 4 and fixed.short == 200 and fixed.orders == 0


@pytest.fixture
def demo_planning_data(db):
    from suppliers.management.commands.demo import Command
    from suppliers.planning import demo

    command = Command()
    command._plants()
    suppliers = command._suppliers(Actor.system("demo"))
    command._parts(suppliers)
    return demo.load(today=TODAY, run=False)


def test_the_demo_has_smooth_seasonal_and_intermittent_demand(demo_planning_data):
    from suppliers.planning.services import forecast_run

    assert demo_planning_data["series"] == 33
    run = forecast_run(actor=Actor.system("test"), today=TODAY)
    classes = run.summary["classes"]
    assert classes["smooth"] >= 15 and classes["intermittent"] + classes.get("lumpy", 0) >= 6
    assert run.summary["models"].get("mstl_ets", 0) + run.summary["models"].get("seasonal_naive", 0) >= 4
    assert run.summary["beats_baseline"] >= 25


def test_simulate_command_reorder_point_beats_the_fixed_schedule_on_stock_outs(demo_planning_data):
    out = StringIO()
    call_command("replenishment", "simulate", today=TODAY, stdout=out)
    text = out.getvalue()
    bench = dict(re.findall(r"^BENCH (\S+) (\S+)", text, re.MULTILINE))
    assert "stock-out part-weeks" in text and "fixed schedule" in text
    rop, fixed = int(bench["replenishment_rop_stockout_part_weeks"]), int(bench["replenishment_fixed_stockout_part_weeks"])
    assert rop <= fixed
    assert float(bench["replenishment_rop_fill_rate"]) >= float(bench["replenishment_fixed_fill_rate"])
    assert int(bench["replenishment_rop_orders"]) > 0 and int(bench["replenishment_fixed_orders"]) > 0
