"""Replay of weekly consumption under two ordering policies (pure, no Django).

Each week of the replay: what arrives is booked in at the start of the week, the week's demand is
served from stock (what cannot be served is counted short and lost: a stock-out week), and at
the end of the week the policy may order; an order placed at the end of week t arrives at the
start of week t + ⌈lead time / 7⌉ + 1.

* **Reorder point** (this app's policy): every week, position = stock + on order; order when it is
  at or below ROP = forecast over (L + R) + z·σ·√(L + R) with R = 1 week (the replay looks once a
  week). The forecast is recomputed every ``refit_weeks`` from the history up to that week
  (classification, backtest, model choice, σ), exactly as the forecast run does.
* **Fixed schedule** (the baseline): every ``period`` weeks, order up to a fixed level
  S = mean × (L + period) + z·sd·√(L + period), where mean and sd are those of the weekly demand in
  the year before the replay; S does not change during the replay.

Both start with the same stock (the pre-replay mean × (⌈L⌉ + 2)), nothing on order, and round
their quantities by the same minimum and multiple.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from suppliers.planning import forecasting, policy

ROP, FIXED = "reorder_point", "fixed_schedule"


@dataclass
class Outcome:
    policy: str
    weeks: int = 0
    demand: float = 0.0
    short: float = 0.0
    stockout_weeks: int = 0
    orders: int = 0
    inventory_sum: float = 0.0
    ordered_units: float = 0.0
    inventory_trace: list[float] = field(default_factory=list)

    @property
    def average_inventory(self) -> float:
        return self.inventory_sum / self.weeks if self.weeks else 0.0

    @property
    def fill_rate(self) -> float:
        return 1 - self.short / self.demand if self.demand else 1.0


@dataclass
class Series:
    key: str
    demand: Sequence[float]  # every week, oldest first; the replay is the last ``replay_weeks``
    params: policy.Parameters
    replay_weeks: int = 52


def delay_weeks(lead_time_days: float) -> int:
    return max(1, math.ceil(lead_time_days / 7 - 1e-9))


def _replay(s: Series, name: str, decide) -> Outcome:
    y = np.asarray(s.demand, dtype=float)
    start = len(y) - s.replay_weeks
    before = y[max(0, start - 52):start]
    mean = float(before.mean()) if len(before) else 0.0
    lag = delay_weeks(s.params.lead_time_days)
    stock = round(mean * (lag + 2))
    pipeline: dict[int, float] = {}
    out = Outcome(name)
    for t in range(start, len(y)):
        stock += pipeline.pop(t, 0.0)
        d = float(y[t])
        served = min(stock, d)
        stock -= served
        out.weeks += 1
        out.demand += d
        out.short += d - served
        out.stockout_weeks += int(d - served > 1e-9)
        out.inventory_sum += stock
        out.inventory_trace.append(stock)
        on_order = sum(pipeline.values())
        q = decide(t, y[:t + 1], stock, on_order)
        if q > 0:
            pipeline[t + lag + 1] = pipeline.get(t + lag + 1, 0.0) + q
            out.orders += 1
            out.ordered_units += q
    return out


def simulate_reorder_point(s: Series, *, refit_weeks: int = 4) -> Outcome:
    start = len(s.demand) - s.replay_weeks
    params = replace(s.params, review_weeks=max(s.params.review_weeks, 1.0))
    state: dict[str, object] = {}

    def decide(t: int, history: np.ndarray, stock: float, on_order: float) -> float:
        if "fc" not in state or (t - start) % refit_weeks == 0:
            state["fc"] = forecasting.forecast_series(history)
            state["at"] = t
        fc: forecasting.SeriesForecast = state["fc"]  # type: ignore[assignment]
        ahead = list(fc.forecast[t - int(state["at"]):])  # type: ignore[call-overload]
        d = policy.decide(forecast=ahead, sigma=fc.sigma, available=stock, on_order=on_order, p=params)
        return d.quantity if d.order else 0.0

    return _replay(s, ROP, decide)


def simulate_fixed_schedule(s: Series, *, period: int = 4) -> Outcome:
    y = np.asarray(s.demand, dtype=float)
    start = len(y) - s.replay_weeks
    before = y[max(0, start - 52):start]
    mean = float(before.mean()) if len(before) else 0.0
    sd = float(before.std()) if len(before) else 0.0
    cover = s.params.lead_time_days / 7 + period
    level = mean * cover + policy.z_for(s.params.service_level) * sd * math.sqrt(cover)

    def decide(t: int, history: np.ndarray, stock: float, on_order: float) -> float:
        if (t - start) % period:
            return 0.0
        need = level - stock - on_order
        if need <= 0:
            return 0.0
        return policy.round_quantity(need, minimum=s.params.minimum, multiple=s.params.multiple)

    return _replay(s, FIXED, decide)


@dataclass
class Comparison:
    series: int
    rows: list[tuple[str, Outcome, Outcome]]

    def total(self, which: int) -> dict[str, float]:
        outs = [r[which] for r in self.rows]
        demand = sum(o.demand for o in outs)
        covers = [o.average_inventory / (o.demand / o.weeks) for o in outs if o.demand > 0]
        return {
            "stockout_weeks": sum(o.stockout_weeks for o in outs),
            "part_weeks": sum(o.weeks for o in outs),
            "short_units": sum(o.short for o in outs),
            "fill_rate": 1 - sum(o.short for o in outs) / demand if demand else 1.0,
            "average_inventory": sum(o.average_inventory for o in outs),
            "weeks_of_cover": sum(covers) / len(covers) if covers else 0.0,
            "orders": sum(o.orders for o in outs),
        }


def compare(series: Sequence[Series], *, refit_weeks: int = 4, period: int = 4) -> Comparison:
    rows = [(s.key, simulate_reorder_point(s, refit_weeks=refit_weeks), simulate_fixed_schedule(s, period=period))
            for s in series]
    return Comparison(len(rows), rows)
