"""Despatch advices (ASNs) over the API. A supplier's key or session reads only that supplier's
ASNs through the same selectors as the portal pages, so the API cannot show what the portal
would hide; buyer-side ERP keys read every ASN. (Purchase orders, feeds, receipts and master
data are in ``suppliers.erp.apis``.)
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from suppliers.erp import selectors as erp_selectors
from suppliers.erp.apis import PERMISSIONS, READ_ERRORS, page
from suppliers.erp.auth import caller_of
from suppliers.erp.serializers import paginated
from suppliers.models import DespatchAdvice


class DespatchLotOutput(serializers.Serializer):
    lot = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class DespatchAdviceLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_no")
    order = serializers.CharField(source="order_line.order.number")
    order_line = serializers.IntegerField(source="order_line.line_no")
    buyer_part = serializers.CharField(source="part.buyer_part_number")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField()
    sscc = serializers.CharField(source="package.sscc", allow_null=True, default=None)
    lots = DespatchLotOutput(many=True)
    serials = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_serials(self, line) -> list[str]:
        return [s.serial for s in line.serials.all()]


class DespatchAdviceOutput(serializers.ModelSerializer):
    ship_to = serializers.CharField(source="ship_to.code")
    supplier = serializers.CharField(source="supplier.code")

    class Meta:
        model = DespatchAdvice
        fields = ["id", "number", "supplier", "status", "source", "ship_date", "expected_delivery", "carrier",
                  "tracking_number", "ship_to"]


class DespatchAdviceDetailOutput(DespatchAdviceOutput):
    lines = DespatchAdviceLineOutput(many=True)

    class Meta(DespatchAdviceOutput.Meta):
        fields = [*DespatchAdviceOutput.Meta.fields, "lines"]


class AsnQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=DespatchAdvice.Status.choices, required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class DespatchAdviceListApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="despatch_advices_list", parameters=[AsnQuery],
                   responses={200: paginated(DespatchAdviceOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        q = AsnQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        qs = erp_selectors.despatch_advices(supplier=caller.supplier, search=q.validated_data.get("search", ""),
                                            status=q.validated_data.get("status", ""))
        return page(self, request, qs.select_related("supplier"), DespatchAdviceOutput)


class DespatchAdviceDetailApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="despatch_advices_retrieve", responses={200: DespatchAdviceDetailOutput, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        caller = caller_of(request)
        return Response(DespatchAdviceDetailOutput(erp_selectors.despatch_advice_get(supplier=caller.supplier, pk=pk)).data)
