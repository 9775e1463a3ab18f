"""Reads. Every supplier-facing selector takes the supplier and filters by it: nothing a
supplier user sees is fetched any other way (``portal.views`` and the API call only these).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from suppliers.models import (
    BuyerSettings,
    DespatchAdvice,
    DespatchAdviceLine,
    DespatchPackage,
    Event,
    GoodsReceipt,
    GoodsReceiptLine,
    NotificationPreference,
    OrderResponse,
    Plant,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierMembership,
    SupplierPart,
    UserPreferences,
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
    *, supplier: Supplier, search: str = "", status: str = "", open_only: bool = False,
    ship_to: Any = None, date_from: date | None = None, date_to: date | None = None,
    needs_confirmation: bool = False,
) -> QuerySet[PurchaseOrder]:
    """The supplier's orders (never drafts). ``date_from``/``date_to`` bound the order date;
    ``needs_confirmation``: orders awaiting the supplier's answer (issued, with a pending line)."""
    qs = (
        PurchaseOrder.objects.filter(supplier=supplier)
        .exclude(status=PurchaseOrder.Status.DRAFT)
        .select_related("ship_to")
        .annotate(line_count=Count("lines", distinct=True))
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=PurchaseOrder.OPEN_STATUSES)
    if ship_to:
        qs = qs.filter(ship_to_id=ship_to)
    if date_from:
        qs = qs.filter(order_date__gte=date_from)
    if date_to:
        qs = qs.filter(order_date__lte=date_to)
    if needs_confirmation:
        qs = qs.filter(status=PurchaseOrder.Status.ISSUED)
    if search:
        # only this supplier's lines: a search over every supplier's lines took 0.5 s at 200,000 lines
        matching = PurchaseOrderLine.objects.filter(
            Q(part__buyer_part_number__icontains=search) | Q(supplier_part_number__icontains=search),
            order__supplier=supplier,
        ).values("order_id")
        qs = qs.filter(Q(number__icontains=search) | Q(pk__in=matching))
    return qs.order_by("-order_date", "-number")


def ship_tos_for(*, supplier: Supplier) -> QuerySet[Plant]:
    """The plants this supplier's orders go to (for the ship-to filter)."""
    return Plant.objects.filter(
        pk__in=PurchaseOrder.objects.filter(supplier=supplier).exclude(status=PurchaseOrder.Status.DRAFT).values("ship_to_id")
    ).order_by("code")


def purchase_order_get(*, supplier: Supplier, pk: Any) -> PurchaseOrder:
    """One of the supplier's orders, with lines; 404 for anything else (another supplier's too)."""
    lines = PurchaseOrderLine.objects.select_related("part").annotate(
        shipped=Sum("despatch_lines__quantity", filter=~Q(despatch_lines__advice__status="cancelled")),
    )
    qs = PurchaseOrder.objects.filter(supplier=supplier).exclude(status=PurchaseOrder.Status.DRAFT)
    return get_object_or_404(qs.select_related("ship_to").prefetch_related(Prefetch("lines", queryset=lines)), pk=pk)


def purchase_order_line_get(*, supplier: Supplier, order_pk: Any, pk: Any) -> PurchaseOrderLine:
    """One line of one of the supplier's orders; 404 for another supplier's line or a wrong order."""
    qs = PurchaseOrderLine.objects.filter(order__supplier=supplier, order_id=order_pk).exclude(
        order__status=PurchaseOrder.Status.DRAFT
    ).select_related("order", "part")
    return get_object_or_404(qs, pk=pk)


def order_responses_for_order(*, supplier: Supplier, order: PurchaseOrder) -> QuerySet[OrderResponse]:
    return OrderResponse.objects.filter(order__supplier=supplier, order=order).order_by("-created_at", "-id")


def open_lines_to_ship(*, supplier: Supplier, ship_to: Any = None, search: str = "") -> QuerySet[PurchaseOrderLine]:
    """Lines of confirmed orders that were accepted (or changed) and are not fully shipped yet,
    earliest due first, annotated with ``shipped`` and ``remaining``."""
    shipped = Coalesce(
        Sum("despatch_lines__quantity", filter=~Q(despatch_lines__advice__status=DespatchAdvice.Status.CANCELLED)),
        Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=3),
    )
    target = Coalesce("confirmed_quantity", "quantity", output_field=DecimalField(max_digits=14, decimal_places=3))
    qs = (
        PurchaseOrderLine.objects.filter(
            order__supplier=supplier, order__status=PurchaseOrder.Status.CONFIRMED, cancelled=False,
            confirmation__in=[PurchaseOrderLine.Confirmation.ACCEPTED, PurchaseOrderLine.Confirmation.CHANGED],
        )
        .select_related("order", "order__ship_to", "part")
        .annotate(shipped=shipped, due=Coalesce("confirmed_date", "requested_date"))
        .annotate(remaining=ExpressionWrapper(target - F("shipped"), output_field=DecimalField(max_digits=14, decimal_places=3)))
        .filter(remaining__gt=0)
    )
    if ship_to:
        qs = qs.filter(order__ship_to_id=ship_to)
    if search:
        qs = qs.filter(Q(order__number__icontains=search) | Q(part__buyer_part_number__icontains=search)
                       | Q(supplier_part_number__icontains=search))
    return qs.order_by("due", "order__number", "line_no")


def asn_tolerance_for(*, supplier: Supplier) -> Decimal:
    """Over-shipment tolerance in percent: the supplier's own, else the buyer's default."""
    if supplier.asn_tolerance_percent is not None:
        return supplier.asn_tolerance_percent
    return BuyerSettings.get().asn_tolerance_percent


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


def despatch_advice_next_number(*, supplier: Supplier, day: date) -> str:
    """A suggestion for a new ASN's number: ASN-YYYYMMDD-n, the first n not yet used."""
    stem = f"ASN-{day:%Y%m%d}-"
    used = set(DespatchAdvice.objects.filter(supplier=supplier, number__startswith=stem).values_list("number", flat=True))
    n = len(used) + 1
    while f"{stem}{n}" in used:
        n += 1
    return f"{stem}{n}"


def despatch_advice_get(*, supplier: Supplier, pk: Any) -> DespatchAdvice:
    lines = DespatchAdviceLine.objects.select_related("part", "order_line__order", "package__parent").prefetch_related(
        "lots", "serials"
    )
    packages = DespatchPackage.objects.select_related("parent").order_by("id")
    qs = DespatchAdvice.objects.filter(supplier=supplier).select_related("ship_to", "supplier").prefetch_related(
        Prefetch("lines", queryset=lines), Prefetch("packages", queryset=packages)
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


def orders_awaiting_confirmation(*, supplier: Supplier) -> QuerySet[PurchaseOrder]:
    """Issued orders, oldest first, annotated with ``pending`` (lines still to answer)."""
    return (
        purchase_orders_for(supplier=supplier, needs_confirmation=True)
        .annotate(pending=Count("lines", filter=Q(lines__confirmation=PurchaseOrderLine.Confirmation.PENDING,
                                                  lines__cancelled=False), distinct=True))
        .order_by("order_date", "number")
    )


# --- Preferences ---------------------------------------------------------------------------------

def user_preferences_get(*, user: AbstractBaseUser) -> dict[str, Any]:
    """The user's language and, per registered notification kind, whether e-mail is on."""
    from suppliers.notifications import KINDS

    prefs = UserPreferences.objects.filter(user=user).first()
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return {"language": prefs.language if prefs else "", "email": {key: key not in off for key in KINDS}}
