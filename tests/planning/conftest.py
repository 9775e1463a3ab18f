"""Planning fixtures: weekly consumption, stock and policies for the tenants of tests/conftest.py."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from suppliers.audit import Actor

TODAY = date(2026, 3, 4)  # a Wednesday; forecasts start on Monday 2026-03-02
MONDAY = date(2026, 3, 2)


def smooth(weeks: int = 104, level: float = 100, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    return [max(0, round(level * (1 + 0.1 * rng.gauss(0, 1)))) for _ in range(weeks)]


def intermittent(weeks: int = 104, level: float = 20, p: float = 0.2, seed: int = 2) -> list[int]:
    rng = random.Random(seed)
    return [round(level * rng.uniform(0.8, 1.2)) if rng.random() < p else 0 for _ in range(weeks)]


def seasonal(weeks: int = 104, level: float = 100, seed: int = 3) -> list[int]:
    rng = random.Random(seed)
    return [max(0, round(level * (1 + 0.5 * math.sin(2 * math.pi * i / 52)) * (1 + 0.05 * rng.gauss(0, 1))))
            for i in range(weeks)]


def post_weekly(part, plant, quantities: list[int], *, until: date = MONDAY) -> None:
    """One consumption row per week (on its Monday), the last week just before ``until``."""
    from suppliers.production.services import consumption_post

    start = until - timedelta(weeks=len(quantities))
    consumption_post(actor=Actor.system("test"), entries=[
        {"part": part.buyer_part_number, "plant": plant.code, "day": start + timedelta(weeks=i), "quantity": q}
        for i, q in enumerate(quantities)])


def post_stock(part, plant, quantity, *, day: date = TODAY, blocked=0) -> None:
    from suppliers.production.services import stock_levels_post

    stock_levels_post(actor=Actor.system("test"), entries=[
        {"part": part.buyer_part_number, "plant": plant.code, "day": day, "quantity": quantity, "blocked": blocked}])


@pytest.fixture
def plant(tenant_a):
    return tenant_a.order.ship_to


@pytest.fixture
def part(tenant_a):
    return tenant_a.supplier_part.part


@pytest.fixture
def forecast(part, plant):
    """A current statistical forecast of tenant A's part from two years of smooth demand."""
    from suppliers.planning.services import forecast_run

    post_weekly(part, plant, smooth())
    forecast_run(actor=Actor.system("test"), today=TODAY)
    from suppliers.planning.models import PartForecast

    return PartForecast.objects.get(part=part, plant=plant, is_current=True)


@pytest.fixture
def policy(part, plant):
    from suppliers.planning.models import ReplenishmentPolicy

    return ReplenishmentPolicy.objects.create(part=part, plant=plant, service_level=Decimal("0.95"))


__all__ = ["MONDAY", "TODAY", "intermittent", "post_stock", "post_weekly", "seasonal", "smooth"]


from tests.edi.conftest import hub  # noqa: E402, F401 - the EDI hub fixture, for DELFOR and ORDERS tests
