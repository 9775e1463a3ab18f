"""Server-rendered SVG charts (no JavaScript: the CSP allows only our own scripts, and none is needed).

Python computes the geometry; ``templates/scorecards/_trend.html`` and ``_spark.html`` draw it.
A month without a value leaves a gap in the line, it is never drawn as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Point:
    x: float
    y: float
    month: date
    value: Decimal
    label: str = ""
    url: str = ""


@dataclass
class Series:
    key: str
    name: str
    segments: list[str] = field(default_factory=list)  # SVG path data, one per unbroken run
    points: list[Point] = field(default_factory=list)


@dataclass
class Band:
    grade: str
    y: float
    height: float
    label_y: float


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    bands: list[Band]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    lower_is_better: bool = False

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_width(self) -> int:
        return self.width - self.right - self.left

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: a + (float(v) - lo) / span * (b - a)


def trend(
    months: Sequence[date], series: Sequence[tuple[str, str, Sequence[Decimal | None], Sequence[str]]], *,
    bands: dict[str, Decimal] | None = None, top: float | None = 100.0, lower_is_better: bool = False,
    width: int = 720, height: int = 240, labels: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """A line chart over ``months``: each series is (key, name, values per month, urls per month).

    ``top`` fixes the y axis at 0..top (scores); ``None`` fits it to the data (PPM, hours).
    ``bands`` (grade -> lower bound) shades the grade zones behind score lines.
    """
    left, right, top_m, bottom = 40, 28, 10, 26
    values = [float(v) for _k, _n, vals, _u in series for v in vals if v is not None]
    y_max = float(top) if top is not None else max(values + [0.0]) * 1.1 or 1.0
    n = max(len(months), 1)
    slot = (width - left - right) / n
    x_of = [left + slot * (i + 0.5) for i in range(n)]
    y_of = _scale(0.0, y_max, height - bottom, top_m)
    out: list[Series] = []
    for s_index, (key, name, vals, urls) in enumerate(series):
        s = Series(key=key, name=name)
        run: list[str] = []
        for i, v in enumerate(vals):
            if v is None:
                if run:
                    s.segments.append(" ".join(run))
                run = []
                continue
            x, y = round(x_of[i], 1), round(y_of(v), 1)
            run.append(f"{'M' if not run else 'L'}{x},{y}")
            label = labels[s_index][i] if labels else ""
            s.points.append(Point(x=x, y=y, month=months[i], value=v, label=label, url=urls[i] if urls else ""))
        if run:
            s.segments.append(" ".join(run))
        out.append(s)
    chart_bands: list[Band] = []
    if bands and top is not None:
        edges = sorted(((float(v), g) for g, v in bands.items()), reverse=True)
        upper = y_max
        for lower, grade in edges + [(0.0, "D")]:
            y1, y2 = y_of(upper), y_of(lower)
            chart_bands.append(Band(grade=grade, y=round(y1, 1), height=round(y2 - y1, 1), label_y=round((y1 + y2) / 2 + 4, 1)))
            upper = lower
    ticks = [0.0, y_max / 4, y_max / 2, y_max * 3 / 4, y_max]
    y_ticks = [(round(y_of(t), 1), f"{t:,.0f}") for t in ticks]
    x_labels = [(round(x_of[i], 1), f"{m:%m/%y}") for i, m in enumerate(months)]
    return Chart(width=width, height=height, left=left, right=right, top=top_m, bottom=bottom, series=out,
                 bands=chart_bands, x_labels=x_labels, y_ticks=y_ticks, lower_is_better=lower_is_better)


@dataclass
class Spark:
    width: int
    height: int
    segments: list[str]
    last: tuple[float, float] | None


def sparkline(values: Sequence[Decimal | None], *, width: int = 96, height: int = 24, top: float | None = 100.0) -> Spark:
    """A small trend line for a table cell (gaps where there is no value)."""
    nums = [float(v) for v in values if v is not None]
    y_max = float(top) if top is not None else (max(nums + [0.0]) or 1.0)
    n = max(len(values), 1)
    step = (width - 4) / max(n - 1, 1)
    y_of = _scale(0.0, y_max, height - 2, 2)
    segments, run, last = [], [], None
    for i, v in enumerate(values):
        if v is None:
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        x, y = round(2 + step * i, 1), round(y_of(v), 1)
        run.append(f"{'M' if not run else 'L'}{x},{y}")
        last = (x, y)
    if run:
        segments.append(" ".join(run))
    return Spark(width=width, height=height, segments=segments, last=last)
