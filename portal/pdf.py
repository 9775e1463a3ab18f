"""Shipping documents as PDF (reportlab): GS1-128 logistic labels and the packing list.

The label's barcode is GS1-128: Code 128 whose first data character is FNC1, followed by the
application identifier (00) and the 18-digit SSCC. reportlab's Code128 writes FNC1 for
``\\xf1`` and packs the digits in code set C; tests/portal/test_asn_documents.py reads the
barcode back from the rendered page with zxing-cpp and checks the GS1 symbology (]C1).

Captions are in English on purpose: the documents travel with the goods to the buyer's dock.
Data entered in Japanese or Chinese is drawn with the PDF standard CJK fonts (not embedded).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from suppliers.models import DespatchAdvice, DespatchAdviceLine, DespatchPackage

LABEL_SIZES = {"4x6": (4 * inch, 6 * inch), "a6": A6}
FNC1 = "\xf1"
_CJK_FONTS = {"ja": "HeiseiKakuGo-W5", "zh": "STSong-Light"}
_registered: set[str] = set()


def gs1_128_sscc_data(sscc: str) -> str:
    """What the barcode encodes: FNC1, AI 00, the SSCC."""
    if len(sscc) != 18 or not sscc.isdigit():
        raise ValueError(f"An SSCC has 18 digits: {sscc!r}")
    return f"{FNC1}00{sscc}"


def sscc_hri(sscc: str) -> str:
    """Human-readable interpretation under the bars: (00) extension, prefix+reference, check."""
    return f"(00) {sscc[0]} {sscc[1:17]} {sscc[17]}"


def _font(text: str, bold: bool = False) -> str:
    try:
        text.encode("latin-1")
        return "Helvetica-Bold" if bold else "Helvetica"
    except UnicodeEncodeError:
        pass
    kana = any("\u3040" <= ch <= "\u30ff" for ch in text)
    name = _CJK_FONTS["ja" if kana else "zh"]
    if name not in _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(name))
        _registered.add(name)
    return name


def _text(c: canvas.Canvas, x: float, y: float, text: str, size: float, bold: bool = False, max_width: float | None = None):
    font = _font(text, bold)
    if max_width is not None:
        while text and pdfmetrics.stringWidth(text, font, size) > max_width:
            text = text[:-1]
    c.setFont(font, size)
    c.drawString(x, y, text)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass
class _Content:
    po: str
    part: str
    supplier_part: str
    quantity: str
    lots: str


def _contents(lines: list[DespatchAdviceLine]) -> list[_Content]:
    out = []
    for line in lines:
        out.append(_Content(
            po=f"{line.order_line.order.number}/{line.order_line.line_no}", part=line.part.buyer_part_number,
            supplier_part=line.order_line.supplier_part_number, quantity=f"{_qty(line.quantity)} {line.unit}",
            lots=", ".join(lot.lot for lot in line.lots.all()),
        ))
    return out


def _draw_label(c: canvas.Canvas, advice: DespatchAdvice, package: DespatchPackage, lines: list[DespatchAdviceLine],
                children: list[DespatchPackage], index: int, total: int, size: tuple[float, float]) -> None:
    width, height = size
    m = 4 * mm
    inner = width - 2 * m
    y = height - m
    # FROM / TO
    c.setLineWidth(0.8)
    box_h = 30 * mm
    c.rect(m, y - box_h, inner, box_h)
    c.line(m + inner * 0.42, y - box_h, m + inner * 0.42, y)
    _text(c, m + 2 * mm, y - 4 * mm, "FROM", 6, bold=True)
    _text(c, m + 2 * mm, y - 9 * mm, advice.supplier.name, 8, bold=True, max_width=inner * 0.42 - 4 * mm)
    _text(c, m + 2 * mm, y - 13 * mm, advice.supplier.code, 8, max_width=inner * 0.42 - 4 * mm)
    tx = m + inner * 0.42 + 2 * mm
    tw = inner * 0.58 - 4 * mm
    _text(c, tx, y - 4 * mm, "SHIP TO", 6, bold=True)
    _text(c, tx, y - 9.5 * mm, advice.ship_to.name, 10, bold=True, max_width=tw)
    ty = y - 13.5 * mm
    for row in (advice.ship_to.address or "").splitlines()[:3]:
        _text(c, tx, ty, row.strip(), 7.5, max_width=tw)
        ty -= 3.5 * mm
    if advice.ship_to.gln:
        _text(c, tx, y - box_h + 2.5 * mm, f"GLN {advice.ship_to.gln}", 7, max_width=tw)
    else:
        _text(c, tx, y - box_h + 2.5 * mm, f"Plant {advice.ship_to.code}", 7, max_width=tw)
    y -= box_h
    # Shipment facts
    facts_h = 16 * mm
    c.rect(m, y - facts_h, inner, facts_h)
    _text(c, m + 2 * mm, y - 4 * mm, "ASN", 6, bold=True)
    _text(c, m + 2 * mm, y - 8.5 * mm, advice.number, 9, bold=True, max_width=inner / 2 - 4 * mm)
    _text(c, m + 2 * mm, y - 13 * mm, f"Ship date {advice.ship_date:%Y-%m-%d}", 7)
    _text(c, m + inner / 2, y - 4 * mm, "CARRIER / TRACKING", 6, bold=True)
    _text(c, m + inner / 2, y - 8.5 * mm, advice.carrier or "-", 8, max_width=inner / 2 - 2 * mm)
    _text(c, m + inner / 2, y - 13 * mm, advice.tracking_number or "-", 8, max_width=inner / 2 - 2 * mm)
    y -= facts_h
    # Contents
    contents = _contents(lines)
    box_h = height - (m + 30 * mm + facts_h) - 58 * mm
    c.rect(m, y - box_h, inner, box_h)
    kind = package.get_package_type_display().upper()
    _text(c, m + 2 * mm, y - 4 * mm, f"CONTENT · {kind} {index} OF {total}", 6, bold=True)
    cy = y - 9.5 * mm
    if len(contents) == 1 and not children:
        item = contents[0]
        for caption, value, big in (("PO", item.po, True), ("PART", item.part, True),
                                    ("SUPPLIER PART", item.supplier_part or "-", False),
                                    ("QTY", item.quantity, True), ("LOT", item.lots or "-", True)):
            _text(c, m + 2 * mm, cy, caption, 6.5, bold=True)
            _text(c, m + 24 * mm, cy, value, 10 if big else 8, bold=big, max_width=inner - 26 * mm)
            cy -= 5.2 * mm
    else:
        if children:
            n = len(children)
            _text(c, m + 2 * mm, cy, f"{n} package{'s' if n != 1 else ''} on this pallet", 8, bold=True)
            cy -= 4.5 * mm
        for item in contents[:6]:
            _text(c, m + 2 * mm, cy, f"{item.po}  {item.part}  {item.quantity}  LOT {item.lots or '-'}", 7.5,
                  max_width=inner - 4 * mm)
            cy -= 4 * mm
        if len(contents) > 6:
            _text(c, m + 2 * mm, cy, f"... and {len(contents) - 6} more lines (see the packing list)", 7)
        if not contents and not children:
            _text(c, m + 2 * mm, cy, "(empty)", 8)
    y -= box_h
    # SSCC barcode
    _text(c, m + 2 * mm, y - 4 * mm, "SSCC", 7, bold=True)
    hri = sscc_hri(package.sscc)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(width / 2, y - 9 * mm, hri)
    bar_width = 0.5 * mm
    barcode = Code128(gs1_128_sscc_data(package.sscc), barWidth=bar_width, barHeight=32 * mm, quiet=1,
                      lquiet=10 * bar_width, rquiet=10 * bar_width)
    bx = (width - barcode.width) / 2
    barcode.drawOn(c, bx, m + 8 * mm)
    c.setFont("Helvetica", 9)
    c.drawCentredString(width / 2, m + 3 * mm, hri)


def _in_english(fn: Callable[..., bytes]) -> Callable[..., bytes]:
    """Captions stay English whatever the page language (package types are translated model choices)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> bytes:
        with translation.override("en"):  # a fresh override per call: the object keeps the previous language
            return fn(*args, **kwargs)
    return wrapper


@_in_english
def shipping_labels_pdf(advice: DespatchAdvice, *, size: str = "4x6") -> bytes:
    """One label per package (pallets first, then cartons), in the order they were created."""
    page = LABEL_SIZES.get(size, LABEL_SIZES["4x6"])
    packages = list(advice.packages.all())
    lines = list(advice.lines.all())
    by_package: dict[int, list[DespatchAdviceLine]] = {}
    for line in lines:
        if line.package_id:
            by_package.setdefault(line.package_id, []).append(line)
    children: dict[int, list[DespatchPackage]] = {}
    for p in packages:
        if p.parent_id:
            children.setdefault(p.parent_id, []).append(p)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=page, pageCompression=1)
    c.setTitle(f"Shipping labels {advice.number}")
    c.setAuthor(advice.supplier.name)
    for n, package in enumerate(packages, start=1):
        content = list(by_package.get(package.pk, []))
        for child in children.get(package.pk, []):
            content.extend(by_package.get(child.pk, []))
        _draw_label(c, advice, package, content, children.get(package.pk, []), n, len(packages), page)
        c.showPage()
    if not packages:
        c.setFont("Helvetica", 10)
        c.drawString(10 * mm, page[1] / 2, f"ASN {advice.number} has no packages: no labels to print.")
        c.showPage()
    c.save()
    return buf.getvalue()


@_in_english
def packing_list_pdf(advice: DespatchAdvice) -> bytes:
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10)

    def para(text: str, style=small) -> Paragraph:
        font = _font(text)
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), ParagraphStyle(
            f"p-{font}-{style.name}", parent=style, fontName=font))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Packing list {advice.number}", author=advice.supplier.name)
    story = [Paragraph(f"Packing list · ASN {advice.number}", styles["Title"])]
    ship_to = advice.ship_to
    header = [
        [para("Supplier"), para(f"{advice.supplier.name} ({advice.supplier.code})"),
         para("Ship to"), para(f"{ship_to.name} ({ship_to.code})" + (f" · GLN {ship_to.gln}" if ship_to.gln else ""))],
        [para("Ship date"), para(f"{advice.ship_date:%Y-%m-%d}"), para("Expected delivery"),
         para(f"{advice.expected_delivery:%Y-%m-%d}" if advice.expected_delivery else "-")],
        [para("Carrier"), para(advice.carrier or "-"), para("Tracking"), para(advice.tracking_number or "-")],
    ]
    if ship_to.address:
        header.append([para("Address"), para(" · ".join(ship_to.address.splitlines())), "", ""])
    table = Table(header, colWidths=[25 * mm, 65 * mm, 30 * mm, 60 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                               ("BACKGROUND", (2, 0), (2, -1), colors.whitesmoke)]))
    story += [table, Spacer(1, 6 * mm)]
    rows = [[para(h) for h in ("#", "PO / line", "Part / supplier part", "Description", "Qty", "Lots", "Serials",
                               "Package (SSCC)")]]
    total_by_unit: dict[str, Decimal] = {}
    for line in advice.lines.all():
        lots = "<br/>".join(f"{lot.lot}: {_qty(lot.quantity)}" for lot in line.lots.all()) or "-"
        serials = [s.serial for s in line.serials.all()]
        serial_text = (", ".join(serials[:6]) + (f" (+{len(serials) - 6})" if len(serials) > 6 else "")) or "-"
        pkg = line.package
        pkg_text = f"{pkg.get_package_type_display()}<br/>{pkg.sscc}" if pkg else "-"
        if pkg and pkg.parent_id:
            pkg_text += f"<br/>on pallet<br/>{pkg.parent.sscc}"
        part = line.part.buyer_part_number + (f" / {line.order_line.supplier_part_number}"
                                              if line.order_line.supplier_part_number else "")
        rows.append([para(str(line.line_no)), para(f"{line.order_line.order.number}/{line.order_line.line_no}"),
                     para(part), para(line.part.description), para(f"{_qty(line.quantity)} {line.unit}"),
                     Paragraph(lots, small), para(serial_text), Paragraph(pkg_text, small)])
        total_by_unit[line.unit] = total_by_unit.get(line.unit, Decimal(0)) + line.quantity
    lines_table = Table(rows, repeatRows=1, colWidths=[7 * mm, 22 * mm, 28 * mm, 30 * mm, 16 * mm, 22 * mm,
                                                       22 * mm, 33 * mm])
    lines_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                     ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                     ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [lines_table, Spacer(1, 4 * mm)]
    packages = list(advice.packages.all())
    pallets = sum(1 for p in packages if p.package_type == DespatchPackage.Type.PALLET)
    totals = ", ".join(f"{_qty(q)} {u}" for u, q in total_by_unit.items())
    others = len(packages) - pallets
    story.append(para(f"Total: {totals} · packages: {len(packages)} (pallets: {pallets}, cartons and others: {others})",
                      styles["Normal"]))
    doc.build(story)
    return buf.getvalue()
