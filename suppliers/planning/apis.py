"""Vendor-managed inventory levels from the ERP (/api/v1/vendor-managed-levels/). Buyer side only:
a supplier's key or session gets a 403; suppliers see their levels on the Inventory page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from suppliers.erp.apis import BUYER_PERMISSIONS, READ_ERRORS, WRITE_ERRORS
from suppliers.erp.auth import caller_of
from suppliers.erp.serializers import StrictCharField, paginated
from suppliers.planning import services
from suppliers.planning.models import VendorManagedLevel

QTY = {"max_digits": 16, "decimal_places": 3}


class LevelEntry(serializers.Serializer):
    supplier = StrictCharField(max_length=20, help_text="Supplier code")
    part = StrictCharField(max_length=35, help_text="Buyer part number")
    plant = StrictCharField(max_length=20, help_text="Plant code")
    min_quantity = serializers.DecimalField(**QTY, min_value=0, required=False)
    max_quantity = serializers.DecimalField(**QTY, min_value=0, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    remove = serializers.BooleanField(default=False, help_text="Delete the level (the part is no longer vendor-managed)")

    def validate(self, data):
        if not data.get("remove"):
            if data.get("min_quantity") is None or data.get("max_quantity") is None:
                raise serializers.ValidationError("min_quantity and max_quantity are required unless remove is true.")
            if data["min_quantity"] > data["max_quantity"]:
                raise serializers.ValidationError({"min_quantity": ["must not be more than max_quantity"]})
        return data


class LevelsInput(serializers.Serializer):
    entries = LevelEntry(many=True, allow_empty=False, max_length=services.MAX_LEVELS)


class LevelsPosted(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField()


class LevelOutput(serializers.Serializer):
    supplier = serializers.CharField(source="supplier_part.supplier.code")
    part = serializers.CharField(source="supplier_part.part.buyer_part_number")
    plant = serializers.CharField(source="plant.code")
    min_quantity = serializers.DecimalField(**QTY)
    max_quantity = serializers.DecimalField(**QTY)
    note = serializers.CharField()
    updated_at = serializers.DateTimeField()


class LevelsQuery(serializers.Serializer):
    supplier = serializers.CharField(max_length=20, required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class VendorManagedLevelsApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="vendor_managed_levels_list", parameters=[LevelsQuery],
                   responses={200: paginated(LevelOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        q = LevelsQuery(data=request.query_params.dict())
        q.is_valid(raise_exception=True)
        qs = VendorManagedLevel.objects.select_related("supplier_part__supplier", "supplier_part__part", "plant")
        if q.validated_data.get("supplier"):
            qs = qs.filter(supplier_part__supplier__code=q.validated_data["supplier"])
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(qs.order_by("supplier_part__supplier__code",
                                                       "supplier_part__part__buyer_part_number", "plant__code", "pk"),
                                           request, self)
        return paginator.get_paginated_response(LevelOutput(rows, many=True).data)

    @extend_schema(operation_id="vendor_managed_levels_post", request=LevelsInput,
                   responses={200: LevelsPosted, **WRITE_ERRORS},
                   description="Set min/max stock of vendor-managed parts per supplier, part and plant (upsert; "
                               "`remove: true` deletes). All entries or none.")
    def post(self, request: Request) -> Response:
        data = LevelsInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.vendor_managed_levels_post(entries=data.validated_data["entries"],
                                                            actor=caller_of(request).actor))
