"""The scorecard's KPIs: codes, names, what one unit of evidence is, and how a value is shown.

Every KPI result stores four inputs (``units``, ``ok_units``, ``qa``, ``qb``); value and score
are derived from them by one formula per KPI (``suppliers.scorecards.compute``), so rolling
figures are sums of monthly inputs, never averages of averages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ON_TIME = "on_time"
QUANTITY = "quantity"
ASN_ACCURACY = "asn_accuracy"
ASN_TIMELINESS = "asn_timeliness"
QUALITY = "quality"
RESPONSE = "response"
FORECAST_COMMIT = "forecast_commit"
PRICE = "price"

# The four families of evidence: what a row of evidence is.
DELIVERY = "delivery"  # goods receipt lines
ORDER_LINE = "order_line"  # purchase order lines due
ORDER = "order"  # purchase orders sent
BUCKET = "bucket"  # forecast buckets to commit
INVOICE_LINE = "invoice_line"  # invoice lines with a price


@dataclass(frozen=True)
class Kpi:
    code: str
    label: Promise
    short: Promise
    family: str
    unit: Promise  # what one unit of evidence is, plural
    help: Promise
    # "percent" (higher is better, 0-100) or "ppm" (lower is better)
    shown_as: str = "percent"


KPIS: tuple[Kpi, ...] = (
    Kpi(ON_TIME, _("On-time delivery"), _("On time"), DELIVERY, _("receipt lines"),
        _("Receipt lines received within the window around the confirmed date (else the requested date).")),
    Kpi(QUANTITY, _("Quantity accuracy (order)"), _("Quantity"), ORDER_LINE, _("order lines due"),
        _("Order lines due whose received quantity matches the confirmed (else ordered) quantity within the tolerance.")),
    Kpi(ASN_ACCURACY, _("ASN accuracy"), _("ASN match"), DELIVERY, _("receipt lines with an ASN"),
        _("Receipt lines that match their ASN: on the ASN, same part, a lot the ASN named, and the quantity "
          "received equals what the ASN announced for that lot, within the tolerance.")),
    Kpi(ASN_TIMELINESS, _("ASN timeliness"), _("ASN on time"), DELIVERY, _("receipt lines"),
        _("Receipt lines whose shipment notice (ASN) was sent before the goods arrived.")),
    Kpi(QUALITY, _("Quality (PPM)"), _("PPM"), DELIVERY, _("receipt lines"),
        _("Parts rejected per million received, from goods receipts and quality notices."), shown_as="ppm"),
    Kpi(RESPONSE, _("Order response"), _("Response"), ORDER, _("orders sent"),
        _("Purchase orders confirmed or answered within the target time after they were sent.")),
    Kpi(FORECAST_COMMIT, _("Forecast commit rate"), _("Commit"), BUCKET, _("forecast buckets"),
        _("Share of the forecast quantity in the firm and planning zones that the supplier committed to.")),
    Kpi(PRICE, _("Invoice price accuracy"), _("Price"), INVOICE_LINE, _("invoice lines"),
        _("Invoice lines whose unit price matches the order's price within the tolerance.")),
)

BY_CODE: dict[str, Kpi] = {k.code: k for k in KPIS}
CODES: tuple[str, ...] = tuple(k.code for k in KPIS)
CHOICES = [(k.code, k.label) for k in KPIS]

# The buyer's weights live on ScorecardSettings, one field per KPI.
WEIGHT_FIELDS: dict[str, str] = {code: f"weight_{code}" for code in CODES}
DEFAULT_WEIGHTS: dict[str, int] = {
    ON_TIME: 30, QUALITY: 25, QUANTITY: 10, ASN_ACCURACY: 10, ASN_TIMELINESS: 5, RESPONSE: 10,
    FORECAST_COMMIT: 5, PRICE: 5,
}
assert sum(DEFAULT_WEIGHTS.values()) == 100 and set(DEFAULT_WEIGHTS) == set(CODES)

MONTH = "month"
ROLLING = "rolling12"
PERIODS = (MONTH, ROLLING)
PERIOD_CHOICES = [(MONTH, _("Month")), (ROLLING, _("Rolling 12 months"))]
ROLLING_MONTHS = 12
