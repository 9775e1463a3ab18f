"""Another supplier's forecast version, line, bucket, sheet and upload are a 404, by every path;
list and search show only the supplier's own versions. List pages cost a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suppliers.forecasts.models import ForecastBucket
from suppliers.models import Part, SupplierPart
from tests.conftest import login
from tests.forecasts.conftest import MONDAY, bucket, part_of, weekly
from tests.portal.test_tenancy import table_rows


@pytest.fixture
def versions(tenant_a, tenant_b, publish):
    return publish(tenant_a, [weekly(part_of(tenant_a), [10, 20])]), publish(tenant_b, [weekly(part_of(tenant_b), [30])])


@pytest.mark.parametrize("role", ["admin", "member"])
def test_pages_of_another_suppliers_version_are_404(role, tenant_a, tenant_b, versions):
    mine, theirs = versions
    client = login(getattr(tenant_a, role))
    their_line = theirs.lines.get()
    for name, args_mine, args_theirs in [
        ("forecasts:detail", [mine.pk], [theirs.pk]),
        ("forecasts:export", [mine.pk], [theirs.pk]),
        ("forecasts:commit", [mine.pk, mine.lines.get().pk], [theirs.pk, their_line.pk]),
        # my version with their line, their version with my line
        ("forecasts:commit", [mine.pk, mine.lines.get().pk], [mine.pk, their_line.pk]),
    ]:
        assert client.get(reverse(name, args=args_mine)).status_code == 200
        assert client.get(reverse(name, args=args_theirs)).status_code == 404, name


def test_committing_another_suppliers_bucket_is_404_and_changes_nothing(tenant_a, tenant_b, versions):
    mine, theirs = versions
    their_bucket = bucket(theirs, part_of(tenant_b), MONDAY)
    client = login(tenant_a.member)
    response = client.post(reverse("forecasts:commit", args=[theirs.pk, theirs.lines.get().pk]),
                           {f"b{their_bucket.pk}-quantity": "0", f"b{their_bucket.pk}-reason": "OTHER"})
    assert response.status_code == 404
    # their bucket's form fields posted to my own line are ignored
    client.post(reverse("forecasts:commit", args=[mine.pk, mine.lines.get().pk]),
                {f"b{their_bucket.pk}-quantity": "0", f"b{their_bucket.pk}-reason": "OTHER", "action": "commit"})
    upload = SimpleUploadedFile("c.csv", f"buyer_part,start,commit\n{part_of(tenant_b)},{MONDAY},0\n".encode())
    response = client.post(reverse("forecasts:upload", args=[theirs.pk]), {"file": upload})
    assert response.status_code == 404
    upload = SimpleUploadedFile("c.csv", f"buyer_part,start,commit\n{part_of(tenant_b)},{MONDAY},0\n".encode())
    response = client.post(reverse("forecasts:upload", args=[mine.pk]), {"file": upload})
    assert response.status_code == 400 and "no bucket of part P-BRAVO-1" in response.content.decode()
    their_bucket.refresh_from_db()
    assert their_bucket.committed_quantity is None


def test_list_search_and_sheet_show_only_own_data(tenant_a, tenant_b, versions):
    mine, theirs = versions
    client = login(tenant_a.member)
    listing = client.get(reverse("forecasts:list")).content.decode()
    assert reverse("forecasts:detail", args=[mine.pk]) in table_rows(listing)
    assert reverse("forecasts:detail", args=[theirs.pk]) not in listing
    searched = client.get(reverse("forecasts:list"), {"q": part_of(tenant_b)}).content.decode()
    assert reverse("forecasts:detail", args=[theirs.pk]) not in searched
    owner = login(tenant_b.member).get(reverse("forecasts:list"), {"q": part_of(tenant_b)}).content.decode()
    assert reverse("forecasts:detail", args=[theirs.pk]) in table_rows(owner)
    body = b"".join(client.get(reverse("forecasts:export", args=[mine.pk])).streaming_content).decode()
    assert part_of(tenant_a) in body and part_of(tenant_b) not in body
    assert client.get(reverse("forecasts:current")).url == reverse("forecasts:detail", args=[mine.pk])


def test_the_grid_costs_a_fixed_number_of_queries(tenant_a, publish, django_assert_max_num_queries):
    parts = [Part.objects.create(buyer_part_number=f"P-N{i}", description=f"Part {i}", commodity_class="passive")
             for i in range(30)]
    SupplierPart.objects.bulk_create(SupplierPart(supplier=tenant_a.supplier, part=p, supplier_part_number=f"SN{i}",
                                                  price=Decimal(1)) for i, p in enumerate(parts))
    publish(tenant_a, [weekly(p.buyer_part_number, [5] * 13) for p in parts])
    version = publish(tenant_a, [weekly(p.buyer_part_number, [6] * 13) for p in parts])
    ForecastBucket.objects.filter(line__version=version, index__lt=3).update(committed_quantity=1, reason_id=1)
    client = login(tenant_a.member)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("forecasts:detail", args=[version.pk]))
    assert response.status_code == 200 and response.content.decode().count('class="fc-cell') == 30 * len(
        version.lines.first().buckets.all())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("forecasts:list")).status_code == 200
    with django_assert_max_num_queries(12):
        b"".join(client.get(reverse("forecasts:export", args=[version.pk])).streaming_content)
    line = version.lines.first()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("forecasts:commit", args=[version.pk, line.pk])).status_code == 200


def test_console_gap_list_costs_a_fixed_number_of_queries(tenant_a, tenant_b, publish, buyer,
                                                          django_assert_max_num_queries):
    for tenant in (tenant_a, tenant_b):
        parts = [Part.objects.create(buyer_part_number=f"{tenant.supplier.code}-{i}", description="x",
                                     commodity_class="passive") for i in range(15)]
        SupplierPart.objects.bulk_create(SupplierPart(supplier=tenant.supplier, part=p, supplier_part_number=p.buyer_part_number,
                                                      price=Decimal(1)) for p in parts)
        publish(tenant, [weekly(p.buyer_part_number, [5, 5]) for p in parts])
    client = login(buyer)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:forecasts_commitgap_changelist")).content.decode()
    assert "ALPHA-14" in page and "BRAVO-14" in page

