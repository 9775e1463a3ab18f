"""The REST API under /api/v1/ (docs/api.md). Unknown addresses answer a problem document."""

from django.urls import path, re_path

from suppliers import apis
from suppliers.erp import apis as erp
from suppliers.erp.problems import not_found
from suppliers.planning import apis as planning
from suppliers.production import apis as production

urlpatterns = [
    path("purchase-orders/", erp.PurchaseOrderListApi.as_view(), name="api-po-list"),
    path("purchase-orders/export.csv", erp.PurchaseOrderCsvExportApi.as_view(), name="api-po-export"),
    path("purchase-orders/import.csv", erp.PurchaseOrderCsvImportApi.as_view(), name="api-po-import"),
    path("purchase-orders/<int:pk>/", erp.PurchaseOrderDetailApi.as_view(), name="api-po-detail"),
    path("purchase-orders/<str:number>/cancel/", erp.PurchaseOrderCancelApi.as_view(), name="api-po-cancel"),
    path("despatch-advices/", apis.DespatchAdviceListApi.as_view(), name="api-asn-list"),
    path("despatch-advices/<int:pk>/", apis.DespatchAdviceDetailApi.as_view(), name="api-asn-detail"),
    path("goods-receipts/", erp.GoodsReceiptListApi.as_view(), name="api-receipt-list"),
    path("goods-receipts/export.csv", erp.GoodsReceiptCsvExportApi.as_view(), name="api-receipt-export"),
    path("goods-receipts/import.csv", erp.GoodsReceiptCsvImportApi.as_view(), name="api-receipt-import"),
    path("feeds/<slug:feed>/", erp.FeedApi.as_view(), name="api-feed"),
    path("feeds/<slug:feed>/ack/", erp.FeedAckApi.as_view(), name="api-feed-ack"),
    path("suppliers/", erp.SupplierListApi.as_view(), name="api-supplier-list"),
    path("suppliers/<str:code>/", erp.SupplierUpsertApi.as_view(), name="api-supplier-upsert"),
    path("parts/", erp.PartListApi.as_view(), name="api-part-list"),
    path("parts/<str:number>/", erp.PartUpsertApi.as_view(), name="api-part-upsert"),
    path("stock-levels/", production.StockApi.as_view(), name="api-stock"),
    path("consumption/", production.ConsumptionApi.as_view(), name="api-consumption"),
    path("consumption/weekly/", production.ConsumptionWeeklyApi.as_view(), name="api-consumption-weekly"),
    path("inspection-results/", production.InspectionApi.as_view(), name="api-inspections"),
    path("work-orders/", production.WorkOrderApi.as_view(), name="api-work-orders"),
    path("genealogy/", production.GenealogyApi.as_view(), name="api-genealogy"),
    path("lot-holds/", production.LotHoldApi.as_view(), name="api-lot-holds"),
    path("vendor-managed-levels/", planning.VendorManagedLevelsApi.as_view(), name="api-vendor-managed-levels"),
    re_path(r"^[\s\S]*$", not_found),  # not ".*": an address with a newline in it gets a problem document too
]
