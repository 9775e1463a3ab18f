"""The ERP REST API under /api/v1/: purchase orders, change feeds, goods receipts, master data.

Each view: validate with an input serializer, call a service or selector, serialize. Who may do
what comes from the caller (``suppliers.erp.auth``): a supplier's key or session reads only that
supplier's data through the portal's selectors; buyer-side ERP keys read everything and write
with the ``write`` scope. Errors are RFC 7807 problems (``suppliers.erp.problems``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from suppliers import services as domain
from suppliers.erp import csvio, services
from suppliers.erp import selectors as erp_selectors
from suppliers.erp.auth import BuyerSide, ReadScope, caller_of
from suppliers.erp.models import FeedKind
from suppliers.erp.problems import Conflict
from suppliers.erp.serializers import (
    AckInput,
    AckOutput,
    FeedPageOutput,
    GoodsReceiptInput,
    GoodsReceiptOutput,
    PartInput,
    PartOutput,
    ProblemSerializer,
    PurchaseOrderDetailOutput,
    PurchaseOrderDocument,
    PurchaseOrderOutput,
    SupplierInput,
    SupplierOutput,
    paginated,
)
from suppliers.models import GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine

PERMISSIONS = [IsAuthenticated, ReadScope]
BUYER_PERMISSIONS = [IsAuthenticated, ReadScope, BuyerSide]


def problems(*codes: int) -> dict[int, OpenApiResponse]:
    names = {400: "Invalid input", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
             409: "Conflict", 415: "Unsupported media type", 422: "Cannot be applied", 429: "Rate limited"}
    return {(c, "application/problem+json"): OpenApiResponse(ProblemSerializer, description=names.get(c, "Error"))
            for c in codes}


READ_ERRORS = problems(400, 401, 403, 404, 429)
WRITE_ERRORS = problems(400, 401, 403, 404, 409, 415, 422, 429)


def page(view: APIView, request: Request, queryset, serializer_class) -> Response:
    paginator = PageNumberPagination()
    rows = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(rows, many=True).data)


def _query(request: Request, serializer_class) -> dict[str, Any]:
    # A plain dict, not the QueryDict: DRF reads an empty value in a QueryDict as "not sent"
    # (HTML form semantics), so `?status=` would pass unchecked.
    s = serializer_class(data=request.query_params.dict())
    s.is_valid(raise_exception=True)
    return s.validated_data


# --- purchase orders --------------------------------------------------------------------------------

class PurchaseOrderQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=PurchaseOrder.Status.choices, required=False)
    number = serializers.CharField(required=False, max_length=35)
    supplier = serializers.CharField(required=False, max_length=20, help_text="Supplier code (buyer side)")
    updated_since = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class PurchaseOrderListApi(APIView):
    """List and filter purchase orders; create or replace one from a canonical ``purchase_order``."""

    permission_classes = PERMISSIONS

    @extend_schema(operation_id="purchase_orders_list", parameters=[PurchaseOrderQuery],
                   responses={200: paginated(PurchaseOrderOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        q = _query(request, PurchaseOrderQuery)
        qs = erp_selectors.purchase_orders(
            supplier=caller.supplier, search=q.get("search", ""), status=q.get("status", ""),
            number=q.get("number", ""), supplier_code=q.get("supplier", ""), updated_since=q.get("updated_since"),
        )
        return page(self, request, qs, PurchaseOrderOutput)

    @extend_schema(
        operation_id="purchase_orders_upsert", request=PurchaseOrderDocument,
        responses={201: PurchaseOrderDetailOutput, 200: PurchaseOrderDetailOutput, **WRITE_ERRORS},
        description=(
            "Create or replace a purchase order by number (`id`) and `revision`. Sending the same "
            "number and revision again changes nothing (200); an older revision than the one on file "
            "is refused with 409; a newer one replaces the order and sends it to the supplier again. "
            "`purpose: cancel` cancels the order. `sender`, `receiver` and `control_number` may be "
            "left out."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = caller_of(request)
        if not caller.is_buyer_side:
            raise PermissionDenied(BuyerSide.message)
        document = _purchase_order_document(request.data, caller.label)
        with transaction.atomic():
            number = document["id"]
            current = PurchaseOrder.objects.filter(number=number).values_list("revision", flat=True).first()
            revision = document.get("revision", 0)
            if current is not None and document.get("purpose") != "cancel" and revision < current:
                raise Conflict(f"Revision {revision} of {number} is older than revision {current} on file.")
            result = domain.purchase_order_upsert(document=document, actor=caller.actor, source=PurchaseOrder.Source.API)
        order = erp_selectors.purchase_order_get(supplier=None, pk=result.order.pk)
        body = PurchaseOrderDetailOutput(order).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


def _purchase_order_document(data: Any, sender: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError({"document": ["must be a JSON object (a canonical purchase_order)"]})
    doc, errors = services.purchase_order_document_prepare(data, sender=sender)
    if errors:
        raise ValidationError(errors)
    return doc


class PurchaseOrderDetailApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="purchase_orders_retrieve", responses={200: PurchaseOrderDetailOutput, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        caller = caller_of(request)
        return Response(PurchaseOrderDetailOutput(erp_selectors.purchase_order_get(supplier=caller.supplier, pk=pk)).data)


class PurchaseOrderCancelApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="purchase_orders_cancel", request=None,
                   responses={200: PurchaseOrderDetailOutput, **WRITE_ERRORS},
                   description="Cancel an order by its number. Cancelling a cancelled order changes nothing.")
    def post(self, request: Request, number: str) -> Response:
        caller = caller_of(request)
        order = erp_selectors.purchase_order_by_number(supplier=None, number=number)
        if order.status != PurchaseOrder.Status.CANCELLED:
            domain.purchase_order_transition(order=order, to=PurchaseOrder.Status.CANCELLED, actor=caller.actor,
                                             reason="cancelled by the ERP")
        return Response(PurchaseOrderDetailOutput(erp_selectors.purchase_order_get(supplier=None, pk=order.pk)).data)


# --- change feeds -----------------------------------------------------------------------------------

FEEDS = {
    "all": "",
    "asns": FeedKind.DESPATCH_ADVICE,
    "order-responses": FeedKind.ORDER_RESPONSE,
    "invoices": FeedKind.INVOICE,
    "quality-notices": FeedKind.QUALITY_NOTICE,
}


def _feed_name(slug: str) -> str:
    if slug not in FEEDS:
        from django.http import Http404

        raise Http404
    return FEEDS[slug] or "all"


class FeedQuery(serializers.Serializer):
    after = serializers.IntegerField(required=False, min_value=0, max_value=2**62,
                                     help_text="Read entries after this position; default: this key's acknowledged position")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)


class FeedApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(
        operation_id="feed_read", parameters=[FeedQuery], responses={200: FeedPageOutput, **READ_ERRORS},
        description=(
            "Documents for the ERP in a stable order: ASNs, order responses, invoices and quality "
            "notices. Read from `after` (default: the position this key acknowledged), store the "
            "entries, then acknowledge `next_cursor`. Positions are given only to committed entries and "
            "in order, so following `next_cursor` loses and repeats nothing. `feed` is one of all, asns, "
            "order-responses, invoices, quality-notices."
        ),
    )
    def get(self, request: Request, feed: str) -> Response:
        name = _feed_name(feed)
        caller = caller_of(request)
        q = _query(request, FeedQuery)
        after = q.get("after")
        if after is None:
            after = services.feed_cursor_position(key=caller.key, feed=name) if caller.key else 0
        result = services.feed_read(after=after, kind="" if name == "all" else name, limit=q["limit"])
        return Response(FeedPageOutput({
            "feed": feed, "after": result.after, "next_cursor": result.next_cursor, "has_more": result.has_more,
            "entries": result.entries,
        }).data)


class FeedAckApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(
        operation_id="feed_acknowledge", request=AckInput, responses={200: AckOutput, **WRITE_ERRORS},
        description=(
            "Confirm that everything up to `cursor` is stored in the ERP. The next read without "
            "`after` starts there. Acknowledging the same cursor again is harmless; going back or "
            "past the end of the feed is a 409."
        ),
    )
    def post(self, request: Request, feed: str) -> Response:
        name = _feed_name(feed)
        caller = caller_of(request)
        if caller.key is None:
            raise PermissionDenied("Acknowledging needs an ERP API key (cursors are per key).")
        data = AckInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cursor = services.feed_acknowledge(key=caller.key, feed=name, position=data.validated_data["cursor"],
                                               actor=caller.actor)
        except services.StaleAcknowledgement as exc:
            raise Conflict(str(exc)) from exc
        return Response(AckOutput({"feed": feed, "cursor": cursor.position,
                                   "acknowledged_at": cursor.acknowledged_at}).data)


# --- goods receipts ---------------------------------------------------------------------------------

class ReceiptQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    since = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)


class GoodsReceiptListApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="goods_receipts_list", parameters=[ReceiptQuery],
                   responses={200: paginated(GoodsReceiptOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        q = _query(request, ReceiptQuery)
        qs = erp_selectors.goods_receipts(supplier=caller.supplier, search=q.get("search", ""), since=q.get("since"))
        return page(self, request, qs, GoodsReceiptOutput)

    @extend_schema(operation_id="goods_receipts_create", request=GoodsReceiptInput,
                   responses={201: GoodsReceiptOutput, 200: GoodsReceiptOutput, **WRITE_ERRORS},
                   description="Record a goods receipt (received and rejected quantity per ASN line and lot). "
                               "The same receipt number twice is one receipt (200 the second time).")
    def post(self, request: Request) -> Response:
        caller = caller_of(request)
        if not caller.is_buyer_side:
            raise PermissionDenied(BuyerSide.message)
        data = GoodsReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.goods_receipt_post(data=data.validated_data, actor=caller.actor)
        receipt = erp_selectors.goods_receipts(supplier=None).get(pk=result.obj.pk)
        return Response(GoodsReceiptOutput(receipt).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


# --- master data ------------------------------------------------------------------------------------

class SearchQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    page = serializers.IntegerField(required=False, min_value=1)


class SupplierListApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="suppliers_list", parameters=[SearchQuery],
                   responses={200: paginated(SupplierOutput), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        q = _query(request, SearchQuery)
        return page(self, request, erp_selectors.suppliers_all(search=q.get("search", "")), SupplierOutput)


class SupplierUpsertApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="suppliers_upsert", request=SupplierInput,
                   responses={201: SupplierOutput, 200: SupplierOutput, **WRITE_ERRORS},
                   description="Create or update a supplier by code (master-data sync). Fields left out stay as they are.")
    def put(self, request: Request, code: str) -> Response:
        caller = caller_of(request)
        data = SupplierInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.supplier_upsert(code=code, data=data.validated_data, actor=caller.actor)
        return Response(SupplierOutput(result.obj).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class PartListApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="parts_list", parameters=[SearchQuery],
                   responses={200: paginated(PartOutput), **READ_ERRORS},
                   description="Parts with their suppliers' numbers and prices. A supplier sees only the "
                               "parts it supplies, and only its own numbers and prices.")
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        q = _query(request, SearchQuery)
        qs = erp_selectors.parts(supplier=caller.supplier, search=q.get("search", ""))
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            PartOutput(rows, many=True, context={"supplier": caller.supplier}).data)


class PartUpsertApi(APIView):
    permission_classes = BUYER_PERMISSIONS

    @extend_schema(operation_id="parts_upsert", request=PartInput,
                   responses={201: PartOutput, 200: PartOutput, **WRITE_ERRORS},
                   description="Create or update a part by the buyer's part number. `suppliers`, when sent, "
                               "is the complete list of the part's suppliers.")
    def put(self, request: Request, number: str) -> Response:
        caller = caller_of(request)
        data = PartInput(data=request.data)
        data.is_valid(raise_exception=True)
        if len(number) > 35:
            raise ValidationError({"number": ["at most 35 characters"]})
        result = services.part_upsert(number=number, data=data.validated_data, actor=caller.actor)
        return Response(PartOutput(result.obj, context={"supplier": None}).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)




# --- CSV import and export (spreadsheet ERPs) ------------------------------------------------------------

CSV_MAX_BYTES = 20 * 1024 * 1024


class CsvParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(CSV_MAX_BYTES + 1) if stream is not None else b""
        if len(data) > CSV_MAX_BYTES:
            raise PayloadTooLarge(f"A CSV file may have at most {CSV_MAX_BYTES} bytes.")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                raise ParseError("The CSV file is neither UTF-8 nor Windows-1252 text.") from None


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


class ImportErrorOutput(serializers.Serializer):
    number = serializers.CharField()
    rows = serializers.ListField(child=serializers.IntegerField())
    error = serializers.CharField()


class ImportReportOutput(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    errors = ImportErrorOutput(many=True)


def _csv_response(rows, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_import(request: Request, importer) -> Response:
    caller = caller_of(request)
    if not caller.is_buyer_side:
        raise PermissionDenied(BuyerSide.message)
    if not isinstance(request.data, str):
        raise ValidationError({"document": ["send the CSV file as the body, Content-Type: text/csv"]})
    try:
        report = importer(text=request.data, actor=caller.actor)
    except csvio.CsvError as exc:
        raise ValidationError({"document": [str(exc)]}) from None
    return Response(ImportReportOutput(report.as_dict()).data,
                    status=status.HTTP_200_OK if report.ok else status.HTTP_422_UNPROCESSABLE_ENTITY)


CSV_DOC = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per line (docs/api.md)")}
IMPORT_REQUEST = {"text/csv": OpenApiTypes.STR}
IMPORT_RESPONSES = {200: ImportReportOutput, (422, "application/json"): ImportReportOutput,
                    **problems(400, 401, 403, 413, 415, 429)}


class PurchaseOrderExportQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=PurchaseOrder.Status.choices, required=False)
    supplier = serializers.CharField(required=False, max_length=20)
    updated_since = serializers.DateField(required=False)


class PurchaseOrderCsvExportApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="purchase_orders_export_csv", parameters=[PurchaseOrderExportQuery],
                   responses={**CSV_DOC, **READ_ERRORS})
    def get(self, request: Request) -> StreamingHttpResponse:
        caller = caller_of(request)
        q = _query(request, PurchaseOrderExportQuery)
        orders = erp_selectors.purchase_orders(supplier=caller.supplier, status=q.get("status", ""),
                                               supplier_code=q.get("supplier", ""), updated_since=q.get("updated_since"))
        lines = PurchaseOrderLine.objects.filter(order__in=orders.values("pk")).order_by("order__number", "line_no")
        return _csv_response(csvio.purchase_orders_csv(lines), "purchase-orders.csv")


class PurchaseOrderCsvImportApi(APIView):
    permission_classes = BUYER_PERMISSIONS
    parser_classes = [CsvParser]

    @extend_schema(operation_id="purchase_orders_import_csv", request=IMPORT_REQUEST, responses=IMPORT_RESPONSES,
                   description="Create or replace purchase orders from a CSV file, one row per line (columns in "
                               "docs/api.md). Each order is applied on its own; the report lists what failed, "
                               "with row numbers (422 when anything failed).")
    def post(self, request: Request) -> Response:
        return _csv_import(request, csvio.purchase_orders_import)


class ReceiptExportQuery(serializers.Serializer):
    since = serializers.DateField(required=False)


class GoodsReceiptCsvExportApi(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(operation_id="goods_receipts_export_csv", parameters=[ReceiptExportQuery],
                   responses={**CSV_DOC, **READ_ERRORS})
    def get(self, request: Request) -> StreamingHttpResponse:
        caller = caller_of(request)
        q = _query(request, ReceiptExportQuery)
        receipts = erp_selectors.goods_receipts(supplier=caller.supplier, since=q.get("since"))
        lines = GoodsReceiptLine.objects.filter(receipt__in=receipts.values("pk")).order_by("receipt__number", "line_no")
        return _csv_response(csvio.goods_receipts_csv(lines), "goods-receipts.csv")


class GoodsReceiptCsvImportApi(APIView):
    permission_classes = BUYER_PERMISSIONS
    parser_classes = [CsvParser]

    @extend_schema(operation_id="goods_receipts_import_csv", request=IMPORT_REQUEST, responses=IMPORT_RESPONSES,
                   description="Record goods receipts from a CSV file, one row per receipt line (columns in "
                               "docs/api.md). A receipt number already on file is left as it is.")
    def post(self, request: Request) -> Response:
        return _csv_import(request, csvio.goods_receipts_import)
