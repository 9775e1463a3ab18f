"""The canonical document contract in code: type names and a fast checker.

The JSON Schemas in ``docs/schemas/`` are the contract; :func:`validate_document` checks the same
rules by hand so the codecs need no jsonschema at run time (and run a thousand times faster). The
test suite checks both agree.
"""

from __future__ import annotations

import re
from typing import Any

PURCHASE_ORDER = "purchase_order"
ORDER_RESPONSE = "order_response"
DESPATCH_ADVICE = "despatch_advice"
DELIVERY_SCHEDULE = "delivery_schedule"
INVOICE = "invoice"
FUNCTIONAL_ACK = "functional_ack"
QUALITY_NOTICE = "quality_notice"
DOCUMENT_TYPES = (
    PURCHASE_ORDER,
    ORDER_RESPONSE,
    DESPATCH_ADVICE,
    DELIVERY_SCHEDULE,
    INVOICE,
    FUNCTIONAL_ACK,
    QUALITY_NOTICE,
)

PO_PURPOSES = ("original", "replace", "change", "cancel")
LINE_ACTIONS = ("add", "change", "cancel")
RESPONSE_STATUSES = ("accepted", "changed", "rejected")
COMMITMENTS = ("firm", "planned")
INVOICE_KINDS = ("invoice", "credit_note")
ACK_STATUSES = ("accepted", "rejected", "partially_accepted")
ACK_LEVELS = ("interchange", "group")
QUALITY_PURPOSES = ("original", "replace", "cancel")
SEVERITIES = ("minor", "major", "critical")

_DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\Z")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
_LINE_NO = re.compile(r"[0-9A-Za-z]{1,6}\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_TAG = re.compile(r"[A-Z0-9]{2,3}\Z")
_ELEMENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?\Z")


def _text(maxlen: int | None = 35, minlen: int = 1):
    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return "must be a string"
        if len(v) < minlen:
            return "must not be empty"
        if maxlen is not None and len(v) > maxlen:
            return f"longer than {maxlen} characters"
        return None

    return check


def _pattern(rx: re.Pattern[str], what: str):
    def check(v: Any) -> str | None:
        if not isinstance(v, str) or not rx.match(v):
            return f"must be {what}"
        return None

    return check


def _enum(values: tuple[str, ...]):
    def check(v: Any) -> str | None:
        return None if v in values else f"must be one of {', '.join(values)}"

    return check


def _party(v: Any) -> str | None:
    if not isinstance(v, dict):
        return "must be an object {id, name}"
    if "id" not in v and "name" not in v:
        return "needs id or name"
    for k, val in v.items():
        if k.startswith("x_"):
            continue
        check = _PARTY_FIELDS.get(k)
        if check is None:
            return f"unknown field {k!r}"
        err = check(val)
        if err:
            return f"{k} {err}"
    return None


def _int_nonneg(v: Any) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        return "must be a whole number, 0 or more"
    return None


def _int_pos(v: Any) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        return "must be a positive integer"
    return None


_DATE_CHECK = _pattern(_DATE, "a date YYYY-MM-DD")
_DEC_CHECK = _pattern(_DECIMAL, "a decimal string like 12.50")
_LINE_CHECK = _pattern(_LINE_NO, "a line number of 1-6 letters or digits")
_UNIT_CHECK = _text(3)
_PARTY_FIELDS = {"id": _text(35), "name": _text(70), "qualifier": _text(3)}

_HEADER = {
    "type": (True, _enum(DOCUMENT_TYPES)),
    "id": (True, _text(35)),
    "issued": (True, _DATE_CHECK),
    "sender": (True, _text(35)),
    "receiver": (True, _text(35)),
    "control_number": (True, _text(14)),
}
_PARTS = {
    "buyer_part": (False, _text(35)),
    "supplier_part": (False, _text(35)),
    "gtin": (False, _text(35)),
    "description": (False, _text(70)),
}

# field -> (required, check) ; nested lists are described by ("list", required, spec)
_SPECS: dict[str, dict[str, Any]] = {
    PURCHASE_ORDER: {
        **_HEADER,
        "purpose": (True, _enum(PO_PURPOSES)),
        "revision": (False, _int_nonneg),
        "currency": (False, _pattern(_CURRENCY, "an ISO 4217 code")),
        "buyer": (False, _party),
        "supplier": (False, _party),
        "ship_to": (False, _party),
        "delivery_date": (False, _DATE_CHECK),
        "lines": ("list", True, {
            "line": (True, _LINE_CHECK),
            **_PARTS,
            "quantity": (False, _DEC_CHECK),
            "unit": (False, _UNIT_CHECK),
            "price": (False, _DEC_CHECK),
            "delivery_date": (False, _DATE_CHECK),
            "action": (False, _enum(LINE_ACTIONS)),
        }),
    },
    ORDER_RESPONSE: {
        **_HEADER,
        "order": (True, _text(35)),
        "status": (True, _enum(RESPONSE_STATUSES)),
        "buyer": (False, _party),
        "supplier": (False, _party),
        "lines": ("list", True, {
            "line": (True, _LINE_CHECK),
            **_PARTS,
            "status": (True, _enum(RESPONSE_STATUSES)),
            "quantity": (False, _DEC_CHECK),
            "unit": (False, _UNIT_CHECK),
            "price": (False, _DEC_CHECK),
            "delivery_date": (False, _DATE_CHECK),
            "reason": (False, _text(200)),
        }),
    },
    DESPATCH_ADVICE: {
        **_HEADER,
        "shipped": (False, _DATE_CHECK),
        "expected_delivery": (False, _DATE_CHECK),
        "order": (False, _text(35)),
        "supplier": (False, _party),
        "buyer": (False, _party),
        "ship_to": (False, _party),
        "carrier": (False, _party),
        "tracking": (False, _text(35)),
        "lines": ("list", True, {
            "line": (True, _LINE_CHECK),
            **_PARTS,
            "quantity": (True, _DEC_CHECK),
            "unit": (False, _UNIT_CHECK),
            "order": (False, _text(35)),
            "order_line": (False, _text(6)),
            "lot": (False, _text(35)),
            "serials": ("strings", False, _text(35)),
        }),
        "packages": ("list", False, {
            "id": (True, _text(12)),
            "sscc": (False, _text(35)),
            "type": (False, _text(17)),
            "parent": (False, _text(12)),
            "lines": ("strings", False, _LINE_CHECK),
        }),
    },
    DELIVERY_SCHEDULE: {
        **_HEADER,
        "buyer": (False, _party),
        "supplier": (False, _party),
        "ship_to": (False, _party),
        "horizon_start": (False, _DATE_CHECK),
        "horizon_end": (False, _DATE_CHECK),
        "lines": ("list", True, {
            "line": (False, _LINE_CHECK),
            **_PARTS,
            "unit": (False, _UNIT_CHECK),
            "schedule": ("list", True, {
                "start": (True, _DATE_CHECK),
                "end": (True, _DATE_CHECK),
                "quantity": (True, _DEC_CHECK),
                "commitment": (True, _enum(COMMITMENTS)),
            }),
        }),
    },
    INVOICE: {
        **_HEADER,
        "kind": (True, _enum(INVOICE_KINDS)),
        "order": (False, _text(35)),
        "currency": (False, _pattern(_CURRENCY, "an ISO 4217 code")),
        "total": (True, _DEC_CHECK),
        "subtotal": (False, _DEC_CHECK),
        "tax": (False, _DEC_CHECK),
        "buyer": (False, _party),
        "supplier": (False, _party),
        "lines": ("list", True, {
            "line": (True, _LINE_CHECK),
            **_PARTS,
            "quantity": (False, _DEC_CHECK),
            "unit": (False, _UNIT_CHECK),
            "price": (False, _DEC_CHECK),
            "amount": (False, _DEC_CHECK),
            "order": (False, _text(35)),
        }),
    },
}
_SPECS[QUALITY_NOTICE] = {
    **_HEADER,
    "purpose": (True, _enum(QUALITY_PURPOSES)),
    "severity": (False, _enum(SEVERITIES)),
    "description": (False, _text(350)),
    "closed": (False, _DATE_CHECK),
    "order": (False, _text(35)),
    "despatch_advice": (False, _text(35)),
    "receipt": (False, _text(35)),
    "buyer": (False, _party),
    "supplier": (False, _party),
    "lines": ("list", True, {
        "line": (True, _LINE_CHECK),
        **_PARTS,
        "quantity": (False, _DEC_CHECK),
        "unit": (False, _UNIT_CHECK),
        "lot": (False, _text(35)),
        "defect_code": (False, _text(17)),
        "defect_description": (False, _text(35)),
    }),
}
_ERROR_SPEC = {
    "segment": (False, _pattern(_TAG, "a segment tag")),
    "position": (False, _int_pos),
    "element": (False, _pattern(_ELEMENT, "an element position like 3 or 3.1")),
    "code": (True, _text(3)),
    "message": (False, _text(None, 0)),
}
_SPECS[FUNCTIONAL_ACK] = {
    **_HEADER,
    "acknowledged": (True, _text(14)),
    "level": (True, _enum(ACK_LEVELS)),
    "group": (False, _text(14)),
    "functional_id": (False, _text(6)),
    "status": (True, _enum(ACK_STATUSES)),
    "errors": ("list", True, _ERROR_SPEC),
    "messages": ("list", True, {
        "ref": (True, _text(14)),
        "type": (True, _text(6)),
        "status": (True, _enum(("accepted", "rejected"))),
        "errors": ("list", True, _ERROR_SPEC),
    }),
}


def _check(obj: Any, spec: dict[str, Any], path: str, out: list[str]) -> None:
    if not isinstance(obj, dict):
        out.append(f"{path or 'document'}: must be an object")
        return
    for name, rule in spec.items():
        required = rule[1] if rule[0] in ("list", "strings") else rule[0]
        if name not in obj:
            if required:
                out.append(f"{path}{name}: missing")
            continue
        value = obj[name]
        if rule[0] == "list":
            if not isinstance(value, list):
                out.append(f"{path}{name}: must be a list")
                continue
            for i, item in enumerate(value):
                _check(item, rule[2], f"{path}{name}[{i}].", out)
        elif rule[0] == "strings":
            if not isinstance(value, list):
                out.append(f"{path}{name}: must be a list")
                continue
            for i, item in enumerate(value):
                err = rule[2](item)
                if err:
                    out.append(f"{path}{name}[{i}]: {err}")
        else:
            err = rule[1](value)
            if err:
                out.append(f"{path}{name}: {err}")
    for name in obj:
        if name not in spec and not (isinstance(name, str) and name.startswith("x_")):
            out.append(f"{path}{name}: unknown field")


def validate_document(doc: Any) -> list[str]:
    """Return every problem found in a canonical document; an empty list means it is valid.

    Checks the JSON Schema rules (types, required fields, formats, enums, unknown fields) and a
    few rules a schema cannot say: unique line numbers, package parents and lines that exist.
    """
    if not isinstance(doc, dict):
        return ["document: must be an object"]
    kind = doc.get("type")
    spec = _SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        return [f"type: must be one of {', '.join(DOCUMENT_TYPES)}"]
    problems: list[str] = []
    _check(doc, spec, "", problems)
    if problems:
        return problems
    lines = doc.get("lines") or []
    numbers = [line.get("line") for line in lines if "line" in line]
    if len(numbers) != len(set(numbers)):
        problems.append("lines: line numbers are not unique")
    if doc["type"] == DESPATCH_ADVICE:
        ids = [p["id"] for p in doc.get("packages", [])]
        if len(ids) != len(set(ids)):
            problems.append("packages: ids are not unique")
        known = set(numbers)
        parents = {p["id"]: p.get("parent") for p in doc.get("packages", [])}
        for i, p in enumerate(doc.get("packages", [])):
            hops, cur = 0, p.get("parent")
            while cur is not None and hops <= len(parents):
                cur, hops = parents.get(cur), hops + 1
            if hops > len(parents):
                problems.append(f"packages[{i}].parent: the package hierarchy has a cycle")
            if "parent" in p and p["parent"] not in ids:
                problems.append(f"packages[{i}].parent: no package {p['parent']!r}")
            for n in p.get("lines", []):
                if n not in known:
                    problems.append(f"packages[{i}].lines: no line {n!r}")
    if doc["type"] == QUALITY_NOTICE:
        for i, line in enumerate(lines):
            if "defect_description" in line and "defect_code" not in line:
                problems.append(f"lines[{i}]: defect_description needs defect_code")
    if doc["type"] == DELIVERY_SCHEDULE:
        for i, line in enumerate(lines):
            if not any(k in line for k in ("buyer_part", "supplier_part", "gtin")):
                problems.append(f"lines[{i}]: needs buyer_part, supplier_part or gtin")
            for j, period in enumerate(line["schedule"]):
                if period["end"] < period["start"]:
                    problems.append(f"lines[{i}].schedule[{j}]: end before start")
    return problems


def check_document(doc: Any) -> None:
    """Raise :class:`~edi.codecs.base.CanonicalError` listing the problems of an invalid document."""
    from edi.codecs.base import CanonicalError

    problems = validate_document(doc)
    if problems:
        kind = doc.get("type") if isinstance(doc, dict) else None
        raise CanonicalError(f"invalid {kind or 'canonical'} document: " + "; ".join(problems[:10]))
