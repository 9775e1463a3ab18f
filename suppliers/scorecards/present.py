"""Evidence rows as tables: the same columns for the supplier's portal, the buyer's console and the
CSV export; only the links differ (``PortalLinks`` or ``ConsoleLinks``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from suppliers.scorecards import kpis


@dataclass
class Cell:
    text: str
    url: str = ""
    cls: str = ""


class PortalLinks:
    """Links a supplier user may follow (every target is itself filtered by the supplier)."""

    def receipt(self, pk) -> str:
        return reverse("portal:receipt_detail", args=[pk]) if pk else ""

    def order(self, pk) -> str:
        return reverse("portal:order_detail", args=[pk]) if pk else ""

    def asn(self, pk) -> str:
        return reverse("portal:shipment_detail", args=[pk]) if pk else ""

    def version(self, pk) -> str:
        return _maybe("forecasts:detail", pk)

    def notice(self, pk) -> str:
        return _maybe("quality:detail", pk)


class ConsoleLinks:
    def receipt(self, pk) -> str:
        return _maybe("admin:suppliers_goodsreceipt_change", pk)

    def order(self, pk) -> str:
        return _maybe("admin:suppliers_purchaseorder_change", pk)

    def asn(self, pk) -> str:
        return _maybe("admin:suppliers_despatchadvice_change", pk)

    def version(self, pk) -> str:
        return _maybe("admin:forecasts_forecastversion_change", pk)

    def notice(self, pk) -> str:
        return _maybe("admin:quality_qualitynotice_change", pk)


def _maybe(name: str, pk) -> str:
    if not pk:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def qty(value: Any) -> str:
    if value is None or value == "":
        return "—"
    d = Decimal(str(value))
    return formats.number_format(d.quantize(Decimal("0.001")).normalize(), use_l10n=True, force_grouping=True)


def day(value: date | None) -> str:
    return formats.date_format(value, "Y-m-d") if value else "—"


def moment(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d H:i") if value else "—"


def _verdict(ok: bool, good: str, bad: str) -> Cell:
    return Cell(("✓ " if ok else "✗ ") + (good if ok else bad), cls="ev-ok" if ok else "ev-miss")


def _days(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", abs(n)) % {"n": abs(n)}


Column = tuple[Any, Callable[[dict, Any], Cell]]


def _receipt_cols() -> list[Column]:
    return [
        (gettext_lazy("Receipt"), lambda r, L: Cell(f"{r['receipt_number']} / {r['line_no']}", L.receipt(r["receipt_pk"]))),
        (gettext_lazy("Order / line"), lambda r, L: Cell(f"{r['order_number']} / {r['order_line_no']}", L.order(r["order_pk"]))),
        (gettext_lazy("Part"), lambda r, L: Cell(r["part_number"], cls="mono")),
        (gettext_lazy("Lot"), lambda r, L: Cell(r["lot"] or "—", cls="mono")),
    ]


def _on_time(r: dict, rules: dict) -> Cell:
    delta = (r["received_on"] - r["due"]).days
    if r["verdict"]:
        return _verdict(True, _("on time"), "")
    if delta > 0:
        return _verdict(False, "", _("late by %(days)s") % {"days": _days(delta)})
    return _verdict(False, "", _("early by %(days)s") % {"days": _days(delta)})


def _asn_timely(r: dict, rules: dict) -> Cell:
    if r["verdict"]:
        return _verdict(True, _("ASN before the goods"), "")
    if not r["asn_pk"]:
        return _verdict(False, "", _("no ASN"))
    if r["asn_submitted_at"] is None:
        return _verdict(False, "", _("ASN never sent"))
    return _verdict(False, "", _("ASN sent too late"))


def _asn_accurate(r: dict, rules: dict) -> Cell:
    if r["verdict"]:
        return _verdict(True, _("matches the ASN"), "")
    if not r["on_asn"]:
        return _verdict(False, "", _("not on the ASN"))
    if not r["part_ok"]:
        return _verdict(False, "", _("another part than the ASN line"))
    if r["lot"] and not r["lot_named"]:
        return _verdict(False, "", _("lot not named on the ASN"))
    return _verdict(False, "", _("quantity differs from the ASN"))


def _days_cell(r: dict) -> Cell:
    delta = (r["received_on"] - r["due"]).days
    return Cell(f"{delta:+d}", cls="num")


COLUMNS: dict[str, list[Column]] = {
    kpis.ON_TIME: _receipt_cols() + [
        (gettext_lazy("Due"), lambda r, L: Cell(day(r["due"]) + ("" if r["confirmed_date"] else " *"))),
        (pgettext_lazy("date", "Received"), lambda r, L: Cell(day(r["received_on"]))),
        (gettext_lazy("Days"), lambda r, L: _days_cell(r)),
    ],
    kpis.ASN_TIMELINESS: _receipt_cols() + [
        (gettext_lazy("ASN"), lambda r, L: Cell(r["asn_number"] or "—", L.asn(r["asn_pk"]))),
        (gettext_lazy("ASN sent"), lambda r, L: Cell(moment(r["asn_submitted_at"]))),
        (pgettext_lazy("date", "Received"), lambda r, L: Cell(day(r["received_on"]))),
    ],
    kpis.ASN_ACCURACY: _receipt_cols() + [
        (gettext_lazy("ASN"), lambda r, L: Cell(r["asn_number"] or "—", L.asn(r["asn_pk"]))),
        (gettext_lazy("Announced"), lambda r, L: Cell(qty(r["announced"]), cls="num")),
        (pgettext_lazy("quantity", "Received"), lambda r, L: Cell(qty(r["received"]), cls="num")),
    ],
    kpis.QUALITY: _receipt_cols() + [
        (pgettext_lazy("quantity", "Received"), lambda r, L: Cell(qty(r["received"]), cls="num")),
        (pgettext_lazy("quantity", "Rejected"), lambda r, L: Cell(qty(r["rejected"]), cls="num")),
        (gettext_lazy("Received on"), lambda r, L: Cell(day(r["received_on"]))),
    ],
    kpis.QUANTITY: [
        (gettext_lazy("Order / line"), lambda r, L: Cell(f"{r['order_number']} / {r['line_no']}", L.order(r["order_pk"]))),
        (gettext_lazy("Part"), lambda r, L: Cell(r["part_number"], cls="mono")),
        (gettext_lazy("Due"), lambda r, L: Cell(day(r["due"]))),
        (pgettext_lazy("quantity", "Ordered"), lambda r, L: Cell(qty(r["quantity"]), cls="num")),
        (pgettext_lazy("quantity", "Confirmed"), lambda r, L: Cell(qty(r["confirmed_quantity"]), cls="num")),
        (pgettext_lazy("quantity", "Received"), lambda r, L: Cell(qty(r["received"]), cls="num")),
    ],
    kpis.RESPONSE: [
        (gettext_lazy("Order"), lambda r, L: Cell(r["number"] + (f" rev {r['revision']}" if r["revision"] else ""), L.order(r["pk"]))),
        (gettext_lazy("Sent"), lambda r, L: Cell(moment(r["issued_at"]))),
        (gettext_lazy("Answered after (hours)"), lambda r, L: Cell("—" if r["hours"] is None else f"{float(r['hours']):.1f}", cls="num")),
    ],
    kpis.FORECAST_COMMIT: [
        (gettext_lazy("Forecast version"), lambda r, L: Cell(str(r["version_number"]), L.version(r["version_pk"]))),
        (gettext_lazy("Published"), lambda r, L: Cell(moment(r["published_at"]))),
        (gettext_lazy("Part"), lambda r, L: Cell(r["part_number"], cls="mono")),
        (gettext_lazy("Period"), lambda r, L: Cell(f"{day(r['start'])} – {day(r['end'])}")),
        (gettext_lazy("Zone"), lambda r, L: Cell(str(r["zone"]))),
        (gettext_lazy("Forecast"), lambda r, L: Cell(qty(r["forecast"]), cls="num")),
        (gettext_lazy("Committed"), lambda r, L: Cell(qty(r["committed_quantity"]), cls="num")),
    ],
    kpis.PRICE: [
        (gettext_lazy("Invoice / line"), lambda r, L: Cell(f"{r['invoice_number']} / {r['line_no']}")),
        (gettext_lazy("Date"), lambda r, L: Cell(day(r["invoice_date"]))),
        (gettext_lazy("Order / line"), lambda r, L: Cell(f"{r['order_number']} / {r['order_line_no']}", L.order(r["order_pk"]))),
        (gettext_lazy("Part"), lambda r, L: Cell(r["part_number"] or "—", cls="mono")),
        (gettext_lazy("Invoiced price"), lambda r, L: Cell(f"{qty(r['price'])} {r['invoice_currency']}", cls="num")),
        (gettext_lazy("Order price"), lambda r, L: Cell(f"{qty(r['order_price'])} {r['order_currency']}", cls="num")),
    ],
}


def _verdict_of(kpi: str, r: dict, rules: dict) -> Cell:
    ok = bool(r["verdict"])
    if kpi == kpis.ON_TIME:
        return _on_time(r, rules)
    if kpi == kpis.ASN_TIMELINESS:
        return _asn_timely(r, rules)
    if kpi == kpis.ASN_ACCURACY:
        return _asn_accurate(r, rules)
    if kpi == kpis.QUALITY:
        return _verdict(ok, _("no rejections"), _("rejections"))
    if kpi == kpis.QUANTITY:
        return _verdict(ok, _("as ordered"), _("short") if Decimal(str(r["received"])) < Decimal(str(r["expected"])) else _("over"))
    if kpi == kpis.RESPONSE:
        return _verdict(ok, _("answered in time"), _("not answered") if r["hours"] is None else _("answered late"))
    if kpi == kpis.FORECAST_COMMIT:
        if ok:
            return _verdict(True, _("committed in full"), "")
        return _verdict(False, "", _("not answered") if r["committed_quantity"] is None else _("committed less"))
    return _verdict(ok, _("price as ordered"), _("price differs"))


def headers(kpi: str) -> list[str]:
    return [str(h) for h, _fn in COLUMNS[kpi]] + [str(gettext_lazy("Verdict"))]


def table(kpi: str, rows: Iterable[dict], links: Any, rules: dict | None = None) -> list[list[Cell]]:
    out = []
    for r in rows:
        out.append([fn(r, links) for _h, fn in COLUMNS[kpi]] + [_verdict_of(kpi, r, rules or {})])
    return out


NOTICE_HEADERS = [gettext_lazy("Quality notice"), gettext_lazy("Raised"), gettext_lazy("Receipt"), gettext_lazy("Part"),
                  gettext_lazy("Lot"), pgettext_lazy("quantity", "Rejected"), gettext_lazy("Rejected on the receipt"),
                  gettext_lazy("Adds to rejected")]


def notice_table(rows: Iterable[dict], links: Any) -> list[list[Cell]]:
    return [[
        Cell(r["number"], links.notice(r["pk"])), Cell(moment(r["raised_at"])), Cell(r["receipt_number"] or "—"),
        Cell(r["part_number"], cls="mono"), Cell(r["lot"] or "—", cls="mono"), Cell(qty(r["rejected"]), cls="num"),
        Cell(qty(r["receipt_rejected"]) if r["receipt_id"] else "—", cls="num"), Cell(qty(r["excess"]), cls="num"),
    ] for r in rows]


def value_text(kpi: str, value: Decimal | None) -> str:
    """A KPI value as people read it: 96.5 % or 1,250 PPM."""
    if value is None:
        return "—"
    if kpis.BY_CODE[kpi].shown_as == "ppm":
        return _("%(n)s PPM") % {"n": formats.number_format(value.quantize(Decimal(1)), force_grouping=True)}
    return f"{formats.number_format(value, decimal_pos=1)} %"


# --- the scorecard page (portal and console) --------------------------------------------------------

def month_param(value: str | None) -> date | None:
    """'2026-03' -> date(2026, 3, 1); anything else -> None."""
    if not value or len(value) != 7 or value[4] != "-":
        return None
    try:
        return date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None


def scorecard_context(page, *, evidence_url: Callable[[str, str, date], str], month_url: Callable[[date], str]) -> dict:
    """What ``scorecards/_scorecard.html`` draws: headline, trend chart, KPI table with evidence links."""
    from suppliers.scorecards import charts

    grades = {k: Decimal(v) for k, v in (page.rules.get("grades") or {"A": 90, "B": 75, "C": 60}).items()}
    monthly = [c.score if c else None for c in page.trend_monthly]
    rolling = [c.score if c else None for c in page.trend_rolling]
    urls = [month_url(m) for m in page.months]
    label = _("%(month)s: %(score)s, grade %(grade)s")

    def labels(cards):
        return [label % {"month": f"{m:%Y-%m}", "score": c.score, "grade": c.grade} if c else ""
                for m, c in zip(page.months, cards)]

    chart = charts.trend(page.months, [("monthly", _("Month"), monthly, urls), ("rolling", _("Rolling 12 months"), rolling, urls)],
                         bands=grades, labels=[labels(page.trend_monthly), labels(page.trend_rolling)])
    rows = []
    for row in page.rows:
        cells = {}
        for period, result in ((kpis.MONTH, row.month), (kpis.ROLLING, row.rolling)):
            if result is None:
                cells[period] = None
                continue
            cells[period] = {
                "result": result, "value": value_text(row.code, result.value), "counted": result.counted,
                "url": evidence_url(row.code, period, result.month) if result.units or result.qb else "",
                "units": result.units, "ok": result.ok_units,
                "latency": result.average_latency_hours,
            }
        top = None if row.kpi.shown_as == "ppm" else 100
        rows.append({"kpi": row.kpi, "weight": row.weight, "month": cells[kpis.MONTH], "rolling": cells[kpis.ROLLING],
                     "spark": charts.sparkline(row.trend, top=top), "lower_is_better": row.kpi.shown_as == "ppm"})
    counted_weight = sum(r["weight"] for r in rows if r["rolling"] and r["rolling"]["counted"] and r["weight"])
    return {"sc": page, "chart": chart, "kpi_rows": rows, "grades": grades, "counted_weight": counted_weight,
            "is_current_month": page.month == timezone.localdate().replace(day=1)}
