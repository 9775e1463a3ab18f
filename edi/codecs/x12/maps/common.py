"""Helpers shared by the set mappings: element access, numbers, dates, parties, product ids."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from edi.codecs.base import CanonicalError, Envelope
from edi.codecs.x12.machine import iso_date

Segment = list[str]


@dataclass(slots=True)
class Context:
    """What a mapping needs to know besides the segments of its set."""

    envelope: Envelope
    set_id: str
    control: str  # ST02
    version: str  # GS08
    cs: str  # component separator
    group_date: str  # GS04 as YYYY-MM-DD
    group_control: str  # GS06


class MapError(Exception):
    """A set that passed syntax validation but cannot be mapped (a business rule)."""

    def __init__(self, message: str, code: str = "5", segment: str | None = None,
                 position: int | None = None):
        super().__init__(message)
        self.code, self.segment, self.position = code, segment, position


def g(el: Segment, i: int) -> str:
    """Element ``i`` of a segment, trimmed, or ``""`` when absent."""
    return el[i].strip() if len(el) > i else ""


def first_component(value: str, cs: str) -> str:
    return value.split(cs, 1)[0].strip()


def dec(x: str) -> str:
    """An X12 ``R`` value as a canonical decimal string (digits kept as sent)."""
    x = x.strip().lstrip("+")
    neg = x.startswith("-")
    if neg:
        x = x[1:]
    if x.endswith("."):
        x = x[:-1]
    if x.startswith("."):
        x = "0" + x
    return ("-" + x) if neg and x else x


def n2(x: str) -> str:
    """An ``N2`` value (two implied decimals) as an explicit decimal string."""
    x = x.strip()
    neg = x.startswith("-")
    digits = (x[1:] if neg else x).rjust(3, "0")
    return f"{'-' if neg else ''}{int(digits[:-2])}.{digits[-2:]}"


def to_n2(value: str, what: str) -> str:
    """A canonical decimal as an ``N2`` value; refuses values with more than two decimals."""
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise CanonicalError(f"{what}: {value!r} is not a decimal") from None
    cents = d * 100
    if cents != cents.to_integral_value():
        raise CanonicalError(f"{what}: {value!r} has more than two decimals (X12 N2)")
    return str(int(cents))


def date(x: str) -> str:
    return iso_date(x)


def x12_date(iso: str) -> str:
    return iso.replace("-", "")


def header(ctx: Context, kind: str) -> dict[str, Any]:
    env = ctx.envelope
    return {"type": kind, "id": "", "issued": "", "sender": env.sender,
            "receiver": env.receiver, "control_number": env.control_number}


def read_party(el: Segment) -> dict[str, str] | None:
    """N1: name N102, id N104, qualifier N103 (``ZZ``, mutually defined, is no qualifier)."""
    name, qual, ident = g(el, 2), g(el, 3), g(el, 4)
    party: dict[str, str] = {}
    if ident:
        party["id"] = ident
        if qual and qual != "ZZ":
            party["qualifier"] = qual
    if name:
        party["name"] = name
    return party or None


def write_party(code: str, party: dict[str, str]) -> Segment:
    ident = party.get("id", "")
    qual = party.get("qualifier") or ("ZZ" if ident else "")
    return ["N1", code, party.get("name", ""), qual, ident]


class Parties:
    """Collects N1 parties by role, keeping the best-ranked code for each role."""

    def __init__(self, roles: dict[str, tuple[str, int]]):
        self.roles = roles
        self.rank: dict[str, int] = {}

    def take(self, doc: dict[str, Any], el: Segment) -> None:
        role = self.roles.get(g(el, 1))
        if role is None:
            return
        key, rank = role
        if key in self.rank and self.rank[key] <= rank:
            return
        party = read_party(el)
        if party:
            doc[key] = party
            self.rank[key] = rank


# Product id qualifiers (235) read into canonical fields, best first.
_PART_QUALS = {
    "buyer_part": ("BP", "IN", "PI", "CB"),
    "supplier_part": ("VP", "VN", "VC"),
    "gtin": ("EN", "UK", "UP", "UA"),
}
_QUAL_FIELD = {q: (f, i) for f, quals in _PART_QUALS.items() for i, q in enumerate(quals)}


def read_products(el: Segment, start: int, line: dict[str, Any],
                  extra: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Read 235/234 pairs from element ``start`` into ``line``; returns other qualifiers seen."""
    best: dict[str, int] = {}
    others: dict[str, list[str]] = {}
    for i in range(start, len(el) - 1, 2):
        qual, value = el[i].strip(), el[i + 1].strip()
        if not qual or not value:
            continue
        hit = _QUAL_FIELD.get(qual)
        if hit is not None:
            field, rank = hit
            if field not in best or rank < best[field]:
                line[field] = value
                best[field] = rank
        else:
            others.setdefault(qual, []).append(value)
    return others


def write_products(line: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if line.get("buyer_part"):
        out += ["BP", line["buyer_part"]]
    if line.get("supplier_part"):
        out += ["VP", line["supplier_part"]]
    gtin = line.get("gtin")
    if gtin:
        out += [{12: "UP", 14: "UK"}.get(len(gtin), "EN"), gtin]
    return out


def line_no(value: str, index: int) -> str:
    """The line number as sent, or the 1-based position when the partner sent none."""
    return value or str(index)
