"""The evidence behind every KPI, as SQL: one row per receipt line, order line, order, forecast
bucket, invoice line or quality notice, with its verdict (on target or not) computed in the database.

The same row queries feed the computation (wrapped in GROUP BY, ``suppliers.scorecards.compute``)
and the evidence pages (filtered to one supplier and period), so a number and the lines shown
for it cannot disagree. The inner queries are Django querysets (portable joins, dates and time
zones); where a verdict needs an aggregate or a fence, a thin layer of plain SQL goes around them.
Every family has a ``day`` column (the business date the row belongs to) and ``s_id`` (supplier).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import NotSupportedError, connection
from django.db.models import (
    Case,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Abs,
    Cast,
    Coalesce,
    TruncDate,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from suppliers.models import (
    Event,
    GoodsReceiptLine,
    InvoiceLine,
    OrderResponse,
    PurchaseOrder,
    PurchaseOrderLine,
)

QTY = DecimalField(max_digits=20, decimal_places=3)
ONE = Value(1)
ZERO = Value(0)


# --- rules -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    """The parameters a run computes with (a copy of ScorecardSettings) and the moment it looks from."""

    weights: dict[str, int]
    grades: dict[str, Decimal]
    early_days: int
    late_days: int
    quantity_tolerance: Decimal  # a fraction: 0.02 for 2 %
    asn_lead_days: int
    response_hours: int
    ppm_limit: int
    price_tolerance: Decimal
    as_of: datetime

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any], *, as_of: datetime) -> Rules:
        return cls(
            weights={k: int(v) for k, v in snap["weights"].items()},
            grades={k: Decimal(v) for k, v in snap["grades"].items()},
            early_days=int(snap["on_time_early_days"]), late_days=int(snap["on_time_late_days"]),
            quantity_tolerance=Decimal(snap["quantity_tolerance_percent"]) / 100,
            asn_lead_days=int(snap["asn_lead_days"]), response_hours=int(snap["response_target_hours"]),
            ppm_limit=int(snap["ppm_limit"]), price_tolerance=Decimal(snap["price_tolerance_percent"]) / 100,
            as_of=as_of,
        )

    @property
    def as_of_date(self) -> date:
        return timezone.localdate(self.as_of)


@dataclass(frozen=True)
class Scope:
    """Which rows: one supplier or all, business dates in [since, until)."""

    since: date
    until: date
    supplier_id: int | None = None
    detail: bool = False  # evidence pages: add the columns people read (numbers, parts, lots)


# --- portable date arithmetic (PostgreSQL for production, SQLite for `make run`) ----------------

class AddDays(Func):
    """A date plus (or minus) a whole number of days, as a date."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other databases
        raise NotSupportedError("Scorecards run on PostgreSQL or SQLite.")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + {self.days:d})", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params


# Plain-SQL pieces for the layers around the querysets (only PostgreSQL and SQLite are supported).

def month_sql(expr: str) -> str:
    """The first day of the month of a date column, as a date."""
    if connection.vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', CAST({expr} AS TIMESTAMP)) AS DATE)"
    return f"strftime('%%Y-%%m-01', {expr})"


def month_index_sql(expr: str) -> str:
    """year * 12 + month - 1 of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {expr}) * 12 + EXTRACT(MONTH FROM {expr}) - 1 AS INTEGER)"
    return f"(CAST(strftime('%%Y', {expr}) AS INTEGER) * 12 + CAST(strftime('%%m', {expr}) AS INTEGER) - 1)"


def hours_sql(later: str, earlier: str) -> str:
    """Hours between two timestamp columns."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier}))::float8 / 3600.0)"
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


def fence() -> str:
    """Appended to a subquery: computed once, not inlined into the query around it."""
    return " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


def moment_param(value: datetime) -> Any:
    """A timestamp as a query parameter compared with stored timestamps."""
    return connection.ops.adapt_datetimefield_value(value)


def _within(field: str, target, tolerance: Decimal) -> Q:
    """``field`` equals ``target`` within a relative tolerance (a plain equality when it is 0)."""
    if not tolerance:
        return Q(**{field: target})
    return Q(**{f"{field}__gte": target * Value(1 - tolerance), f"{field}__lte": target * Value(1 + tolerance)})


def _flag(condition: Q | Any) -> Case:
    return Case(When(condition, then=ONE), default=ZERO, output_field=IntegerField())


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    # No ORDER BY inside: the models' default orderings would sort a million rows for nothing.
    sql, params = qs.order_by().query.sql_with_params()
    return sql, tuple(params)



# --- deliveries: goods receipt lines (on time, ASN timeliness and accuracy, PPM) ----------------

def delivery_rows(rules: Rules, scope: Scope) -> tuple[str, tuple]:
    """One row per goods receipt line received in scope, with its verdicts.

    Columns: s_id, day (received on), pk, on_time, has_asn, asn_timely, asn_accurate, received,
    rejected; with ``detail``, also what the evidence pages show.

    ASN accuracy is judged per receipt line, which is per lot: the line is on the ASN, for the
    same part, its lot is one the ASN line named, and the quantity received equals what the ASN
    said for that lot (for a line without a lot: for the ASN line), within the tolerance.
    """
    qs = GoodsReceiptLine.objects.filter(received_on__gte=scope.since, received_on__lt=scope.until,
                                         received_on__lte=rules.as_of_date)
    if scope.supplier_id is not None:
        qs = qs.filter(receipt__supplier_id=scope.supplier_id)
    due = Coalesce(F("order_line__confirmed_date"), F("order_line__requested_date"))
    tol = rules.quantity_tolerance
    qs = qs.annotate(asn_lot=FilteredRelation("advice_line__lots", condition=Q(advice_line__lots__lot=F("lot"))))
    announced = Case(When(lot="", then=F("advice_line__quantity")), default=F("asn_lot__quantity"), output_field=QTY)
    qs = qs.annotate(
        s_id=F("receipt__supplier_id"), day=F("received_on"),
        on_time=_flag(Q(received_on__gte=AddDays(due, -rules.early_days))
                      & Q(received_on__lte=AddDays(due, rules.late_days))),
        has_asn=_flag(Q(receipt__advice__isnull=False) | Q(advice_line__isnull=False)),
        asn_timely=_flag(Q(receipt__advice__submitted_at__isnull=False) & LessThanOrEqual(
            TruncDate("receipt__advice__submitted_at"), AddDays(F("received_on"), -rules.asn_lead_days))),
        announced=announced,
        received=F("received_quantity"), rejected=F("rejected_quantity"),
    ).annotate(
        asn_accurate=_flag(Q(advice_line__isnull=False) & Q(advice_line__part_id=F("part_id"))
                           & (Q(lot="") | Q(asn_lot__id__isnull=False))
                           & _within("received_quantity", F("announced"), tol)),
    )
    columns = ["s_id", "day", "pk", "on_time", "has_asn", "asn_timely", "asn_accurate", "received", "rejected"]
    if scope.detail:
        qs = qs.annotate(
            receipt_number=F("receipt__number"), receipt_pk=F("receipt_id"), order_number=F("order_line__order__number"),
            order_pk=F("order_line__order_id"), order_line_no=F("order_line__line_no"),
            part_number=F("part__buyer_part_number"), asn_number=F("receipt__advice__number"),
            asn_pk=F("receipt__advice_id"), asn_submitted_at=F("receipt__advice__submitted_at"),
            requested_date=F("order_line__requested_date"), confirmed_date=F("order_line__confirmed_date"),
            on_asn=_flag(Q(advice_line__isnull=False)), part_ok=_flag(Q(advice_line__part_id=F("part_id"))),
            lot_named=_flag(Q(asn_lot__id__isnull=False)), unit=F("order_line__unit"), due=due,
        )
        columns += ["received_on", "due", "lot", "receipt_number", "receipt_pk", "line_no", "order_number", "order_pk",
                    "order_line_no", "part_number", "asn_number", "asn_pk", "asn_submitted_at", "requested_date",
                    "confirmed_date", "on_asn", "part_ok", "lot_named", "unit", "announced"]
    return _sql(qs.values(*columns))



def _lit(value: Decimal) -> str:
    """A decimal as an SQL literal (from the rules, never from a request)."""
    return format(Decimal(value).normalize(), "f")


# --- order lines due: quantity accuracy against the order ---------------------------------------

def order_line_rows(rules: Rules, scope: Scope) -> tuple[str, tuple]:
    """One row per purchase order line due in scope (and before ``as_of``): received in total
    against the confirmed (else ordered) quantity. Cancelled and rejected lines do not count.

    Columns: s_id, day (due), pk, expected, received, ok.
    """
    last_due = min(scope.until, rules.as_of_date - timedelta(days=rules.late_days))
    due = Coalesce(F("confirmed_date"), F("requested_date"))
    # Due = the confirmed date, else the requested one; written on the columns themselves (not on
    # COALESCE) so that PostgreSQL estimates how many lines qualify and picks hash joins.
    due_in_scope = (Q(confirmed_date__gte=scope.since, confirmed_date__lt=last_due)
                    | Q(confirmed_date__isnull=True, requested_date__gte=scope.since, requested_date__lt=last_due))
    qs = (PurchaseOrderLine.objects
          .filter(due_in_scope, Q(confirmed_quantity__isnull=True) | Q(confirmed_quantity__gt=0), cancelled=False)
          .exclude(confirmation=PurchaseOrderLine.Confirmation.REJECTED)
          .exclude(order__status__in=[PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED]))
    if scope.supplier_id is not None:
        qs = qs.filter(order__supplier_id=scope.supplier_id)
    expected = Coalesce(F("confirmed_quantity"), F("quantity"))
    qs = qs.annotate(s_id=F("order__supplier_id"), day=due, expected=expected)
    columns = ["s_id", "day", "pk", "expected"]
    if scope.detail:
        qs = qs.annotate(order_number=F("order__number"), order_pk=F("order_id"), part_number=F("part__buyer_part_number"),
                         due=due)
        columns += ["order_number", "order_pk", "line_no", "part_number", "quantity", "confirmed_quantity", "unit",
                    "requested_date", "confirmed_date", "due", "confirmation"]
    inner, params = _sql(qs.values(*columns))
    # Received per order line, summed once over the receipt lines (a hash join, not a lookup per line).
    grl = connection.ops.quote_name(GoodsReceiptLine._meta.db_table)
    only, rparams = " WHERE r.received_on <= %s", [connection.ops.adapt_datefield_value(rules.as_of_date)]
    if scope.supplier_id is not None:
        only += f" AND r.order_line_id IN (SELECT f0.pk FROM ({inner}) f0)"
        rparams += params
    tol = rules.quantity_tolerance
    received = "CASE WHEN r.received IS NULL THEN 0 ELSE r.received END"
    if tol:
        on_target = f"{received} >= f.expected * {_lit(1 - tol)} AND {received} <= f.expected * {_lit(1 + tol)}"
    else:
        on_target = f"{received} = f.expected"
    sql = (f"SELECT f.*, {received} AS received, CASE WHEN {on_target} THEN 1 ELSE 0 END AS ok "
           f"FROM ({inner}) f LEFT JOIN (SELECT r.order_line_id, SUM(r.received_quantity) AS received "
           f"FROM {grl} r{only} GROUP BY r.order_line_id) r ON r.order_line_id = f.pk")
    return sql, (*params, *rparams)


# --- orders sent: response time --------------------------------------------------------------

def order_rows(rules: Rules, scope: Scope) -> tuple[str, tuple]:
    """One row per purchase order sent (``issued_at``; a revision counts from its re-issue) in scope.

    Answered at: the first order response after it was sent, or the first time it was confirmed
    or rejected (a buyer may record a confirmation given by telephone), whichever came first.
    An order not answered yet and still inside the target time at ``as_of`` does not count yet.

    Columns: s_id, day (sent), pk, hours (to the answer, null if none), counted, ok.
    """
    since, until = _local_bounds(scope)
    qs = (PurchaseOrder.objects.exclude(status=PurchaseOrder.Status.DRAFT)
          .filter(issued_at__isnull=False, issued_at__gte=since, issued_at__lt=until, issued_at__lte=rules.as_of))
    if scope.supplier_id is not None:
        qs = qs.filter(supplier_id=scope.supplier_id)
    ct = ContentType.objects.get_for_model(PurchaseOrder)
    event = (Event.objects.filter(content_type_id=ct.pk, object_id=Cast(OuterRef("pk"), CharField()),
                                  verb__in=["po.confirmed", "po.rejected"], occurred_at__gte=OuterRef("issued_at"),
                                  occurred_at__lte=rules.as_of)
             .order_by("occurred_at").values("occurred_at")[:1])
    response = (OrderResponse.objects.filter(order_id=OuterRef("pk"), created_at__gte=OuterRef("issued_at"),
                                             created_at__lte=rules.as_of)
                .order_by("created_at").values("created_at")[:1])
    qs = qs.annotate(s_id=F("supplier_id"), day=TruncDate("issued_at"),
                     first_response=Subquery(response, output_field=DateTimeField()),
                     first_event=Subquery(event, output_field=DateTimeField()))
    columns = ["s_id", "day", "pk", "issued_at", "first_response", "first_event"]
    if scope.detail:
        columns += ["number", "revision", "order_date", "status"]
    # The fence keeps the database from copying the two subqueries into every expression above.
    inner, params = _sql(qs.values(*columns))
    inner += fence()
    target = int(rules.response_hours)
    first = ("CASE WHEN f.first_response IS NULL THEN f.first_event WHEN f.first_event IS NULL THEN f.first_response "
             "WHEN f.first_event < f.first_response THEN f.first_event ELSE f.first_response END")
    sql = (f"SELECT g.*, CASE WHEN g.hours IS NOT NULL OR g.age_hours > {target} THEN 1 ELSE 0 END AS counted, "
           f"CASE WHEN g.hours IS NOT NULL AND g.hours <= {target} THEN 1 ELSE 0 END AS ok "
           f"FROM (SELECT f.*, {hours_sql(first, 'f.issued_at')} AS hours, {hours_sql('%s', 'f.issued_at')} AS age_hours "
           f"FROM ({inner}) f) g")
    return sql, (moment_param(rules.as_of), *params)


def _local_bounds(scope: Scope) -> tuple[datetime, datetime]:
    """The scope's dates as moments in the current time zone (for timestamp columns)."""
    tz = timezone.get_current_timezone()
    return (datetime.combine(scope.since, datetime.min.time(), tzinfo=tz),
            datetime.combine(scope.until, datetime.min.time(), tzinfo=tz))


# --- forecast buckets: commit rate ---------------------------------------------------------------

def bucket_rows(rules: Rules, scope: Scope) -> tuple[str, tuple] | None:
    """One row per forecast bucket with a quantity in the firm or planning zone, of the versions
    published in scope.

    The supplier has the order response target (default 48 hours) to answer a version: a bucket
    not answered yet counts as 0 committed once that time has passed while the version was the
    current one, and does not count while it has not (still inside the answer time at ``as_of``,
    or replaced by a newer version before the time was up: the supplier never had the chance).

    Columns: s_id, day (published), pk, forecast, committed (capped at the forecast), ok (fully committed).
    """
    if not apps.is_installed("suppliers.forecasts"):
        return None
    from suppliers.forecasts.models import COMMIT_ZONES, ForecastBucket

    since, until = _local_bounds(scope)
    answer_by = ExpressionWrapper(F("line__version__published_at") + Value(timedelta(hours=rules.response_hours)),
                                  output_field=DateTimeField())
    had_the_time = (Q(line__version__superseded_at__isnull=True, answer_by__lte=rules.as_of)
                    | Q(line__version__superseded_at__gte=F("answer_by")))
    qs = (ForecastBucket.objects
          .filter(zone__in=list(COMMIT_ZONES), quantity__gt=0, line__version__published_at__gte=since,
                  line__version__published_at__lt=until, line__version__published_at__lte=rules.as_of)
          .alias(answer_by=answer_by)
          .filter(Q(committed_quantity__isnull=False) | had_the_time))
    if scope.supplier_id is not None:
        qs = qs.filter(line__version__supplier_id=scope.supplier_id)
    qs = qs.annotate(
        s_id=F("line__version__supplier_id"), day=TruncDate("line__version__published_at"),
        forecast=F("quantity"),
        committed=Case(When(committed_quantity__gte=F("quantity"), then=F("quantity")),
                       default=Coalesce(F("committed_quantity"), Value(Decimal(0))), output_field=QTY),
        ok=_flag(Q(committed_quantity__gte=F("quantity"))),
    )
    columns = ["s_id", "day", "pk", "forecast", "committed", "ok"]
    if scope.detail:
        qs = qs.annotate(version_number=F("line__version__number"), version_pk=F("line__version_id"),
                         published_at=F("line__version__published_at"), part_number=F("line__part__buyer_part_number"),
                         superseded_at=F("line__version__superseded_at"))
        columns += ["version_number", "version_pk", "published_at", "part_number", "start", "end", "zone",
                    "committed_quantity", "superseded_at"]
    return _sql(qs.values(*columns))


# --- invoice lines: price accuracy ----------------------------------------------------------------

def invoice_line_rows(rules: Rules, scope: Scope) -> tuple[str, tuple]:
    """One row per invoice line (not credit notes) that names an order line and a unit price.

    Columns: s_id, day (invoice date), pk, ok (same currency, price within the tolerance of the order's).
    """
    qs = InvoiceLine.objects.filter(
        invoice__kind="invoice", order_line__isnull=False, price__isnull=False,
        invoice__invoice_date__gte=scope.since, invoice__invoice_date__lt=scope.until,
        invoice__invoice_date__lte=rules.as_of_date,
    )
    if scope.supplier_id is not None:
        qs = qs.filter(invoice__supplier_id=scope.supplier_id)
    tol = rules.price_tolerance
    po_price = F("order_line__price")
    qs = qs.annotate(
        s_id=F("invoice__supplier_id"), day=F("invoice__invoice_date"), order_price=po_price,
        ok=_flag(Q(invoice__currency=F("order_line__order__currency"))
                 & (LessThanOrEqual(Abs(F("price") - po_price), po_price * Value(tol)) if tol else Q(price=po_price))),
    )
    columns = ["s_id", "day", "pk", "ok"]
    if scope.detail:
        qs = qs.annotate(invoice_number=F("invoice__number"), invoice_date=F("invoice__invoice_date"),
                         invoice_currency=F("invoice__currency"), order_number=F("order_line__order__number"),
                         order_pk=F("order_line__order_id"), order_line_no=F("order_line__line_no"),
                         order_currency=F("order_line__order__currency"), part_number=F("order_line__part__buyer_part_number"))
        columns += ["invoice_number", "invoice_date", "invoice_currency", "line_no", "order_number", "order_pk",
                    "order_line_no", "order_currency", "part_number", "quantity", "price", "order_price"]
    return _sql(qs.values(*columns))


# --- quality notices: rejections beyond what the receipt recorded --------------------------------

def notice_rows(rules: Rules, scope: Scope) -> tuple[str, tuple] | None:
    """One row per quality notice (not cancelled) in scope, with what it adds to the rejected count.

    A notice about a goods receipt belongs to the receipt's month; one without, to the month it
    was raised. A receipt's rejections and the notices raised about the same receipt and part
    describe the same parts: that pair counts the larger of the two, never their sum. So a
    notice adds ``max(0, its group's notice total - the receipt lines' rejected total)``, shared
    over the group's notices in proportion (``excess``); a notice without a receipt adds all of it.

    Columns: s_id, day, pk, rejected, receipt_rejected, excess.
    """
    if not apps.is_installed("suppliers.quality"):
        return None
    from suppliers.quality.models import QualityNotice

    qs = QualityNotice.objects.exclude(status=QualityNotice.Status.CANCELLED)
    if scope.supplier_id is not None:
        qs = qs.filter(supplier_id=scope.supplier_id)
    when = Coalesce(F("receipt__received_on"), TruncDate("raised_at"))
    receipt_rejected = (GoodsReceiptLine.objects.filter(receipt_id=OuterRef("receipt_id"), part_id=OuterRef("part_id"))
                        .order_by().values("receipt_id").annotate(s=Sum("rejected_quantity")).values("s"))
    qs = (qs.alias(when_on=when).filter(when_on__gte=scope.since, when_on__lt=scope.until,
                                        when_on__lte=rules.as_of_date, raised_at__lte=rules.as_of)
          .annotate(s_id=F("supplier_id"), day=when, rejected=F("rejected_quantity"),
                    receipt_rejected=Coalesce(Subquery(receipt_rejected, output_field=QTY), Value(Decimal(0)),
                                              output_field=QTY)))
    columns = ["s_id", "day", "pk", "rejected", "receipt_rejected", "receipt_id", "part_id"]
    if scope.detail:
        qs = qs.annotate(receipt_number=F("receipt__number"), part_number=F("part__buyer_part_number"))
        columns += ["number", "raised_at", "receipt_number", "part_number", "lot", "status", "unit"]
    inner, params = _sql(qs.values(*columns))
    # Per (receipt, part): the notices' total beyond the receipt lines' rejections, shared pro rata.
    group = "PARTITION BY f.s_id, f.receipt_id, f.part_id"
    total = f"SUM(f.rejected) OVER ({group})"
    excess = (f"CASE WHEN f.receipt_id IS NULL THEN f.rejected "
              f"WHEN {total} <= f.receipt_rejected OR {total} = 0 THEN 0 "
              f"ELSE f.rejected * 1.0 * ({total} - f.receipt_rejected) / {total} END")
    return f"SELECT f.*, {excess} AS excess FROM ({inner}) f", params
