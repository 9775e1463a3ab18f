"""Production data API: stock, consumption, inspection results, lot genealogy (/api/v1/...)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from suppliers.erp.apis import BUYER_PERMISSIONS, PERMISSIONS, READ_ERRORS, WRITE_ERRORS
from suppliers.erp.auth import BuyerSide, ReadScope, caller_of
from suppliers.erp.serializers import StrictCharField, paginated
from suppliers.models import Part, Plant
from suppliers.production import selectors, services, trace
from suppliers.production.models import InspectionResult

QTY = {"max_digits": 16, "decimal_places": 3}


def _part(number: str) -> Part:
    part = Part.objects.filter(buyer_part_number=number).first()
    if part is None:
        raise ValidationError({"part": [f"unknown part {number!r}"]})
    return part


def _plant(code: str | None) -> Plant | None:
    if not code:
        return None
    plant = Plant.objects.filter(code=code).first()
    if plant is None:
        raise ValidationError({"plant": [f"unknown plant {code!r}"]})
    return plant


class Posted(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Entries stored (a repeated part/plant/day counts once)")


# --- stock ------------------------------------------------------------------------------------------

class StockEntry(serializers.Serializer):
    part = StrictCharField(max_length=35)
    plant = StrictCharField(max_length=20)
    day = serializers.DateField()
    quantity = serializers.DecimalField(**QTY)
    blocked = serializers.DecimalField(**QTY, min_value=0, required=False)


class StockInput(serializers.Serializer):
    entries = StockEntry(many=True, allow_empty=False, max_length=5000)


class StockOutput(serializers.Serializer):
    part = serializers.CharField(source="part.buyer_part_number")
    plant = serializers.CharField(source="plant.code")
    day = serializers.DateField()
    quantity = serializers.DecimalField(**QTY)
    blocked = serializers.DecimalField(**QTY)


class RangeQuery(serializers.Serializer):
    part = serializers.CharField(max_length=35, required=False)
    plant = serializers.CharField(max_length=20, required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class StockApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="stock_levels_list", parameters=[RangeQuery],
                   responses={200: paginated(StockOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        q = RangeQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        d = q.validated_data
        qs = selectors.stock_levels(part=_part(d["part"]) if d.get("part") else None, plant=_plant(d.get("plant")),
                                    since=d.get("since"), until=d.get("until"))
        paginator = PageNumberPagination()
        return paginator.get_paginated_response(StockOutput(paginator.paginate_queryset(qs, request, self), many=True).data)

    @extend_schema(operation_id="stock_levels_post", request=StockInput, responses={200: Posted, **WRITE_ERRORS},
                   description="End-of-day stock per part, plant and day. Posting a day again replaces it.")
    def post(self, request: Request) -> Response:
        data = StockInput(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.stock_levels_post(entries=data.validated_data["entries"], actor=caller_of(request).actor)
        return Response({"accepted": n})


# --- consumption --------------------------------------------------------------------------------------

class ConsumptionEntry(serializers.Serializer):
    part = StrictCharField(max_length=35)
    plant = StrictCharField(max_length=20)
    day = serializers.DateField()
    quantity = serializers.DecimalField(**QTY, min_value=0)


class ConsumptionInput(serializers.Serializer):
    entries = ConsumptionEntry(many=True, allow_empty=False, max_length=5000)


class ConsumptionApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="consumption_post", request=ConsumptionInput, responses={200: Posted, **WRITE_ERRORS},
                   description="A day's consumption per part and plant (the day's total; posting it again replaces it).")
    def post(self, request: Request) -> Response:
        data = ConsumptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.consumption_post(entries=data.validated_data["entries"], actor=caller_of(request).actor)
        return Response({"accepted": n})


class WeeklyQuery(serializers.Serializer):
    part = serializers.CharField(max_length=35)
    plant = serializers.CharField(max_length=20, required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class WeekOutput(serializers.Serializer):
    week = serializers.DateField(help_text="Monday of the ISO week")
    quantity = serializers.DecimalField(max_digits=20, decimal_places=3)


class ConsumptionWeeklyApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="consumption_weekly", parameters=[WeeklyQuery],
                   responses={200: WeekOutput(many=True), **READ_ERRORS},
                   description="Weekly consumption of a part (all plants unless `plant` is given), oldest first.")
    def get(self, request: Request) -> Response:
        q = WeeklyQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        d = q.validated_data
        weeks = selectors.consumption_weekly(part=_part(d["part"]), plant=_plant(d.get("plant")),
                                             since=d.get("since"), until=d.get("until"))
        return Response(WeekOutput(weeks, many=True).data)


# --- inspection results ---------------------------------------------------------------------------------

class DefectSerializer(serializers.Serializer):
    code = StrictCharField(max_length=20)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    description = StrictCharField(max_length=200, required=False, allow_blank=True)


class InspectionInput(serializers.Serializer):
    reference = StrictCharField(max_length=60, help_text="The MES's id of this record; posting it again replaces it")
    lot = StrictCharField(max_length=35, help_text="Component lot")
    part = StrictCharField(max_length=35)
    plant = StrictCharField(max_length=20)
    supplier = StrictCharField(max_length=20, required=False,
                                     help_text="Supplier code; found from the receipt or ASN of the lot when left out")
    stage = serializers.ChoiceField(choices=InspectionResult.Stage.choices, required=False)
    inspected_at = serializers.DateTimeField(required=False)
    quantity_inspected = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    quantity_passed = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, required=False,
                                               help_text="Default: inspected minus the defects")
    work_order = StrictCharField(max_length=35, required=False, allow_blank=True)
    note = StrictCharField(max_length=500, required=False, allow_blank=True)
    defects = DefectSerializer(many=True, required=False, max_length=200)


class InspectionOutput(serializers.Serializer):
    reference = serializers.CharField()
    lot = serializers.CharField()
    part = serializers.CharField(source="part.buyer_part_number")
    plant = serializers.CharField(source="plant.code")
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    stage = serializers.CharField()
    inspected_at = serializers.DateTimeField()
    quantity_inspected = serializers.DecimalField(max_digits=14, decimal_places=3)
    quantity_passed = serializers.DecimalField(max_digits=14, decimal_places=3)
    yield_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True,
                                          help_text="passed / inspected")
    work_order = serializers.CharField()
    defects = DefectSerializer(many=True)


class InspectionQuery(serializers.Serializer):
    lot = serializers.CharField(max_length=35, required=False)
    part = serializers.CharField(max_length=35, required=False)
    since = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class InspectionApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="inspection_results_list", parameters=[InspectionQuery],
                   responses={200: paginated(InspectionOutput), **READ_ERRORS},
                   description="Inspection and test results. A supplier sees only the results of its own lots.")
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        q = InspectionQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        d = q.validated_data
        if caller.supplier is not None:
            qs = selectors.inspection_results_for(supplier=caller.supplier, lot=d.get("lot", ""), since=d.get("since"))
            if d.get("part"):
                qs = qs.filter(part__buyer_part_number=d["part"])
        else:
            qs = selectors.inspection_results(lot=d.get("lot", ""), since=d.get("since"),
                                              part=_part(d["part"]) if d.get("part") else None)
        paginator = PageNumberPagination()
        return paginator.get_paginated_response(
            InspectionOutput(paginator.paginate_queryset(qs, request, self), many=True).data)

    @extend_schema(operation_id="inspection_results_post", request=InspectionInput,
                   responses={201: InspectionOutput, 200: InspectionOutput, **WRITE_ERRORS},
                   description="Post an inspection or test result of a component lot as it happens: quantity "
                               "inspected, defects by defect code, passed (test yield = passed / inspected).")
    def post(self, request: Request) -> Response:
        caller = caller_of(request)
        if not caller.is_buyer_side:
            raise PermissionDenied(BuyerSide.message)
        data = InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        posted = services.inspection_result_post(data=data.validated_data, actor=caller.actor)
        result = selectors.inspection_results().get(pk=posted.obj.pk)
        return Response(InspectionOutput(result).data, status=status.HTTP_201_CREATED if posted.created else status.HTTP_200_OK)


# --- genealogy ------------------------------------------------------------------------------------------

class ComponentSerializer(serializers.Serializer):
    part = StrictCharField(max_length=35)
    lot = StrictCharField(max_length=35)
    supplier = StrictCharField(max_length=20, required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)


class OutputSerializer(serializers.Serializer):
    serial = StrictCharField(max_length=35, required=False, allow_blank=True)
    lot = StrictCharField(max_length=35, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, required=False)


class WorkOrderInput(serializers.Serializer):
    number = StrictCharField(max_length=35)
    plant = StrictCharField(max_length=20)
    part = StrictCharField(max_length=35, required=False, help_text="Finished part")
    started_on = serializers.DateField(required=False)
    completed_on = serializers.DateField(required=False)
    components = ComponentSerializer(many=True, required=False, max_length=5000)
    outputs = OutputSerializer(many=True, required=False, max_length=20000)


class ComponentOutput(serializers.Serializer):
    part = serializers.CharField(source="part.buyer_part_number")
    lot = serializers.CharField()
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class FinishedOutput(serializers.Serializer):
    serial = serializers.CharField()
    lot = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class WorkOrderOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    plant = serializers.CharField(source="plant.code")
    part = serializers.CharField(source="part.buyer_part_number", allow_null=True, default=None)
    started_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    components = ComponentOutput(many=True)
    outputs = FinishedOutput(many=True)


class WorkOrderApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="work_orders_post", request=WorkOrderInput,
                   responses={201: WorkOrderOutputSerializer, 200: WorkOrderOutputSerializer, **WRITE_ERRORS},
                   description="A work order with the component lots it used and the finished serials or lots it "
                               "made (lot genealogy). Posting the same number again replaces it.")
    def post(self, request: Request) -> Response:
        data = WorkOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        posted = services.work_order_post(data=data.validated_data, actor=caller_of(request).actor)
        order = selectors.genealogy_work_order(pk=posted.obj.pk)
        return Response(WorkOrderOutputSerializer(order).data,
                        status=status.HTTP_201_CREATED if posted.created else status.HTTP_200_OK)


class GenealogyQuery(serializers.Serializer):
    lot = serializers.CharField(max_length=35, required=False, help_text="Component or finished lot: trace forward")
    part = serializers.CharField(max_length=35, required=False, help_text="Narrow a component lot to this part")
    serial = serializers.CharField(max_length=35, required=False, help_text="Finished serial: trace back")

    def validate(self, attrs):
        if not attrs.get("lot") and not attrs.get("serial"):
            raise serializers.ValidationError({"lot": ["give lot or serial"]})
        return attrs


class GenealogyApi(APIView):
    permission_classes = [IsAuthenticated, ReadScope, BuyerSide]

    @extend_schema(operation_id="genealogy", parameters=[GenealogyQuery],
                   responses={200: WorkOrderOutputSerializer(many=True), **READ_ERRORS},
                   description="Which work orders used a component lot and what they made; or which work "
                               "orders made a finished serial and from which component lots.")
    def get(self, request: Request) -> Response:
        q = GenealogyQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        d = q.validated_data
        part = Part.objects.filter(buyer_part_number=d["part"]).first() if d.get("part") else None
        orders = selectors.genealogy(lot=d.get("lot", ""), serial=d.get("serial", ""), part=part)
        return Response(WorkOrderOutputSerializer(orders, many=True).data)


# --- quality holds on lots -------------------------------------------------------------------------------

class LotHoldQuery(serializers.Serializer):
    part = serializers.CharField(max_length=35, required=False)
    lot = serializers.CharField(max_length=35, required=False)
    state = serializers.ChoiceField(choices=["active", "released", "all"], required=False, default="active",
                                    help_text="active (default): the lots to keep blocked")
    since = serializers.DateTimeField(required=False, help_text="Placed or released at or after this time")
    page = serializers.IntegerField(required=False, min_value=1)


class LotHoldOutput(serializers.Serializer):
    id = serializers.IntegerField()
    part = serializers.CharField(source="part.buyer_part_number")
    lot = serializers.CharField()
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    reason = serializers.CharField()
    placed_at = serializers.DateTimeField()
    placed_by = serializers.CharField(source="placed_by.email", allow_null=True, default=None)
    released_at = serializers.DateTimeField(allow_null=True)
    release_note = serializers.CharField()


class LotHoldApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="lot_holds_list", parameters=[LotHoldQuery],
                   responses={200: paginated(LotHoldOutput), **READ_ERRORS},
                   description="Lots on quality hold, placed by the buyer's quality engineers on the console's "
                               "traceability page: block these lots in stock until the hold is released. "
                               "Read-only; for the buyer's ERP keys only (a supplier key gets 403).")
    def get(self, request: Request) -> Response:
        q = LotHoldQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        d = q.validated_data
        qs = trace.lot_holds(part=_part(d["part"]) if d.get("part") else None, lot=d.get("lot", ""),
                             state=d["state"], since=d.get("since"))
        paginator = PageNumberPagination()
        return paginator.get_paginated_response(
            LotHoldOutput(paginator.paginate_queryset(qs, request, self), many=True).data)
