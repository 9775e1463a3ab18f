"""Inventory visibility: the buyer's stock of a supplier's parts per plant, consumption rates, days
of cover and min/max status for vendor-managed parts; the supplier page, its CSV export, tenancy,
the console's levels with their constraint errors, and queries that do not grow with the parts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from suppliers.planning.models import VendorManagedLevel
from suppliers.planning.selectors import inventory_for
from tests.conftest import login
from tests.planning.conftest import MONDAY, TODAY, post_stock, post_weekly

BELOW, WITHIN, ABOVE, NO_STOCK = (VendorManagedLevel.Status.BELOW_MIN, VendorManagedLevel.Status.WITHIN,
                                  VendorManagedLevel.Status.ABOVE_MAX, VendorManagedLevel.Status.NO_STOCK)


@pytest.fixture
def plants(tenant_a):
    from suppliers.models import Plant

    return tenant_a.order.ship_to, Plant.objects.create(code="PLT2", name="Second plant")


@pytest.fixture
def stocked(tenant_a, tenant_b, plants):
    """ALPHA's part: at PLT1 9 weeks of 70 then 4 weeks of 140 a week, three stock days (one after
    TODAY); at PLT2 stock and no consumption. BRAVO also supplies the part, with its own level."""
    from suppliers.models import SupplierPart

    plt1, plt2 = plants
    sp = tenant_a.supplier_part
    part = sp.part
    post_weekly(part, plt1, [70] * 9 + [140] * 4)
    post_weekly(part, plt1, [999] * 4, until=MONDAY - timedelta(weeks=13))  # older than 13 weeks: not counted
    post_stock(part, plt1, 500, day=TODAY - timedelta(days=3), blocked=100)
    post_stock(part, plt1, 300, day=TODAY - timedelta(days=1), blocked=20)
    post_stock(part, plt1, 9999, day=TODAY + timedelta(days=1))  # after today: not yet the latest
    post_stock(part, plt2, 50, day=TODAY - timedelta(days=2))
    VendorManagedLevel.objects.create(supplier_part=sp, plant=plt1, min_quantity=300, max_quantity=1000)
    VendorManagedLevel.objects.create(supplier_part=sp, plant=plt2, min_quantity=10, max_quantity=40)
    bravo_sp = SupplierPart.objects.create(supplier=tenant_b.supplier, part=part, supplier_part_number="BRAVO-SHARED",
                                           price=Decimal(1))
    VendorManagedLevel.objects.create(supplier_part=bravo_sp, plant=plt1, min_quantity=0, max_quantity=5)
    bravo_part = tenant_b.supplier_part.part
    post_stock(bravo_part, plt1, 7)
    post_weekly(bravo_part, plt1, [10] * 4)
    VendorManagedLevel.objects.create(supplier_part=tenant_b.supplier_part, plant=plt1, min_quantity=100,
                                      max_quantity=200)
    return sp


def by_plant(rows):
    return {r.plant.code if r.plant else None: r for r in rows}


# --- the figures ---------------------------------------------------------------------------------------

def test_figures_per_plant(stocked, tenant_a):
    rows = by_plant(inventory_for(supplier=tenant_a.supplier, today=TODAY).rows)
    assert set(rows) == {"PLT1", "PLT2"}
    one = rows["PLT1"]
    assert (one.day, one.on_hand, one.blocked, one.available) == (TODAY - timedelta(days=1), 300, 20, 280)
    assert one.consumed_4w == 560 and one.daily_4w == Decimal("20.000")
    assert one.consumed_13w == 9 * 70 + 560 and one.daily_13w == Decimal("13.077")  # 1190 / 91
    assert one.days_of_cover == Decimal("14.0")  # 280 / 20
    assert one.weekly == [Decimal(70)] * 8 + [Decimal(140)] * 4
    assert (one.min_quantity, one.max_quantity, one.status) == (300, 1000, BELOW)  # 280 < 300
    assert one.cover_short  # below min, although 14 days is not below the 14-day lead time
    two = rows["PLT2"]
    assert (two.on_hand, two.available, two.consumed_4w, two.days_of_cover) == (50, 50, 0, None)
    assert two.not_consumed and two.status == ABOVE and not two.cover_short


def test_cover_below_lead_time_and_the_other_statuses(stocked, tenant_a, plants):
    plt1, _ = plants
    stocked.lead_time_days = 21
    stocked.save()
    VendorManagedLevel.objects.filter(supplier_part=stocked, plant=plt1).update(min_quantity=280)
    row = by_plant(inventory_for(supplier=tenant_a.supplier, today=TODAY).rows)["PLT1"]
    assert row.status == WITHIN and row.days_of_cover == 14 and row.cover_short  # 14 days < 21
    data = inventory_for(supplier=tenant_a.supplier, today=TODAY, status="short")
    assert [r.plant.code for r in data.rows] == ["PLT1"]


def test_blocked_stock_does_not_cover(stocked, tenant_a, plants):
    plt1, _ = plants
    post_stock(stocked.part, plt1, 300, day=TODAY - timedelta(days=1), blocked=400)
    row = by_plant(inventory_for(supplier=tenant_a.supplier, today=TODAY).rows)["PLT1"]
    assert row.available == -100 and row.days_of_cover == 0 and row.status == BELOW


def test_a_level_without_stock_and_a_part_without_data(tenant_a, plants):
    from suppliers.models import Part, SupplierPart

    plt1, plt2 = plants
    VendorManagedLevel.objects.create(supplier_part=tenant_a.supplier_part, plant=plt2, min_quantity=1,
                                      max_quantity=2)
    other = SupplierPart.objects.create(
        supplier=tenant_a.supplier, supplier_part_number="ALPHA-SP-2", price=1,
        part=Part.objects.create(buyer_part_number="P-ALPHA-2", description="Spare", commodity_class="passive"))
    rows = inventory_for(supplier=tenant_a.supplier, today=TODAY).rows
    assert [(r.part.buyer_part_number, r.plant and r.plant.code, r.status) for r in rows] == [
        ("P-ALPHA-1", "PLT2", NO_STOCK), ("P-ALPHA-2", None, "")]
    assert rows[0].days_of_cover is None and not rows[0].not_consumed
    assert other.part.buyer_part_number == rows[1].part.buyer_part_number


def test_filters_and_sort(stocked, tenant_a, plants):
    kw = {"supplier": tenant_a.supplier, "today": TODAY}
    assert [r.plant.code for r in inventory_for(**kw, status=ABOVE).rows] == ["PLT2"]
    assert [r.plant.code for r in inventory_for(**kw, plant="PLT1").rows] == ["PLT1"]
    assert inventory_for(**kw, search="no-such-part").rows == []
    assert len(inventory_for(**kw, search="widget").rows) == 2  # the description
    VendorManagedLevel.objects.filter(plant=plants[1], supplier_part=stocked).delete()
    assert [r.plant.code for r in inventory_for(**kw, vendor_managed_only=True).rows] == ["PLT1"]
    assert [r.plant.code for r in inventory_for(**kw, sort="cover").rows] == ["PLT1", "PLT2"]  # ∞ last


# --- tenancy ----------------------------------------------------------------------------------------------

def test_another_suppliers_parts_and_levels_never_count(stocked, tenant_a, tenant_b):
    alpha = inventory_for(supplier=tenant_a.supplier, today=TODAY)
    assert {r.supplier_part.supplier_id for r in alpha.rows} == {tenant_a.supplier.pk}
    assert by_plant(alpha.rows)["PLT1"].max_quantity == 1000  # not BRAVO's 5 for the same part
    bravo = inventory_for(supplier=tenant_b.supplier, today=TODAY)
    shared = [r for r in bravo.rows if r.part == stocked.part]
    # BRAVO supplies the part too: the same buyer stock, its own level, no level at PLT2
    assert {r.plant.code: (r.on_hand, r.max_quantity) for r in shared} == {"PLT1": (300, 5), "PLT2": (50, None)}


def test_page_and_export_show_only_own_parts(stocked, tenant_a, tenant_b):
    client = login(tenant_a.member)
    page = client.get(reverse("inventory:list"), {"q": "P-"}).content.decode()
    assert "P-ALPHA-1" in page and "P-BRAVO-1" not in page and "BRAVO-SHARED" not in page
    export = b"".join(client.get(reverse("inventory:export")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(export)))
    assert {r["part"] for r in rows} == {"P-ALPHA-1"} and {r["supplier_part"] for r in rows} == {"ALPHA-SP-1"}
    bravo = b"".join(login(tenant_b.member).get(reverse("inventory:export")).streaming_content).decode()
    assert "ALPHA-SP-1" not in bravo and "P-BRAVO-1" in bravo


def test_signed_out_and_buyer_are_sent_away(tenant_a, buyer, client):
    for name in ("inventory:list", "inventory:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert login(buyer).get(reverse(name)).status_code == 302


# --- the page ---------------------------------------------------------------------------------------------

def test_page_shows_the_figures_and_highlights(stocked, tenant_a, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    response = login(tenant_a.member).get(reverse("inventory:list"), {"vmi": "1", "status": BELOW})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-plant="PLT1"' in html and 'data-plant="PLT2"' not in html
    assert 'class="cover-short">14</span>' in html and "Below min: replenish now" in html
    assert 'aria-current="page"' in html and ">Inventory</a>" in html


def test_export_has_the_figures(stocked, tenant_a, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    response = login(tenant_a.member).get(reverse("inventory:export"), {"plant": "PLT1"})
    assert response["Content-Type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (row["on_hand"], row["blocked"], row["available"], row["daily_consumption_4w"], row["days_of_cover"],
            row["vmi_min"], row["vmi_status"]) == ("300", "20", "280", "20", "14", "300", "below_min")
    assert row[f"week_{(MONDAY - timedelta(weeks=1)).isoformat()}"] == "140"


def test_dashboard_panel_lists_parts_below_min(stocked, tenant_a, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    html = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    assert "Vendor-managed parts below min" in html and "P-ALPHA-1 · PLT1" in html


def test_no_dashboard_panel_without_vendor_managed_parts(tenant_a):
    html = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    assert "Vendor-managed parts below min" not in html


def _main(html: str) -> str:
    # the page's own words; the navigation's are checked for every page by tests/portal/test_i18n.py
    return html[html.index("<main"):html.index("</main>")]


@pytest.mark.parametrize(("lang", "words"), [("ja", ["購買側の在庫", "最小在庫を下回る: すぐに補充", "在庫日数"]),
                                             ("zh-hans", ["采购方库存", "低于最低库存：请立即补货", "库存可用天数"])])
def test_page_in_japanese_and_chinese(lang, words, stocked, tenant_a, monkeypatch):
    from django.utils import timezone

    from tests.portal.test_i18n import DATA, get, leftovers, parse

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    client = login(tenant_a.member)
    url = reverse("inventory:list")
    english, translated = get(client, url, None), get(client, url, lang)
    assert all(w in translated for w in words)
    assert parse(translated).title.startswith({"ja": "在庫", "zh-hans": "库存"}[lang])
    assert {"ja": ">在庫</a>", "zh-hans": ">库存</a>"}[lang] in translated  # the navigation entry
    data = DATA | {tenant_a.supplier.name, tenant_a.member.email, "Widget from ALPHA", "Test plant", "Second plant"}
    assert leftovers(_main(english), _main(translated), data) == []


# --- queries --------------------------------------------------------------------------------------------

def make_parts(tenant, plants, n: int) -> None:
    from suppliers.models import Part, SupplierPart

    for i in range(n):
        part = Part.objects.create(buyer_part_number=f"Q-{tenant.supplier.code}-{i:03d}", description="Bulk",
                                   commodity_class="passive")
        sp = SupplierPart.objects.create(supplier=tenant.supplier, part=part, supplier_part_number=f"Q{i:03d}", price=1)
        for plant in plants:
            post_weekly(part, plant, [10 + i] * 13)
            post_stock(part, plant, 100 + i, day=TODAY - timedelta(days=1))
            VendorManagedLevel.objects.create(supplier_part=sp, plant=plant, min_quantity=50, max_quantity=500)


@pytest.mark.parametrize("n", [5, 50])
def test_queries_do_not_grow_with_parts(n, tenant_a, plants, django_assert_max_num_queries, django_assert_num_queries):
    make_parts(tenant_a, plants, n)
    with django_assert_num_queries(4):
        data = inventory_for(supplier=tenant_a.supplier, today=TODAY)
    assert len(data.rows) == 2 * n + 1  # and the fixture's part, nothing reported
    client = login(tenant_a.member)
    client.get(reverse("inventory:list"))  # the session's first look-ups
    # session, user, membership, then the selector's four
    with django_assert_max_num_queries(7):
        assert client.get(reverse("inventory:list"), {"page": 2 if n == 50 else 1}).status_code == 200
    with django_assert_max_num_queries(7):
        assert len(b"".join(client.get(reverse("inventory:export")).streaming_content).splitlines()) == 2 * n + 2
    with django_assert_max_num_queries(20):  # every panel; the inventory one costs the same four
        assert client.get(reverse("portal:home")).status_code == 200


# --- the console --------------------------------------------------------------------------------------------

def _add(client, sp, plant, low, high):
    return client.post(reverse("admin:planning_vendormanagedlevel_add"), {
        "supplier_part": sp.pk, "plant": plant.pk, "min_quantity": low, "max_quantity": high, "note": ""})


def test_buyer_sets_a_level_in_the_console(tenant_a, plants, buyer):
    from suppliers.models import Event

    client = login(buyer)
    plt1, _ = plants
    response = _add(client, tenant_a.supplier_part, plt1, "100", "400")
    assert response.status_code == 302
    level = VendorManagedLevel.objects.get()
    assert (level.min_quantity, level.max_quantity) == (100, 400)
    event = Event.objects.get(verb="vendormanagedlevel.created")
    assert event.supplier == tenant_a.supplier and event.actor == buyer
    assert client.get(reverse("admin:planning_vendormanagedlevel_changelist")).status_code == 200


@pytest.mark.parametrize(("low", "high", "message"), [
    ("500", "400", "The minimum cannot be more than the maximum."),
    ("-1", "400", "The minimum cannot be negative."),
])
def test_console_shows_the_constraint_errors(low, high, message, tenant_a, plants, buyer):
    response = _add(login(buyer), tenant_a.supplier_part, plants[0], low, high)
    assert response.status_code == 200 and message in response.content.decode()
    assert not VendorManagedLevel.objects.exists()


def test_console_refuses_a_second_level_for_the_same_part_and_plant(tenant_a, plants, buyer):
    client = login(buyer)
    assert _add(client, tenant_a.supplier_part, plants[0], "1", "2").status_code == 302
    response = _add(client, tenant_a.supplier_part, plants[0], "3", "4")
    assert "This supplier part already has a level at this plant." in response.content.decode()
    assert _add(client, tenant_a.supplier_part, plants[1], "3", "4").status_code == 302


def test_the_database_enforces_the_band(tenant_a, plants):
    from django.db import IntegrityError, transaction

    for low, high in ((5, 4), (-1, 4)):
        with pytest.raises(IntegrityError), transaction.atomic():
            VendorManagedLevel.objects.create(supplier_part=tenant_a.supplier_part, plant=plants[0],
                                              min_quantity=low, max_quantity=high)


def test_supplier_users_reach_no_level_console_page(tenant_a):
    response = login(tenant_a.admin).get(reverse("admin:planning_vendormanagedlevel_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_today_is_used_when_not_given(tenant_a, plants):
    post_stock(tenant_a.supplier_part.part, plants[0], 10, day=date.today())
    assert by_plant(inventory_for(supplier=tenant_a.supplier).rows)["PLT1"].on_hand == 10


def test_the_demo_has_vendor_managed_parts_in_every_state(db):
    from suppliers.audit import Actor
    from suppliers.management.commands.demo import Command
    from suppliers.models import SupplierPart
    from suppliers.planning import demo
    from suppliers.planning.models import ReplenishmentPolicy

    command = Command()
    command._plants()
    command._parts(command._suppliers(Actor.system("demo")))
    demo.load(today=TODAY, run=False)
    supplier = SupplierPart.objects.get(part__buyer_part_number="R-0402-10K").supplier
    rows = inventory_for(supplier=supplier, today=TODAY, vendor_managed_only=True).rows
    assert {r.status for r in rows} == {BELOW, WITHIN, ABOVE}
    assert not ReplenishmentPolicy.objects.filter(part__buyer_part_number__in=demo.VENDOR_MANAGED, is_active=True)
    assert ReplenishmentPolicy.objects.filter(is_active=True).exists()
    demo.load(today=TODAY, run=False)  # again: nothing new
    assert VendorManagedLevel.objects.count() == len(rows)
