"""A server-drawn SVG chart of history and forecast (no JavaScript: the CSP allows none inline)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Line:
    name: str
    css: str
    d: str
    label: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    lines: list[Line] = field(default_factory=list)
    band: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    now_x: float = 0.0

    @property
    def right(self) -> int:
        return self.left + self.plot_w

    @property
    def bottom(self) -> int:
        return self.top + self.plot_h


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def forecast_chart(
    *, history_start: date, history: Sequence[float], first_week: date, statistical: Sequence[float],
    final: Sequence[float], sigma: float = 0.0, width: int = 960, height: int = 280, show_weeks: int = 104,
) -> Chart:
    """History (the last ``show_weeks``), the statistical forecast, the final (adjusted) forecast and
    a ±σ band around the final one."""
    skip = max(0, len(history) - show_weeks)
    history = list(history)[skip:]
    history_start = history_start + timedelta(weeks=skip)
    weeks = len(history) + len(statistical)
    top_value = max([*history, *statistical, *final, *(f + sigma for f in final), 1.0])
    step = _nice_step(top_value)
    y_max = step * math.ceil(top_value / step)
    left, top, right, bottom = 56, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    chart = Chart(width, height, left, top, plot_w, plot_h)

    def x(i: float) -> float:
        return round(left + plot_w * i / max(weeks - 1, 1), 1)

    def y(v: float) -> float:
        return round(top + plot_h * (1 - v / y_max), 1)

    def path(values: Sequence[float], offset: int) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x(offset + i)},{y(v)}" for i, v in enumerate(values))

    offset = (first_week - history_start).days // 7
    chart.lines.append(Line("history", "pl-history", path(history, 0), "consumption"))
    chart.lines.append(Line("statistical", "pl-stat", path(statistical, offset), "statistical forecast"))
    if list(final) != list(statistical):
        chart.lines.append(Line("final", "pl-final", path(final, offset), "adjusted forecast"))
    if sigma > 0 and final:
        upper = [f"{x(offset + i)},{y(v + sigma)}" for i, v in enumerate(final)]
        lower = [f"{x(offset + i)},{y(max(v - sigma, 0))}" for i, v in reversed(list(enumerate(final)))]
        chart.band = "M" + " L".join(upper + lower) + " Z"
    chart.now_x = x(offset)
    value = 0.0
    while value <= y_max + 1e-9:
        chart.y_ticks.append((y(value), _fmt(value)))
        value += step
    for i in range(weeks):
        day = history_start + timedelta(weeks=i)
        if day.day <= 7 and day.month in (1, 4, 7, 10):
            chart.x_ticks.append((x(i), f"{day:%Y-%m}"))
    return chart
