from django.urls import path

from suppliers import apis

urlpatterns = [
    path("purchase-orders/", apis.PurchaseOrderListApi.as_view(), name="api-po-list"),
    path("purchase-orders/<int:pk>/", apis.PurchaseOrderDetailApi.as_view(), name="api-po-detail"),
    path("despatch-advices/", apis.DespatchAdviceListApi.as_view(), name="api-asn-list"),
    path("despatch-advices/<int:pk>/", apis.DespatchAdviceDetailApi.as_view(), name="api-asn-detail"),
]
