"""Statistical demand forecasts from weekly consumption (pure: numpy and statsforecast, no Django).

For each series (one part at one plant, oldest week first):

1. **Classify** the demand by ADI and CV² (Syntetos–Boylan): ``smooth`` (ADI < 1.32, CV² < 0.49),
   ``erratic`` (ADI < 1.32, CV² ≥ 0.49), ``intermittent`` (ADI ≥ 1.32, CV² < 0.49), ``lumpy``
   (both high) or ``none`` (no demand at all). A series of at least two years whose lag-52
   autocorrelation exceeds ``SEASONAL_ACF`` is also flagged ``seasonal``.
2. **Pick the candidates** from the class: ETS (and, when seasonal, ETS on the seasonally adjusted
   series through MSTL) for smooth and erratic demand; Croston, SBA and TSB for intermittent and
   lumpy demand. The baseline (seasonal naive, or naive when there is less than a season of history
   at every origin) is always a candidate.
3. **Backtest** every candidate from rolling origins: ``ORIGINS`` origins ``STEP`` weeks apart,
   each forecasting ``HORIZON`` weeks from the history before it.
4. **Choose** the candidate with the lowest MASE; ties keep the earlier candidate (the baseline is
   listed last, so a model must beat it to be chosen). For intermittent and lumpy demand the
   baseline is measured but not chosen: MASE, being a mean absolute error, rewards forecasts that
   are mostly 0, and a seasonal naive forecast of such a series replays last year's orders in
   the same weeks; planning needs a demand rate, which is what Croston, SBA and TSB give.
5. **Forecast** with the chosen model fitted on the whole history.

Metrics, over every origin and step of a backtest (e = forecast − actual):

* MASE = mean over origins of ( mean |e| at that origin / scale ), where scale is the mean absolute
  one-week change of the history before that origin (the in-sample one-step naive error). When that
  is 0 (a constant history) the mean absolute history is used, and 1 when that is 0 too.
* WAPE = Σ|e| / Σ actual; bias = Σe / Σ actual (positive: the forecast was too high). Both are
  None when nothing was consumed in the test weeks.
* sigma = √(mean e²): the weekly forecast error that sizes safety stock.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

SEASON = 52
HORIZON = 13  # weeks forecast from each backtest origin: the weekly part of a published forecast
ORIGINS = 3
STEP = 4
MIN_TRAIN = 8  # weeks of history a model needs before an origin
FORECAST_WEEKS = 53  # forecast length: covers the 12-month horizon of a published version
SEASONAL_ACF = 0.3
ADI_CUT = 1.32
CV2_CUT = 0.49

SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NONE = "smooth", "erratic", "intermittent", "lumpy", "none"
DEMAND_CLASSES = (SMOOTH, ERRATIC, INTERMITTENT, LUMPY, NONE)

# Model names as stored and shown; the factories are statsforecast models.
ETS, MSTL_ETS, CROSTON, SBA, TSB, SEASONAL_NAIVE, NAIVE, ZERO = (
    "ets", "mstl_ets", "croston", "sba", "tsb", "seasonal_naive", "naive", "zero")
MODEL_LABELS = {
    ETS: "ETS", MSTL_ETS: "ETS + seasonality (MSTL)", CROSTON: "Croston", SBA: "SBA (Syntetos–Boylan)",
    TSB: "TSB (Teunter–Syntetos–Babai)", SEASONAL_NAIVE: "Seasonal naive", NAIVE: "Naive", ZERO: "No demand",
}
BASELINES = (SEASONAL_NAIVE, NAIVE)


def _factory(name: str):
    from statsforecast import models as sf

    if name == ETS:
        # Additive errors (weekly demand can be 0), trend chosen by AIC (none, additive, damped).
        return sf.AutoETS(model="AZN")
    if name == MSTL_ETS:
        return sf.MSTL(season_length=SEASON, trend_forecaster=sf.AutoETS(model="AZN"))
    if name == CROSTON:
        return sf.CrostonClassic()
    if name == SBA:
        return sf.CrostonSBA()
    if name == TSB:
        return sf.TSB(alpha_d=0.1, alpha_p=0.1)
    if name == SEASONAL_NAIVE:
        return sf.SeasonalNaive(season_length=SEASON)
    if name == NAIVE:
        return sf.Naive()
    raise ValueError(f"unknown model {name!r}")


def predict(name: str, history: np.ndarray, h: int) -> np.ndarray:
    """``h`` weeks of forecast from ``history`` by the named model, never negative."""
    if name == ZERO:
        return np.zeros(h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = _factory(name).forecast(y=np.asarray(history, dtype=float), h=h)["mean"]
    mean = np.nan_to_num(np.asarray(mean, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(mean, 0.0, None)


# --- classification -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Demand:
    kind: str
    adi: float | None
    cv2: float | None
    seasonal: bool


def autocorrelation(y: np.ndarray, lag: int) -> float:
    y = np.asarray(y, dtype=float)
    if len(y) <= lag:
        return 0.0
    d = y - y.mean()
    denom = float(np.dot(d, d))
    return float(np.dot(d[lag:], d[:-lag]) / denom) if denom else 0.0


def classify(y: Sequence[float]) -> Demand:
    """ADI = weeks / weeks with demand; CV² = (std / mean)² of the non-zero weeks."""
    y = np.asarray(y, dtype=float)
    nonzero = y[y > 0]
    if len(nonzero) == 0:
        return Demand(NONE, None, None, False)
    adi = len(y) / len(nonzero)
    cv2 = float((nonzero.std() / nonzero.mean()) ** 2)
    if adi < ADI_CUT:
        kind = SMOOTH if cv2 < CV2_CUT else ERRATIC
    else:
        kind = INTERMITTENT if cv2 < CV2_CUT else LUMPY
    seasonal = len(y) >= 2 * SEASON and autocorrelation(y, SEASON) > SEASONAL_ACF
    return Demand(kind, round(adi, 4), round(cv2, 4), seasonal)


def candidates(demand: Demand) -> list[str]:
    """The models worth backtesting for this kind of demand (the baseline is added by the backtest)."""
    if demand.kind in (SMOOTH, ERRATIC):
        return [ETS, MSTL_ETS] if demand.seasonal else [ETS]
    if demand.kind in (INTERMITTENT, LUMPY):
        return [CROSTON, SBA, TSB]
    return []


# --- metrics and backtest -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Metrics:
    mase: float | None
    wape: float | None
    bias: float | None
    sigma: float

    def as_dict(self) -> dict[str, float | None]:
        return {"mase": _r(self.mase), "wape": _r(self.wape), "bias": _r(self.bias), "sigma": _r(self.sigma)}


def _r(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def mase_scale(train: Sequence[float]) -> float:
    """Mean absolute one-week change of the training history (with the fallbacks above)."""
    train = np.asarray(train, dtype=float)
    if len(train) >= 2:
        scale = float(np.mean(np.abs(np.diff(train))))
        if scale > 0:
            return scale
    level = float(np.mean(np.abs(train))) if len(train) else 0.0
    return level if level > 0 else 1.0


def metrics(folds: Sequence[tuple[Sequence[float], Sequence[float], Sequence[float]]]) -> Metrics:
    """Accuracy over backtest folds, each ``(train, actual, forecast)``."""
    errors, actuals, scaled = [], [], []
    for train, actual, forecast in folds:
        e = np.asarray(forecast, dtype=float) - np.asarray(actual, dtype=float)
        errors.append(e)
        actuals.append(np.asarray(actual, dtype=float))
        scaled.append(float(np.mean(np.abs(e))) / mase_scale(train))
    if not errors:
        return Metrics(None, None, None, 0.0)
    e = np.concatenate(errors)
    a = np.concatenate(actuals)
    total = float(a.sum())
    return Metrics(
        mase=float(np.mean(scaled)),
        wape=float(np.abs(e).sum() / total) if total > 0 else None,
        bias=float(e.sum() / total) if total > 0 else None,
        sigma=float(np.sqrt(np.mean(e ** 2))),
    )


def origins(n: int, *, horizon: int = HORIZON, count: int = ORIGINS, step: int = STEP,
            min_train: int = MIN_TRAIN) -> tuple[list[int], int]:
    """Backtest origins (the number of history weeks before each) and the horizon they allow.

    A short series gets a shorter horizon (at least 4 weeks) or no backtest at all.
    """
    h = min(horizon, n - min_train)
    if h < 4:
        return [], 0
    out = [n - h - step * k for k in range(count - 1, -1, -1)]
    return [o for o in out if o >= min_train], h


def baseline_for(n_train_min: int) -> str:
    return SEASONAL_NAIVE if n_train_min >= SEASON else NAIVE


@dataclass
class Backtest:
    origins: list[int]
    horizon: int
    baseline: str
    results: dict[str, Metrics] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def backtest(y: Sequence[float], models: Sequence[str], **kwargs) -> Backtest:
    y = np.asarray(y, dtype=float)
    cut, h = origins(len(y), **kwargs)
    baseline = baseline_for(min(cut) if cut else len(y))
    out = Backtest(cut, h, baseline)
    if not cut:
        return out
    for name in [*models, baseline]:
        if name in out.results:
            continue
        try:
            folds = [(y[:o], y[o:o + h], predict(name, y[:o], h)) for o in cut]
        except Exception as exc:  # a model that cannot fit this series is not a candidate
            out.failed[name] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        out.results[name] = metrics(folds)
    return out


# --- the whole thing, per series ------------------------------------------------------------------

@dataclass
class SeriesForecast:
    demand: Demand
    model: str
    baseline: str
    forecast: np.ndarray
    metrics: Metrics | None
    baseline_metrics: Metrics | None
    candidates: dict[str, Metrics]
    failed: dict[str, str]
    seconds: float

    @property
    def sigma(self) -> float:
        """Weekly forecast error for safety stock: the backtest's, else the history's spread."""
        return self.metrics.sigma if self.metrics is not None else 0.0


def choose(results: dict[str, Metrics], order: Sequence[str]) -> str | None:
    """The candidate with the lowest MASE; on a tie, the one listed first."""
    best, best_mase = None, math.inf
    for name in order:
        m = results.get(name)
        if m is None or m.mase is None or not math.isfinite(m.mase):
            continue
        if m.mase < best_mase - 1e-12:
            best, best_mase = name, m.mase
    return best


def forecast_series(y: Sequence[float], *, weeks: int = FORECAST_WEEKS,
                    models: Callable[[Demand], list[str]] = candidates) -> SeriesForecast:
    """Classify, backtest the class's candidates against the baseline, forecast with the best."""
    started = time.perf_counter()
    y = np.asarray(y, dtype=float)
    demand = classify(y)
    if demand.kind == NONE:
        return SeriesForecast(demand, ZERO, NAIVE, np.zeros(weeks), None, None, {}, {},
                              time.perf_counter() - started)
    names = models(demand)
    bt = backtest(y, names)
    order = [*names, bt.baseline]
    rate_only = demand.kind in (INTERMITTENT, LUMPY)
    chosen = choose(bt.results, names if rate_only else order)
    if chosen is None:
        # Too short to backtest (or every candidate failed): the class's first model, unscored.
        chosen = next((n for n in order if n not in bt.failed), bt.baseline)
    try:
        values = predict(chosen, y, weeks)
    except Exception as exc:
        bt.failed[chosen] = f"{type(exc).__name__}: {exc}"[:200]
        chosen = bt.baseline
        values = predict(chosen, y, weeks)
    m = bt.results.get(chosen)
    if m is None:
        # No backtest: size safety stock from the spread of the history instead.
        m = Metrics(None, None, None, float(np.std(y)))
    return SeriesForecast(demand, chosen, bt.baseline, values, m, bt.results.get(bt.baseline), bt.results,
                          bt.failed, time.perf_counter() - started)


def _forecast_one(y: Sequence[float]) -> SeriesForecast:
    return forecast_series(y)


def forecast_many(series: Sequence[Sequence[float]], *, workers: int = 1) -> list[SeriesForecast]:
    """:func:`forecast_series` for many series, in ``workers`` processes when more than one.

    The models hold the GIL, so threads do not help; processes do. A daemonic process (a Celery
    prefork child) may not start processes, so there the series run one after the other.
    """
    import multiprocessing

    if workers <= 1 or len(series) < 20 or multiprocessing.current_process().daemon:
        return [forecast_series(y) for y in series]
    from concurrent.futures import ProcessPoolExecutor

    # fork: the children only compute (no database, no sockets), and start without re-importing.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_forecast_one, [np.asarray(y, dtype=float) for y in series],
                             chunksize=max(1, len(series) // (workers * 4))))
