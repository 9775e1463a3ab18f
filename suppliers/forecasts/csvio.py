"""CSV in and out: the buyer's forecast upload, the supplier's commitment sheet and its upload.

Uploads are read as UTF-8 (with or without BOM) or, failing that, as Shift_JIS (cp932), which is
what spreadsheet programs in Japan save; the delimiter may be comma, semicolon or tab. Problems
are reported per row number as the spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000

COMMIT_HEADER = ["version", "buyer_part", "supplier_part", "description", "start", "end", "zone", "forecast",
                 "previous", "commit", "reason_code", "comment"]
PUBLISH_HEADER = ["buyer_part", "start", "end", "quantity"]


class CsvError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:20]))
        self.errors = errors


def _text(upload: IO[bytes] | bytes) -> str:
    data = upload if isinstance(upload, bytes) else upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise CsvError([_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}])
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError([_("The file is neither UTF-8 nor Shift_JIS text.")])


def rows(upload: IO[bytes] | bytes, *, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) for each non-empty row; column names are lower-cased."""
    text = _text(upload)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
    except StopIteration:
        raise CsvError([_("The file is empty.")]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvError([_("Row 1: missing column(s) %(cols)s.") % {"cols": ", ".join(missing)}])
    for n, values in enumerate(reader, start=2):
        if n > MAX_ROWS + 1:
            raise CsvError([_("The file has more than %(n)d rows.") % {"n": MAX_ROWS}])
        if not any(v.strip() for v in values):
            continue
        yield n, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}


def parse_decimal(value: str) -> Decimal:
    # Spreadsheets may write 1,200 or 1 200; a decimal comma is not accepted (ambiguous).
    cleaned = value.replace(",", "").replace("\u00a0", "").replace(" ", "")
    number = Decimal(cleaned)
    if not number.is_finite():
        raise InvalidOperation
    return number


def parse_date(value: str) -> date:
    return date.fromisoformat(value.replace("/", "-"))


# --- buyer: publish ----------------------------------------------------------------------------

def publish_lines(upload: IO[bytes] | bytes) -> list[dict[str, Any]]:
    """Canonical ``delivery_schedule`` lines from rows ``buyer_part,start,end,quantity``
    (``end`` may be empty for a single day; several rows per part)."""
    by_part: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for n, row in rows(upload, required=("buyer_part", "start", "quantity")):
        part = row.get("buyer_part", "")
        if not part:
            errors.append(_("Row %(n)d: buyer_part is empty.") % {"n": n})
            continue
        try:
            start = parse_date(row["start"])
            end = parse_date(row["end"]) if row.get("end") else start
        except ValueError:
            errors.append(_("Row %(n)d: dates must be YYYY-MM-DD.") % {"n": n})
            continue
        try:
            quantity = parse_decimal(row["quantity"])
        except (InvalidOperation, ValueError):
            errors.append(_("Row %(n)d: quantity %(q)r is not a number.") % {"n": n, "q": row["quantity"]})
            continue
        line = by_part.setdefault(part, {"buyer_part": part, "schedule": []})
        line["schedule"].append({"start": start, "end": end, "quantity": quantity})
    if errors:
        raise CsvError(errors)
    if not by_part:
        raise CsvError([_("The file has no forecast rows.")])
    return list(by_part.values())


# --- supplier: commitments -------------------------------------------------------------------

@dataclass
class CommitRow:
    row: int
    bucket_id: int
    quantity: Decimal
    reason: str
    comment: str


def commit_rows(upload: IO[bytes] | bytes, *, version, buckets) -> list[CommitRow]:
    """Commitments from the commitment sheet. Rows with an empty ``commit`` are left alone.

    ``buckets`` are the version's buckets (with ``line.part`` loaded); every row must name one of
    them by part and start date. Raises :class:`CsvError` with every problem, by row.
    """
    index = {}
    for b in buckets:
        index[(b.line.part.buyer_part_number, b.start)] = b
        if b.line.supplier_part_number:
            index[(("sp", b.line.supplier_part_number), b.start)] = b
    out: list[CommitRow] = []
    errors: list[str] = []
    seen: dict[int, int] = {}
    for n, row in rows(upload, required=("start", "commit")):
        if not row.get("commit"):
            continue
        if row.get("version") and row["version"] != str(version.number):
            errors.append(_("Row %(n)d: this row is for forecast version %(v)s; the current version is %(c)d. "
                            "Download the current sheet.") % {"n": n, "v": row["version"], "c": version.number})
            continue
        try:
            start = parse_date(row["start"])
        except ValueError:
            errors.append(_("Row %(n)d: start must be a date YYYY-MM-DD.") % {"n": n})
            continue
        if row.get("buyer_part"):
            bucket = index.get((row["buyer_part"], start))
            part = row["buyer_part"]
        elif row.get("supplier_part"):
            bucket = index.get((("sp", row["supplier_part"]), start))
            part = row["supplier_part"]
        else:
            errors.append(_("Row %(n)d: needs buyer_part or supplier_part.") % {"n": n})
            continue
        if bucket is None:
            errors.append(_("Row %(n)d: no bucket of part %(p)s starts on %(d)s in version %(v)d.")
                          % {"n": n, "p": part, "d": start.isoformat(), "v": version.number})
            continue
        try:
            quantity = parse_decimal(row["commit"])
        except (InvalidOperation, ValueError):
            errors.append(_("Row %(n)d: commit %(q)r is not a number.") % {"n": n, "q": row["commit"]})
            continue
        if quantity < 0:
            errors.append(_("Row %(n)d: commit cannot be negative.") % {"n": n})
            continue
        if bucket.pk in seen:
            errors.append(_("Row %(n)d: the same bucket is already on row %(m)d.") % {"n": n, "m": seen[bucket.pk]})
            continue
        seen[bucket.pk] = n
        out.append(CommitRow(n, bucket.pk, quantity, row.get("reason_code", ""), _unsafe(row.get("comment", ""))))
    if errors:
        raise CsvError(errors)
    if not out:
        raise CsvError([_("No row has a commit quantity.")])
    return out


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Free text for a spreadsheet: a leading = + - @ would make it a formula (CSV injection), so
    it gets a quote, which :func:`_unsafe` removes again on upload."""
    return "'" + text if text.startswith(_FORMULA) else text


def _unsafe(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA) else text


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def commit_sheet_rows(version, lines) -> Iterator[list[str]]:
    """The commitment sheet: one row per bucket, ready to fill in and upload again."""
    yield COMMIT_HEADER
    for line in lines:
        for b in line.buckets.all():
            yield [str(version.number), line.part.buyer_part_number, line.supplier_part_number,
                   _safe(line.part.description), b.start.isoformat(), b.end.isoformat(), b.zone, _plain(b.quantity),
                   _plain(b.previous_quantity), _plain(b.committed_quantity), b.reason.code if b.reason_id else "",
                   _safe(b.comment)]
