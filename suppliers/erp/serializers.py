"""Input and output shapes of the ERP API (and what the OpenAPI schema says about them)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from suppliers.models import Part, PurchaseOrder, Supplier

DATE_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DECIMAL_RE = r"^-?[0-9]+(\.[0-9]+)?$"


class StrictBooleanField(serializers.BooleanField):
    """JSON true / false only (DRF's BooleanField also takes 0, 1, "yes", "on"...)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictCharField(serializers.CharField):
    """JSON strings only (DRF's CharField also turns 12 into "12"): the schema says string. The
    schema's maxLength is the length sent: DRF would check it after trimming the whitespace, and
    accept "\tPCE" for a 3-character unit (found by the API fuzz soak)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Field path → messages, e.g. {\"lines[0].quantity\": [\"missing\"]}")
    retry_after = serializers.IntegerField(required=False)


# --- canonical purchase_order (request body; validated by edi.codecs.canonical) -----------------------

class PartySerializer(serializers.Serializer):
    id = StrictCharField(max_length=35, required=False)
    name = StrictCharField(max_length=70, required=False)
    qualifier = StrictCharField(max_length=3, required=False)


class PurchaseOrderLineDocument(serializers.Serializer):
    line = serializers.RegexField(r"^[0-9]{1,6}$", help_text="Line number")
    buyer_part = StrictCharField(max_length=35)
    supplier_part = StrictCharField(max_length=35, required=False)
    gtin = StrictCharField(max_length=35, required=False)
    description = StrictCharField(max_length=70, required=False)
    quantity = serializers.RegexField(DECIMAL_RE, help_text="Decimal string, e.g. \"1000\"")
    unit = StrictCharField(max_length=3, required=False)
    price = serializers.RegexField(DECIMAL_RE, required=False)
    delivery_date = serializers.RegexField(DATE_RE, required=False)
    action = serializers.ChoiceField(choices=["add", "change", "cancel"], required=False)


class PurchaseOrderDocument(serializers.Serializer):
    """A canonical ``purchase_order`` (docs/canonical.md, docs/schemas/purchase_order.schema.json)."""

    type = serializers.ChoiceField(choices=["purchase_order"], required=False)
    id = StrictCharField(max_length=35, help_text="PO number")
    revision = serializers.IntegerField(min_value=0, required=False, help_text="The ERP's revision, 0 first")
    issued = serializers.RegexField(DATE_RE)
    purpose = serializers.ChoiceField(choices=["original", "replace", "change", "cancel"], required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    buyer = PartySerializer(required=False)
    supplier = PartySerializer(help_text="`id` is the supplier's code")
    ship_to = PartySerializer(help_text="`id` is the plant's code or GLN")
    delivery_date = serializers.RegexField(DATE_RE, required=False)
    sender = StrictCharField(max_length=35, required=False)
    receiver = StrictCharField(max_length=35, required=False)
    control_number = StrictCharField(max_length=14, required=False)
    lines = PurchaseOrderLineDocument(many=True)


# --- purchase orders out ------------------------------------------------------------------------------

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
    cancelled = serializers.BooleanField()


class PurchaseOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    revision = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PurchaseOrder.Status.choices)
    supplier = serializers.CharField(source="supplier.code")
    order_date = serializers.DateField()
    currency = serializers.CharField()
    ship_to = serializers.CharField(source="ship_to.code")
    source = serializers.CharField()


class PurchaseOrderDetailOutput(PurchaseOrderOutput):
    lines = PurchaseOrderLineOutput(many=True)


# --- feeds --------------------------------------------------------------------------------------------

class FeedEntryOutput(serializers.Serializer):
    position = serializers.IntegerField(source="seq")
    kind = serializers.CharField()
    document_id = serializers.CharField()
    supplier = serializers.CharField(source="supplier.code")
    source = serializers.CharField()
    created_at = serializers.DateTimeField()
    document = serializers.SerializerMethodField(help_text="The canonical document (docs/canonical.md)")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_document(self, entry) -> dict:
        return entry.document


class FeedPageOutput(serializers.Serializer):
    feed = serializers.CharField()
    after = serializers.IntegerField()
    next_cursor = serializers.IntegerField(help_text="Read on from here; acknowledge it once stored")
    has_more = serializers.BooleanField()
    entries = FeedEntryOutput(many=True)


class AckInput(serializers.Serializer):
    cursor = serializers.IntegerField(min_value=0, max_value=2**62)


class AckOutput(serializers.Serializer):
    feed = serializers.CharField()
    cursor = serializers.IntegerField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


# --- goods receipts -----------------------------------------------------------------------------------

class GoodsReceiptLineInput(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=999999, required=False)
    order = StrictCharField(max_length=35, help_text="PO number")
    order_line = serializers.IntegerField(min_value=1, max_value=999999)
    asn_line = serializers.IntegerField(min_value=1, max_value=999999, required=False)
    lot = StrictCharField(max_length=35, required=False, allow_blank=True)
    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    rejected_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, required=False)


class GoodsReceiptInput(serializers.Serializer):
    number = StrictCharField(max_length=35)
    supplier = StrictCharField(max_length=20, help_text="Supplier code")
    plant = StrictCharField(max_length=20, help_text="Plant code")
    received_on = serializers.DateField()
    asn = StrictCharField(max_length=35, required=False, help_text="The supplier's ASN number")
    lines = GoodsReceiptLineInput(many=True, allow_empty=False, max_length=5000)


class GoodsReceiptLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_no")
    order = serializers.CharField(source="order_line.order.number")
    order_line = serializers.IntegerField(source="order_line.line_no")
    asn_line = serializers.IntegerField(source="advice_line.line_no", allow_null=True, default=None)
    buyer_part = serializers.CharField(source="part.buyer_part_number")
    lot = serializers.CharField()
    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    rejected_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class GoodsReceiptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    supplier = serializers.CharField(source="supplier.code")
    plant = serializers.CharField(source="plant.code")
    received_on = serializers.DateField()
    asn = serializers.CharField(source="advice.number", allow_null=True, default=None)
    lines = GoodsReceiptLineOutput(many=True)


# --- master data --------------------------------------------------------------------------------------

class SupplierInput(serializers.Serializer):
    name = StrictCharField(max_length=200, required=False)
    status = serializers.ChoiceField(choices=Supplier.Status.choices, required=False)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    edi_enabled = StrictBooleanField(required=False)


class SupplierOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    contact_email = serializers.CharField()
    edi_enabled = serializers.BooleanField()


class SupplierPartInput(serializers.Serializer):
    supplier = StrictCharField(max_length=20)
    supplier_part_number = StrictCharField(max_length=35)
    price = serializers.DecimalField(max_digits=14, decimal_places=5, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)


class PartInput(serializers.Serializer):
    description = StrictCharField(max_length=200, required=False)
    unit = StrictCharField(max_length=3, required=False)
    commodity_class = serializers.ChoiceField(choices=Part.CommodityClass.choices, required=False)
    is_active = StrictBooleanField(required=False)
    suppliers = SupplierPartInput(many=True, required=False, max_length=500)

    def validate_suppliers(self, value):
        codes = [row["supplier"] for row in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("each supplier once")
        numbers = [(row["supplier"], row["supplier_part_number"]) for row in value]
        if len(numbers) != len(set(numbers)):
            raise serializers.ValidationError("each supplier part number once")
        return value


class SupplierPartOutput(serializers.Serializer):
    supplier = serializers.CharField(source="supplier.code")
    supplier_part_number = serializers.CharField()
    price = serializers.DecimalField(max_digits=14, decimal_places=5)
    currency = serializers.CharField()
    lead_time_days = serializers.IntegerField()


class PartOutput(serializers.Serializer):
    number = serializers.CharField(source="buyer_part_number")
    description = serializers.CharField()
    unit = serializers.CharField()
    commodity_class = serializers.CharField()
    is_active = serializers.BooleanField()
    suppliers = serializers.SerializerMethodField()

    @extend_schema_field(SupplierPartOutput(many=True))
    def get_suppliers(self, part) -> list:
        supplier = self.context.get("supplier")
        rows = [sp for sp in part.supplier_parts.all() if supplier is None or sp.supplier_id == supplier.pk]
        return SupplierPartOutput(rows, many=True).data


_PAGES: dict[type, type] = {}


def paginated(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The shape of a paginated list of ``item`` (DRF's PageNumberPagination), for the schema."""
    if item not in _PAGES:
        name = "Paginated" + item.__name__.removesuffix("Output").removesuffix("Serializer") + "List"
        _PAGES[item] = type(name, (serializers.Serializer,), {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "__module__": __name__,
        })
    return _PAGES[item]
