"""Supplier-scoped read API. Each view resolves the caller's supplier and reads only through
the same selectors as the portal pages, so the API cannot show what the portal would hide.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request

from suppliers import selectors
from suppliers.models import DespatchAdvice, Supplier


def _supplier_of(request: Request) -> Supplier:
    membership = selectors.membership_for(request.user)
    if membership is None:
        # Buyer-side (staff) access arrives with the ERP API keys; until then nothing to show.
        raise NotFound()
    return membership.supplier


class PurchaseOrderLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_no")
    buyer_part = serializers.CharField(source="part.buyer_part_number")
    supplier_part = serializers.CharField(source="supplier_part_number")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField()
    price = serializers.DecimalField(max_digits=14, decimal_places=5)
    requested_date = serializers.DateField()
    confirmation = serializers.CharField()
    confirmed_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    confirmed_date = serializers.DateField(allow_null=True)


class PurchaseOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    revision = serializers.IntegerField()
    status = serializers.CharField()
    order_date = serializers.DateField()
    currency = serializers.CharField()
    ship_to = serializers.CharField(source="ship_to.code")


class PurchaseOrderDetailOutput(PurchaseOrderOutput):
    lines = PurchaseOrderLineOutput(many=True)


class PurchaseOrderListApi(ListAPIView):
    serializer_class = PurchaseOrderOutput

    def get_queryset(self):
        return selectors.purchase_orders_for(
            supplier=_supplier_of(self.request), search=self.request.query_params.get("search", ""),
            status=self.request.query_params.get("status", ""),
        )


class PurchaseOrderDetailApi(RetrieveAPIView):
    serializer_class = PurchaseOrderDetailOutput

    def get_object(self):
        return selectors.purchase_order_get(supplier=_supplier_of(self.request), pk=self.kwargs["pk"])


class DespatchAdviceOutput(serializers.ModelSerializer):
    ship_to = serializers.CharField(source="ship_to.code")

    class Meta:
        model = DespatchAdvice
        fields = ["id", "number", "status", "ship_date", "expected_delivery", "carrier", "tracking_number", "ship_to"]


class DespatchAdviceListApi(ListAPIView):
    serializer_class = DespatchAdviceOutput

    def get_queryset(self):
        return selectors.despatch_advices_for(
            supplier=_supplier_of(self.request), search=self.request.query_params.get("search", "")
        )


class DespatchAdviceDetailApi(RetrieveAPIView):
    serializer_class = DespatchAdviceOutput

    def get_object(self):
        return selectors.despatch_advice_get(supplier=_supplier_of(self.request), pk=self.kwargs["pk"])
