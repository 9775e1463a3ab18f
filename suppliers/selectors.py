"""Reads. Every supplier-facing selector takes the supplier and filters by it: nothing a
supplier user sees is fetched any other way (``portal.views`` and the API call only these).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from suppliers.models import (
    DespatchAdvice,
    DespatchAdviceLine,
    Event,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierMembership,
    SupplierPart,
)


def membership_for(user: AbstractBaseUser | None) -> SupplierMembership | None:
    """The active supplier membership of a logged-in portal user, or None."""
    if user is None or not user.is_authenticated:
        return None
    membership = (
        SupplierMembership.objects.select_related("supplier").filter(user=user, is_active=True).first()
    )
    return membership


# --- Purchase orders ---------------------------------------------------------------------------

def purchase_orders_for(
    *, supplier: Supplier, search: str = "", status: str = "", open_only: bool = False
) -> QuerySet[PurchaseOrder]:
    qs = (
        PurchaseOrder.objects.filter(supplier=supplier)
        .exclude(status=PurchaseOrder.Status.DRAFT)
        .select_related("ship_to")
        .annotate(line_count=Count("lines"))
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=PurchaseOrder.OPEN_STATUSES)
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(lines__part__buyer_part_number__icontains=search)
            | Q(lines__supplier_part_number__icontains=search)
        ).distinct()
    return qs.order_by("-order_date", "-number")


def purchase_order_get(*, supplier: Supplier, pk: Any) -> PurchaseOrder:
    """One of the supplier's orders, with lines; 404 for anything else (another supplier's too)."""
    lines = PurchaseOrderLine.objects.select_related("part").annotate(
        shipped=Sum("despatch_lines__quantity", filter=~Q(despatch_lines__advice__status="cancelled")),
    )
    qs = PurchaseOrder.objects.filter(supplier=supplier).exclude(status=PurchaseOrder.Status.DRAFT)
    return get_object_or_404(qs.select_related("ship_to").prefetch_related(Prefetch("lines", queryset=lines)), pk=pk)


def purchase_order_lines_for(*, supplier: Supplier) -> QuerySet[PurchaseOrderLine]:
    return (
        PurchaseOrderLine.objects.filter(order__supplier=supplier)
        .exclude(order__status=PurchaseOrder.Status.DRAFT)
        .select_related("order", "part", "order__ship_to")
        .order_by("-order__order_date", "order__number", "line_no")
    )


# --- Despatch advices and receipts -------------------------------------------------------------

def despatch_advices_for(*, supplier: Supplier, search: str = "", status: str = "") -> QuerySet[DespatchAdvice]:
    qs = DespatchAdvice.objects.filter(supplier=supplier).select_related("ship_to").annotate(line_count=Count("lines"))
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(number__icontains=search) | Q(tracking_number__icontains=search)
            | Q(lines__order_line__order__number__icontains=search) | Q(lines__lots__lot__icontains=search)
        ).distinct()
    return qs.order_by("-ship_date", "-number")


def despatch_advice_get(*, supplier: Supplier, pk: Any) -> DespatchAdvice:
    lines = DespatchAdviceLine.objects.select_related("part", "order_line__order", "package").prefetch_related(
        "lots", "serials"
    )
    qs = DespatchAdvice.objects.filter(supplier=supplier).select_related("ship_to").prefetch_related(
        Prefetch("lines", queryset=lines), "packages"
    )
    return get_object_or_404(qs, pk=pk)


def goods_receipts_for(*, supplier: Supplier, search: str = "") -> QuerySet[GoodsReceipt]:
    qs = GoodsReceipt.objects.filter(supplier=supplier).select_related("plant", "advice").annotate(
        received=Sum("lines__received_quantity"), rejected=Sum("lines__rejected_quantity"),
    )
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(advice__number__icontains=search)
                       | Q(lines__lot__icontains=search)).distinct()
    return qs.order_by("-received_on", "-number")


def goods_receipt_get(*, supplier: Supplier, pk: Any) -> GoodsReceipt:
    lines = GoodsReceiptLine.objects.select_related("part", "order_line__order", "advice_line")
    qs = GoodsReceipt.objects.filter(supplier=supplier).select_related("plant", "advice").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    return get_object_or_404(qs, pk=pk)


# --- Catalogue, team, history ------------------------------------------------------------------

def supplier_parts_for(*, supplier: Supplier, search: str = "") -> QuerySet[SupplierPart]:
    qs = SupplierPart.objects.filter(supplier=supplier).select_related("part")
    if search:
        qs = qs.filter(
            Q(supplier_part_number__icontains=search) | Q(part__buyer_part_number__icontains=search)
            | Q(part__description__icontains=search)
        )
    return qs.order_by("part__buyer_part_number")


def memberships_for(*, supplier: Supplier) -> QuerySet[SupplierMembership]:
    return SupplierMembership.objects.filter(supplier=supplier).select_related("user").order_by("user__email")


def membership_get(*, supplier: Supplier, pk: Any) -> SupplierMembership:
    return get_object_or_404(memberships_for(supplier=supplier), pk=pk)


def events_for_supplier_object(*, supplier: Supplier, obj: Any) -> QuerySet[Event]:
    """The history of one of the supplier's objects as the supplier may see it."""
    from django.contrib.contenttypes.models import ContentType

    return Event.objects.filter(
        supplier=supplier, content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-occurred_at", "-id")


def dashboard_for(*, supplier: Supplier) -> dict[str, Any]:
    orders = PurchaseOrder.objects.filter(supplier=supplier)
    return {
        "awaiting_confirmation": orders.filter(status=PurchaseOrder.Status.ISSUED).count(),
        "open_orders": orders.filter(status__in=PurchaseOrder.OPEN_STATUSES).count(),
        "in_transit": DespatchAdvice.objects.filter(supplier=supplier, status=DespatchAdvice.Status.SUBMITTED).count(),
        "recent_orders": list(purchase_orders_for(supplier=supplier, open_only=True)[:10]),
    }
