"""The buyer-supplier domain. One module per noun; everything is re-exported here."""

from suppliers.models.audit import Event
from suppliers.models.catalog import Part, Plant, SupplierPart
from suppliers.models.invoicing import Invoice, InvoiceLine
from suppliers.models.orders import OrderResponse, PurchaseOrder, PurchaseOrderLine, ResponseReason
from suppliers.models.preferences import (
    BuyerSettings,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    UserPreferences,
)
from suppliers.models.receiving import GoodsReceipt, GoodsReceiptLine
from suppliers.models.shipping import (
    DespatchAdvice,
    DespatchAdviceLine,
    DespatchLot,
    DespatchPackage,
    DespatchSerial,
)
from suppliers.models.supplier import Invitation, Supplier, SupplierMembership

__all__ = [
    "BuyerSettings",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "OrderResponse",
    "ResponseReason",
    "UserPreferences",
    "DespatchAdvice",
    "DespatchAdviceLine",
    "DespatchLot",
    "DespatchPackage",
    "DespatchSerial",
    "Event",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "Part",
    "Plant",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Supplier",
    "SupplierMembership",
    "SupplierPart",
]
