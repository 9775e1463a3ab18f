"""Reorder point, safety stock and order quantity arithmetic (pure, no Django).

Per part and plant, with weekly forecast ``f``, weekly forecast error ``sigma`` (the backtest's
root mean squared error), supplier lead time ``L`` in weeks (days / 7) and review period ``R``
weeks (0 for a daily run):

* protection period     P   = L + R
* safety stock          SS  = z(service level) × sigma × √P
* lead-time demand      D_P = the forecast summed over the next P weeks (a part week pro rata)
* reorder point         ROP = D_P + SS
* inventory position        = on hand − blocked + open order quantity not yet received
* order when position ≤ ROP, then the quantity:
    - ``eoq``:   Q = √(2 · annual demand · ordering cost / (holding rate · unit price))
    - ``cover``: Q = the forecast over the next ``cover_weeks`` weeks
  capped at ``max_cover_weeks`` of forecast, plus the shortfall ROP − position (so the order
  brings the position up to ROP + Q even when it had fallen well below the reorder point),
  rounded up to whole units, raised to the minimum order quantity and rounded up to the order
  multiple.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

EOQ = "eoq"
COVER = "cover"


def z_for(service_level: float) -> float:
    """The standard normal quantile of the cycle service level (0.95 → 1.645)."""
    if not 0 < service_level < 1:
        raise ValueError("a service level is between 0 and 1 (exclusive)")
    return NormalDist().inv_cdf(service_level)


def safety_stock(*, z: float, sigma: float, periods: float) -> float:
    return max(0.0, z * sigma * math.sqrt(max(periods, 0.0)))


def demand_over(forecast: Sequence[float], weeks: float) -> float:
    """The forecast summed over the first ``weeks`` weeks; the last, partial week pro rata.

    Beyond the end of the forecast the last week's value is repeated.
    """
    if weeks <= 0 or not forecast:
        return 0.0
    whole = int(math.floor(weeks))
    total = 0.0
    for i in range(whole):
        total += float(forecast[min(i, len(forecast) - 1)])
    part = weeks - whole
    if part > 0:
        total += part * float(forecast[min(whole, len(forecast) - 1)])
    return total


def eoq(*, annual_demand: float, ordering_cost: float, unit_price: float, holding_rate: float) -> float | None:
    """Economic order quantity; None when a cost is missing (0)."""
    holding = holding_rate * unit_price
    if annual_demand <= 0 or ordering_cost <= 0 or holding <= 0:
        return None
    return math.sqrt(2 * annual_demand * ordering_cost / holding)


def round_quantity(raw: float, *, minimum: float = 0, multiple: float = 0) -> float:
    """Whole units, at least the minimum, a multiple of ``multiple`` (when set)."""
    q = math.ceil(raw - 1e-9) if raw > 0 else 0
    q = max(q, minimum or 0)
    if multiple and multiple > 0:
        q = math.ceil(q / multiple - 1e-9) * multiple
    return float(q)


@dataclass(frozen=True)
class Parameters:
    service_level: float
    lead_time_days: float
    review_weeks: float = 0.0
    rule: str = COVER
    cover_weeks: float = 4.0
    max_cover_weeks: float = 26.0
    holding_rate: float = 0.25
    ordering_cost: float = 0.0
    unit_price: float = 0.0
    minimum: float = 0.0
    multiple: float = 0.0


@dataclass(frozen=True)
class Decision:
    z: float
    lead_time_weeks: float
    protection_weeks: float
    lead_time_demand: float
    safety_stock: float
    reorder_point: float
    position: float
    order: bool
    quantity: float
    quantity_rule: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "z": round(self.z, 4), "lead_time_weeks": round(self.lead_time_weeks, 4),
            "protection_weeks": round(self.protection_weeks, 4),
            "lead_time_demand": round(self.lead_time_demand, 3), "safety_stock": round(self.safety_stock, 3),
            "reorder_point": round(self.reorder_point, 3), "position": round(self.position, 3),
            "order": self.order, "quantity": self.quantity, "quantity_rule": self.quantity_rule,
        }


def order_quantity(*, forecast: Sequence[float], shortfall: float, p: Parameters) -> tuple[float, dict[str, Any]]:
    """The quantity to order and how it was reached (for the audit trail)."""
    steps: dict[str, Any] = {"rule": p.rule}
    if p.rule == EOQ:
        annual = demand_over(forecast, 52)
        q = eoq(annual_demand=annual, ordering_cost=p.ordering_cost, unit_price=p.unit_price,
                holding_rate=p.holding_rate)
        steps.update(annual_demand=round(annual, 3), ordering_cost=p.ordering_cost, unit_price=p.unit_price,
                     holding_rate=p.holding_rate, eoq=None if q is None else round(q, 3))
        if q is None:
            # No costs to weigh: fall back to covering the cover period.
            q = demand_over(forecast, p.cover_weeks)
            steps.update(fallback="cover", cover_weeks=p.cover_weeks)
    else:
        q = demand_over(forecast, p.cover_weeks)
        steps.update(cover_weeks=p.cover_weeks)
    steps["base"] = round(q, 3)
    steps["shortfall"] = round(max(shortfall, 0.0), 3)
    cap = demand_over(forecast, p.max_cover_weeks) if p.max_cover_weeks else math.inf
    if q > cap:
        steps["capped_at"] = round(cap, 3)
        q = cap
    q += max(shortfall, 0.0)
    steps["minimum"], steps["multiple"] = p.minimum, p.multiple
    final = round_quantity(q, minimum=p.minimum, multiple=p.multiple)
    steps["quantity"] = final
    return final, steps


def decide(*, forecast: Sequence[float], sigma: float, available: float, on_order: float, p: Parameters) -> Decision:
    """Reorder point and, when the position is at or below it, the order quantity."""
    z = z_for(p.service_level)
    lead_weeks = p.lead_time_days / 7.0
    protection = lead_weeks + p.review_weeks
    ltd = demand_over(forecast, protection)
    ss = safety_stock(z=z, sigma=sigma, periods=protection)
    rop = ltd + ss
    position = available + on_order
    # No demand expected and nothing to protect: never order (an ROP of 0 with a position of 0).
    order = position <= rop and rop > 0
    quantity, steps = (0.0, {"rule": p.rule})
    if order:
        quantity, steps = order_quantity(forecast=forecast, shortfall=rop - position, p=p)
        order = quantity > 0
    return Decision(z, lead_weeks, protection, ltd, ss, rop, position, order, quantity, steps)
