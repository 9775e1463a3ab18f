"""The traceability selector: origin of a lot, forward to finished goods, back to component lots."""

from __future__ import annotations

import pytest

from suppliers.production import trace
from suppliers.production.trace import lot_trace
from tests.trace.conftest import part, post_wo


def items(tree) -> list[str]:
    return [r.label for r in tree.rows if r.kind == "item"]


def orders(tree) -> list[str]:
    return [r.label for r in tree.rows if r.kind == "work_order"]


def test_a_component_lot_traces_to_its_asn_po_receipt_and_forward_to_every_finished_serial(genealogy):
    alpha, _bravo = genealogy
    # when
    result = lot_trace(query="LOT-ALPHA-A")
    # then: one match, the ALPHA part, with its origin
    assert [m.part.buyer_part_number for m in result.matches] == ["P-ALPHA-1"]
    m = result.matches[0]
    assert [s.code for s in m.suppliers] == ["ALPHA"]
    assert [x.line.advice.number for x in m.asn_lots] == ["ASN-ALPHA-1"]
    assert m.asn_lots[0].line.order_line.order.number == "PO-ALPHA-1"
    assert [r.receipt.number for r in m.receipts] == ["GR-ALPHA-1"] and m.received == 100
    # forward over two levels, in work-order order, every finished serial reached
    assert orders(m.forward) == ["WO-1", "WO-2", "WO-3", "WO-4"]
    assert items(m.forward) == ["SUB-L1", "FG-0001", "FG-0002", "SUB-L2", "FG-0003"]
    assert {r.label for r in m.forward.rows if r.end_item} == {"FG-0001", "FG-0002", "FG-0003"}
    assert m.forward.end_items == 3 and m.forward.work_orders == 4 and m.forward.depth == 2
    assert not m.forward.truncated
    depth = {r.label: r.depth for r in m.forward.rows}
    assert depth["WO-1"] < depth["SUB-L1"] < depth["WO-2"] < depth["FG-0001"]
    assert not m.backward.rows  # a purchased lot is made by no work order


def test_a_finished_serial_traces_back_to_its_component_lots_and_their_suppliers(genealogy):
    result = lot_trace(query="FG-0001")
    assert [m.part.buyer_part_number for m in result.matches] == ["FG-1"]
    back = result.matches[0].backward
    assert orders(back) == ["WO-2", "WO-1"]
    assert items(back) == ["SUB-L1", "LOT-ALPHA-A", "LOT-BRAVO-A"]
    suppliers = {r.label: r.supplier.code for r in back.rows if r.supplier}
    assert suppliers == {"LOT-ALPHA-A": "ALPHA", "LOT-BRAVO-A": "BRAVO"}
    assert back.end_items == 2 and back.work_orders == 2 and back.depth == 2
    # a sibling serial of the same work order is not in FG-0001's tree
    assert "FG-0002" not in items(back)


def test_an_intermediate_lot_shows_both_directions(genealogy):
    m = lot_trace(query="SUB-L2").matches[0]
    assert m.part.buyer_part_number == "SUB-1"
    assert items(m.forward) == ["FG-0003"]
    assert orders(m.backward) == ["WO-3"] and items(m.backward) == ["LOT-ALPHA-A"]


def test_the_same_lot_number_of_two_parts_is_shown_as_two_matches(genealogy):
    post_wo("WO-9", part_number="FG-1", components=[("SUB-1", "LOT-ALPHA-A")], outputs=[{"serial": "FG-0009"}])
    result = lot_trace(query="LOT-ALPHA-A")
    by_part = {m.part.buyer_part_number: m for m in result.matches}
    assert set(by_part) == {"P-ALPHA-1", "SUB-1"}
    assert items(by_part["SUB-1"].forward) == ["FG-0009"]
    assert "FG-0009" not in items(by_part["P-ALPHA-1"].forward)  # the lots are not mixed
    assert by_part["SUB-1"].suppliers == [] and by_part["SUB-1"].asn_lots == []


def test_a_cycle_in_the_genealogy_ends(db, tenant_a):
    # rework: lot R-A makes R-B, and R-B is reworked back into R-A
    part("RW-1")
    post_wo("WO-R1", part_number="RW-1", components=[("RW-1", "R-A")], outputs=[{"lot": "R-B"}])
    post_wo("WO-R2", part_number="RW-1", components=[("RW-1", "R-B")], outputs=[{"lot": "R-A"}])
    m = lot_trace(query="R-A").matches[0]
    assert orders(m.forward) == ["WO-R1", "WO-R2"]
    assert items(m.forward) == ["R-B", "R-A"]
    assert m.forward.rows[-1].repeat  # R-A came back: shown, not expanded again
    assert not m.forward.truncated
    assert orders(m.backward) == ["WO-R2", "WO-R1"]


def test_a_deep_chain_stops_at_the_depth_cap_and_says_so(db, tenant_a, monkeypatch):
    monkeypatch.setattr(trace, "MAX_DEPTH", 3)
    part("CH-1")
    for i in range(6):
        post_wo(f"WO-C{i}", part_number="CH-1", components=[("CH-1", f"C{i}")], outputs=[{"lot": f"C{i + 1}"}])
    m = lot_trace(query="C0").matches[0]
    assert orders(m.forward) == ["WO-C0", "WO-C1", "WO-C2"]
    assert m.forward.truncated
    full = lot_trace(query="C4").matches[0]
    assert orders(full.forward) == ["WO-C4", "WO-C5"] and not full.forward.truncated


def test_a_work_order_without_a_part_still_links_its_output_lot(db, tenant_a):
    a = tenant_a.supplier_part.part.buyer_part_number
    part("X-1")
    post_wo("WO-N1", part_number=None, components=[(a, "LOT-ALPHA-A")], outputs=[{"lot": "NOPART-L"}])
    post_wo("WO-N2", part_number="X-1", components=[("X-1", "NOPART-L")], outputs=[{"serial": "X-SN"}])
    m = lot_trace(query="LOT-ALPHA-A").matches[0]
    assert items(m.forward) == ["NOPART-L", "X-SN"]


def test_quality_notices_inspections_and_holds_are_on_the_match(genealogy, buyer):
    from datetime import datetime, timezone

    from suppliers.production.services import inspection_result_post, lot_hold_place
    from suppliers.quality.models import DefectCode, QualityNotice

    alpha, _ = genealogy
    p = alpha.supplier_part.part
    code = DefectCode.objects.get_or_create(code="DIM", defaults={"label": "Dimension"})[0]
    QualityNotice.objects.create(number="QN-1", supplier=alpha.supplier, part=p, lot="LOT-ALPHA-A", defect_code=code,
                                 rejected_quantity=3, title="Too long", description="x")
    inspection_result_post(data={"reference": "MES-9", "lot": "LOT-ALPHA-A", "part": p.buyer_part_number,
                                 "plant": "PLT1", "quantity_inspected": "50", "quantity_passed": "48",
                                 "inspected_at": datetime(2026, 3, 1, tzinfo=timezone.utc)}, actor=buyer)
    lot_hold_place(part=p, lot="LOT-ALPHA-A", reason="Cracks", actor=buyer)
    lot_hold_place(part=p, lot="FG-0003", reason="unrelated part", actor=buyer)  # another part: not FG-0003's hold
    m = lot_trace(query="LOT-ALPHA-A").matches[0]
    assert [n.number for n in m.notices] == ["QN-1"]
    assert [i.reference for i in m.inspections] == ["MES-9"]
    assert m.active_hold.reason == "Cracks"
    fg = lot_trace(query="FG-0003").matches[0]
    assert fg.part.buyer_part_number == "FG-1" and fg.active_hold is None
    held = {r.label for r in fg.backward.rows if r.hold}
    assert held == {"LOT-ALPHA-A"}  # the component lot shows its hold in the tree


@pytest.mark.parametrize("query", ["", "   ", "NOTHING-HERE"])
def test_nothing_found(db, query):
    assert lot_trace(query=query).matches == []


def test_a_long_tree_is_cut_for_display_but_every_finished_item_is_listed(genealogy):
    m = lot_trace(query="LOT-ALPHA-A", max_rows=3).matches[0]
    assert len(m.forward.rows) == 3 and m.forward.cut and not m.forward.truncated
    assert m.forward.work_orders == 4 and m.forward.end_items == 3
    assert [(p.buyer_part_number, items, held) for p, items, held in m.forward.finished] == [
        ("FG-1", ["FG-0001", "FG-0002", "FG-0003"], [])]
