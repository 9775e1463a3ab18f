"""Reads of the ERP API. Supplier callers read through ``suppliers.selectors`` (the portal's
selectors, which take the supplier); buyer-side ERP keys read everything through these."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from suppliers import selectors
from suppliers.erp.models import ApiKey
from suppliers.models import (
    DespatchAdvice,
    DespatchAdviceLine,
    GoodsReceipt,
    GoodsReceiptLine,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)


def purchase_orders(
    *, supplier: Supplier | None, search: str = "", status: str = "", number: str = "",
    supplier_code: str = "", updated_since: date | None = None,
) -> QuerySet[PurchaseOrder]:
    """A supplier's orders (through the portal's selector) or, buyer side, everyone's."""
    if supplier is not None:
        qs = selectors.purchase_orders_for(supplier=supplier, search=search, status=status)
    else:
        qs = PurchaseOrder.objects.select_related("ship_to", "supplier").annotate(line_count=Count("lines"))
        if status:
            qs = qs.filter(status=status)
        if search:
            qs = qs.filter(Q(number__icontains=search) | Q(lines__part__buyer_part_number__icontains=search)).distinct()
        if supplier_code:
            qs = qs.filter(supplier__code=supplier_code)
        qs = qs.order_by("-order_date", "-number")
    if number:
        qs = qs.filter(number=number)
    if updated_since:
        qs = qs.filter(updated_at__date__gte=updated_since)
    return qs


def purchase_order_get(*, supplier: Supplier | None, pk: Any) -> PurchaseOrder:
    if supplier is not None:
        return selectors.purchase_order_get(supplier=supplier, pk=pk)
    lines = PurchaseOrderLine.objects.select_related("part")
    return get_object_or_404(
        PurchaseOrder.objects.select_related("ship_to", "supplier").prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk,
    )


def purchase_order_by_number(*, supplier: Supplier | None, number: str) -> PurchaseOrder:
    qs = purchase_orders(supplier=supplier, number=number)
    order = qs.first()
    if order is None:
        from django.http import Http404

        raise Http404
    return purchase_order_get(supplier=supplier, pk=order.pk)


def despatch_advices(*, supplier: Supplier | None, search: str = "", status: str = "") -> QuerySet[DespatchAdvice]:
    if supplier is not None:
        return selectors.despatch_advices_for(supplier=supplier, search=search, status=status)
    qs = DespatchAdvice.objects.select_related("ship_to", "supplier")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(tracking_number__icontains=search))
    return qs.order_by("-ship_date", "-number")


def despatch_advice_get(*, supplier: Supplier | None, pk: Any) -> DespatchAdvice:
    if supplier is not None:
        return selectors.despatch_advice_get(supplier=supplier, pk=pk)
    lines = DespatchAdviceLine.objects.select_related("part", "order_line__order", "package").prefetch_related(
        "lots", "serials")
    return get_object_or_404(DespatchAdvice.objects.select_related("ship_to", "supplier").prefetch_related(
        Prefetch("lines", queryset=lines), "packages"), pk=pk)


def goods_receipts(*, supplier: Supplier | None, search: str = "", since: date | None = None) -> QuerySet[GoodsReceipt]:
    lines = GoodsReceiptLine.objects.select_related("part", "order_line__order", "advice_line")
    if supplier is not None:
        qs = selectors.goods_receipts_for(supplier=supplier, search=search)
    else:
        qs = GoodsReceipt.objects.select_related("plant", "advice", "supplier").annotate(
            received=Sum("lines__received_quantity"), rejected=Sum("lines__rejected_quantity"))
        if search:
            qs = qs.filter(Q(number__icontains=search) | Q(advice__number__icontains=search)
                           | Q(lines__lot__icontains=search)).distinct()
        qs = qs.order_by("-received_on", "-number")
    if since:
        qs = qs.filter(received_on__gte=since)
    return qs.select_related("supplier").prefetch_related(Prefetch("lines", queryset=lines))


def suppliers_all(*, search: str = "") -> QuerySet[Supplier]:
    qs = Supplier.objects.all()
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return qs.order_by("code")


def parts(*, supplier: Supplier | None, search: str = "") -> QuerySet[Part]:
    qs = Part.objects.prefetch_related("supplier_parts__supplier")
    if supplier is not None:
        qs = qs.filter(supplier_parts__supplier=supplier)
    if search:
        qs = qs.filter(Q(buyer_part_number__icontains=search) | Q(description__icontains=search))
    return qs.distinct().order_by("buyer_part_number")


def api_key_of(*, user) -> ApiKey | None:
    """A supplier user's active personal API key."""
    return ApiKey.objects.filter(user=user, revoked_at=None).order_by("-created_at").first()
