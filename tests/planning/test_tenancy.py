"""Planning is the buyer's: supplier users reach none of its console pages, and a statistical
forecast reaches a supplier only as its own forecast version (another supplier's is a 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suppliers.planning.services import forecast_publish_statistical
from tests.conftest import login
from tests.planning.conftest import TODAY


@pytest.fixture
def pages(forecast, policy):
    from suppliers.audit import Actor
    from suppliers.planning.models import ReplenishmentProposal
    from suppliers.planning.services import replenishment_run
    from tests.planning.conftest import post_stock

    post_stock(forecast.part, forecast.plant, 50)
    replenishment_run(actor=Actor.system("test"), today=TODAY)
    proposal = ReplenishmentProposal.objects.get()
    return [
        reverse("admin:planning_partforecast_changelist"),
        reverse("admin:planning_partforecast_change", args=[forecast.pk]),
        reverse("admin:planning_partforecast_publish"),
        reverse("admin:planning_replenishmentproposal_changelist"),
        reverse("admin:planning_replenishmentproposal_change", args=[proposal.pk]),
        reverse("admin:planning_replenishmentpolicy_changelist"),
        reverse("admin:planning_supplyterms_changelist"),
        reverse("admin:planning_forecastrun_changelist"),
    ]


@pytest.mark.parametrize("role", ["admin", "member"])
def test_supplier_users_reach_no_planning_page(role, tenant_a, tenant_b, pages):
    for tenant in (tenant_a, tenant_b):
        client = login(getattr(tenant, role))
        for url in pages:
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url
        assert client.post(reverse("admin:planning_partforecast_run")).status_code == 302
        assert client.post(reverse("admin:planning_replenishmentproposal_run")).status_code == 302


def test_a_statistical_version_is_only_its_suppliers(forecast, tenant_a, tenant_b, buyer):
    [version] = forecast_publish_statistical(actor=buyer, horizon_start=TODAY)
    assert version.supplier == tenant_a.supplier
    assert login(tenant_a.member).get(reverse("forecasts:detail", args=[version.pk])).status_code == 200
    for url in (reverse("forecasts:detail", args=[version.pk]), reverse("forecasts:export", args=[version.pk])):
        assert login(tenant_b.member).get(url).status_code == 404
    assert forecast.part.buyer_part_number not in login(tenant_b.member).get(reverse("forecasts:list")).content.decode()
