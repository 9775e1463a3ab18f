"""Demo planning data (the last step of ``manage.py demo``): two years of weekly consumption of the
demo parts (smooth, seasonal, intermittent and lumpy demand), today's stock, supply terms and
replenishment policies; then a forecast run and a replenishment run.

Deterministic per part, plant and day, and done once a week: running it again in the same week
changes nothing (no new rows, runs or events); a week later it adds that week and runs again.
Policies and terms already there are left as the buyer set them.

A few passives are vendor-managed (min and max in weeks of their usual demand, VENDOR_MANAGED):
their supplier sees parts below min, within and above max on its Inventory page. Their
replenishment policies are switched off when the level is first made, so the buyer does not order
what the supplier replenishes.

The demo's replenishment run evaluates the parts that wait for approval only, so the approval
queue is filled and the demo's own order history is left as it is; autonomous parts are ordered
by the next real run (daily by Celery beat, or "Run replenishment now" in the console).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from suppliers.audit import Actor
from suppliers.models import Part, Plant, SupplierPart
from suppliers.planning import selectors, services
from suppliers.planning.models import (
    ForecastRun,
    ReplenishmentPolicy,
    SupplyTerms,
    VendorManagedLevel,
)
from suppliers.planning.selectors import monday_of
from suppliers.production.models import Consumption
from suppliers.production.services import consumption_post, stock_levels_post

WEEKS = 104
SMOOTH, SEASONAL, INTERMITTENT, LUMPY = "smooth", "seasonal", "intermittent", "lumpy"

# part → (kind, weekly level when consumed, probability of a week with demand, plants)
PROFILES: dict[str, tuple[str, float, float, tuple[str, ...]]] = {
    "R-0402-10K": (SMOOTH, 40000, 1, ("NGO1",)),
    "R-0402-100R": (SMOOTH, 25000, 1, ("SZX1",)),
    "R-0603-4K7": (SEASONAL, 15000, 1, ("NGO1",)),
    "C-0402-100N": (SMOOTH, 60000, 1, ("NGO1", "SZX1")),
    "C-0603-1U": (SEASONAL, 20000, 1, ("SZX1",)),
    "C-0805-10U": (SMOOTH, 8000, 1, ("NGO1",)),
    "C-1206-47U": (INTERMITTENT, 3000, 0.35, ("SZX1",)),
    "L-0603-2U2": (SMOOTH, 2000, 1, ("NGO1",)),
    "FB-0402-600R": (SMOOTH, 10000, 1, ("SZX1",)),
    "X-32K768": (INTERMITTENT, 500, 0.3, ("NGO1",)),
    "U-MCU-M4F-512": (SEASONAL, 800, 1, ("NGO1", "SZX1")),
    "U-MCU-M0-64": (SMOOTH, 1500, 1, ("SZX1",)),
    "U-LDO-3V3-500": (SMOOTH, 2500, 1, ("NGO1",)),
    "U-BUCK-5V-2A": (SEASONAL, 1200, 1, ("SZX1",)),
    "Q-NMOS-30V-6A": (SMOOTH, 5000, 1, ("NGO1",)),
    "D-TVS-5V": (SMOOTH, 6000, 1, ("SZX1",)),
    "U-CAN-XCVR": (INTERMITTENT, 400, 0.4, ("NGO1",)),
    "U-EEPROM-256K": (SMOOTH, 900, 1, ("SZX1",)),
    "U-OPAMP-RR": (LUMPY, 300, 0.25, ("NGO1",)),
    "D-LED-GRN-0603": (SMOOTH, 8000, 1, ("SZX1",)),
    "PCB-CTRL-4L-R3": (SEASONAL, 300, 1, ("NGO1", "SZX1")),
    "PCB-PWR-2L-R2": (SMOOTH, 300, 1, ("SZX1",)),
    "PCB-IO-4L-R1": (INTERMITTENT, 150, 0.45, ("NGO1",)),
    "PCB-LED-AL-R5": (SMOOTH, 500, 1, ("SZX1",)),
    "PCB-RF-6L-R2": (LUMPY, 40, 0.2, ("NGO1",)),
    "PCB-FLEX-2L-R1": (INTERMITTENT, 100, 0.35, ("SZX1",)),
    "PCB-BKPL-8L-R4": (LUMPY, 10, 0.15, ("NGO1",)),
    "PCB-SENS-2L-R7": (SMOOTH, 700, 1, ("SZX1",)),
    "PCB-DISP-4L-R2": (SEASONAL, 250, 1, ("NGO1",)),
    "PCB-TEST-2L-R1": (INTERMITTENT, 5, 0.1, ("SZX1",)),
}

# Weeks of demand on hand today, by position in the list: some parts need ordering, some do not.
STOCK_WEEKS = [1.5, 9, 3, 12, 0.8, 6, 2, 14, 4, 10]

# commodity → (minimum, multiple, cost per order, rule, cover weeks, service level, autonomous)
TERMS = {
    "passive": (Decimal(5000), Decimal(5000), Decimal(1500), ReplenishmentPolicy.Rule.EOQ, 4, Decimal("0.95"), True),
    "semiconductor": (Decimal(100), Decimal(100), Decimal(0), ReplenishmentPolicy.Rule.COVER, 6, Decimal("0.97"), False),
    "pcb": (Decimal(50), Decimal(10), Decimal(0), ReplenishmentPolicy.Rule.COVER, 3, Decimal("0.95"), False),
}


def weekly_quantity(part: str, plant: str, week: date) -> int:
    """The demo's consumption of a part at a plant in the week starting ``week`` (deterministic)."""
    kind, level, probability, plants = PROFILES[part]
    rng = random.Random(f"{part}|{plant}|{week.isoformat()}")
    level = level / len(plants) if len(plants) > 1 else level
    if kind in (INTERMITTENT, LUMPY):
        if rng.random() >= probability:
            return 0
        factor = rng.uniform(0.7, 1.3) if kind == INTERMITTENT else rng.gammavariate(0.6, 1 / 0.6)
        return max(1, round(level * factor))
    season = 1.0
    if kind == SEASONAL:
        # Electronics build for the year-end: a peak in the autumn, a trough in spring.
        season = 1 + 0.45 * math.sin(2 * math.pi * (week.isocalendar()[1] - 23) / 52)
    noise = 1 + 0.12 * rng.gauss(0, 1)
    return max(0, round(level * season * noise))


def _days(part: str, plant: str, week: date, quantity: int) -> list[tuple[date, int]]:
    """A week's consumption spread over its working days (intermittent demand falls on one day)."""
    kind = PROFILES[part][0]
    if kind in (INTERMITTENT, LUMPY):
        day = week + timedelta(days=random.Random(f"{part}|{plant}|{week}|day").randrange(5))
        return [(week, 0), (day, quantity)] if day != week else [(week, quantity)]
    base, rest = divmod(quantity, 5)
    return [(week + timedelta(days=i), base + (1 if i < rest else 0)) for i in range(5)]


def load(*, today: date, actor: Actor | None = None, write: Callable[[str], None] = print,
         weeks: int = WEEKS, run: bool = True) -> dict[str, int]:
    actor = actor or Actor.system("demo")
    this_monday = monday_of(today)
    if run and ForecastRun.objects.filter(first_week=this_monday, status=ForecastRun.Status.DONE).exists() \
            and Consumption.objects.filter(week=this_monday - timedelta(weeks=1)).exists():
        write("Planning: already loaded this week.")
        return {"series": 0, "consumption_days": 0}
    plants = {p.code: p for p in Plant.objects.filter(code__in={c for *_x, ps in PROFILES.values() for c in ps})}
    parts = {p.buyer_part_number: p for p in Part.objects.filter(buyer_part_number__in=PROFILES)}
    entries, stock = [], []
    series = 0
    for n, (number, (_kind, _level, _p, plant_codes)) in enumerate(PROFILES.items()):
        if number not in parts:
            continue
        for code in plant_codes:
            if code not in plants:
                continue
            series += 1
            total = 0
            for w in range(weeks, 0, -1):
                week = this_monday - timedelta(weeks=w)
                quantity = weekly_quantity(number, code, week)
                total += quantity
                entries.extend({"part": number, "plant": code, "day": d, "quantity": q}
                               for d, q in _days(number, code, week, quantity))
            mean = total / weeks
            on_hand = round(mean * STOCK_WEEKS[n % len(STOCK_WEEKS)])
            stock.append({"part": number, "plant": code, "day": today, "quantity": on_hand,
                          "blocked": round(on_hand * 0.02) if n % 4 == 0 else 0})
    for i in range(0, len(entries), 5000):
        consumption_post(entries=entries[i:i + 5000], actor=actor)
    if stock:
        stock_levels_post(entries=stock, actor=actor)
    _terms_and_policies(parts, plants)
    _vendor_managed_levels(parts, plants)
    out = {"series": series, "consumption_days": len(entries)}
    if run and series:
        forecast = services.forecast_run(actor=actor, today=today)
        report = services.replenishment_run(actor=Actor.system("replenishment"), today=today,
                                            policies=selectors.policies().filter(autonomous=False))
        out.update(forecasts=forecast.series, proposals=report.awaiting)
        write(f"Planning: {series} part×plant series with {weeks} weeks of consumption; forecasts in "
              f"{forecast.seconds:.1f} s; {out['proposals']} replenishment proposals await approval "
              f"(`manage.py replenishment run` orders the autonomous parts).")
    return out


def _terms_and_policies(parts: dict[str, Part], plants: dict[str, Plant]) -> None:
    for number, (_kind, _level, _p, plant_codes) in PROFILES.items():
        part = parts.get(number)
        if part is None:
            continue
        minimum, multiple, cost, rule, cover, service, autonomous = TERMS.get(part.commodity_class, TERMS["pcb"])
        for sp in SupplierPart.objects.filter(part=part):
            SupplyTerms.objects.get_or_create(supplier_part=sp, defaults={
                "minimum_order_quantity": minimum, "order_multiple": multiple, "ordering_cost": cost})
        for code in plant_codes:
            if code in plants:
                ReplenishmentPolicy.objects.get_or_create(part=part, plant=plants[code], defaults={
                    "autonomous": autonomous, "service_level": service, "quantity_rule": rule,
                    "cover_weeks": Decimal(cover)})


# part → (min, max) in weeks of its usual weekly demand; with STOCK_WEEKS the statuses differ
VENDOR_MANAGED = {"R-0402-10K": (2, 8), "C-0402-100N": (1, 4), "C-0805-10U": (2, 8), "FB-0402-600R": (2, 8)}


def _vendor_managed_levels(parts: dict[str, Part], plants: dict[str, Plant]) -> None:
    for number, (low, high) in VENDOR_MANAGED.items():
        part = parts.get(number)
        if part is None:
            continue
        _kind, level, _p, plant_codes = PROFILES[number]
        for sp in SupplierPart.objects.filter(part=part):
            for code in plant_codes:
                if code not in plants:
                    continue
                _level, created = VendorManagedLevel.objects.get_or_create(
                    supplier_part=sp, plant=plants[code],
                    defaults={"min_quantity": Decimal(round(level * low)), "max_quantity": Decimal(round(level * high)),
                              "note": "Demo: vendor-managed"})
                if created:
                    ReplenishmentPolicy.objects.filter(part=part, plant=plants[code]).update(is_active=False)
