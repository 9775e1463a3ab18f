"""Stock, consumption, inspection results and lot genealogy posted by the ERP / MES."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from suppliers.production.models import Consumption, InspectionResult, StockLevel


def test_stock_levels_upsert_per_day(erp, tenant_a):
    part = tenant_a.supplier_part.part.buyer_part_number
    entries = [{"part": part, "plant": "PLT1", "day": "2026-03-01", "quantity": "1000"},
               {"part": part, "plant": "PLT1", "day": "2026-03-02", "quantity": "800", "blocked": "50"},
               {"part": part, "plant": "PLT1", "day": "2026-03-02", "quantity": "750"}]  # later posting wins
    response = erp.post("/api/v1/stock-levels/", {"entries": entries}, format="json")
    assert response.status_code == 200 and response.json() == {"accepted": 2}
    erp.post("/api/v1/stock-levels/", {"entries": [{**entries[0], "quantity": "990"}]}, format="json")
    assert StockLevel.objects.count() == 2
    rows = erp.get("/api/v1/stock-levels/", {"part": part, "since": "2026-03-01"}).json()["results"]
    assert [(r["day"], r["quantity"]) for r in rows] == [("2026-03-01", "990.000"), ("2026-03-02", "750.000")]
    bad = erp.post("/api/v1/stock-levels/", {"entries": [{**entries[0], "part": "NOPE"}]}, format="json")
    assert bad.status_code == 422 and "Unknown part" in bad.json()["detail"]


def test_weekly_consumption_over_two_years(erp, tenant_a):
    part = tenant_a.supplier_part.part.buyer_part_number
    start = date(2024, 1, 1)  # a Monday
    entries = [{"part": part, "plant": "PLT1", "day": (start + timedelta(days=d)).isoformat(), "quantity": "10"}
               for d in range(728)]
    for chunk in range(0, len(entries), 500):
        assert erp.post("/api/v1/consumption/", {"entries": entries[chunk:chunk + 500]}, format="json").status_code == 200
    weeks = erp.get("/api/v1/consumption/weekly/", {"part": part}).json()
    assert len(weeks) == 104
    assert weeks[0] == {"week": "2024-01-01", "quantity": "70.000"}
    assert {w["quantity"] for w in weeks} == {"70.000"}
    # a day posted again replaces it (idempotent), and the weekly total follows
    erp.post("/api/v1/consumption/", {"entries": [{**entries[0], "quantity": "3"}]}, format="json")
    erp.post("/api/v1/consumption/", {"entries": [{**entries[0], "quantity": "3"}]}, format="json")
    weeks = erp.get("/api/v1/consumption/weekly/", {"part": part, "until": "2024-01-08"}).json()
    assert weeks == [{"week": "2024-01-01", "quantity": "63.000"}, {"week": "2024-01-08", "quantity": "70.000"}]
    assert Consumption.objects.filter(day=start).get().week == start
    assert erp.post("/api/v1/consumption/", {"entries": [{**entries[0], "quantity": "-1"}]},
                    format="json").status_code == 400


def test_inspection_results_by_lot_with_defects_and_yield(erp, tenant_a):
    part = tenant_a.supplier_part.part.buyer_part_number
    body = {"reference": "MES-1", "lot": "LOT-ALPHA-A", "part": part, "plant": "PLT1", "stage": "test",
            "inspected_at": "2026-03-02T08:30:00+09:00", "quantity_inspected": "200",
            "defects": [{"code": "SHORT", "quantity": "3"}, {"code": "OPEN", "quantity": "1"}]}
    first = erp.post("/api/v1/inspection-results/", body, format="json")
    assert first.status_code == 201, first.content
    result = first.json()
    # the supplier is found from the goods receipt that booked the lot in
    assert result["supplier"] == "ALPHA"
    assert result["quantity_passed"] == "196.000" and result["yield_rate"] == "0.9800"
    assert {d["code"] for d in result["defects"]} == {"SHORT", "OPEN"}
    # the same reference again replaces it
    again = erp.post("/api/v1/inspection-results/", {**body, "defects": [{"code": "SHORT", "quantity": "5"}]},
                     format="json")
    assert again.status_code == 200 and again.json()["quantity_passed"] == "195.000"
    assert InspectionResult.objects.count() == 1
    assert InspectionResult.objects.get().defects.count() == 1
    too_many = erp.post("/api/v1/inspection-results/", {**body, "reference": "MES-2", "quantity_passed": "201"},
                        format="json")
    assert too_many.status_code == 422


def test_lot_genealogy_forward_and_back(erp, tenant_a, tenant_b):
    a_part = tenant_a.supplier_part.part.buyer_part_number
    b_part = tenant_b.supplier_part.part.buyer_part_number
    response = erp.post("/api/v1/work-orders/", {
        "number": "WO-1", "plant": "PLT1", "started_on": "2026-03-03",
        "components": [{"part": a_part, "lot": "LOT-ALPHA-A", "quantity": "40"},
                       {"part": b_part, "lot": "LOT-BRAVO-A", "quantity": "20"}],
        "outputs": [{"serial": "FG-0001"}, {"serial": "FG-0002"}],
    }, format="json")
    assert response.status_code == 201, response.content
    assert {c["supplier"] for c in response.json()["components"]} == {"ALPHA", "BRAVO"}
    erp.post("/api/v1/work-orders/", {"number": "WO-2", "plant": "PLT1",
                                      "components": [{"part": b_part, "lot": "LOT-BRAVO-A", "quantity": "5"}],
                                      "outputs": [{"lot": "FG-LOT-7", "quantity": "5"}]}, format="json")
    forward = erp.get("/api/v1/genealogy/", {"lot": "LOT-BRAVO-A"}).json()
    assert [w["number"] for w in forward] == ["WO-1", "WO-2"]
    assert {o["serial"] for o in forward[0]["outputs"]} == {"FG-0001", "FG-0002"}
    back = erp.get("/api/v1/genealogy/", {"serial": "FG-0002"}).json()
    assert [w["number"] for w in back] == ["WO-1"]
    assert {c["lot"] for c in back[0]["components"]} == {"LOT-ALPHA-A", "LOT-BRAVO-A"}
    # posting WO-1 again replaces its lists
    erp.post("/api/v1/work-orders/", {"number": "WO-1", "plant": "PLT1", "outputs": [{"serial": "FG-0001"}]},
             format="json")
    assert erp.get("/api/v1/genealogy/", {"serial": "FG-0002"}).json() == []
    assert erp.get("/api/v1/genealogy/").status_code == 400


def test_goods_receipt_is_idempotent_by_number(erp, tenant_a):
    line = tenant_a.order.lines.get()
    body = {"number": "GR-ERP-1", "supplier": "ALPHA", "plant": "PLT1", "received_on": "2026-03-05",
            "asn": tenant_a.asn.number,
            "lines": [{"order": tenant_a.order.number, "order_line": line.line_no, "lot": "LOT-ALPHA-A",
                       "received_quantity": "100", "rejected_quantity": "4"}]}
    first = erp.post("/api/v1/goods-receipts/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["lines"][0]["asn_line"] == 1 and first.json()["lines"][0]["rejected_quantity"] == "4.000"
    assert erp.post("/api/v1/goods-receipts/", body, format="json").status_code == 200
    assert erp.get("/api/v1/goods-receipts/", {"search": "GR-ERP-1"}).json()["count"] == 1
    over = {**body, "number": "GR-ERP-2",
            "lines": [{**body["lines"][0], "received_quantity": "1", "rejected_quantity": "2"}]}
    assert erp.post("/api/v1/goods-receipts/", over, format="json").status_code == 422
    other = {**body, "number": "GR-ERP-3", "lines": [{**body["lines"][0], "order": "PO-BRAVO-1"}]}
    assert erp.post("/api/v1/goods-receipts/", other, format="json").status_code == 422


def test_master_data_upsert_by_code(erp, tenant_a):
    created = erp.put("/api/v1/suppliers/NEWCO/", {"name": "New Co", "contact_email": "x@new.example"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "active"
    assert erp.put("/api/v1/suppliers/NEWCO/", {"name": "New Co"}, format="json").status_code == 200
    assert erp.put("/api/v1/suppliers/NEWCO2/", {}, format="json").status_code == 422  # a new one needs a name
    part = erp.put("/api/v1/parts/NEW-PART-1/", {
        "description": "Shield can", "commodity_class": "mechanical",
        "suppliers": [{"supplier": "NEWCO", "supplier_part_number": "NC-1", "price": "0.5", "currency": "EUR"}],
    }, format="json")
    assert part.status_code == 201, part.content
    assert part.json()["suppliers"] == [{"supplier": "NEWCO", "supplier_part_number": "NC-1", "price": "0.50000",
                                         "currency": "EUR", "lead_time_days": 14}]
    moved = erp.put("/api/v1/parts/NEW-PART-1/", {
        "suppliers": [{"supplier": "ALPHA", "supplier_part_number": "AL-9", "price": "0.4"}]}, format="json")
    assert moved.status_code == 200 and [s["supplier"] for s in moved.json()["suppliers"]] == ["ALPHA"]
    listed = erp.get("/api/v1/parts/", {"search": "NEW-PART"}).json()["results"]
    assert [p["number"] for p in listed] == ["NEW-PART-1"]
    assert Decimal(listed[0]["suppliers"][0]["price"]) == Decimal("0.4")


def test_zero_quantities_are_refused_with_a_problem_not_a_server_error(erp, tenant_a):
    from suppliers.production.models import WorkOrder

    part = tenant_a.supplier_part.part.buyer_part_number
    body = {"reference": "MES-0", "lot": "LOT-ALPHA-A", "part": part, "plant": "PLT1", "quantity_inspected": "20",
            "defects": [{"code": "SHORT", "quantity": "0"}]}
    response = erp.post("/api/v1/inspection-results/", body, format="json")
    assert response.status_code == 422 and "defect quantity" in response.json()["detail"]
    assert not InspectionResult.objects.exists()
    for order in ({"components": [{"part": part, "lot": "LOT-ALPHA-A", "quantity": "0"}]},
                  {"outputs": [{"serial": "FG-9", "quantity": "0"}]}):
        response = erp.post("/api/v1/work-orders/", {"number": "WO-0", "plant": "PLT1", **order}, format="json")
        assert response.status_code == 422, response.content
        assert "more than 0" in response.json()["detail"]
    assert not WorkOrder.objects.exists()
    # an output without a quantity is one unit
    response = erp.post("/api/v1/work-orders/", {"number": "WO-1", "plant": "PLT1", "outputs": [{"serial": "FG-1"}]},
                        format="json")
    assert response.status_code == 201 and Decimal(response.json()["outputs"][0]["quantity"]) == 1
