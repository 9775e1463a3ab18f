"""Forecasting without the database: demand classes, backtest metrics on a hand-checked example,
and the model choice for series of known character."""

from __future__ import annotations

import numpy as np
import pytest

from suppliers.planning import forecasting as fc
from tests.planning.conftest import intermittent, seasonal, smooth


@pytest.mark.parametrize("series, kind", [
    ([10, 12, 11, 9, 10, 11], fc.SMOOTH),
    ([1, 30, 2, 50, 1, 40], fc.ERRATIC),  # every week, very uneven
    ([0, 0, 10, 0, 0, 11, 0, 0, 9], fc.INTERMITTENT),  # ADI 3, sizes alike
    ([0, 0, 1, 0, 0, 60, 0, 0, 5], fc.LUMPY),
    ([0, 0, 0], fc.NONE),
])
def test_classification_by_adi_and_cv2(series, kind):
    assert fc.classify(series).kind == kind


def test_adi_and_cv2_values():
    # 9 weeks, 3 with demand: ADI 3; sizes 10, 11, 9: mean 10, population variance 2/3
    demand = fc.classify([0, 0, 10, 0, 0, 11, 0, 0, 9])
    assert demand.adi == 3.0
    assert demand.cv2 == pytest.approx((np.sqrt(2 / 3) / 10) ** 2, abs=1e-4)


def test_seasonality_needs_two_years_and_a_lag_52_correlation():
    assert fc.classify(seasonal()).seasonal
    assert not fc.classify(smooth()).seasonal
    assert not fc.classify(seasonal(weeks=80)).seasonal


def test_metrics_on_a_hand_checked_example():
    # Training [10, 12, 11]: one-week changes 2 and 1, scale 1.5.
    # Actual [12, 8], forecast [11, 11]: errors (f - a) = -1, +3; mean |e| = 2; MASE = 2 / 1.5.
    # WAPE = (1 + 3) / (12 + 8) = 0.2; bias = (-1 + 3) / 20 = 0.1; sigma = sqrt((1 + 9) / 2).
    m = fc.metrics([([10, 12, 11], [12, 8], [11, 11])])
    assert m.mase == pytest.approx(2 / 1.5)
    assert m.wape == pytest.approx(0.2)
    assert m.bias == pytest.approx(0.1)
    assert m.sigma == pytest.approx(np.sqrt(5))


def test_metrics_average_mase_over_origins_and_pool_wape():
    # origin 1: scale 1 ([1, 2]), mean |e| 1 → 1.0; origin 2: scale 2 ([1, 3]), mean |e| 1 → 0.5
    m = fc.metrics([([1, 2], [3], [2]), ([1, 3], [5], [6])])
    assert m.mase == pytest.approx(0.75)
    assert m.wape == pytest.approx(2 / 8) and m.bias == pytest.approx(0.0)


def test_metrics_scale_falls_back_for_a_flat_history():
    assert fc.mase_scale([5, 5, 5]) == 5.0
    assert fc.mase_scale([0, 0, 0]) == 1.0
    assert fc.metrics([([0, 0], [0, 0], [0, 0])]).wape is None


def test_rolling_origins():
    assert fc.origins(104) == ([83, 87, 91], 13)
    cut, h = fc.origins(20)
    assert h == 12 and cut and min(cut) >= fc.MIN_TRAIN and max(cut) + h == 20
    assert fc.origins(10) == ([], 0)


def test_backtest_forecasts_only_from_the_past():
    # A series that jumps after every origin: a model that peeked would have no error.
    y = np.array([10.0] * 91 + [100.0] * 13)
    bt = fc.backtest(y, [fc.ETS])
    assert bt.results[fc.ETS].mase > 1


def test_an_intermittent_series_gets_a_croston_family_model():
    result = fc.forecast_series(intermittent())
    assert result.demand.kind == fc.INTERMITTENT
    assert result.model in (fc.CROSTON, fc.SBA, fc.TSB)
    assert set(result.candidates) == {fc.CROSTON, fc.SBA, fc.TSB, fc.SEASONAL_NAIVE}
    best = min((fc.CROSTON, fc.SBA, fc.TSB), key=lambda name: result.candidates[name].mase)
    assert result.model == best and result.baseline_metrics is not None  # measured, not chosen
    assert 0 < result.forecast[0] < 20  # a rate: about p × size = 4 a week
    assert len(result.forecast) == fc.FORECAST_WEEKS and (result.forecast >= 0).all()


def test_a_smooth_series_gets_ets():
    result = fc.forecast_series(smooth())
    assert result.demand.kind == fc.SMOOTH and not result.demand.seasonal
    assert result.model == fc.ETS
    assert result.baseline == fc.SEASONAL_NAIVE and result.metrics.mase < result.baseline_metrics.mase
    assert abs(result.forecast[0] - 100) < 10


def test_a_seasonal_series_beats_the_non_seasonal_ets():
    result = fc.forecast_series(seasonal())
    assert result.demand.seasonal and fc.MSTL_ETS in result.candidates
    assert result.model in (fc.MSTL_ETS, fc.SEASONAL_NAIVE)
    assert result.candidates[result.model].mase < result.candidates[fc.ETS].mase


def test_no_demand_forecasts_zero():
    result = fc.forecast_series([0] * 60)
    assert result.model == fc.ZERO and not result.forecast.any()


def test_short_history_has_a_naive_baseline_and_still_forecasts():
    result = fc.forecast_series(smooth(weeks=30))
    assert result.baseline == fc.NAIVE and result.model in (fc.ETS, fc.NAIVE)
    assert len(result.forecast) == fc.FORECAST_WEEKS


def test_the_lowest_mase_wins_and_ties_keep_the_first():
    def m(v):
        return fc.Metrics(v, None, None, 0)

    assert fc.choose({"a": m(0.9), "b": m(0.8)}, ["a", "b"]) == "b"
    assert fc.choose({"a": m(0.8), "b": m(0.8)}, ["a", "b"]) == "a"
    assert fc.choose({"a": m(None)}, ["a"]) is None


def test_many_series_in_processes_give_the_same_forecasts():
    series = [smooth(seed=i) if i % 2 else intermittent(seed=i) for i in range(24)]
    serial = fc.forecast_many(series, workers=1)
    parallel = fc.forecast_many(series, workers=2)
    assert [r.model for r in parallel] == [r.model for r in serial]
    assert all(np.allclose(a.forecast, b.forecast) for a, b in zip(serial, parallel))
