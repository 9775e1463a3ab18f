"""The buyer console: publish a forecast from a CSV upload, the template, permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suppliers.forecasts.models import ForecastVersion
from suppliers.roles import QUALITY_ENGINEER
from tests.conftest import login, make_user
from tests.forecasts.conftest import MONDAY


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("forecast.csv", text.encode(), "text/csv")


def test_buyer_publishes_from_csv(tenant_a, buyer, django_capture_on_commit_callbacks, mailoutbox):
    url = reverse("admin:forecasts_forecastversion_publish")
    client = login(buyer)
    assert client.get(url).status_code == 200
    text = "buyer_part,start,end,quantity\nP-ALPHA-1,2026-03-02,2026-03-08,500\nP-ALPHA-1,2026-06-01,2026-06-30,3000\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"supplier": tenant_a.supplier.pk, "horizon_start": MONDAY.isoformat(),
                                     "file": csv_file(text), "note": "Q2 ramp-up"})
    version = ForecastVersion.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{version.pk}/change/")
    assert version.source == "console" and version.published_by == buyer and version.note == "Q2 ramp-up"
    line = version.lines.get()
    assert line.buckets.get(start=MONDAY).quantity == 500
    assert line.buckets.get(start="2026-06-01").quantity == 3000
    assert len(mailoutbox) == 2


def test_csv_problems_are_shown_and_nothing_is_published(tenant_a, buyer):
    text = "buyer_part,start,end,quantity\nP-ALPHA-1,2026-03-02,,x\nP-NOPE,2026-03-02,,1\n"
    response = login(buyer).post(reverse("admin:forecasts_forecastversion_publish"), {
        "supplier": tenant_a.supplier.pk, "horizon_start": MONDAY.isoformat(), "file": csv_file(text)})
    assert response.status_code == 400
    assert "Row 2: quantity" in response.content.decode()
    assert not ForecastVersion.objects.exists()


def test_template_lists_parts_and_buckets(tenant_a, buyer):
    response = login(buyer).get(reverse("admin:forecasts_forecastversion_template"),
                                {"supplier": tenant_a.supplier.pk})
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("buyer_part,start,end,quantity")
    assert len(rows) - 1 >= 13 + 9 and all(r.startswith("P-ALPHA-1,") for r in rows[1:])


def test_quality_engineer_may_look_but_not_publish(tenant_a, db):
    engineer = make_user("qe@tsunagi.test", staff=True)
    engineer.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    client = login(engineer)
    assert client.get(reverse("admin:forecasts_commitgap_changelist")).status_code == 200
    assert client.get(reverse("admin:forecasts_forecastversion_publish")).status_code == 403


def test_console_front_page_counts_gaps(tenant_a, buyer, publish):
    from decimal import Decimal

    from suppliers.forecasts.models import ForecastBucket
    from suppliers.forecasts.services import BucketCommit, forecast_commit
    from tests.forecasts.conftest import part_of, weekly

    version = publish(tenant_a, [weekly(part_of(tenant_a), [10, 10])])
    first = ForecastBucket.objects.filter(line__version=version).order_by("index").first()
    forecast_commit(version=version, commits=[BucketCommit(first.pk, Decimal(5), "CAPACITY")], actor=tenant_a.member)
    page = login(buyer).get(reverse("admin:index")).content.decode()
    assert "Parts committed short: 1" in page and "Parts awaiting commitment: 1" in page
