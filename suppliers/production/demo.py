"""Demo genealogy for lot traceability: each month, boards assembled from that month's received
lots and finished units with serial numbers built from the boards (``manage.py demo``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from suppliers.audit import Actor
from suppliers.models import GoodsReceiptLine, Part, Plant
from suppliers.production.models import WorkOrder
from suppliers.production.services import work_order_post

BOARD, UNIT = "DEMO-PCBA-1", "DEMO-UNIT-1"


def load(*, write: Callable[[str], object]) -> None:
    """Idempotent: a month whose work orders exist is left alone."""
    plant = Plant.objects.order_by("code").first()
    if plant is None:
        return
    Part.objects.get_or_create(buyer_part_number=BOARD, defaults={
        "description": "Controller board assembly (demo)", "commodity_class": "other"})
    Part.objects.get_or_create(buyer_part_number=UNIT, defaults={
        "description": "Controller unit (demo)", "commodity_class": "other"})
    # up to 8 lots a month, of different parts (a work order uses one lot per part here)
    by_month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    parts: dict[str, set[str]] = defaultdict(set)
    for number, lot, day in (GoodsReceiptLine.objects.exclude(lot="").order_by("received_on", "id")
                             .values_list("part__buyer_part_number", "lot", "received_on")):
        month = f"{day:%y%m}"
        if number in parts[month] or len(parts[month]) >= 8:
            continue
        parts[month].add(number)
        by_month[month].append((number, lot))
    existing = set(WorkOrder.objects.filter(number__startswith="WO-DEMO-").values_list("number", flat=True))
    actor = Actor.system("demo")
    example = ""
    for month, lots in sorted(by_month.items()):
        if len(lots) < 3 or f"WO-DEMO-{month}-B" in existing:
            continue
        board_lots, unit_lots = lots[:-2], lots[-2:]
        work_order_post(data={
            "number": f"WO-DEMO-{month}-A", "plant": plant.code, "part": BOARD,
            "components": [{"part": p, "lot": lot, "quantity": "10"} for p, lot in board_lots],
            "outputs": [{"lot": f"PCBA-{month}", "quantity": "10"}],
        }, actor=actor)
        work_order_post(data={
            "number": f"WO-DEMO-{month}-B", "plant": plant.code, "part": UNIT,
            "components": [{"part": BOARD, "lot": f"PCBA-{month}", "quantity": "10"},
                           *({"part": p, "lot": lot, "quantity": "10"} for p, lot in unit_lots)],
            "outputs": [{"serial": f"UNIT-{month}-{k:03d}"} for k in range(1, 11)],
        }, actor=actor)
        example = board_lots[0][1]
    if example:
        write(f"Lot traceability: try lot {example} at /console/traceability/")
