"""forecast_run from consumption, the buyer's adjustments and publishing to suppliers by share."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from suppliers.audit import Actor
from suppliers.errors import DomainError
from suppliers.models import Event, Part, SupplierPart
from suppliers.planning import forecasting
from suppliers.planning.models import ForecastAdjustment, ForecastRun, PartForecast, SupplyTerms
from suppliers.planning.services import forecast_adjust, forecast_publish_statistical, forecast_run
from tests.planning.conftest import MONDAY, TODAY, intermittent, post_weekly, smooth

SYSTEM = Actor.system("test")


def test_a_run_forecasts_each_part_and_plant_from_its_weekly_history(part, plant):
    other = Part.objects.create(buyer_part_number="P-INTERMITTENT", description="Spare", commodity_class="pcb")
    post_weekly(part, plant, smooth())
    post_weekly(other, plant, intermittent())
    run = forecast_run(actor=SYSTEM, today=TODAY)
    assert run.status == ForecastRun.Status.DONE and run.series == 2 and run.first_week == MONDAY
    mine = PartForecast.objects.get(run=run, part=part)
    assert mine.model == forecasting.ETS and mine.demand_class == "smooth"
    assert len(mine.history) == 104 and mine.history_start == MONDAY - timedelta(weeks=104)
    assert len(mine.values) == forecasting.FORECAST_WEEKS and mine.mase < mine.baseline_mase
    assert set(mine.candidates) == {"ets", "seasonal_naive"} and mine.sigma > 0
    spare = PartForecast.objects.get(run=run, part=other)
    assert spare.model in ("croston", "sba", "tsb") and spare.demand_class == "intermittent"
    event = Event.objects.get(verb="planning.forecast_run")
    assert event.payload["series"] == 2 and event.payload["models"][mine.model] >= 1


def test_weeks_without_a_row_count_as_zero(part, plant):
    # rows only every other week: the missing weeks are no consumption, not missing data
    post_weekly(part, plant, [10, 0] * 30)
    from suppliers.production.models import Consumption

    Consumption.objects.filter(quantity=0).delete()
    run = forecast_run(actor=SYSTEM, today=TODAY)
    fc = PartForecast.objects.get(run=run)
    assert fc.history[-4:] == [10.0, 0.0, 10.0, 0.0] or fc.history[-4:] == [0.0, 10.0, 0.0, 10.0]
    assert fc.demand_class == "intermittent"


def test_a_new_run_replaces_the_current_forecast(part, plant):
    post_weekly(part, plant, smooth())
    first = forecast_run(actor=SYSTEM, today=TODAY)
    second = forecast_run(actor=SYSTEM, today=TODAY + timedelta(weeks=1))
    assert PartForecast.objects.filter(part=part, plant=plant, is_current=True).get().run == second
    assert PartForecast.objects.filter(run=first, is_current=False).count() == 1


def test_adjustments_are_kept_and_audited(forecast, part, plant, buyer):
    week1, week2 = MONDAY, MONDAY + timedelta(weeks=1)
    assert forecast_adjust(part=part, plant=plant, changes={week1: Decimal(500), week2: Decimal(0)}, actor=buyer,
                           note="Promotion") == 2
    assert forecast_adjust(part=part, plant=plant, changes={week1: Decimal(500)}, actor=buyer) == 0  # no change
    assert forecast_adjust(part=part, plant=plant, changes={week1: Decimal(450), week2: None}, actor=buyer) == 2
    assert list(ForecastAdjustment.objects.values_list("week", "quantity")) == [(week1, Decimal(450))]
    events = list(Event.objects.filter(verb="planning.forecast_adjusted").order_by("id"))
    assert len(events) == 2 and events[0].actor == buyer and events[0].object_id == str(forecast.pk)
    first = events[0].payload["weeks"][0]
    assert first == {"week": str(week1), "statistical": forecast.values[0], "before": None, "after": "500"}
    assert events[1].payload["weeks"][1] == {"week": str(week2), "statistical": forecast.values[1],
                                             "before": "0", "after": None}


@pytest.mark.parametrize("changes, message", [
    ({MONDAY + timedelta(days=1): Decimal(1)}, "not a Monday"),
    ({MONDAY: Decimal(-1)}, "negative"),
])
def test_bad_adjustments_are_refused(forecast, part, plant, buyer, changes, message):
    with pytest.raises(DomainError, match=message):
        forecast_adjust(part=part, plant=plant, changes=changes, actor=buyer)
    assert not ForecastAdjustment.objects.exists()


def _bucket_quantities(version, part):
    line = version.lines.get(part=part)
    return [b.quantity for b in line.buckets.order_by("index")]


def test_publish_sends_the_final_forecast_to_the_supplier(forecast, part, plant, tenant_a, buyer,
                                                          django_capture_on_commit_callbacks):
    forecast_adjust(part=part, plant=plant, changes={MONDAY: Decimal(1000)}, actor=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        [version] = forecast_publish_statistical(actor=buyer, horizon_start=TODAY)
    assert version.supplier == tenant_a.supplier and version.source == "statistical"
    assert version.horizon_start == MONDAY and version.ship_to == plant
    quantities = _bucket_quantities(version, part)
    assert quantities[0] == 1000  # the buyer's figure
    assert quantities[1] == round(Decimal(str(forecast.values[1])))
    event = Event.objects.get(verb="planning.forecast_published")
    assert event.supplier == tenant_a.supplier and event.payload["version"] == version.number


def test_publishing_the_same_figures_again_is_the_same_version(forecast, buyer):
    first = forecast_publish_statistical(actor=buyer, horizon_start=TODAY)
    again = forecast_publish_statistical(actor=buyer, horizon_start=TODAY)
    assert [v.pk for v in first] == [v.pk for v in again]


def test_publish_splits_a_part_by_the_suppliers_shares(forecast, part, tenant_a, tenant_b, buyer):
    second = SupplierPart.objects.create(supplier=tenant_b.supplier, part=part, supplier_part_number="B-SRC",
                                         price=Decimal("1.10"))
    SupplyTerms.objects.create(supplier_part=tenant_a.supplier_part, share_percent=70)
    SupplyTerms.objects.create(supplier_part=second, share_percent=30)
    versions = {v.supplier.code: v for v in forecast_publish_statistical(actor=buyer, horizon_start=TODAY)}
    a, b = _bucket_quantities(versions["ALPHA"], part), _bucket_quantities(versions["BRAVO"], part)
    week = Decimal(str(forecast.values[0]))
    assert a[0] == (week * Decimal("0.7")).quantize(Decimal(1)) and b[0] == (week * Decimal("0.3")).quantize(Decimal(1))
    assert versions["BRAVO"].lines.get().supplier_part_number == "B-SRC"
    # BRAVO's own part has no forecast: its version carries only its share of ALPHA's part
    assert versions["BRAVO"].lines.count() == 1


def test_an_edi_supplier_gets_the_statistical_forecast_as_delfor(forecast, tenant_a, buyer, hub,
                                                                 django_capture_on_commit_callbacks):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI")
    with django_capture_on_commit_callbacks(execute=True):
        [version] = forecast_publish_statistical(actor=buyer, horizon_start=TODAY)
    message = Interchange.objects.get(direction="out", reference=f"forecast:{version.pk}").messages.get()
    assert message.message_type == "DELFOR"
    assert message.document["lines"][0]["buyer_part"] == tenant_a.supplier_part.part.buyer_part_number


def test_publishing_to_a_supplier_without_forecasts_is_refused(forecast, tenant_b, buyer):
    with pytest.raises(DomainError):
        forecast_publish_statistical(actor=buyer, suppliers=[tenant_b.supplier], horizon_start=TODAY)


def test_the_demand_forecast_command(part, plant):
    from io import StringIO

    from django.core.management import CommandError, call_command

    post_weekly(part, plant, smooth())
    out = StringIO()
    call_command("demand_forecast", "--today", str(TODAY), "--workers", "1", "-v", "2", stdout=out)
    text = out.getvalue()
    assert "1 series from week 2026-03-02" in text and part.buyer_part_number in text and " ets " in text
    with pytest.raises(CommandError, match="NOPE"):
        call_command("demand_forecast", "--part", "NOPE")


def test_the_replenishment_run_command(forecast, policy, part, plant):
    from io import StringIO

    from django.core.management import call_command

    from tests.planning.conftest import post_stock

    post_stock(part, plant, 50)
    out = StringIO()
    call_command("replenishment", "run", "--today", str(TODAY), stdout=out)
    assert "awaiting approval: 1." in out.getvalue() and "proposed" in out.getvalue()
