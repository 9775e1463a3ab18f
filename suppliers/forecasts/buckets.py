"""Forecast buckets: weekly for 13 weeks, then calendar months up to 12 months (pure, no Django).

A horizon starts on a Monday. Buckets never overlap and cover the horizon without gaps; the first
and last monthly buckets may be partial months. Quantities given for arbitrary periods are spread
over the buckets in proportion to the days they share, keeping the total exact.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

WEEK = "week"
MONTH = "month"
FIRM = "firm"
PLANNING = "planning"
OUTLOOK = "outlook"

WEEKLY_BUCKETS = 13
HORIZON_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Bucket:
    index: int
    start: date
    end: date
    kind: str
    zone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_end(start: date, months: int = HORIZON_MONTHS) -> date:
    return add_months(start, months) - timedelta(days=1)


def zone_of(start: date, horizon: date, *, firm_weeks: int, planning_weeks: int) -> str:
    if start < horizon + timedelta(weeks=firm_weeks):
        return FIRM
    if start < horizon + timedelta(weeks=planning_weeks):
        return PLANNING
    return OUTLOOK


def layout(
    start: date, *, firm_weeks: int = 4, planning_weeks: int = WEEKLY_BUCKETS,
    weeks: int = WEEKLY_BUCKETS, months: int = HORIZON_MONTHS,
) -> list[Bucket]:
    """The buckets of a horizon starting on Monday ``start``."""
    if start.weekday() != 0:
        raise ValueError(f"a forecast horizon starts on a Monday, not on {start:%A} {start}")
    end = horizon_end(start, months)
    out: list[Bucket] = []

    def add(s: date, e: date, kind: str) -> None:
        zone = zone_of(s, start, firm_weeks=firm_weeks, planning_weeks=planning_weeks)
        out.append(Bucket(len(out), s, e, kind, zone))

    cur = start
    for _ in range(weeks):
        if cur > end:
            break
        add(cur, min(cur + timedelta(days=6), end), WEEK)
        cur += timedelta(days=7)
    while cur <= end:
        month_end = date(cur.year, cur.month, calendar.monthrange(cur.year, cur.month)[1])
        stop = min(month_end, end)
        add(cur, stop, MONTH)
        cur = stop + timedelta(days=1)
    return out


def places_of(values: Iterable[Decimal]) -> int:
    """Decimal places to keep: as many as the most precise input, at most 3."""
    places = 0
    for v in values:
        exponent = v.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return min(places, 3)


class OutsideHorizon(ValueError):
    pass


def spread(
    periods: Sequence[tuple[date, date, Decimal]], buckets: Sequence[Bucket], *, places: int | None = None,
) -> list[Decimal]:
    """Quantities per bucket from quantities per period (both ends inclusive).

    A period inside one bucket goes to it whole; a period over several is shared by days, rounded
    to ``places`` with the largest remainders getting the last units, so totals are exact.
    Raises :class:`OutsideHorizon` for a period not inside the buckets.
    """
    if places is None:
        places = places_of(q for _s, _e, q in periods)
    unit = Decimal(1).scaleb(-places)
    totals = [Decimal(0)] * len(buckets)
    if not buckets:
        return totals
    first, last = buckets[0].start, buckets[-1].end
    for start, end, quantity in periods:
        if end < start:
            raise ValueError(f"period {start}..{end} ends before it starts")
        if start < first or end > last:
            raise OutsideHorizon(f"period {start}..{end} is outside the horizon {first}..{last}")
        days = (end - start).days + 1
        shares: list[tuple[int, Decimal, Decimal]] = []
        for b in buckets:
            overlap = (min(end, b.end) - max(start, b.start)).days + 1
            if overlap <= 0:
                continue
            exact = quantity * overlap / days
            floor = exact.quantize(unit, rounding=ROUND_DOWN)
            shares.append((b.index, floor, exact - floor))
        left = quantity - sum(s[1] for s in shares)
        bonus = set()
        for index, _floor, _rest in sorted(shares, key=lambda s: (-s[2], s[0])):
            if left < unit:
                break
            bonus.add(index)
            left -= unit
        for index, floor, _rest in shares:
            totals[index] += floor + (unit if index in bonus else 0)
    return totals


def overlap_quantity(
    previous: Iterable[tuple[date, date, Decimal]], start: date, end: date, *, places: int = 0,
) -> Decimal | None:
    """What earlier buckets said about ``start..end``, shared by days; None when none overlap."""
    total, seen = Decimal(0), False
    for p_start, p_end, quantity in previous:
        overlap = (min(end, p_end) - max(start, p_start)).days + 1
        if overlap <= 0:
            continue
        seen = True
        total += quantity * overlap / ((p_end - p_start).days + 1)
    if not seen:
        return None
    return total.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
