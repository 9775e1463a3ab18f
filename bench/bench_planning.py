"""Statistical forecasts: classification, rolling-origin backtest and model choice for a few
hundred weekly series (no database). Prints BENCH lines.

The mix: 40 % smooth, 20 % seasonal, 25 % intermittent, 15 % lumpy; two years of weekly history
each. The first call (imports and first fits) is timed apart from the run.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from suppliers.planning import forecasting

N = int(os.environ.get("BENCH_PLANNING_SERIES", "300"))
WEEKS = 104


def series(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(42)
    t = np.arange(WEEKS)
    out = []
    for i in range(n):
        level = rng.uniform(50, 5000)
        kind = i % 20
        if kind < 8:
            y = level * (1 + 0.12 * rng.standard_normal(WEEKS))
        elif kind < 12:
            y = level * (1 + 0.45 * np.sin(2 * np.pi * (t - 10) / 52)) * (1 + 0.1 * rng.standard_normal(WEEKS))
        elif kind < 17:
            y = np.where(rng.random(WEEKS) < 0.35, level * rng.uniform(0.7, 1.3, WEEKS), 0)
        else:
            y = np.where(rng.random(WEEKS) < 0.2, level * rng.gamma(0.6, 1 / 0.6, WEEKS), 0)
        out.append(np.clip(np.round(y), 0, None))
    return out


def main() -> None:
    data = series(N)
    started = time.perf_counter()
    forecasting.forecast_series(data[0])
    warm = time.perf_counter() - started
    print(f"BENCH planning_forecast_warmup {warm:.2f} s")
    started, cpu = time.perf_counter(), time.process_time()
    results = forecasting.forecast_many(data, workers=1)
    serial, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"BENCH planning_forecast_{N}_series_1_process {serial:.2f} s")
    # CPU time as well: on a shared machine the wall clock also counts other processes' turns.
    print(f"BENCH planning_forecast_{N}_series_cpu {cpu:.2f} s")
    print(f"BENCH planning_forecast_per_series_cpu {cpu / N * 1000:.1f} ms")
    workers = os.cpu_count() or 1
    if workers > 1:
        started = time.perf_counter()
        forecasting.forecast_many(data, workers=workers)
        print(f"BENCH planning_forecast_{N}_series_{workers}_processes {time.perf_counter() - started:.2f} s")
    beats = sum(1 for r in results if r.metrics and r.baseline_metrics and r.metrics.mase is not None
                and r.baseline_metrics.mase is not None and r.metrics.mase < r.baseline_metrics.mase)
    scored = [r for r in results if r.metrics and r.metrics.mase is not None]
    print(f"BENCH planning_forecast_mean_mase {np.mean([r.metrics.mase for r in scored]):.3f} ratio")
    print(f"BENCH planning_forecast_beats_baseline {beats / len(results) * 100:.0f} %")


if __name__ == "__main__":
    main()
