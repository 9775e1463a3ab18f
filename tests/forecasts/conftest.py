"""Forecast fixtures: a publish helper over the tenants of tests/conftest.py."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from suppliers.audit import Actor

MONDAY = date(2026, 3, 2)  # a Monday: horizons in these tests start here


def weekly(part: str, quantities: list, *, start: date = MONDAY) -> dict:
    """A canonical delivery_schedule line with one period per week from ``start``."""
    return {"buyer_part": part, "schedule": [
        {"start": (start + timedelta(weeks=i)).isoformat(), "end": (start + timedelta(weeks=i, days=6)).isoformat(),
         "quantity": str(q)} for i, q in enumerate(quantities)]}


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    from suppliers.forecasts.services import forecast_publish

    def go(tenant, lines, *, start: date = MONDAY, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return forecast_publish(supplier=tenant.supplier, lines=lines, actor=kwargs.pop("actor", Actor.system("test")),
                                    source=kwargs.pop("source", "api"), horizon_start=start, **kwargs)

    return go


def part_of(tenant) -> str:
    return tenant.supplier_part.part.buyer_part_number


def bucket(version, part: str, start: date):
    from suppliers.forecasts.models import ForecastBucket

    return ForecastBucket.objects.get(line__version=version, line__part__buyer_part_number=part, start=start)


__all__ = ["MONDAY", "Decimal", "bucket", "part_of", "weekly"]


from tests.edi.conftest import hub  # noqa: E402,F401 - the EDI hub fixture, for the DELFOR tests
