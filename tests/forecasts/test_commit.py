"""Commitments: per bucket (reason when short), in bulk by CSV with row-level errors, and the
gaps the buyer sees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from suppliers.forecasts import selectors
from suppliers.forecasts.models import ForecastBucket
from suppliers.forecasts.services import BucketCommit, ForecastErrors, forecast_commit
from suppliers.models import Event
from tests.conftest import login
from tests.forecasts.conftest import MONDAY, bucket, part_of, weekly

W2 = MONDAY + timedelta(weeks=1)


@pytest.fixture
def version(tenant_a, publish):
    return publish(tenant_a, [weekly(part_of(tenant_a), [100, 200, 300])])


def test_short_commit_needs_a_reason(tenant_a, version):
    b = bucket(version, part_of(tenant_a), MONDAY)
    with pytest.raises(ForecastErrors, match="needs a reason code"):
        forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(80))], actor=tenant_a.member)
    result = forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(80), "capacity", "line 2 down")],
                             actor=tenant_a.member)
    b.refresh_from_db()
    assert result.short == 1 and b.committed_quantity == 80 and b.reason.code == "CAPACITY"
    assert b.gap == 20 and b.committed_by == tenant_a.member and b.comment == "line 2 down"
    event = Event.objects.get(verb="forecast.committed")
    assert event.payload["commits"][0]["reason"] == "CAPACITY" and event.actor == tenant_a.member


def test_full_or_over_commit_clears_the_reason(tenant_a, version):
    b = bucket(version, part_of(tenant_a), MONDAY)
    forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(120), "CAPACITY")], actor=tenant_a.member)
    b.refresh_from_db()
    assert b.reason is None and b.gap == -20 and not b.is_short


def test_the_database_refuses_a_short_commit_without_reason(tenant_a, version):
    b = bucket(version, part_of(tenant_a), MONDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ForecastBucket.objects.filter(pk=b.pk).update(committed_quantity=1)


def test_unknown_reason_and_negative_quantity_are_refused(tenant_a, version):
    b = bucket(version, part_of(tenant_a), MONDAY)
    with pytest.raises(ForecastErrors) as exc:
        forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(1), "WHATEVER")], actor=tenant_a.member)
    assert "unknown reason code" in str(exc.value)
    with pytest.raises(ForecastErrors, match="negative"):
        forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(-1), "CAPACITY")], actor=tenant_a.member)


def test_a_replaced_version_cannot_be_committed(tenant_a, version, publish):
    b = bucket(version, part_of(tenant_a), MONDAY)
    publish(tenant_a, [weekly(part_of(tenant_a), [1])])
    with pytest.raises(ForecastErrors, match="replaced by version 2"):
        forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(100))], actor=tenant_a.member)


def test_a_bucket_of_another_version_is_refused(tenant_a, tenant_b, version, publish):
    other = publish(tenant_b, [weekly(part_of(tenant_b), [5])])
    foreign = bucket(other, part_of(tenant_b), MONDAY)
    with pytest.raises(ForecastErrors, match="not part of forecast version"):
        forecast_commit(version=version, commits=[BucketCommit(foreign.pk, Decimal(5))], actor=tenant_a.member)
    foreign.refresh_from_db()
    assert foreign.committed_quantity is None


def test_all_or_nothing(tenant_a, version):
    good, bad = bucket(version, part_of(tenant_a), MONDAY), bucket(version, part_of(tenant_a), W2)
    with pytest.raises(ForecastErrors):
        forecast_commit(version=version, actor=tenant_a.member,
                        commits=[BucketCommit(good.pk, Decimal(100)), BucketCommit(bad.pk, Decimal(1))])
    good.refresh_from_db()
    assert good.committed_quantity is None


# --- the commit page ---------------------------------------------------------------------------

def test_commit_page_saves_rows_and_reports_row_errors(tenant_a, version):
    line = version.lines.get()
    url = reverse("forecasts:commit", args=[version.pk, line.pk])
    client = login(tenant_a.member)
    assert client.get(url).status_code == 200
    b1, b2 = bucket(version, part_of(tenant_a), MONDAY), bucket(version, part_of(tenant_a), W2)
    # short without a reason: refused on the row, nothing saved
    response = client.post(url, {f"b{b1.pk}-quantity": "90", "action": "commit"})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()
    b1.refresh_from_db()
    assert b1.committed_quantity is None
    response = client.post(url, {f"b{b1.pk}-quantity": "90", f"b{b1.pk}-reason": "MATERIAL",
                                 f"b{b2.pk}-quantity": "200", "action": "commit"})
    assert response.status_code == 302
    b1.refresh_from_db()
    b2.refresh_from_db()
    assert (b1.committed_quantity, b1.reason.code, b2.committed_quantity) == (90, "MATERIAL", 200)


def test_commit_as_forecast_fills_the_open_buckets(tenant_a, version):
    line = version.lines.get()
    response = login(tenant_a.member).post(reverse("forecasts:commit", args=[version.pk, line.pk]),
                                           {"action": "as-forecast"})
    assert response.status_code == 302
    assert not line.buckets.filter(committed_quantity=None).exists()
    assert not line.buckets.exclude(committed_quantity=F("quantity")).exists()


def test_commit_with_htmx_redirects_the_client(tenant_a, version):
    line = version.lines.get()
    response = login(tenant_a.member).post(reverse("forecasts:commit", args=[version.pk, line.pk]),
                                           {"action": "as-forecast"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].endswith(f"#line-{line.pk}")


# --- CSV ----------------------------------------------------------------------------------------

def sheet(client, version) -> str:
    response = client.get(reverse("forecasts:export", args=[version.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def upload(client, version, text: str, encoding: str = "utf-8"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("forecasts:upload", args=[version.pk]),
                       {"file": SimpleUploadedFile("commit.csv", text.encode(encoding), "text/csv")})


def test_download_fill_in_and_upload_the_sheet(tenant_a, version):
    client = login(tenant_a.member)
    rows = sheet(client, version).splitlines()
    assert rows[0].startswith("version,buyer_part,supplier_part")
    assert rows[1].startswith(f"1,{part_of(tenant_a)},")
    edited = [rows[0]]
    for row in rows[1:3]:
        cells = row.split(",")
        cells[9] = cells[7]  # commit = forecast
        edited.append(",".join(cells))
    cells = rows[3].split(",")
    cells[9], cells[10], cells[11] = "250", "ALLOCATION", "allocated by the maker"
    edited.append(",".join(cells))
    response = upload(client, version, "\n".join(edited))
    assert response.status_code == 302, response.content.decode()[:2000]
    third = bucket(version, part_of(tenant_a), MONDAY + timedelta(weeks=2))
    assert third.committed_quantity == 250 and third.reason.code == "ALLOCATION" and third.gap == 50
    assert "250,ALLOCATION" in sheet(client, version)


def test_upload_errors_are_listed_by_row_and_nothing_is_saved(tenant_a, version):
    text = "\n".join([
        "buyer_part,start,commit,reason_code",
        f"{part_of(tenant_a)},{MONDAY},100,",          # row 2: fine
        f"{part_of(tenant_a)},{W2},50,",               # row 3: short, no reason
        f"NOPE,{MONDAY},1,",                            # row 4: unknown part
        f"{part_of(tenant_a)},2026-03-03,1,",           # row 5: no bucket starts then
        f"{part_of(tenant_a)},{MONDAY},abc,",           # row 6: not a number
        f"{part_of(tenant_a)},{MONDAY + timedelta(weeks=2)},10,NOSUCH",  # row 7: unknown code
    ])
    response = upload(login(tenant_a.member), version, text)
    assert response.status_code == 400
    page = response.content.decode()
    for expected in ("Row 4:", "Row 5:", "Row 6:"):
        assert expected in page
    assert not ForecastBucket.objects.filter(line__version=version).exclude(committed_quantity=None).exists()
    # with the file-level problems fixed, the business rules are reported per bucket
    text = "\n".join(text.splitlines()[:3] + text.splitlines()[6:])
    page = upload(login(tenant_a.member), version, text).content.decode()
    assert "needs a reason code" in page and "unknown reason code" in page
    assert not ForecastBucket.objects.filter(line__version=version).exclude(committed_quantity=None).exists()


def test_upload_of_an_old_sheet_is_refused(tenant_a, version, publish):
    client = login(tenant_a.member)
    old = sheet(client, version)
    v2 = publish(tenant_a, [weekly(part_of(tenant_a), [100, 200, 300])])
    lines = old.splitlines()
    cells = lines[1].split(",")
    cells[9] = "100"
    response = upload(client, v2, "\n".join([lines[0], ",".join(cells)]))
    assert response.status_code == 400 and "Row 2: this row is for forecast version 1" in response.content.decode()


def test_shift_jis_and_semicolons_are_read(tenant_a, version):
    text = f"buyer_part;start;commit;reason_code;comment\n{part_of(tenant_a)};{MONDAY};90;CAPACITY;設備保全のため\n"
    assert upload(login(tenant_a.member), version, text, encoding="cp932").status_code == 302
    assert bucket(version, part_of(tenant_a), MONDAY).comment == "設備保全のため"


# --- gaps ----------------------------------------------------------------------------------------

def test_gaps_sum_the_shortfalls_in_firm_and_planning_zones(tenant_a, version):
    b1, b2 = bucket(version, part_of(tenant_a), MONDAY), bucket(version, part_of(tenant_a), W2)
    forecast_commit(version=version, actor=tenant_a.member, commits=[
        BucketCommit(b1.pk, Decimal(70), "CAPACITY"), BucketCommit(b2.pk, Decimal(250))])
    row = selectors.commit_gaps().get(version=version)
    assert row.forecast_total == 600 and row.committed_total == 320
    assert row.gap == 30 and row.short_buckets == 1 and row.uncommitted == 300
    assert row.first_short == MONDAY


def test_buyer_console_shows_the_gap_by_part_and_supplier(tenant_a, tenant_b, version, publish, buyer):
    publish(tenant_b, [weekly(part_of(tenant_b), [40])])
    b1 = bucket(version, part_of(tenant_a), MONDAY)
    forecast_commit(version=version, commits=[BucketCommit(b1.pk, Decimal(60), "TOOLING")], actor=tenant_a.member)
    client = login(buyer)
    url = reverse("admin:forecasts_commitgap_changelist")
    page = client.get(url).content.decode()
    assert 'data-testid="gap-P-ALPHA-1">40<' in page and "P-BRAVO-1" in page
    only_gaps = client.get(url, {"commitment": "gap"}).content.decode()
    assert "P-ALPHA-1" in only_gaps and "P-BRAVO-1" not in only_gaps
    by_supplier = client.get(url, {"version__supplier__id__exact": tenant_b.supplier.pk}).content.decode()
    assert "P-BRAVO-1" in by_supplier and "P-ALPHA-1" not in by_supplier
    searched = client.get(url, {"q": "P-BRAVO"}).content.decode()
    assert "P-BRAVO-1" in searched and "P-ALPHA-1" not in searched
    grid = client.get(reverse("admin:forecasts_forecastversion_change", args=[version.pk]))
    assert grid.status_code == 200 and "TOOLING" in grid.content.decode()


def test_only_the_suppliers_own_users_commit(tenant_a, tenant_b, version):
    from suppliers.errors import PermissionDenied

    b = bucket(version, part_of(tenant_a), MONDAY)
    with pytest.raises(PermissionDenied):
        forecast_commit(version=version, commits=[BucketCommit(b.pk, Decimal(100))], actor=tenant_b.admin)
    b.refresh_from_db()
    assert b.committed_quantity is None


def test_sheet_cells_cannot_become_formulas_and_survive_the_round_trip(tenant_a, version):
    b = bucket(version, part_of(tenant_a), MONDAY)
    forecast_commit(version=version, actor=tenant_a.member,
                    commits=[BucketCommit(b.pk, Decimal(90), "CAPACITY", '=HYPERLINK("http://x")')])
    client = login(tenant_a.member)
    text = sheet(client, version)
    assert "'=HYPERLINK" in text
    assert upload(client, version, text).status_code == 302
    b.refresh_from_db()
    assert b.comment == '=HYPERLINK("http://x")'
