"""Lot traceability for the buyer: one lot or serial string → where it came from (supplier, ASN,
PO), what was received and rejected, quality notices, inspections, and the genealogy the MES
posted: forward to every finished serial or lot that contains it, back from a finished serial to
its component lots.

Buyer side only (the console): nothing here is scoped to a supplier.

The genealogy is walked level by level with set-based queries (``IN`` lists, an ``OR`` per part):
two queries per level whatever the width of the level, so a page costs a fixed number of
queries for a given depth. A node is a (part, lot) pair: a work order's outputs are lots (or
serials) of the work order's finished part, and a serialised sub-assembly may come back as the
"lot" of a component. Every node and work order is expanded once (cycle guard), the walk stops at
``MAX_DEPTH`` levels and after ``MAX_NODES`` work orders per direction, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from suppliers.models import DespatchLot, DespatchSerial, GoodsReceiptLine, Part, Supplier
from suppliers.production.models import (
    InspectionResult,
    LotHold,
    WorkOrder,
    WorkOrderComponent,
    WorkOrderOutput,
)
from suppliers.quality.models import QualityNotice

MAX_DEPTH = 10
MAX_NODES = 5000  # work orders per direction; beyond that the tree is cut and marked truncated
MAX_ROWS = 1000  # tree rows shown per direction (every finished item is still listed)
FULL_ROWS = 20000  # rows shown when the whole tree is asked for

Node = tuple[int | None, str]  # (part id or None when the MES did not say, lot or serial)


@dataclass
class Row:
    """One line of a flattened tree, in the order it is shown (depth = indentation)."""

    depth: int
    kind: str  # "work_order" | "item"
    label: str
    pk: int | None = None  # the work order's
    part_id: int | None = None
    part: Part | None = None
    supplier_id: int | None = None
    supplier: Supplier | None = None
    quantity: Decimal | None = None
    is_serial: bool = False
    plant: str = ""
    completed_on: Any = None
    repeat: bool = False  # shown once already above: not expanded again
    end_item: bool = False  # a leaf: forward nothing consumed it (finished goods), back no work order made it
    hold: LotHold | None = None


@dataclass
class Tree:
    rows: list[Row] = field(default_factory=list)
    cut: bool = False  # more rows than shown (the walk itself is whole unless ``truncated``)
    leaves: dict[int | None, list[str]] = field(default_factory=lambda: defaultdict(list))
    finished: list[tuple[Part | None, list[str], list[str]]] = field(default_factory=list)  # part, items, held
    work_orders: int = 0
    end_items: int = 0  # leaves: finished serials or lots forward, bought-in component lots back
    truncated: bool = False
    depth: int = 0  # levels of work orders


@dataclass
class Match:
    """Everything on the page about the searched string as a lot or serial of one part."""

    part: Part | None
    suppliers: list[Supplier] = field(default_factory=list)
    asn_lots: list[DespatchLot] = field(default_factory=list)
    asn_serials: list[DespatchSerial] = field(default_factory=list)
    receipts: list[GoodsReceiptLine] = field(default_factory=list)
    notices: list[QualityNotice] = field(default_factory=list)
    inspections: list[InspectionResult] = field(default_factory=list)
    holds: list[LotHold] = field(default_factory=list)  # active holds of this part + lot
    forward: Tree = field(default_factory=Tree)
    backward: Tree = field(default_factory=Tree)

    @property
    def received(self) -> Decimal:
        return sum((r.received_quantity for r in self.receipts), Decimal(0))

    @property
    def rejected(self) -> Decimal:
        return sum((r.rejected_quantity for r in self.receipts), Decimal(0))

    @property
    def active_hold(self) -> LotHold | None:
        return self.holds[0] if self.holds else None


@dataclass
class Trace:
    query: str
    matches: list[Match]

    @property
    def found(self) -> bool:
        return bool(self.matches)


def _in(column: str, values: list) -> tuple[str, list]:
    """``column = ANY(%s)`` with one array parameter on PostgreSQL (a level of thousands of lots
    costs no per-value work in Django or the planner); ``IN (%s, ...)`` elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _by_part(nodes: set[Node], part_column: str, code_columns: tuple[str, ...]) -> tuple[str, list]:
    """An OR with one term per part: (part = p AND code IN (...)), exact pairs without a
    tuple-IN (portable, and a BOM level has few distinct parts)."""
    lots: dict[int | None, set[str]] = defaultdict(set)
    for part_id, code in nodes:
        lots[part_id].add(code)
    terms, params = [], []
    for part_id, codes in sorted(lots.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        code_terms, code_params = [], []
        for column in code_columns:
            sql, p = _in(column, sorted(codes))
            code_terms.append(sql)
            code_params += p
        code_sql = "(" + " OR ".join(code_terms) + ")"
        if part_id is None:
            terms.append(code_sql)
            params += code_params
        else:
            terms.append(f"({part_column} = %s AND {code_sql})")
            params += [part_id, *code_params]
    return " OR ".join(terms), params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class _Walk:
    """The edges found by a walk: work orders and what hangs off each node."""

    work_orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    children: dict[Node, list[tuple[int, Decimal | None]]] = field(default_factory=lambda: defaultdict(list))
    wo_items: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    truncated: bool = False
    depth: int = 0


# The two hot queries of each level are plain SQL: tens of thousands of rows come back as tuples.
_WO, _COMP, _OUT = WorkOrder._meta.db_table, WorkOrderComponent._meta.db_table, WorkOrderOutput._meta.db_table
_PLANT = WorkOrder._meta.get_field("plant").related_model._meta.db_table
_WO_COLUMNS = "w.id, w.number, w.part_id, pl.code, w.completed_on"
_WO_JOIN = f"JOIN {_WO} w ON w.id = x.work_order_id JOIN {_PLANT} pl ON pl.id = w.plant_id"


def _remember(walk: _Walk, wo: tuple) -> None:
    wo_id, number, part_id, plant, completed_on = wo
    walk.work_orders.setdefault(wo_id, {"number": number, "part_id": part_id, "plant": plant,
                                        "completed_on": completed_on})


def _walk_forward(seeds: set[Node]) -> _Walk:
    """Component lot → work orders that consumed it → their outputs → ... (2 queries per level)."""
    walk = _Walk()
    seen: set[Node] = set()
    frontier = set(seeds)
    while frontier and walk.depth < MAX_DEPTH:
        seen |= frontier
        where, params = _by_part(frontier, "x.part_id", ("x.lot",))
        used = _rows(f"SELECT x.part_id, x.lot, x.quantity, {_WO_COLUMNS} FROM {_COMP} x {_WO_JOIN} WHERE {where}",
                     params)
        if not used:
            frontier = set()
            break
        walk.depth += 1
        new_orders = []
        for part_id, lot, quantity, *wo in used:
            key = (part_id, lot) if (part_id, lot) in frontier else (None, lot)
            walk.children[key].append((wo[0], quantity))
            if wo[0] not in walk.work_orders:
                _remember(walk, wo)
                new_orders.append(wo[0])
        if len(walk.work_orders) > MAX_NODES:
            walk.truncated = True
            break
        frontier = set()
        if not new_orders:
            break
        where, params = _in("work_order_id", new_orders)
        for wo_id, serial, lot, quantity in _rows(
                f"SELECT work_order_id, serial, lot, quantity FROM {_OUT} WHERE {where} "
                "ORDER BY work_order_id, serial, lot", params):
            walk.wo_items[wo_id].append({"serial": serial, "lot": lot, "quantity": quantity})
            part_id = walk.work_orders[wo_id]["part_id"]
            for code in (serial, lot):
                if code and (part_id, code) not in seen:
                    frontier.add((part_id, code))
    else:
        walk.truncated = walk.truncated or bool(frontier)
    return walk


def _walk_backward(seeds: set[Node]) -> _Walk:
    """Finished serial or lot → work orders that made it → their component lots → ... (2 queries per level)."""
    walk = _Walk()
    seen: set[Node] = set()
    frontier = set(seeds)
    while frontier and walk.depth < MAX_DEPTH:
        seen |= frontier
        where, params = _by_part(frontier, "w.part_id", ("x.serial", "x.lot"))
        made = _rows(f"SELECT x.serial, x.lot, x.quantity, {_WO_COLUMNS} FROM {_OUT} x {_WO_JOIN} WHERE {where}",
                     params)
        if not made:
            frontier = set()
            break
        walk.depth += 1
        new_orders = []
        for serial, lot, quantity, *wo in made:
            for code in (serial, lot):
                key = (wo[2], code) if (wo[2], code) in frontier else (None, code)
                if code and key in frontier:
                    walk.children[key].append((wo[0], quantity))
            if wo[0] not in walk.work_orders:
                _remember(walk, wo)
                new_orders.append(wo[0])
        if len(walk.work_orders) > MAX_NODES:
            walk.truncated = True
            break
        frontier = set()
        if not new_orders:
            break
        where, params = _in("work_order_id", new_orders)
        for wo_id, part_id, lot, supplier_id, quantity in _rows(
                f"SELECT work_order_id, part_id, lot, supplier_id, quantity FROM {_COMP} WHERE {where} "
                "ORDER BY work_order_id, part_id, lot", params):
            walk.wo_items[wo_id].append({"part_id": part_id, "lot": lot, "supplier_id": supplier_id,
                                         "quantity": quantity})
            if (part_id, lot) not in seen:
                frontier.add((part_id, lot))
    else:
        walk.truncated = walk.truncated or bool(frontier)
    return walk


def _flatten(walk: _Walk, root: Node, *, forward: bool, max_rows: int = MAX_ROWS) -> Tree:
    """Depth-first rows under one root; each node and work order expanded once (a repeat is marked)."""
    tree = Tree(truncated=walk.truncated)
    expanded: set[Any] = set()

    def room() -> bool:
        # past max_rows the walk goes on (the counts and leaves stay whole) but no more rows are made
        if len(tree.rows) < max_rows:
            return True
        tree.cut = True
        return False

    def by_number(children: list[tuple[int, Decimal | None]]) -> list[tuple[int, Decimal | None]]:
        return sorted(set(children), key=lambda c: walk.work_orders[c[0]]["number"])

    # stack of (depth, kind, payload); reversed pushes keep the display order
    stack: list[tuple[int, str, Any]] = [(0, "node", (root, None, None, False))]
    while stack:
        depth, kind, payload = stack.pop()
        if kind == "wo":
            wo_id, quantity = payload
            info = walk.work_orders[wo_id]
            repeat = ("wo", wo_id) in expanded
            if room():
                tree.rows.append(Row(depth=depth, kind="work_order", label=info["number"], pk=wo_id,
                                     part_id=info["part_id"], plant=info["plant"], completed_on=info["completed_on"],
                                     quantity=quantity, repeat=repeat))
            if repeat:
                continue
            expanded.add(("wo", wo_id))
            tree.work_orders += 1
            tree.depth = max(tree.depth, depth // 2 + 1)
            pushes = []
            for item in walk.wo_items.get(wo_id, ()):
                if forward:
                    part_id = info["part_id"]
                    for code, is_serial in ((item["serial"], True), (item["lot"], False)):
                        if code:
                            pushes.append((depth + 1, "node", ((part_id, code), None, item["quantity"], is_serial)))
                else:
                    pushes.append((depth + 1, "node", ((item["part_id"], item["lot"]), item["supplier_id"],
                                                       item["quantity"], False)))
            stack.extend(reversed(pushes))
            continue
        node, supplier_id, quantity, is_serial = payload
        if depth == 0:
            continue_children = True
        else:
            repeat = ("node", node) in expanded
            children = walk.children.get(node, ())
            if not children and not repeat:
                tree.end_items += 1
                tree.leaves[node[0]].append(node[1])
            if room():
                tree.rows.append(Row(depth=depth, kind="item", label=node[1], part_id=node[0], quantity=quantity,
                                     supplier_id=supplier_id, is_serial=is_serial, repeat=repeat and bool(children),
                                     end_item=not children))
            continue_children = not repeat
        if not continue_children:
            continue
        expanded.add(("node", node))
        children = list(walk.children.get(node, ()))
        if node[0] is not None:
            children += walk.children.get((None, node[1]), [])
        children = by_number(children)
        stack.extend(reversed([(depth + 1 if depth else 0, "wo", child) for child in children]))
    return tree


def _seed_parts(query: str) -> tuple[set[int | None], set[Node]]:
    """The parts the string is a lot of, found in the genealogy (component) and the outputs that
    carry it as a serial or lot (the backward seeds)."""
    # order_by(): without it the models' default ordering joins into DISTINCT (a row per work order)
    component_parts = set(WorkOrderComponent.objects.filter(lot=query).order_by()
                          .values_list("part_id", flat=True).distinct())
    made = set(WorkOrderOutput.objects.filter(Q(serial=query) | Q(lot=query)).order_by()
               .values_list("work_order__part_id", flat=True).distinct())
    return component_parts | made, {(p, query) for p in made}


def lot_trace(*, query: str, max_rows: int = MAX_ROWS) -> Trace:
    """Everything about a lot or serial string, grouped by the part it is a lot of.

    A fixed number of queries for the origin (ASN lots and serials, receipts, notices,
    inspections, holds) plus two per genealogy level in each direction.
    """
    query = (query or "").strip()[:35]
    if not query:
        return Trace(query="", matches=[])
    asn_lots = list(DespatchLot.objects.filter(lot=query).select_related(
        "line__part", "line__advice__supplier", "line__order_line__order").order_by("line__advice__ship_date", "id"))
    # a serial by its number (a lot's serials are not listed one by one: the lot's ASN line says it)
    asn_serials = list(DespatchSerial.objects.filter(serial=query).select_related(
        "line__part", "line__advice__supplier", "line__order_line__order").order_by("line__advice__ship_date", "id"))
    receipts = list(GoodsReceiptLine.objects.filter(lot=query).select_related(
        "receipt__supplier", "receipt__plant", "receipt__advice", "part", "order_line__order")
        .order_by("received_on", "id"))
    notices = list(QualityNotice.objects.filter(lot=query).select_related("supplier", "part", "defect_code")
                   .order_by("-raised_at"))
    inspections = list(InspectionResult.objects.filter(lot=query).select_related("part", "plant", "supplier")
                       .order_by("-inspected_at", "-id"))
    genealogy_parts, backward_seeds = _seed_parts(query)

    matches: dict[int | None, Match] = {}

    def match(part_id: int | None) -> Match:
        if part_id not in matches:
            matches[part_id] = Match(part=None)
        return matches[part_id]

    for lot in asn_lots:
        m = match(lot.line.part_id)
        m.part = lot.line.part
        m.asn_lots.append(lot)
        _add_supplier(m, lot.line.advice.supplier)
    for serial in asn_serials:
        m = match(serial.line.part_id)
        m.part = serial.line.part
        m.asn_serials.append(serial)
        _add_supplier(m, serial.line.advice.supplier)
    for line in receipts:
        m = match(line.part_id)
        m.part = line.part
        m.receipts.append(line)
        _add_supplier(m, line.receipt.supplier)
    for notice in notices:
        m = match(notice.part_id)
        m.part = notice.part
        m.notices.append(notice)
        _add_supplier(m, notice.supplier)
    for result in inspections:
        m = match(result.part_id)
        m.part = result.part
        m.inspections.append(result)
        if result.supplier is not None:
            _add_supplier(m, result.supplier)
    for part_id in genealogy_parts:
        match(part_id)

    forward = _walk_forward({(p, query) for p in matches if p is not None})
    backward = _walk_backward(backward_seeds)
    for part_id, m in matches.items():
        if part_id is not None:
            m.forward = _flatten(forward, (part_id, query), forward=True, max_rows=max_rows)
        if (part_id, query) in backward_seeds:
            m.backward = _flatten(backward, (part_id, query), forward=False, max_rows=max_rows)
    _resolve(matches, query)
    return Trace(query=query, matches=sorted(matches.values(), key=lambda m: (
        m.part is None, m.part.buyer_part_number if m.part else "")))


def _add_supplier(m: Match, supplier: Supplier) -> None:
    if all(s.pk != supplier.pk for s in m.suppliers):
        m.suppliers.append(supplier)


def _resolve(matches: dict[int | None, Match], query: str) -> None:
    """Parts, suppliers and active holds of every row, three queries for the whole page."""
    rows = [r for m in matches.values() for t in (m.forward, m.backward) for r in t.rows]
    trees = [t for m in matches.values() for t in (m.forward, m.backward)]
    part_ids = ({r.part_id for r in rows if r.part_id} | {p for p, m in matches.items() if p and m.part is None}
                | {p for t in trees for p in t.leaves if p})
    parts = Part.objects.in_bulk(sorted(part_ids)) if part_ids else {}
    supplier_ids = {r.supplier_id for r in rows if r.supplier_id}
    suppliers = Supplier.objects.in_bulk(sorted(supplier_ids)) if supplier_ids else {}
    # active holds are few (a hold is a quality incident): all of them, rather than an IN of every lot
    holds: dict[Node, LotHold] = {(h.part_id, h.lot): h for h in LotHold.objects.filter(
        released_at__isnull=True).select_related("placed_by", "supplier")}
    for part_id, m in matches.items():
        if m.part is None and part_id is not None:
            m.part = parts.get(part_id)
        if (part_id, query) in holds:
            m.holds = [holds[(part_id, query)]]
    for r in rows:
        r.part = parts.get(r.part_id) if r.part_id else None
        r.supplier = suppliers.get(r.supplier_id) if r.supplier_id else None
        if r.kind == "item":
            r.hold = holds.get((r.part_id, r.label))
    for t in trees:
        t.finished = [(parts.get(p) if p else None, labels, [x for x in labels if (p, x) in holds])
                      for p, labels in sorted(t.leaves.items(), key=lambda kv: kv[0] or 0)]


def lot_holds(*, part: Part | None = None, lot: str = "", supplier: Supplier | None = None, state: str = "active",
              since: datetime | None = None) -> QuerySet[LotHold]:
    """Quality holds (active by default) for the console list and the ERP's API, newest first."""
    qs = LotHold.objects.select_related("part", "supplier", "placed_by")
    if state == "active":
        qs = qs.filter(released_at__isnull=True)
    elif state == "released":
        qs = qs.filter(released_at__isnull=False)
    if part is not None:
        qs = qs.filter(part=part)
    if lot:
        qs = qs.filter(lot=lot)
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if since is not None:
        qs = qs.filter(Q(placed_at__gte=since) | Q(released_at__gte=since))
    return qs.order_by("-placed_at", "-id")


def trace_overview() -> dict[str, Any]:
    """For the console's front page: the search box and how many lots are on hold."""
    return {"active_holds": LotHold.objects.filter(released_at__isnull=True).count()}
